// VK_KHR_external_memory_fd / VK_EXT_external_memory_dma_buf over the device layer's PRIME
// (Screen::export_buffer / import_buffer). On the drm backend the fd is a real dma-buf of the BO
// (another process, another VkDevice, or another driver such as vgem can take it); in process it is
// the kernel shim's stand-in, importable by any VkDevice of the same process (they share one
// device), and refused (VK_ERROR_INVALID_EXTERNAL_HANDLE) anywhere else.
#include "external_memory.h"

#include "device.h"
#include "device_layer.h"
#include "device_limits.h"
#include "entrypoints.h"
#include "gpu_memory.h"


namespace mica::vk {

VkExternalMemoryProperties external_buffer_memory_properties(VkExternalMemoryHandleTypeFlagBits type) {
  VkExternalMemoryProperties p{};
  if (!is_supported_memory_handle_type(type)) return p;
  p.externalMemoryFeatures = VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
  p.exportFromImportedHandleTypes = kExternalMemoryHandleTypes;
  p.compatibleHandleTypes = kExternalMemoryHandleTypes;
  return p;
}

VkResult GpuMemory::import_fd(Device& device, int fd, uint64_t size, Usage usage, std::unique_ptr<GpuMemory>& out,
                              const HostAllocation& where) {
  auto mem = host_make<GpuMemory>(where, device);
  const device::BufferUsage kind =
      usage == Usage::application_host_visible ? device::BufferUsage::host_visible : device::BufferUsage::device_local;
  device::Status s = device.screen().import_buffer(fd, kind, mem->buffer_);
  if (s == device::Status::invalid_argument) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
  if (s == device::Status::out_of_host_memory) return VK_ERROR_OUT_OF_HOST_MEMORY;
  if (s != device::Status::ok) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  // The application's allocationSize must fit in what the exporter allocated.
  if (size > mem->buffer_->size()) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
  mem->size_ = size;
  out = std::move(mem);
  return VK_SUCCESS;
}

VkResult GpuMemory::export_fd(int& fd) const {
  device::Status s = device_.screen().export_buffer(*buffer_, fd);
  if (s == device::Status::out_of_host_memory) return VK_ERROR_OUT_OF_HOST_MEMORY;
  return s == device::Status::ok ? VK_SUCCESS : VK_ERROR_TOO_MANY_OBJECTS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetMemoryFdKHR(VkDevice, const VkMemoryGetFdInfoKHR* pInfo, int* pFd) {
  return guarded([&] {
    if (!is_supported_memory_handle_type(pInfo->handleType)) return VK_ERROR_TOO_MANY_OBJECTS;
    return from_handle<GpuMemory>(pInfo->memory)->export_fd(*pFd);
  });
}

VKAPI_ATTR VkResult VKAPI_CALL GetMemoryFdPropertiesKHR(VkDevice device, VkExternalMemoryHandleTypeFlagBits handleType,
                                                        int fd, VkMemoryFdPropertiesKHR* pProps) {
  return guarded([&] {
    // OPAQUE_FD may not be queried (the spec's valid usage). A dma-buf is asked the kernel: a trial
    // import (dropped at once) says whether it is a BO of this device and whether a CPU may map it.
    if (handleType != VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    device::Screen& screen = Device::from(device)->screen();
    std::unique_ptr<device::Buffer> trial;
    if (screen.import_buffer(fd, device::BufferUsage::host_visible, trial) == device::Status::ok) {
      pProps->memoryTypeBits = (1u << kMemoryTypeDeviceLocal) | (1u << kMemoryTypeHostVisible);
      return VK_SUCCESS;
    }
    if (screen.import_buffer(fd, device::BufferUsage::device_local, trial) == device::Status::ok) {
      pProps->memoryTypeBits = 1u << kMemoryTypeDeviceLocal;
      return VK_SUCCESS;
    }
    return VK_ERROR_INVALID_EXTERNAL_HANDLE;
  });
}

}  // namespace mica::vk
