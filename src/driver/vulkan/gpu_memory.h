// GPU memory: a device-layer buffer (mica::device::Buffer) at a GPU address (and, when host
// visible, mapped into the process). VkDeviceMemory is one of these; the driver's own allocations
// (descriptor pools, command streams, query and event slots) are too.
#pragma once

#include "device_layer.h"
#include "object.h"

#include <cstdint>
#include <memory>


namespace mica::vk {

class Device;

class GpuMemory : public NonDispatchable<VK_OBJECT_TYPE_DEVICE_MEMORY> {
public:
  enum class Usage {
    application_device_local,  // VkDeviceMemory of a device-local-only type: never CPU mapped
    application_host_visible,  // VkDeviceMemory of a host-visible type
    driver_shared,             // driver-internal, written and read by CPU and GPU (events, queries)
    commands,                  // driver-internal command streams and upload data
    scratch,                   // driver-internal, GPU only: spill memory of programs (never CPU mapped)
  };

  // 'where': host storage of the object (VkDeviceMemory: the application's allocator).
  static VkResult create(Device& device, uint64_t size, Usage usage, std::unique_ptr<GpuMemory>& out,
                         const HostAllocation& where = {});
  // VK_KHR_external_memory_fd / VK_EXT_external_memory_dma_buf (external_memory.cpp): memory from a
  // dma-buf fd of a Mica BO of this device (the fd stays the caller's), at least 'size' bytes.
  static VkResult import_fd(Device& device, int fd, uint64_t size, Usage usage, std::unique_ptr<GpuMemory>& out,
                            const HostAllocation& where = {});
  // VK_EXT_external_memory_host (external_memory_host.cpp): the application's page-aligned memory at
  // ptr, 'size' bytes (a multiple of the page size), read and written by the device in place.
  static VkResult import_host(Device& device, void* ptr, uint64_t size, std::unique_ptr<GpuMemory>& out,
                              const HostAllocation& where = {});
  // A new dma-buf fd of this memory (the caller owns it).
  VkResult export_fd(int& fd) const;
  ~GpuMemory() override;

  uint64_t va() const { return buffer_->va(); }
  uint64_t size() const { return size_; }  // as requested (the buffer may be larger)
  uint8_t* cpu() const { return buffer_->cpu(); }  // null when not host visible
  const device::Buffer& buffer() const { return *buffer_; }
  Device& device() const { return device_; }

  // vkMapMemory bookkeeping (one mapping at a time per allocation).
  bool mapped = false;

  explicit GpuMemory(Device& device) : device_(device) {}

private:
  Device& device_;
  std::unique_ptr<device::Buffer> buffer_;
  uint64_t size_ = 0;
};

}  // namespace mica::vk
