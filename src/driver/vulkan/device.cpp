// vkCreateDevice / queues / device-level misc (private data, wait idle).
#include "debug.h"
#include "device.h"
#include "device_limits.h"
#include "entrypoints.h"
#include "gpu_memory.h"
#include "physical_device.h"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <vector>

extern "C" {
#include "mica_hw.h"
}
#include <cstring>

namespace mica::vk {
namespace {

// Feature structures an application may chain into VkDeviceCreateInfo, with the end of their
// VkBool32 members (not sizeof: trailing padding is not a feature and may hold anything, e.g.
// in the copies layers make).
struct FeatureStruct {
  VkStructureType type;
  size_t size;
};
#define FEATURES(T, last_bool) (offsetof(T, last_bool) + sizeof(VkBool32))
constexpr FeatureStruct kFeatureStructs[] = {
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, FEATURES(VkPhysicalDeviceVulkan11Features, shaderDrawParameters)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, FEATURES(VkPhysicalDeviceVulkan12Features, subgroupBroadcastDynamicId)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES, FEATURES(VkPhysicalDeviceVulkan13Features, maintenance4)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES, FEATURES(VkPhysicalDevice16BitStorageFeatures, storageInputOutput16)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VARIABLE_POINTERS_FEATURES, FEATURES(VkPhysicalDeviceVariablePointersFeatures, variablePointers)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_FEATURES, FEATURES(VkPhysicalDeviceMultiviewFeatures, multiviewTessellationShader)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_FEATURES, FEATURES(VkPhysicalDeviceProtectedMemoryFeatures, protectedMemory)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_YCBCR_CONVERSION_FEATURES,
     FEATURES(VkPhysicalDeviceSamplerYcbcrConversionFeatures, samplerYcbcrConversion)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DRAW_PARAMETERS_FEATURES,
     FEATURES(VkPhysicalDeviceShaderDrawParametersFeatures, shaderDrawParameters)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES, FEATURES(VkPhysicalDeviceTimelineSemaphoreFeatures, timelineSemaphore)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_QUERY_RESET_FEATURES, FEATURES(VkPhysicalDeviceHostQueryResetFeatures, hostQueryReset)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES,
     FEATURES(VkPhysicalDeviceBufferDeviceAddressFeatures, bufferDeviceAddressMultiDevice)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES,
     FEATURES(VkPhysicalDeviceVulkanMemoryModelFeatures, vulkanMemoryModelAvailabilityVisibilityChains)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES, FEATURES(VkPhysicalDevice8BitStorageFeatures, storagePushConstant8)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES, FEATURES(VkPhysicalDeviceShaderAtomicInt64Features, shaderSharedInt64Atomics)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES, FEATURES(VkPhysicalDeviceShaderFloat16Int8Features, shaderInt8)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SCALAR_BLOCK_LAYOUT_FEATURES, FEATURES(VkPhysicalDeviceScalarBlockLayoutFeatures, scalarBlockLayout)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_UNIFORM_BUFFER_STANDARD_LAYOUT_FEATURES,
     FEATURES(VkPhysicalDeviceUniformBufferStandardLayoutFeatures, uniformBufferStandardLayout)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES, FEATURES(VkPhysicalDeviceSynchronization2Features, synchronization2)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_FEATURES, FEATURES(VkPhysicalDeviceMaintenance4Features, maintenance4)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRIVATE_DATA_FEATURES, FEATURES(VkPhysicalDevicePrivateDataFeatures, privateData)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_CREATION_CACHE_CONTROL_FEATURES,
     FEATURES(VkPhysicalDevicePipelineCreationCacheControlFeatures, pipelineCreationCacheControl)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES,
     FEATURES(VkPhysicalDeviceSubgroupSizeControlFeatures, computeFullSubgroups)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES,
     FEATURES(VkPhysicalDeviceShaderIntegerDotProductFeatures, shaderIntegerDotProduct)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ZERO_INITIALIZE_WORKGROUP_MEMORY_FEATURES,
     FEATURES(VkPhysicalDeviceZeroInitializeWorkgroupMemoryFeatures, shaderZeroInitializeWorkgroupMemory)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_FEATURES,
     FEATURES(VkPhysicalDeviceDescriptorIndexingFeatures, runtimeDescriptorArray)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGELESS_FRAMEBUFFER_FEATURES,
     FEATURES(VkPhysicalDeviceImagelessFramebufferFeatures, imagelessFramebuffer)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SEPARATE_DEPTH_STENCIL_LAYOUTS_FEATURES,
     FEATURES(VkPhysicalDeviceSeparateDepthStencilLayoutsFeatures, separateDepthStencilLayouts)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SUBGROUP_EXTENDED_TYPES_FEATURES,
     FEATURES(VkPhysicalDeviceShaderSubgroupExtendedTypesFeatures, shaderSubgroupExtendedTypes)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DYNAMIC_RENDERING_FEATURES, FEATURES(VkPhysicalDeviceDynamicRenderingFeatures, dynamicRendering)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_FEATURES,
     FEATURES(VkPhysicalDeviceInlineUniformBlockFeatures, descriptorBindingInlineUniformBlockUpdateAfterBind)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_ROBUSTNESS_FEATURES, FEATURES(VkPhysicalDeviceImageRobustnessFeatures, robustImageAccess)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DEMOTE_TO_HELPER_INVOCATION_FEATURES,
     FEATURES(VkPhysicalDeviceShaderDemoteToHelperInvocationFeatures, shaderDemoteToHelperInvocation)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_TERMINATE_INVOCATION_FEATURES,
     FEATURES(VkPhysicalDeviceShaderTerminateInvocationFeatures, shaderTerminateInvocation)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXTURE_COMPRESSION_ASTC_HDR_FEATURES,
     FEATURES(VkPhysicalDeviceTextureCompressionASTCHDRFeatures, textureCompressionASTC_HDR)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FAULT_FEATURES_EXT, FEATURES(VkPhysicalDeviceFaultFeaturesEXT, deviceFaultVendorBinary)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT,
     FEATURES(VkPhysicalDeviceShaderAtomicFloatFeaturesEXT, sparseImageFloat32AtomicAdd)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CLOCK_FEATURES_KHR, FEATURES(VkPhysicalDeviceShaderClockFeaturesKHR, shaderDeviceClock)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT, FEATURES(VkPhysicalDeviceRobustness2FeaturesEXT, nullDescriptor)},
    {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_2_FEATURES_EXT,
     FEATURES(VkPhysicalDeviceShaderAtomicFloat2FeaturesEXT, sparseImageFloat32AtomicMinMax)},
};

// Every VkBool32 after sType/pNext that is set in 'requested' must be set in 'supported'.
bool bools_subset(const void* requested, const void* supported, size_t size) {
  const size_t first = sizeof(VkBaseInStructure);
  for (size_t off = first; off + sizeof(VkBool32) <= size; off += sizeof(VkBool32)) {
    VkBool32 r, s;
    std::memcpy(&r, static_cast<const uint8_t*>(requested) + off, sizeof r);
    std::memcpy(&s, static_cast<const uint8_t*>(supported) + off, sizeof s);
    if (r && !s) {
      debug_log("vkCreateDevice: requested feature at byte offset %zu is not supported", off);
      return false;
    }
  }
  return true;
}

bool features10_subset(const VkPhysicalDeviceFeatures& requested) {
  const VkPhysicalDeviceFeatures supported = supported_features10();
  const auto* r = reinterpret_cast<const VkBool32*>(&requested);
  const auto* s = reinterpret_cast<const VkBool32*>(&supported);
  for (size_t i = 0; i < sizeof(VkPhysicalDeviceFeatures) / sizeof(VkBool32); ++i)
    if (r[i] && !s[i]) return false;
  return true;
}

VkResult check_features(VkPhysicalDevice pd, const VkDeviceCreateInfo& info) {
  if (info.pEnabledFeatures && !features10_subset(*info.pEnabledFeatures)) {
    debug_log("vkCreateDevice: a VkPhysicalDeviceFeatures feature is not supported");
    return VK_ERROR_FEATURE_NOT_PRESENT;
  }
  for (auto* s = static_cast<const VkBaseInStructure*>(info.pNext); s; s = s->pNext) {
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2) {
      if (!features10_subset(reinterpret_cast<const VkPhysicalDeviceFeatures2*>(s)->features))
        return VK_ERROR_FEATURE_NOT_PRESENT;
      continue;
    }
    for (const auto& fs : kFeatureStructs) {
      if (fs.type != s->sType) continue;
      // Ask GetPhysicalDeviceFeatures2 for the same structure and compare bit by bit.
      std::vector<uint8_t> supported(fs.size + 64, 0);  // room for the whole struct, padding included
      reinterpret_cast<VkBaseOutStructure*>(supported.data())->sType = fs.type;
      VkPhysicalDeviceFeatures2 f2{};
      f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
      f2.pNext = supported.data();
      GetPhysicalDeviceFeatures2(pd, &f2);
      if (!bools_subset(s, supported.data(), fs.size)) {
        debug_log("vkCreateDevice: a feature of structure type %d is not supported", int(fs.type));
        return VK_ERROR_FEATURE_NOT_PRESENT;
      }
    }
  }
  return VK_SUCCESS;
}

}  // namespace

