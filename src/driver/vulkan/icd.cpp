// The loader-facing surface of the driver: the three vk_icd* exports and the GetProcAddr functions.
#include "entrypoint_table.h"
#include "entrypoints.h"
#include "device.h"
#include "instance.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {

// The loader interface version we speak: 5 adds the application API version handling, 7 lets the
// vk_icd* functions be looked up through vk_icdGetInstanceProcAddr. We need nothing from 6 (Windows).
constexpr uint32_t kLoaderInterfaceVersion = 7;

const EntryPoint* find_entry_point(const char* name) {
  if (!name) return nullptr;
  for (size_t i = 0; i < kEntryPointCount; ++i)
    if (std::strcmp(kEntryPoints[i].name, name) == 0) return &kEntryPoints[i];
  return nullptr;
}

PFN_vkVoidFunction physical_device_proc_addr(const char* name) {
  const EntryPoint* e = find_entry_point(name);
  return e && e->level == EntryLevel::physical ? e->function : nullptr;
}

namespace {

// The highest core version this driver implements (physical_device.cpp reports it as apiVersion).
constexpr uint32_t kDriverCoreVersion = VK_API_VERSION_1_3;

// Major and minor only: an application asking for 1.3.250 gets the 1.3 commands.
uint32_t core_of(uint32_t version) { return VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version), 0); }

// Whether a command exists for this instance, as vkGetInstanceProcAddr's table in the spec says:
// core commands of the application's apiVersion (of any level: device-level ones are then called on
// the instance's children), instance-extension commands of enabled extensions, and device-extension
// commands of any extension the driver provides (which device enables it is not known yet).
bool enabled_for_instance(const EntryPoint& e, const Instance& instance) {
  if (!e.extension) return e.core_version <= core_of(instance.api_version());
  return e.instance_extension ? instance.extension_enabled(e.extension) : true;
}

// vkGetDeviceProcAddr: device-level commands only; core ones up to the device's version (the lower of
// the application's apiVersion and the driver's), extension ones only if the device (or, for the
// device-level commands of an instance extension such as VK_EXT_debug_utils, the instance) enabled it.
bool enabled_for_device(const EntryPoint& e, const Device& device) {
  if (e.level != EntryLevel::device) return false;
  const Instance& instance = device.physical().instance();
  if (!e.extension) return e.core_version <= std::min(core_of(instance.api_version()), kDriverCoreVersion);
  return e.instance_extension ? instance.extension_enabled(e.extension) : device.extension_enabled(e.extension);
}

}  // namespace

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char* pName) {
  const EntryPoint* e = find_entry_point(pName);
  if (!e) return nullptr;
  // The global commands and vkGetInstanceProcAddr itself are available with or without an instance.
  if (e->level == EntryLevel::global || std::strcmp(pName, "vkGetInstanceProcAddr") == 0) return e->function;
  if (!instance) return nullptr;
  return enabled_for_instance(*e, *Instance::from(instance)) ? e->function : nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char* pName) {
  const EntryPoint* e = find_entry_point(pName);
  if (!device || !e) return nullptr;
  return enabled_for_device(*e, *Device::from(device)) ? e->function : nullptr;
}

}  // namespace mica::vk

extern "C" {

__attribute__((visibility("default"))) VKAPI_ATTR VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t* pSupportedVersion) {
  if (*pSupportedVersion > mica::vk::kLoaderInterfaceVersion)
    *pSupportedVersion = mica::vk::kLoaderInterfaceVersion;
  // Versions below 2 predate negotiation; we rely on the loader calling us through GetProcAddr.
  return *pSupportedVersion < 2 ? VK_ERROR_INCOMPATIBLE_DRIVER : VK_SUCCESS;
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance, const char* pName) {
  return mica::vk::physical_device_proc_addr(pName);
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char* pName) {
  if (pName && std::strcmp(pName, "vk_icdNegotiateLoaderICDInterfaceVersion") == 0)
    return reinterpret_cast<PFN_vkVoidFunction>(&vk_icdNegotiateLoaderICDInterfaceVersion);
  if (pName && std::strcmp(pName, "vk_icdGetPhysicalDeviceProcAddr") == 0)
    return reinterpret_cast<PFN_vkVoidFunction>(&vk_icdGetPhysicalDeviceProcAddr);
  return mica::vk::GetInstanceProcAddr(instance, pName);
}

}  // extern "C"
