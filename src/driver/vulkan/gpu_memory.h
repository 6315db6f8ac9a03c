// GPU memory: a winsys buffer object mapped into the device's GPU address space (and, when host
// visible, into the process). VkDeviceMemory is one of these; the driver's own allocations
// (descriptor pools, command streams, query and event slots) are too.
#pragma once

#include "kernel_bridge.h"
#include "object.h"

#include <cstdint>
#include <memory>


namespace mica::vk {

class Device;

class GpuMemory : public Object {
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
  ~GpuMemory() override;

  uint64_t va() const { return va_; }
  uint64_t size() const { return size_; }
  uint8_t* cpu() const { return cpu_; }  // null when not host visible
  uint32_t bo_handle() const { return bo_.handle; }
  Device& device() const { return device_; }

  // vkMapMemory bookkeeping (one mapping at a time per allocation).
  bool mapped = false;

  explicit GpuMemory(Device& device) : device_(device) {}

private:
  Device& device_;
  KernelBo bo_;
  uint64_t va_ = 0;
  uint64_t size_ = 0;
  uint8_t* cpu_ = nullptr;
};

}  // namespace mica::vk
