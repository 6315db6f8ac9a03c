// vkCreateInstance and friends. The instance owns the physical devices it found.
#include "entrypoints.h"
#include "instance.h"
#include "physical_device_enum.h"

#include "mica/device/screen.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace mica::vk {

// The highest API version this driver implements.
constexpr uint32_t kDriverApiVersion = VK_MAKE_API_VERSION(0, 1, 3, VK_HEADER_VERSION);

PhysicalDevice::PhysicalDevice(Instance& instance, std::shared_ptr<device::Screen> screen)
    : instance_(instance), screen_(std::move(screen)), info_(screen_->info()) {}

PhysicalDevice::~PhysicalDevice() = default;

Instance::~Instance() = default;

const std::vector<std::unique_ptr<PhysicalDevice>>& Instance::physical_devices() {
  if (!enumerated_) {
    // Set after success: an allocation failure (std::bad_alloc) lets a later call try again.
    physical_devices_ = enumerate_physical_devices(*this);
    enumerated_ = true;
  }
  return physical_devices_;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceVersion(uint32_t* pApiVersion) {
  *pApiVersion = kDriverApiVersion;
  return VK_SUCCESS;
}

namespace {

// Instance extensions: the 1.1-promoted query extension, whose KHR entry points are aliases of
// the core functions (entrypoints.txt; tools such as vulkaninfo need it to chain the Vulkan
// 1.1/1.2/1.3 property and feature structures), and the two ways the driver reports errors with
// their reason (debug_messenger.cpp).
const std::array<VkExtensionProperties, 3> kInstanceExtensions = {{
    {VK_KHR_GET_PHYSICAL_DEVICE_PROPERTIES_2_EXTENSION_NAME, VK_KHR_GET_PHYSICAL_DEVICE_PROPERTIES_2_SPEC_VERSION},
    {VK_EXT_DEBUG_UTILS_EXTENSION_NAME, VK_EXT_DEBUG_UTILS_SPEC_VERSION},
    {VK_EXT_DEBUG_REPORT_EXTENSION_NAME, VK_EXT_DEBUG_REPORT_SPEC_VERSION},
}};

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceExtensionProperties(const char* pLayerName, uint32_t* pPropertyCount,
                                                                    VkExtensionProperties* pProperties) {
  if (pLayerName) return VK_ERROR_LAYER_NOT_PRESENT;
  return enumerate(pPropertyCount, pProperties, kInstanceExtensions);
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceLayerProperties(uint32_t* pPropertyCount, VkLayerProperties* pProperties) {
  return enumerate(pPropertyCount, pProperties, std::array<VkLayerProperties, 0>{});
}

VKAPI_ATTR VkResult VKAPI_CALL CreateInstance(const VkInstanceCreateInfo* pCreateInfo,
                                              const VkAllocationCallbacks* pAllocator, VkInstance* pInstance) {
  return guarded([&] {
    // The loader filters out the extensions it implements itself before calling the driver.
    for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; ++i) {
      bool known = false;
      for (const auto& e : kInstanceExtensions)
        known |= std::strcmp(e.extensionName, pCreateInfo->ppEnabledExtensionNames[i]) == 0;
      if (!known) return VK_ERROR_EXTENSION_NOT_PRESENT;
    }
    uint32_t requested = VK_API_VERSION_1_0;
    if (pCreateInfo->pApplicationInfo && pCreateInfo->pApplicationInfo->apiVersion)
      requested = pCreateInfo->pApplicationInfo->apiVersion;
    auto instance = host_make<Instance>(host_allocation(pAllocator, nullptr, VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE),
                                        requested, pAllocator);
    for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; ++i)
      instance->enable_extension(pCreateInfo->ppEnabledExtensionNames[i]);
    *pInstance = instance.release()->handle();
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyInstance(VkInstance instance, const VkAllocationCallbacks*) {
  std::unique_ptr<Instance> owned(Instance::from(instance));
}

VKAPI_ATTR VkResult VKAPI_CALL EnumeratePhysicalDevices(VkInstance instance, uint32_t* pPhysicalDeviceCount,
                                                        VkPhysicalDevice* pPhysicalDevices) {
  return guarded([&] {
    std::vector<VkPhysicalDevice> handles;
    for (auto& pd : Instance::from(instance)->physical_devices()) handles.push_back(pd->handle());
    return enumerate(pPhysicalDeviceCount, pPhysicalDevices, handles);
  });
}

VKAPI_ATTR VkResult VKAPI_CALL EnumeratePhysicalDeviceGroups(VkInstance instance, uint32_t* pCount,
                                                             VkPhysicalDeviceGroupProperties* pGroups) {
  return guarded([&] {
    // Each Mica device is its own group of one.
    std::vector<VkPhysicalDeviceGroupProperties> groups;
    for (auto& pd : Instance::from(instance)->physical_devices()) {
      VkPhysicalDeviceGroupProperties g{};
      g.physicalDeviceCount = 1;
      g.physicalDevices[0] = pd->handle();
      g.subsetAllocation = VK_FALSE;
      groups.push_back(g);
    }
    if (!pGroups) {
      *pCount = uint32_t(groups.size());
      return VK_SUCCESS;
    }
    uint32_t n = std::min<uint32_t>(*pCount, uint32_t(groups.size()));
    for (uint32_t i = 0; i < n; ++i) {
      // Keep the caller's sType/pNext.
      pGroups[i].physicalDeviceCount = groups[i].physicalDeviceCount;
      std::copy(std::begin(groups[i].physicalDevices), std::end(groups[i].physicalDevices),
                std::begin(pGroups[i].physicalDevices));
      pGroups[i].subsetAllocation = groups[i].subsetAllocation;
    }
    *pCount = n;
    return n < groups.size() ? VK_INCOMPLETE : VK_SUCCESS;
  });
}

}  // namespace mica::vk
