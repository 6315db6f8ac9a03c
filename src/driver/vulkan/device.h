// VkDevice and VkQueue.
//
// Every VkDevice of the process shares the device layer's screen (mica::device::Screen: buffers,
// programs and their caches) and owns one device-layer context (one kernel context) per queue, so a
// fault in one device's work makes that device lost and leaves every other device running.
#pragma once

#include "instance.h"
#include "device_layer.h"
#include "gpu_memory.h"
#include "object.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mica::vk {

class CommandBuffer;
class ComputePipeline;
class Fence;
class GpuMemory;
class Semaphore;
class Queue;

class Device : public Dispatchable<VK_OBJECT_TYPE_DEVICE> {
public:
  static VkResult create(PhysicalDevice& physical, const VkDeviceCreateInfo& info,
                         const VkAllocationCallbacks* allocator, std::unique_ptr<Device>& out);
  ~Device();

  static Device* from(VkDevice h) { return from_handle<Device>(h); }
  VkDevice handle() { return to_handle<VkDevice>(this); }

  PhysicalDevice& physical() const { return physical_; }
  // Allocator of device children created without pAllocator: the device's pAllocator, else the
  // instance's (null: the C++ runtime heap).
  const VkAllocationCallbacks* allocator() const { return allocator_.get(); }
  HostAllocation child_allocation(const VkAllocationCallbacks* given) const {
    return host_allocation(given, allocator());
  }
  device::Screen& screen() const { return *screen_; }
  Queue* queue(uint32_t family, uint32_t index) const;
  const std::vector<std::unique_ptr<Queue>>& queues() const { return queues_; }
  // Whether the application enabled this (promoted) device extension at vkCreateDevice.
  bool extension_enabled(const char* name) const {
    for (const auto& e : enabled_extensions_)
      if (e == name) return true;
    return false;
  }

  // Lost-device state: set once a context of this device is reported guilty; sticky.
  bool lost() const { return lost_.load(); }
  VkResult mark_lost() {
    lost_ = true;
    return VK_ERROR_DEVICE_LOST;
  }
  // Asks the kernel whether any of this device's contexts was found guilty; VK_ERROR_DEVICE_LOST
  // if so (and from then on), VK_SUCCESS otherwise.
  VkResult check_lost();
  // A queue's context was found lost: the device is lost, and the reason (the kernel's fault code,
  // address, access and flags, or the job error) goes to stderr and the debug messengers, once.
  void report_lost(const Queue& queue, const device::LostReason& reason);
  // vkGetDeviceFaultInfoEXT: the first loss's reason (nothing before the device is lost).
  VkResult fault_info(VkDeviceFaultCountsEXT& counts, VkDeviceFaultInfoEXT* info);

  // robustBufferAccess was enabled: pipelines compile with bounds-checked buffer accesses.
  bool robust_buffer_access() const { return robust_buffer_access_; }
  // robustBufferAccess2 (VK_EXT_robustness2) was enabled: each component is checked on its own.
  bool robust_buffer_access2() const { return robust_buffer_access2_; }

  // Power profile the next submissions must be built for, refreshed from the kernel.
  device::PowerState refresh_power_state() { return screen_->refresh_power_state(); }

  // Driver-internal programs (internal_pipelines.cpp), built on first use.
  std::mutex internal_mutex;
  std::shared_ptr<ComputePipeline> statistics_pipeline;

  // vkSetPrivateData storage.
  std::mutex private_mutex;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> private_data;  // (object, slot) -> value

  explicit Device(PhysicalDevice& physical) : physical_(physical) {}

private:

  PhysicalDevice& physical_;
  AllocatorCopy allocator_;
  std::shared_ptr<device::Screen> screen_;
  std::vector<std::unique_ptr<Queue>> queues_;
  std::vector<std::string> enabled_extensions_;
  std::atomic<bool> lost_{false};
  std::atomic<bool> lost_reported_{false};
  std::mutex fault_mutex_;
  std::optional<device::LostReason> fault_;  // the kernel's reason for the first loss, if a queue had one
  std::string fault_description_;            // the message that was reported
  bool robust_buffer_access_ = false;
  bool robust_buffer_access2_ = false;
};

// What one VkSubmitInfo(2) asks for.
struct SubmitBatch {
  std::vector<const CommandBuffer*> command_buffers;
  std::vector<std::pair<Semaphore*, uint64_t>> waits;    // value ignored for binary semaphores
  std::vector<std::pair<Semaphore*, uint64_t>> signals;
};

class Queue : public Dispatchable<VK_OBJECT_TYPE_QUEUE> {
public:
  Queue(Device& device, uint32_t family, uint32_t index, std::unique_ptr<device::Context> context)
      : device_(device), family_(family), index_(index), context_(std::move(context)) {}
  ~Queue();

  static Queue* from(VkQueue h) { return from_handle<Queue>(h); }
  VkQueue handle() { return to_handle<VkQueue>(this); }
  Device& device() const { return device_; }
  uint32_t family() const { return family_; }
  uint32_t index() const { return index_; }
  device::Context& context() const { return *context_; }

  VkResult submit(const std::vector<SubmitBatch>& batches, Fence* fence);
  VkResult wait_idle();
  bool guilty() const;

private:
  VkResult submit_locked(const std::vector<SubmitBatch>& batches, Fence* fence);
  VkResult submit_one(const SubmitBatch& batch, Fence* fence);

  Device& device_;
  uint32_t family_, index_;
  // Signalled with the number of submissions when each completes, so that vkQueueWaitIdle and
  // vkDeviceWaitIdle wait without holding the context (created at the first submission). Waiting in
  // the context would hold its lock until the queue drains, while the work may wait for a semaphore
  // that another thread signals after a call that needs that lock (vkWaitSemaphores checks for a
  // lost device): dEQP-VK.synchronization.timeline_semaphore.device_host.* hung that way.
  std::unique_ptr<device::Timeline> completed_;
  uint64_t submitted_ = 0;
  // The device-layer context: encoding, upload and scratch memory, job splitting, the in-flight
  // jobs, and the power-profile resubmission.
  std::unique_ptr<device::Context> context_;
  std::mutex mutex_;
};

}  // namespace mica::vk
