// VK_KHR_external_memory_fd and VK_EXT_external_memory_dma_buf: VkDeviceMemory shared as a dma-buf
// fd (PRIME). Both handle types are the same thing on Mica: a dma-buf of a BO of the device.
#pragma once

#include <vulkan/vulkan.h>

namespace mica::vk {

// OPAQUE_FD and DMA_BUF_EXT: the types Mica exports and imports.
constexpr VkExternalMemoryHandleTypeFlags kExternalMemoryHandleTypes =
    VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT | VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;

inline bool is_supported_memory_handle_type(VkExternalMemoryHandleTypeFlagBits t) {
  return t == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT || t == VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
}

// What VkExternalMemoryProperties says for a handle type (buffers; images are not shareable).
VkExternalMemoryProperties external_buffer_memory_properties(VkExternalMemoryHandleTypeFlagBits type);

// VK_EXT_external_memory_host (external_memory_host.cpp): application memory imported page by page
// (HOST_ALLOCATION only; HOST_MAPPED_FOREIGN_MEMORY is not offered). minImportedHostPointerAlignment
// is the device's page size (checked against mica_hw.h there).
constexpr VkDeviceSize kHostPointerAlignment = 4096;
class PhysicalDevice;
// HOST_ALLOCATION: importable, never exportable, where the device reaches system memory; else nothing.
VkExternalMemoryProperties host_allocation_memory_properties(const PhysicalDevice& pd);

}  // namespace mica::vk
