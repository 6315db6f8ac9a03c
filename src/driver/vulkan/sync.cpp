// Fences, semaphores and events.
#include "sync.h"
#include "device.h"
#include "entrypoints.h"

#include <mica/sim/device_trace.h>

#include <chrono>

namespace mica::vk {
namespace {

int64_t to_timeout(uint64_t ns) { return ns > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(ns); }

}  // namespace

VkResult SyncObject::create(Device& device, uint64_t initial, std::unique_ptr<SyncObject>& out) {
  auto s = std::make_unique<SyncObject>(device);
  device::Status st = device.screen().create_timeline(initial, s->timeline_);
  if (st != device::Status::ok) return to_vk(st);
  out = std::move(s);
  return VK_SUCCESS;
}

VkResult SyncObject::adopt(Device& device, std::unique_ptr<device::Timeline> timeline,
                           std::unique_ptr<SyncObject>& out) {
  auto s = std::make_unique<SyncObject>(device);
  s->timeline_ = std::move(timeline);
  out = std::move(s);
  return VK_SUCCESS;
}

SyncObject::~SyncObject() = default;

VkResult SyncObject::query(uint64_t& value) const { return to_vk(timeline_->query(value)); }

VkResult SyncObject::signal(uint64_t point) { return to_vk(timeline_->signal(point)); }

VkResult SyncObject::wait(uint64_t point, uint64_t timeout_ns) const {
  return to_vk(timeline_->wait(point, to_timeout(timeout_ns)));
}

VkResult Fence::create(Device& device, bool signaled, const HostAllocation& where, std::unique_ptr<Fence>& out) {
  auto f = host_make<Fence>(where);
  // Signalled fences start with the timeline at their target.
  VkResult r = SyncObject::create(device, signaled ? 1 : 0, f->sync_);
  if (r != VK_SUCCESS) return r;
  out = std::move(f);
  return VK_SUCCESS;
}

VkResult Fence::status() const {
  uint64_t v = 0;
  VkResult r = sync_->query(v);
  if (r != VK_SUCCESS) return r;
  return v >= target_ ? VK_SUCCESS : VK_NOT_READY;
}

VkResult Semaphore::create(Device& device, VkSemaphoreType type, uint64_t initial, const HostAllocation& where,
                          std::unique_ptr<Semaphore>& out) {
  auto s = host_make<Semaphore>(where);
  s->type_ = type;
  VkResult r = SyncObject::create(device, type == VK_SEMAPHORE_TYPE_TIMELINE ? initial : 0, s->sync_);
  if (r != VK_SUCCESS) return r;
  out = std::move(s);
  return VK_SUCCESS;
}

VkResult Event::create(Device& device, const HostAllocation& where, std::unique_ptr<Event>& out) {
  auto e = host_make<Event>(where);
  VkResult r = GpuMemory::create(device, sizeof(uint64_t), GpuMemory::Usage::driver_shared, e->memory_);
  if (r != VK_SUCCESS) return r;
  *e->slot() = kReset;
  out = std::move(e);
  return VK_SUCCESS;
}

// ---- fences -----------------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateFence(VkDevice device, const VkFenceCreateInfo* pInfo,
                                           const VkAllocationCallbacks* pAllocator, VkFence* pFence) {
  return guarded([&] {
    std::unique_ptr<Fence> f;
    auto* dev = Device::from(device);
    VkResult r = Fence::create(*dev, pInfo->flags & VK_FENCE_CREATE_SIGNALED_BIT, dev->child_allocation(pAllocator), f);
    if (r == VK_SUCCESS) *pFence = release_to_handle<VkFence>(std::move(f));
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyFence(VkDevice, VkFence fence, const VkAllocationCallbacks*) {
  take_from_handle<Fence>(fence);
}

VKAPI_ATTR VkResult VKAPI_CALL ResetFences(VkDevice, uint32_t count, const VkFence* pFences) {
  for (uint32_t i = 0; i < count; ++i) from_handle<Fence>(pFences[i])->reset();
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetFenceStatus(VkDevice device, VkFence fence) {
  auto* dev = Device::from(device);
  auto* f = from_handle<Fence>(fence);
  VkResult r = f->status();
  if (r == VK_SUCCESS || r == VK_NOT_READY) {
    VkResult lost = dev->check_lost();
    if (lost != VK_SUCCESS) return lost;
  }
  return r;
}

VKAPI_ATTR VkResult VKAPI_CALL WaitForFences(VkDevice device, uint32_t count, const VkFence* pFences, VkBool32 waitAll,
                                             uint64_t timeout) {
  mica_trace(MICA_TRACE_VK_WAIT);
  return guarded([&] {
    auto* dev = Device::from(device);
    if (dev->lost()) return VK_ERROR_DEVICE_LOST;
    std::vector<device::TimelinePoint> points;
    for (uint32_t i = 0; i < count; ++i) {
      auto* f = from_handle<Fence>(pFences[i]);
      points.push_back({&f->sync().timeline(), f->target()});
    }
    device::Status s = dev->screen().wait_timelines(points, waitAll, to_timeout(timeout));
    // A fence of a job that faulted is still signalled when the job retires; the queues'
    // contexts (CTX_QUERY) tell whether the device is lost.
    VkResult lost = dev->check_lost();
    mica_trace(MICA_TRACE_VK_WAIT_DONE);
    if (lost != VK_SUCCESS) return lost;
    return to_vk(s);
  });
}

// ---- semaphores -------------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateSemaphore(VkDevice device, const VkSemaphoreCreateInfo* pInfo,
                                               const VkAllocationCallbacks* pAllocator, VkSemaphore* pSemaphore) {
  return guarded([&] {
    VkSemaphoreType type = VK_SEMAPHORE_TYPE_BINARY;
    uint64_t initial = 0;
    if (const auto* t = find_in_chain<VkSemaphoreTypeCreateInfo>(pInfo->pNext,
                                                                 VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO)) {
      type = t->semaphoreType;
      initial = t->initialValue;
    }
    std::unique_ptr<Semaphore> s;
    auto* dev = Device::from(device);
    VkResult r = Semaphore::create(*dev, type, initial, dev->child_allocation(pAllocator), s);
    if (r == VK_SUCCESS) *pSemaphore = release_to_handle<VkSemaphore>(std::move(s));
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroySemaphore(VkDevice, VkSemaphore semaphore, const VkAllocationCallbacks*) {
  take_from_handle<Semaphore>(semaphore);
}

VKAPI_ATTR VkResult VKAPI_CALL GetSemaphoreCounterValue(VkDevice device, VkSemaphore semaphore, uint64_t* pValue) {
  auto* dev = Device::from(device);
  if (dev->lost()) return VK_ERROR_DEVICE_LOST;
  return from_handle<Semaphore>(semaphore)->sync().query(*pValue);
}

VKAPI_ATTR VkResult VKAPI_CALL WaitSemaphores(VkDevice device, const VkSemaphoreWaitInfo* pInfo, uint64_t timeout) {
  return guarded([&] {
    auto* dev = Device::from(device);
    if (dev->lost()) return VK_ERROR_DEVICE_LOST;
    std::vector<device::TimelinePoint> points;
    for (uint32_t i = 0; i < pInfo->semaphoreCount; ++i) {
      // Point 0 is always reached; the kernel refuses it as a wait point.
      if (pInfo->pValues[i] == 0) {
        if (pInfo->flags & VK_SEMAPHORE_WAIT_ANY_BIT) return VK_SUCCESS;
        continue;
      }
      points.push_back({&from_handle<Semaphore>(pInfo->pSemaphores[i])->sync().timeline(), pInfo->pValues[i]});
    }
    if (points.empty()) return VK_SUCCESS;
    device::Status s =
        dev->screen().wait_timelines(points, !(pInfo->flags & VK_SEMAPHORE_WAIT_ANY_BIT), to_timeout(timeout));
    VkResult lost = dev->check_lost();
    if (lost != VK_SUCCESS) return lost;
    return to_vk(s);
  });
}

VKAPI_ATTR VkResult VKAPI_CALL SignalSemaphore(VkDevice, const VkSemaphoreSignalInfo* pInfo) {
  return from_handle<Semaphore>(pInfo->semaphore)->sync().signal(pInfo->value);
}

// ---- events -----------------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateEvent(VkDevice device, const VkEventCreateInfo*,
                                           const VkAllocationCallbacks* pAllocator, VkEvent* pEvent) {
  return guarded([&] {
    std::unique_ptr<Event> e;
    auto* dev = Device::from(device);
    VkResult r = Event::create(*dev, dev->child_allocation(pAllocator), e);
    if (r == VK_SUCCESS) *pEvent = release_to_handle<VkEvent>(std::move(e));
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyEvent(VkDevice, VkEvent event, const VkAllocationCallbacks*) {
  take_from_handle<Event>(event);
}

VKAPI_ATTR VkResult VKAPI_CALL GetEventStatus(VkDevice device, VkEvent event) {
  if (Device::from(device)->lost()) return VK_ERROR_DEVICE_LOST;
  return *from_handle<Event>(event)->slot() == Event::kSet ? VK_EVENT_SET : VK_EVENT_RESET;
}

VKAPI_ATTR VkResult VKAPI_CALL SetEvent(VkDevice, VkEvent event) {
  *from_handle<Event>(event)->slot() = Event::kSet;
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL ResetEvent(VkDevice, VkEvent event) {
  *from_handle<Event>(event)->slot() = Event::kReset;
  return VK_SUCCESS;
}

}  // namespace mica::vk