VkResult Device::create(PhysicalDevice& physical, const VkDeviceCreateInfo& info,
                        const VkAllocationCallbacks* allocator, std::unique_ptr<Device>& out) {
  for (uint32_t i = 0; i < info.enabledExtensionCount; ++i) {
    bool known = false;
    for (const auto& e : device_extensions(physical))
      known |= std::strcmp(e.extensionName, info.ppEnabledExtensionNames[i]) == 0;
    if (!known) {
      debug_log("vkCreateDevice: extension %s is not supported", info.ppEnabledExtensionNames[i]);
      return VK_ERROR_EXTENSION_NOT_PRESENT;
    }
  }
  VkResult r = check_features(physical.handle(), info);
  if (r != VK_SUCCESS) return r;
  for (uint32_t i = 0; i < info.queueCreateInfoCount; ++i) {
    const auto& q = info.pQueueCreateInfos[i];
    if (q.queueFamilyIndex >= kQueueFamilyCount || q.queueCount > kQueuesPerFamily) {
      debug_log("vkCreateDevice: no queue family %u with %u queues", q.queueFamilyIndex, q.queueCount);
      return VK_ERROR_INITIALIZATION_FAILED;
    }
  }

  const VkAllocationCallbacks* device_allocator = allocator ? allocator : physical.instance().allocator();
  auto dev = host_make<Device>(host_allocation(device_allocator, nullptr, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE), physical);
  dev->allocator_.set(device_allocator);
  for (uint32_t i = 0; i < info.enabledExtensionCount; ++i) dev->enabled_extensions_.emplace_back(info.ppEnabledExtensionNames[i]);
  dev->robust_buffer_access_ = (info.pEnabledFeatures && info.pEnabledFeatures->robustBufferAccess);
  if (const auto* f2 = find_in_chain<VkPhysicalDeviceFeatures2>(info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2))
    dev->robust_buffer_access_ |= f2->features.robustBufferAccess == VK_TRUE;
  // robustBufferAccess2 requires robustBufferAccess (VUID-VkPhysicalDeviceRobustness2FeaturesEXT-
  // robustBufferAccess2-04000); either way its pipelines get the stricter checks.
  if (const auto* r2 = find_in_chain<VkPhysicalDeviceRobustness2FeaturesEXT>(
          info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT))
    dev->robust_buffer_access2_ = r2->robustBufferAccess2 == VK_TRUE;
  dev->robust_buffer_access_ |= dev->robust_buffer_access2_;
  dev->screen_ = physical.screen();
  dev->refresh_power_state();
  for (uint32_t i = 0; i < info.queueCreateInfoCount; ++i) {
    const auto& q = info.pQueueCreateInfos[i];
    for (uint32_t n = 0; n < q.queueCount; ++n) {
      std::unique_ptr<device::Context> ctx;
      device::Status s = dev->screen_->create_context(q.queueFamilyIndex == kQueueFamilyTransfer, ctx);
      // Running out of hardware context slots is reported as a device-creation failure.
      if (s != device::Status::ok) return to_vk(s);
      auto queue = host_make<Queue>(host_allocation(device_allocator, nullptr, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE),
                                    *dev, q.queueFamilyIndex, n, std::move(ctx));
      Queue* raw = queue.get();
      Device* d = dev.get();
      raw->context().set_lost_callback([d, raw](const device::LostReason& why) { d->report_lost(*raw, why); });
      dev->queues_.push_back(std::move(queue));
    }
  }
  out = std::move(dev);
  return VK_SUCCESS;
}

