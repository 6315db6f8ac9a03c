// Buffers, buffer views and their memory requirements.
#include "buffer.h"
#include "format_table.h"
#include "device.h"
#include "device_limits.h"
#include "entrypoints.h"

namespace mica::vk {
namespace {

VkMemoryRequirements requirements_for(const Device& device, uint64_t size) {
  VkMemoryRequirements r{};
  r.size = (size + kMinBufferAlignment - 1) / kMinBufferAlignment * kMinBufferAlignment;
  r.alignment = kMinBufferAlignment;
  r.memoryTypeBits = (1u << kMemoryTypeCount) - 1;
  (void)device;
  return r;
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreateBuffer(VkDevice device, const VkBufferCreateInfo* pCreateInfo,
                                            const VkAllocationCallbacks* pAllocator, VkBuffer* pBuffer) {
  return guarded([&] {
    // Sparse buffers are not supported (no sparse features advertised).
    if (pCreateInfo->flags & (VK_BUFFER_CREATE_SPARSE_BINDING_BIT | VK_BUFFER_CREATE_SPARSE_RESIDENCY_BIT |
                              VK_BUFFER_CREATE_SPARSE_ALIASED_BIT))
      return VK_ERROR_FEATURE_NOT_PRESENT;
    // Up to maxBufferSize (device_limits.h), which may exceed the heap: such a buffer exists, only
    // memory for it cannot be allocated.
    if (pCreateInfo->size > max_allocation_bytes(Device::from(device)->physical().info().vram_bytes))
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    auto buffer = host_make<Buffer>(Device::from(device)->child_allocation(pAllocator), pCreateInfo->size,
                                    pCreateInfo->usage);
    *pBuffer = release_to_handle<VkBuffer>(std::move(buffer));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyBuffer(VkDevice, VkBuffer buffer, const VkAllocationCallbacks*) {
  take_from_handle<Buffer>(buffer);
}

VKAPI_ATTR void VKAPI_CALL GetBufferMemoryRequirements(VkDevice device, VkBuffer buffer,
                                                       VkMemoryRequirements* pRequirements) {
  *pRequirements = requirements_for(*Device::from(device), from_handle<Buffer>(buffer)->size());
}

static void fill_dedicated(void* next) {
  if (auto* d = find_in_chain_mut<VkMemoryDedicatedRequirements>(next, VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS)) {
    d->prefersDedicatedAllocation = VK_FALSE;
    d->requiresDedicatedAllocation = VK_FALSE;
  }
}

VKAPI_ATTR void VKAPI_CALL GetBufferMemoryRequirements2(VkDevice device, const VkBufferMemoryRequirementsInfo2* pInfo,
                                                        VkMemoryRequirements2* pRequirements) {
  GetBufferMemoryRequirements(device, pInfo->buffer, &pRequirements->memoryRequirements);
  fill_dedicated(pRequirements->pNext);
}

VKAPI_ATTR void VKAPI_CALL GetDeviceBufferMemoryRequirements(VkDevice device, const VkDeviceBufferMemoryRequirements* pInfo,
                                                             VkMemoryRequirements2* pRequirements) {
  pRequirements->memoryRequirements = requirements_for(*Device::from(device), pInfo->pCreateInfo->size);
  fill_dedicated(pRequirements->pNext);
}

VKAPI_ATTR VkResult VKAPI_CALL BindBufferMemory(VkDevice, VkBuffer buffer, VkDeviceMemory memory, VkDeviceSize offset) {
  from_handle<Buffer>(buffer)->bind(from_handle<GpuMemory>(memory), offset);
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL BindBufferMemory2(VkDevice, uint32_t count, const VkBindBufferMemoryInfo* pInfos) {
  for (uint32_t i = 0; i < count; ++i) {
    from_handle<Buffer>(pInfos[i].buffer)->bind(from_handle<GpuMemory>(pInfos[i].memory), pInfos[i].memoryOffset);
  }
  return VK_SUCCESS;
}

VKAPI_ATTR VkDeviceAddress VKAPI_CALL GetBufferDeviceAddress(VkDevice, const VkBufferDeviceAddressInfo* pInfo) {
  return from_handle<Buffer>(pInfo->buffer)->va();
}

VKAPI_ATTR uint64_t VKAPI_CALL GetBufferOpaqueCaptureAddress(VkDevice, const VkBufferDeviceAddressInfo*) {
  return 0;  // capture/replay is not supported (bufferDeviceAddressCaptureReplay = false)
}

VKAPI_ATTR VkResult VKAPI_CALL CreateBufferView(VkDevice device, const VkBufferViewCreateInfo* pCreateInfo,
                                                const VkAllocationCallbacks* pAllocator, VkBufferView* pView) {
  return guarded([&] {
    const auto* buffer = from_handle<Buffer>(pCreateInfo->buffer);
    uint64_t range = pCreateInfo->range == VK_WHOLE_SIZE ? buffer->size() - pCreateInfo->offset : pCreateInfo->range;
    const FormatInfo* format = find_format(pCreateInfo->format);
    // The format query reports no feature for it (unknown, or a depth/stencil format).
    if (!format || !buffer_format_features(pCreateInfo->format)) return VK_ERROR_FORMAT_NOT_SUPPORTED;
    auto view = host_make<BufferView>(Device::from(device)->child_allocation(pAllocator),
                                      buffer->va() + pCreateInfo->offset, range, pCreateInfo->format,
                                      range / format->bytes);
    *pView = release_to_handle<VkBufferView>(std::move(view));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyBufferView(VkDevice, VkBufferView view, const VkAllocationCallbacks*) {
  take_from_handle<BufferView>(view);
}

}  // namespace mica::vk
