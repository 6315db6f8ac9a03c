// VK_EXT_external_memory_host over the device layer's host import (Screen::import_host_buffer, the
// kernel's BO_CREATE_USERPTR): the application's own allocation becomes VkDeviceMemory that the
// device reads and writes in place through system-memory page-table entries, coherent with the CPU
// (docs/hw/mmu.md "System memory"). Nothing is copied; vkMapMemory of such memory returns the
// application's own pointer. The memory must outlive the VkDeviceMemory (the spec's rule), and the
// kernel refuses ranges that are not all mapped and writable in the process.
#include "device.h"
#include "device_limits.h"
#include "entrypoints.h"
#include "external_memory.h"
#include "gpu_memory.h"
#include "instance.h"

#include "mica_hw.h"

namespace mica::vk {

static_assert(kHostPointerAlignment == MICA_PAGE_SIZE, "host imports are mapped in device pages");

VkExternalMemoryProperties host_allocation_memory_properties(const PhysicalDevice& pd) {
  VkExternalMemoryProperties p{};
  if (!pd.screen()->host_import()) return p;
  p.externalMemoryFeatures = VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
  p.compatibleHandleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
  return p;
}

namespace {

bool host_aligned(uint64_t v) { return v % kHostPointerAlignment == 0; }

}  // namespace

VkResult GpuMemory::import_host(Device& device, void* ptr, uint64_t size, std::unique_ptr<GpuMemory>& out,
                                const HostAllocation& where) {
  // The valid-usage rules (alignment of both, non-null) answered with the import's own error rather
  // than left to the kernel's errno.
  if (!ptr || size == 0 || !host_aligned(reinterpret_cast<uintptr_t>(ptr)) || !host_aligned(size))
    return VK_ERROR_INVALID_EXTERNAL_HANDLE;
  auto mem = host_make<GpuMemory>(where, device);
  device::Status s = device.screen().import_host_buffer(ptr, size, mem->buffer_);
  if (s == device::Status::invalid_argument) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
  if (s == device::Status::out_of_host_memory) return VK_ERROR_OUT_OF_HOST_MEMORY;
  if (s != device::Status::ok) return VK_ERROR_OUT_OF_DEVICE_MEMORY;  // the pinned-memory limit, VA space
  mem->size_ = size;
  out = std::move(mem);
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetMemoryHostPointerPropertiesEXT(VkDevice device,
                                                                 VkExternalMemoryHandleTypeFlagBits handleType,
                                                                 const void* pHostPointer,
                                                                 VkMemoryHostPointerPropertiesEXT* pProps) {
  return guarded([&] {
    if (handleType != VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    if (!pHostPointer || !host_aligned(reinterpret_cast<uintptr_t>(pHostPointer)))
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    // The kernel is asked, as for a dma-buf: a trial import of the first page (dropped at once) says
    // whether the pointer is memory of this process the device may use.
    std::unique_ptr<device::Buffer> trial;
    if (Device::from(device)->screen().import_host_buffer(const_cast<void*>(pHostPointer), kHostPointerAlignment,
                                                          trial) != device::Status::ok)
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    pProps->memoryTypeBits = 1u << kMemoryTypeHostVisible;
    return VK_SUCCESS;
  });
}

}  // namespace mica::vk