Device::~Device() {
  // Queues first: they wait for their work and destroy their kernel contexts. Then the internal
  // programs.
  queues_.clear();
  statistics_pipeline.reset();
}

Queue* Device::queue(uint32_t family, uint32_t index) const {
  for (const auto& q : queues_)
    if (q->family() == family && q->index() == index) return q.get();
  return nullptr;
}

void Device::report_lost(const Queue& queue, const device::LostReason& reason) {
  mark_lost();
  if (lost_reported_.exchange(true)) return;  // one report per device: the first cause
  const std::string message = "VkDevice lost: queue family " + std::to_string(queue.family()) + " index " +
                              std::to_string(queue.index()) + ": " + reason.describe();
  {
    std::lock_guard lock(fault_mutex_);
    fault_ = reason;
    fault_description_ = message;
  }
  std::fprintf(stderr, "mica-vk: %s\n", message.c_str());
  physical_.instance().debug_sinks().error("Mica-device-lost", VK_OBJECT_TYPE_DEVICE,
                                           uint64_t(reinterpret_cast<uintptr_t>(this)), message);
}

// ---- VK_EXT_device_fault ----------------------------------------------------------------------

namespace {

// What the kernel said, as VK_EXT_device_fault's address records: the faulting data address of a
// memory fault (by access) and the faulting instruction's address. Offsets into a job's command
// stream (faults the command processor found in a packet) are not GPU addresses and are left out.
std::vector<VkDeviceFaultAddressInfoEXT> fault_addresses(const device::LostReason& r) {
  std::vector<VkDeviceFaultAddressInfoEXT> out;
  if (!r.fault) return out;
  if ((r.fault == MICA_FAULT_MMU_UNMAPPED || r.fault == MICA_FAULT_MMU_PERMISSION) && !r.addr_in_command_stream) {
    const VkDeviceFaultAddressTypeEXT type = r.fault_access == 2   ? VK_DEVICE_FAULT_ADDRESS_TYPE_EXECUTE_INVALID_EXT
                                             : r.fault_access == 1 ? VK_DEVICE_FAULT_ADDRESS_TYPE_WRITE_INVALID_EXT
                                                                   : VK_DEVICE_FAULT_ADDRESS_TYPE_READ_INVALID_EXT;
    out.push_back({type, r.fault_addr, 1});  // the exact address the MMU refused
  }
  if (!r.pc_in_command_stream && r.fault_pc)  // 0: no program was running (e.g. killed in a wait)
    out.push_back({VK_DEVICE_FAULT_ADDRESS_TYPE_INSTRUCTION_POINTER_FAULT_EXT, r.fault_pc, MICA_INSTRUCTION_BYTES});
  return out;
}

}  // namespace

