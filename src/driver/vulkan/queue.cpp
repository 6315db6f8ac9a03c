// Queue submission: command buffers' device-layer command lists -> the queue's device-layer
// context, with the semaphores' and the fence's timeline points.
#include "command_buffer.h"
#include "device.h"
#include "entrypoints.h"
#include "sync.h"

#include <mica/sim/device_trace.h>

#include <cstdio>
#include <string>

namespace mica::vk {

VkResult Device::check_lost() {
  if (lost()) return VK_ERROR_DEVICE_LOST;
  for (const auto& q : queues_)
    if (q->guilty()) return mark_lost();
  return VK_SUCCESS;
}

// The context's destructor waits for our work (bounded by the kernel's job timeout).
Queue::~Queue() = default;

bool Queue::guilty() const { return context_->check() == device::Status::device_lost; }

VkResult Queue::submit_one(const SubmitBatch& batch, Fence* fence) {
  device::SubmitInfo info;
  info.lists.reserve(batch.command_buffers.size());
  for (const auto* cb : batch.command_buffers) info.lists.push_back(&cb->list());
  for (const auto& [sem, value] : batch.waits)
    info.waits.push_back({&sem->sync().timeline(), sem->timeline() ? value : sem->binary_wait_point()});
  for (const auto& [sem, value] : batch.signals)
    info.signals.push_back({&sem->sync().timeline(), sem->timeline() ? value : sem->next_binary_point()});
  if (fence) info.signals.push_back({&fence->sync().timeline(), fence->arm()});
  if (!completed_) {
    const device::Status cs = device_.screen().create_timeline(0, completed_);
    if (cs != device::Status::ok) return to_vk(cs);
  }
  info.signals.push_back({completed_.get(), submitted_ + 1});
  std::string log;
  const device::Status s = context_->submit(info, nullptr, &log);
  if (s == device::Status::ok) ++submitted_;
  if (s == device::Status::device_lost) return device_.mark_lost();
  if (s == device::Status::compile_failed) {
    // A pipeline's program for a new power profile did not compile: the compiler's reason goes to
    // the log and the application's debug messengers, as at pipeline creation.
    const std::string message = "a compute pipeline failed to compile for the new power profile: " + log;
    std::fprintf(stderr, "mica-vk: %s\n", message.c_str());
    device_.physical().instance().debug_sinks().error("Mica-compile-failure", VK_OBJECT_TYPE_DEVICE,
                                                      uint64_t(reinterpret_cast<uintptr_t>(&device_)), message);
  } else if (s != device::Status::ok && !log.empty()) {
    std::fprintf(stderr, "mica-vk: vkQueueSubmit: %s\n", log.c_str());
  }
  return to_vk(s);
}

VkResult Queue::submit(const std::vector<SubmitBatch>& batches, Fence* fence) {
  mica_trace(MICA_TRACE_VK_SUBMIT);
  const VkResult r = submit_locked(batches, fence);
  mica_trace(MICA_TRACE_VK_SUBMIT_DONE);
  return r;
}

VkResult Queue::submit_locked(const std::vector<SubmitBatch>& batches, Fence* fence) {
  std::lock_guard lock(mutex_);
  if (device_.lost()) return VK_ERROR_DEVICE_LOST;
  if (batches.empty()) {
    if (!fence) return VK_SUCCESS;
    return submit_one(SubmitBatch{}, fence);
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    VkResult r = submit_one(batches[i], i + 1 == batches.size() ? fence : nullptr);
    if (r != VK_SUCCESS) return r;
  }
  return VK_SUCCESS;
}

VkResult Queue::wait_idle() {
  std::lock_guard lock(mutex_);
  // The queue's own timeline first, outside the context's lock (device.h); the context's wait
  // then finds every job complete and only retires them.
  if (completed_ && submitted_) {
    const device::TimelinePoint last{completed_.get(), submitted_};
    device_.screen().wait_timelines({&last, 1}, true, INT64_MAX);
  }
  if (context_->wait_idle() == device::Status::device_lost) device_.mark_lost();
  return device_.check_lost();
}

// ---- entry points ---------------------------------------------------------------------------

namespace {

// The one submit path: vkQueueSubmit2's description, turned into the queue's batches.
VkResult submit2(VkQueue queue, uint32_t count, const VkSubmitInfo2* pSubmits, VkFence fence) {
  std::vector<SubmitBatch> batches(count);
  for (uint32_t i = 0; i < count; ++i) {
    const auto& s = pSubmits[i];
    for (uint32_t j = 0; j < s.commandBufferInfoCount; ++j)
      batches[i].command_buffers.push_back(CommandBuffer::from(s.pCommandBufferInfos[j].commandBuffer));
    for (uint32_t j = 0; j < s.waitSemaphoreInfoCount; ++j)
      batches[i].waits.emplace_back(from_handle<Semaphore>(s.pWaitSemaphoreInfos[j].semaphore),
                                    s.pWaitSemaphoreInfos[j].value);
    for (uint32_t j = 0; j < s.signalSemaphoreInfoCount; ++j)
      batches[i].signals.emplace_back(from_handle<Semaphore>(s.pSignalSemaphoreInfos[j].semaphore),
                                      s.pSignalSemaphoreInfos[j].value);
  }
  return Queue::from(queue)->submit(batches, from_handle<Fence>(fence));
}

// A VkSubmitInfo restated as a VkSubmitInfo2 (the storage its arrays point into).
struct Submit2 {
  std::vector<VkCommandBufferSubmitInfo> command_buffers;
  std::vector<VkSemaphoreSubmitInfo> waits, signals;
};

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo* pSubmits, VkFence fence) {
  return guarded([&] {
    std::vector<Submit2> storage(count);
    std::vector<VkSubmitInfo2> infos(count);
    for (uint32_t i = 0; i < count; ++i) {
      const auto& s = pSubmits[i];
      auto& st = storage[i];
      // Timeline values come from the chained VkTimelineSemaphoreSubmitInfo (binary semaphores ignore them).
      const auto* tl = find_in_chain<VkTimelineSemaphoreSubmitInfo>(s.pNext,
                                                                     VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
      for (uint32_t j = 0; j < s.commandBufferCount; ++j)
        st.command_buffers.push_back({VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, nullptr, s.pCommandBuffers[j], 0});
      for (uint32_t j = 0; j < s.waitSemaphoreCount; ++j) {
        uint64_t v = tl && j < tl->waitSemaphoreValueCount && tl->pWaitSemaphoreValues ? tl->pWaitSemaphoreValues[j] : 0;
        st.waits.push_back({VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, nullptr, s.pWaitSemaphores[j], v,
                            VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0});
      }
      for (uint32_t j = 0; j < s.signalSemaphoreCount; ++j) {
        uint64_t v =
            tl && j < tl->signalSemaphoreValueCount && tl->pSignalSemaphoreValues ? tl->pSignalSemaphoreValues[j] : 0;
        st.signals.push_back({VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, nullptr, s.pSignalSemaphores[j], v,
                              VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0});
      }
      infos[i] = {VK_STRUCTURE_TYPE_SUBMIT_INFO_2, nullptr, 0,
                  uint32_t(st.waits.size()), st.waits.data(),
                  uint32_t(st.command_buffers.size()), st.command_buffers.data(),
                  uint32_t(st.signals.size()), st.signals.data()};
    }
    return submit2(queue, count, infos.data(), fence);
  });
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t count, const VkSubmitInfo2* pSubmits, VkFence fence) {
  return guarded([&] { return submit2(queue, count, pSubmits, fence); });
}

VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue) { return Queue::from(queue)->wait_idle(); }

}  // namespace mica::vk
