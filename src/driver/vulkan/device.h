// VkDevice and VkQueue.
//
// Each VkDevice is its own kernel client (own GPU address space) with one kernel context per queue,
// so a fault in one device's work makes that device lost and leaves every other device running.
#pragma once

#include "instance.h"
#include "command_stream.h"
#include "gpu_memory.h"
#include "kernel_bridge.h"
#include "object.h"
#include "mica/driver/binary_cache.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mica::vk {

class CommandBuffer;
class ComputePipeline;
class Fence;
class GpuMemory;
class Semaphore;
class Queue;

class Device : public DispatchableObject {
public:
  static VkResult create(PhysicalDevice& physical, const VkDeviceCreateInfo& info,
                         const VkAllocationCallbacks* allocator, std::unique_ptr<Device>& out);
  ~Device();

  static Device* from(VkDevice h) { return reinterpret_cast<Device*>(h); }
  VkDevice handle() { return reinterpret_cast<VkDevice>(this); }

  PhysicalDevice& physical() const { return physical_; }
  // Allocator of device children created without pAllocator: the device's pAllocator, else the
  // instance's (null: the C++ runtime heap).
  const VkAllocationCallbacks* allocator() const { return allocator_.get(); }
  HostAllocation child_allocation(const VkAllocationCallbacks* given) const {
    return host_allocation(given, allocator());
  }
  KernelClient& kernel() const { return *kernel_; }
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

  // Implicit per-device cache of compiled binaries (in addition to application pipeline caches),
  // so switching back and forth between power profiles does not recompile.
  driver::BinaryCache& binary_cache() { return binary_cache_; }

  // robustBufferAccess was enabled: pipelines compile with bounds-checked buffer accesses.
  bool robust_buffer_access() const { return robust_buffer_access_; }

  // Power profile the next submissions must be built for, refreshed from the kernel.
  PowerState refresh_power_state();
  uint32_t power_profile() const { return power_profile_.load(); }

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
  std::unique_ptr<KernelClient> kernel_;
  std::vector<std::unique_ptr<Queue>> queues_;
  std::vector<std::string> enabled_extensions_;
  std::atomic<bool> lost_{false};
  bool robust_buffer_access_ = false;
  std::atomic<uint32_t> power_profile_{0};
  driver::BinaryCache binary_cache_;
};

// What one VkSubmitInfo(2) asks for.
struct SubmitBatch {
  std::vector<const CommandBuffer*> command_buffers;
  std::vector<std::pair<Semaphore*, uint64_t>> waits;    // value ignored for binary semaphores
  std::vector<std::pair<Semaphore*, uint64_t>> signals;
};

class Queue : public DispatchableObject {
public:
  Queue(Device& device, uint32_t family, uint32_t index, uint32_t ctx)
      : device_(device), family_(family), index_(index), ctx_(ctx) {}
  ~Queue();

  static Queue* from(VkQueue h) { return reinterpret_cast<Queue*>(h); }
  VkQueue handle() { return reinterpret_cast<VkQueue>(this); }
  Device& device() const { return device_; }
  uint32_t family() const { return family_; }
  uint32_t index() const { return index_; }

  VkResult submit(const std::vector<SubmitBatch>& batches, Fence* fence);
  VkResult wait_idle();
  bool guilty() const;

private:
  struct InFlight {
    uint64_t seqno;
    std::unique_ptr<GpuMemory> stream;
    std::shared_ptr<GpuMemory> scratch;  // the scratch buffer the job's programs spill to, if any
  };
  VkResult submit_one(const SubmitBatch& batch, Fence* fence);
  VkResult build_stream(const SubmitBatch& batch, std::unique_ptr<GpuMemory>& upload,
                        std::shared_ptr<GpuMemory>& scratch, EncodedStream& enc);
  // Makes scratch_ large enough for programs spilling scratch_bytes per lane.
  VkResult ensure_scratch(uint32_t scratch_bytes);
  void retire(bool wait_all);
  std::unique_ptr<GpuMemory> take_stream_memory(uint64_t bytes);

  Device& device_;
  uint32_t family_, index_;
  uint32_t ctx_;
  std::mutex mutex_;
  uint64_t last_seqno_ = 0;
  std::deque<InFlight> in_flight_;
  std::vector<std::unique_ptr<GpuMemory>> free_streams_;  // retired stream memory for reuse
  // Scratch (VGPR spill) memory of this queue's jobs, created on the first program that spills and
  // replaced by a larger one when a bigger one comes; jobs in flight keep the one they use alive.
  // One per queue suffices: a queue's dispatches run one after the other.
  std::shared_ptr<GpuMemory> scratch_;

public:
  // The scratch buffer (null before any program spilled); for tests and debugging.
  std::shared_ptr<GpuMemory> scratch() {
    std::lock_guard lock(mutex_);
    return scratch_;
  }
};

}  // namespace mica::vk