VkResult Device::fault_info(VkDeviceFaultCountsEXT& counts, VkDeviceFaultInfoEXT* info) {
  std::lock_guard lock(fault_mutex_);
  std::vector<VkDeviceFaultAddressInfoEXT> addresses;
  std::vector<VkDeviceFaultVendorInfoEXT> vendor;
  if (fault_) {
    addresses = fault_addresses(*fault_);
    if (fault_->fault) {
      VkDeviceFaultVendorInfoEXT v{};
      std::snprintf(v.description, sizeof v.description, "Mica fault %s", fault_->fault_name.c_str());
      v.vendorFaultCode = fault_->fault;        // MICA_FAULT_* (mica.toml [fault])
      v.vendorFaultData = fault_->fault_flags;  // DRM_MICA_FAULT_*
      vendor.push_back(v);
    }
  }
  if (!info) {
    counts.addressInfoCount = uint32_t(addresses.size());
    counts.vendorInfoCount = uint32_t(vendor.size());
    counts.vendorBinarySize = 0;
    return VK_SUCCESS;
  }
  std::snprintf(info->description, sizeof info->description, "%s", fault_description_.c_str());
  const uint32_t na = std::min<uint32_t>(counts.addressInfoCount, uint32_t(addresses.size()));
  const uint32_t nv = std::min<uint32_t>(counts.vendorInfoCount, uint32_t(vendor.size()));
  for (uint32_t i = 0; i < na && info->pAddressInfos; ++i) info->pAddressInfos[i] = addresses[i];
  for (uint32_t i = 0; i < nv && info->pVendorInfos; ++i) info->pVendorInfos[i] = vendor[i];
  const bool complete = na == addresses.size() && nv == vendor.size();
  counts.addressInfoCount = na;
  counts.vendorInfoCount = nv;
  counts.vendorBinarySize = 0;
  return complete ? VK_SUCCESS : VK_INCOMPLETE;
}

