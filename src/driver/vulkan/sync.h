// Fences, semaphores (binary and timeline) and events.
//
// Fences and semaphores are DRM sync objects used as timelines: the kernel adds a point with the
// job's fence when the job that carries it as an out-sync is queued, and holds a job until the
// fences of its in-sync points signalled; a submission that waits for a point nobody has
// submitted yet waits in the queue's context (device layer) until the point exists.
// A binary semaphore is a timeline whose next signal is one above its last; a wait consumes the
// point last signalled. Events are 8-byte slots in GPU memory, written with WRITE_DATA and waited
// on with WAIT_MEM by the GPU, and read or written directly by the host.
#pragma once

#include "gpu_memory.h"
#include "object.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace mica::vk {

class Device;

// A kernel timeline sync object (the device layer's Timeline) owned by one device.
class SyncObject {
public:
  static VkResult create(Device& device, uint64_t initial, std::unique_ptr<SyncObject>& out);
  // Over a timeline that exists already (an imported one, external_semaphore.cpp).
  static VkResult adopt(Device& device, std::unique_ptr<device::Timeline> timeline, std::unique_ptr<SyncObject>& out);
  ~SyncObject();
  const device::Timeline& timeline() const { return *timeline_; }
  device::Timeline& timeline() { return *timeline_; }
  VkResult query(uint64_t& value) const;
  VkResult signal(uint64_t point);
  // VK_SUCCESS, VK_TIMEOUT, or VK_ERROR_DEVICE_LOST.
  VkResult wait(uint64_t point, uint64_t timeout_ns) const;

  explicit SyncObject(Device& device) : device_(device) {}

private:
  Device& device_;
  std::unique_ptr<device::Timeline> timeline_;
};

class Fence : public NonDispatchable<VK_OBJECT_TYPE_FENCE> {
public:
  static VkResult create(Device& device, bool signaled, const HostAllocation& where, std::unique_ptr<Fence>& out);
  SyncObject& sync() { return *sync_; }
  // The point the next submission signals; the fence is signalled when the timeline reaches the
  // point of the last submission (or the reset generation when never submitted after a reset).
  uint64_t arm() { return target_ = ++next_point_; }
  uint64_t next_arm_point() const { return next_point_ + 1; }  // what arm() will return
  uint64_t target() const { return target_; }
  void reset() {
    // Reset moves the target beyond every point signalled so far.
    target_ = ++next_point_;
  }
  VkResult status() const;

private:
  std::unique_ptr<SyncObject> sync_;
  uint64_t next_point_ = 1;
  uint64_t target_ = 1;
};

class Semaphore : public NonDispatchable<VK_OBJECT_TYPE_SEMAPHORE> {
public:
  static VkResult create(Device& device, VkSemaphoreType type, uint64_t initial, const HostAllocation& where,
                         std::unique_ptr<Semaphore>& out);
  bool timeline() const { return type_ == VK_SEMAPHORE_TYPE_TIMELINE; }
  SyncObject& sync() { return *sync_; }
  // An imported payload (VK_KHR_external_semaphore_fd, OPAQUE_FD) replaces the semaphore's own.
  void replace_sync(std::unique_ptr<SyncObject> sync) { sync_ = std::move(sync); }
  // Binary semaphores: the point a new signal operation uses / a wait waits for.
  uint64_t next_binary_point() { return ++binary_point_; }
  uint64_t binary_wait_point() const { return binary_point_; }

private:
  VkSemaphoreType type_ = VK_SEMAPHORE_TYPE_BINARY;
  std::unique_ptr<SyncObject> sync_;
  uint64_t binary_point_ = 0;
};

class Event : public NonDispatchable<VK_OBJECT_TYPE_EVENT> {
public:
  static constexpr uint64_t kSet = 1;
  static constexpr uint64_t kReset = 0;
  static VkResult create(Device& device, const HostAllocation& where, std::unique_ptr<Event>& out);
  uint64_t va() const { return memory_->va(); }
  volatile uint64_t* slot() const { return reinterpret_cast<volatile uint64_t*>(memory_->cpu()); }

private:
  std::unique_ptr<GpuMemory> memory_;
};

}  // namespace mica::vk
