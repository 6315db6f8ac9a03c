// GPU memory objects and vkAllocateMemory / vkMapMemory and friends.
#include "gpu_memory.h"
#include "device.h"
#include "device_limits.h"
#include "entrypoints.h"
#include "external_memory.h"

#include <unistd.h>

namespace mica::vk {

VkResult GpuMemory::create(Device& device, uint64_t size, Usage usage, std::unique_ptr<GpuMemory>& out,
                          const HostAllocation& where) {
  if (size == 0) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  auto mem = host_make<GpuMemory>(where, device);
  device::BufferUsage kind = device::BufferUsage::driver_shared;
  switch (usage) {
  case Usage::application_device_local: kind = device::BufferUsage::device_local; break;
  case Usage::application_host_visible: kind = device::BufferUsage::host_visible; break;
  case Usage::driver_shared:
  case Usage::commands: kind = device::BufferUsage::driver_shared; break;
  case Usage::scratch: kind = device::BufferUsage::scratch; break;
  }
  device::Status s = device.screen().create_buffer(size, kind, mem->buffer_);
  if (s == device::Status::out_of_host_memory) return VK_ERROR_OUT_OF_HOST_MEMORY;
  if (s != device::Status::ok) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  mem->size_ = size;
  out = std::move(mem);
  return VK_SUCCESS;
}

// The buffer's destructor unmaps it; the kernel keeps the pages alive until every job that may use
// them has retired.
GpuMemory::~GpuMemory() = default;

VKAPI_ATTR VkResult VKAPI_CALL AllocateMemory(VkDevice device, const VkMemoryAllocateInfo* pInfo,
                                              const VkAllocationCallbacks* pAllocator, VkDeviceMemory* pMemory) {
  return guarded([&] {
    auto* dev = Device::from(device);
    if (pInfo->memoryTypeIndex >= kMemoryTypeCount) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    if (pInfo->allocationSize > dev->physical().info().vram_bytes) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    const auto usage = pInfo->memoryTypeIndex == kMemoryTypeHostVisible ? GpuMemory::Usage::application_host_visible
                                                                         : GpuMemory::Usage::application_device_local;
    std::unique_ptr<GpuMemory> mem;
    VkResult r;
    // Every allocation can be exported (VkExportMemoryAllocateInfo needs nothing more); an import
    // takes the fd's BO instead of allocating, and owns the fd once it succeeded.
    const auto* import = find_in_chain<VkImportMemoryFdInfoKHR>(pInfo->pNext, VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR);
    const auto* host = find_in_chain<VkImportMemoryHostPointerInfoEXT>(
        pInfo->pNext, VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT);
    if (host && host->handleType != 0) {
      // Only through the extension, into the type vkGetMemoryHostPointerPropertiesEXT reports.
      if (!dev->extension_enabled(VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME) ||
          host->handleType != VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT ||
          pInfo->memoryTypeIndex != kMemoryTypeHostVisible)
        return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      r = GpuMemory::import_host(*dev, host->pHostPointer, pInfo->allocationSize, mem, dev->child_allocation(pAllocator));
    } else if (import && import->handleType != 0) {
      if (!is_supported_memory_handle_type(import->handleType)) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      r = GpuMemory::import_fd(*dev, import->fd, pInfo->allocationSize, usage, mem, dev->child_allocation(pAllocator));
      if (r == VK_SUCCESS) close(import->fd);
    } else {
      r = GpuMemory::create(*dev, pInfo->allocationSize, usage, mem, dev->child_allocation(pAllocator));
    }
    if (r == VK_SUCCESS) *pMemory = release_to_handle<VkDeviceMemory>(std::move(mem));
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL FreeMemory(VkDevice, VkDeviceMemory memory, const VkAllocationCallbacks*) {
  take_from_handle<GpuMemory>(memory);
}

VKAPI_ATTR VkResult VKAPI_CALL MapMemory(VkDevice, VkDeviceMemory memory, VkDeviceSize offset, VkDeviceSize,
                                         VkMemoryMapFlags, void** ppData) {
  auto* mem = from_handle<GpuMemory>(memory);
  if (!mem->cpu()) return VK_ERROR_MEMORY_MAP_FAILED;  // device-local-only type
  mem->mapped = true;
  *ppData = mem->cpu() + offset;
  return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL UnmapMemory(VkDevice, VkDeviceMemory memory) {
  // The CPU mapping lives as long as the allocation; unmapping only ends the application's use.
  from_handle<GpuMemory>(memory)->mapped = false;
}

// The only host-visible type is coherent: nothing to flush or invalidate.
VKAPI_ATTR VkResult VKAPI_CALL FlushMappedMemoryRanges(VkDevice, uint32_t, const VkMappedMemoryRange*) {
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL InvalidateMappedMemoryRanges(VkDevice, uint32_t, const VkMappedMemoryRange*) {
  return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL GetDeviceMemoryCommitment(VkDevice, VkDeviceMemory memory, VkDeviceSize* pCommitted) {
  *pCommitted = from_handle<GpuMemory>(memory)->size();
}

VKAPI_ATTR uint64_t VKAPI_CALL GetDeviceMemoryOpaqueCaptureAddress(VkDevice, const VkDeviceMemoryOpaqueCaptureAddressInfo*) {
  return 0;  // capture/replay is not supported
}

}  // namespace mica::vk