VKAPI_ATTR VkResult VKAPI_CALL GetDeviceFaultInfoEXT(VkDevice device, VkDeviceFaultCountsEXT* pFaultCounts,
                                                     VkDeviceFaultInfoEXT* pFaultInfo) {
  return guarded([&] { return Device::from(device)->fault_info(*pFaultCounts, pFaultInfo); });
}

// ---- entry points ---------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateDevice(VkPhysicalDevice physicalDevice, const VkDeviceCreateInfo* pCreateInfo,
                                            const VkAllocationCallbacks* pAllocator, VkDevice* pDevice) {
  return guarded([&] {
    std::unique_ptr<Device> dev;
    VkResult r = Device::create(*PhysicalDevice::from(physicalDevice), *pCreateInfo, pAllocator, dev);
    if (r == VK_SUCCESS) *pDevice = dev.release()->handle();
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDevice(VkDevice device, const VkAllocationCallbacks*) {
  std::unique_ptr<Device> owned(Device::from(device));
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice device, uint32_t family, uint32_t index, VkQueue* pQueue) {
  Queue* q = Device::from(device)->queue(family, index);
  *pQueue = q ? q->handle() : VK_NULL_HANDLE;
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue2(VkDevice device, const VkDeviceQueueInfo2* pInfo, VkQueue* pQueue) {
  // No protected queues exist, so only flags == 0 can match.
  if (pInfo->flags != 0) {
    *pQueue = VK_NULL_HANDLE;
    return;
  }
  GetDeviceQueue(device, pInfo->queueFamilyIndex, pInfo->queueIndex, pQueue);
}

VKAPI_ATTR VkResult VKAPI_CALL DeviceWaitIdle(VkDevice device) {
  auto* dev = Device::from(device);
  VkResult result = VK_SUCCESS;
  for (const auto& q : dev->queues()) {
    VkResult r = q->wait_idle();
    if (r != VK_SUCCESS) result = r;
  }
  return dev->lost() ? VK_ERROR_DEVICE_LOST : result;
}

namespace {

// A private data slot only provides a unique 64-bit key (its address); the values live in the device.
class PrivateDataSlot : public NonDispatchable<VK_OBJECT_TYPE_PRIVATE_DATA_SLOT> {};

uint64_t slot_key(VkPrivateDataSlot slot) { return reinterpret_cast<uint64_t>(from_handle<PrivateDataSlot>(slot)); }

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreatePrivateDataSlot(VkDevice device, const VkPrivateDataSlotCreateInfo*,
                                                     const VkAllocationCallbacks* pAllocator, VkPrivateDataSlot* pSlot) {
  return guarded([&] {
    *pSlot = release_to_handle<VkPrivateDataSlot>(host_make<PrivateDataSlot>(Device::from(device)->child_allocation(pAllocator)));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyPrivateDataSlot(VkDevice device, VkPrivateDataSlot slot, const VkAllocationCallbacks*) {
  if (!slot) return;
  auto* dev = Device::from(device);
  {
    std::lock_guard lock(dev->private_mutex);
    const uint64_t key = slot_key(slot);
    for (auto it = dev->private_data.begin(); it != dev->private_data.end();)
      it = it->first.second == key ? dev->private_data.erase(it) : std::next(it);
  }
  take_from_handle<PrivateDataSlot>(slot);
}

VKAPI_ATTR VkResult VKAPI_CALL SetPrivateData(VkDevice device, VkObjectType, uint64_t objectHandle,
                                              VkPrivateDataSlot slot, uint64_t data) {
  return guarded([&] {
    auto* dev = Device::from(device);
    std::lock_guard lock(dev->private_mutex);
    dev->private_data[{objectHandle, slot_key(slot)}] = data;
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL GetPrivateData(VkDevice device, VkObjectType, uint64_t objectHandle, VkPrivateDataSlot slot,
                                          uint64_t* pData) {
  auto* dev = Device::from(device);
  std::lock_guard lock(dev->private_mutex);
  auto it = dev->private_data.find({objectHandle, slot_key(slot)});
  *pData = it == dev->private_data.end() ? 0 : it->second;
}

}  // namespace mica::vk
