// Queue submission: command lists -> packets in GPU memory -> kernel SUBMIT with sync points.
#include "command_buffer.h"
#include "command_stream.h"
#include "device.h"
#include "entrypoints.h"
#include "gpu_memory.h"
#include "sync.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {
namespace {

// How often a submission is rebuilt when the kernel reports that the power profile changed
// between building and submitting (each retry recompiles for the newest profile).
constexpr int kStaleShaderRetries = 4;

}  // namespace

VkResult Device::check_lost() {
  if (lost()) return VK_ERROR_DEVICE_LOST;
  for (const auto& q : queues_)
    if (q->guilty()) return mark_lost();
  return VK_SUCCESS;
}

Queue::~Queue() {
  // Wait for our work (bounded by the kernel's job timeout) before the context goes away.
  if (last_seqno_) {
    bool failed = false;
    device_.kernel().ctx_wait(ctx_, last_seqno_, INT64_MAX, failed);
  }
  in_flight_.clear();
  free_streams_.clear();
  scratch_.reset();
  device_.kernel().ctx_destroy(ctx_);
}

bool Queue::guilty() const { return device_.kernel().ctx_guilty(ctx_); }

std::unique_ptr<GpuMemory> Queue::take_stream_memory(uint64_t bytes) {
  for (auto it = free_streams_.begin(); it != free_streams_.end(); ++it)
    if ((*it)->size() >= bytes) {
      auto mem = std::move(*it);
      free_streams_.erase(it);
      return mem;
    }
  std::unique_ptr<GpuMemory> mem;
  // Round up so that similar submissions can reuse the memory.
  uint64_t size = 64 * 1024;
  while (size < bytes) size *= 2;
  if (GpuMemory::create(device_, size, GpuMemory::Usage::commands, mem) != VK_SUCCESS) return nullptr;
  return mem;
}

void Queue::retire(bool wait_all) {
  while (!in_flight_.empty()) {
    bool failed = false;
    KernelStatus s = device_.kernel().ctx_wait(ctx_, in_flight_.front().seqno, wait_all ? INT64_MAX : 0, failed);
    if (s != KernelStatus::ok) break;
    if (failed) device_.mark_lost();
    // Keep a few stream buffers around for reuse.
    if (free_streams_.size() < 8 && in_flight_.front().stream)
      free_streams_.push_back(std::move(in_flight_.front().stream));
    in_flight_.pop_front();
  }
}

VkResult Queue::ensure_scratch(uint32_t scratch_bytes) {
  const uint64_t need = scratch_buffer_bytes(scratch_bytes, device_.physical().info().cu_count);
  if (scratch_ && scratch_->size() >= need) return VK_SUCCESS;
  std::unique_ptr<GpuMemory> mem;
  VkResult r = GpuMemory::create(device_, need, GpuMemory::Usage::scratch, mem);
  if (r != VK_SUCCESS) return r;
  if (mem->va() % kScratchAlignment != 0) return VK_ERROR_UNKNOWN;  // BOs are page aligned
  // The previous buffer lives on in the in-flight jobs that use it.
  scratch_ = std::move(mem);
  return VK_SUCCESS;
}

VkResult Queue::build_stream(const SubmitBatch& batch, std::unique_ptr<GpuMemory>& upload,
                             std::shared_ptr<GpuMemory>& scratch, EncodedStream& enc) {
  const uint32_t profile = device_.power_profile();
  // First pass: measure the upload area and the scratch the programs need.
  VkResult r = encode_stream(batch.command_buffers, profile, 0, 0, enc);
  if (r != VK_SUCCESS) return r;
  if (enc.scratch_bytes) {
    r = ensure_scratch(enc.scratch_bytes);
    if (r != VK_SUCCESS) return r;
    scratch = scratch_;
  }
  if (enc.upload.empty() && !scratch) return VK_SUCCESS;
  if (!enc.upload.empty()) {
    upload = take_stream_memory(enc.upload.size());
    if (!upload) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  }
  r = encode_stream(batch.command_buffers, profile, upload ? upload->va() : 0, scratch ? scratch->va() : 0, enc);
  if (r != VK_SUCCESS) return r;
  if (enc.upload.empty()) return VK_SUCCESS;
  std::memcpy(upload->cpu(), enc.upload.data(), enc.upload.size());
  return VK_SUCCESS;
}

VkResult Queue::submit_one(const SubmitBatch& batch, Fence* fence) {
  std::vector<SyncPoint> waits, signals;
  for (const auto& [sem, value] : batch.waits)
    waits.push_back({sem->sync().handle(), sem->timeline() ? value : sem->binary_wait_point()});
  for (const auto& [sem, value] : batch.signals)
    signals.push_back({sem->sync().handle(), sem->timeline() ? value : sem->next_binary_point()});
  if (fence) signals.push_back({fence->sync().handle(), fence->arm()});

  // A Vulkan submission of any size becomes as many kernel jobs as the kernel's per-job limits
  // need, all on this queue's context, which runs its jobs in order: wait points beyond one
  // job's share go to empty jobs in front, signal points beyond it to empty jobs behind, and a
  // command stream longer than a job may be is cut between self-contained packet groups.
  auto& kernel = device_.kernel();
  const size_t group = std::max<uint32_t>(1, kernel.max_syncs_per_submit());
  winsys::CommandBuilder empty_job;
  empty_job.nop();
  size_t accepted = 0;       // jobs of this submission the kernel has taken (kept on a retry)
  uint64_t last_seqno = 0;
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<GpuMemory> stream;
    std::shared_ptr<GpuMemory> scratch;
    EncodedStream enc;
    VkResult r = build_stream(batch, stream, scratch, enc);
    if (r != VK_SUCCESS) return r;
    std::vector<std::span<const uint32_t>> pieces;
    r = split_stream(enc, kernel.max_job_dwords(), pieces);
    if (r != VK_SUCCESS) return r;

    struct Job {
      std::span<const uint32_t> packets;
      std::span<const SyncPoint> waits, signals;
    };
    std::vector<Job> jobs;
    const std::span<const SyncPoint> all_waits(waits), all_signals(signals);
    size_t w = 0;
    for (; all_waits.size() - w > group; w += group) jobs.push_back({empty_job.dwords(), all_waits.subspan(w, group), {}});
    for (const auto& piece : pieces) jobs.push_back({piece, {}, {}});
    jobs[jobs.size() - pieces.size()].waits = all_waits.subspan(w);
    jobs.back().signals = all_signals.subspan(0, std::min(group, all_signals.size()));
    for (size_t s = group; s < all_signals.size(); s += group)
      jobs.push_back({empty_job.dwords(), {}, all_signals.subspan(s, std::min(group, all_signals.size() - s))});

    std::vector<uint32_t> bos;
    if (stream) bos.push_back(stream->bo_handle());
    if (scratch) bos.push_back(scratch->bo_handle());
    KernelStatus st = KernelStatus::ok;
    for (; accepted < jobs.size(); ++accepted) {
      const Job& j = jobs[accepted];
      st = kernel.submit(ctx_, j.packets, bos, j.waits, j.signals, last_seqno);
      if (st != KernelStatus::ok) break;
    }
    switch (st) {
    case KernelStatus::ok:
      last_seqno_ = last_seqno;
      in_flight_.push_back({last_seqno, std::move(stream), std::move(scratch)});
      return VK_SUCCESS;
    case KernelStatus::stale_shader:
      // The administrator changed the power profile: pick up the new one; the pipelines
      // recompile for it while the stream is rebuilt (same packet layout, so the same jobs), and
      // the jobs not yet taken are submitted from the new stream.
      if (attempt >= kStaleShaderRetries) return VK_ERROR_UNKNOWN;
      device_.refresh_power_state();
      if (accepted) {
        // Jobs already taken read this stream: it lives until the last of them retires.
        last_seqno_ = last_seqno;
        in_flight_.push_back({last_seqno, std::move(stream), std::move(scratch)});
      } else if (stream) {
        free_streams_.push_back(std::move(stream));
      }
      continue;
    case KernelStatus::guilty:
      return device_.mark_lost();
    default:
      return to_vk(st);
    }
  }
}

VkResult Queue::submit(const std::vector<SubmitBatch>& batches, Fence* fence) {
  std::lock_guard lock(mutex_);
  if (device_.lost()) return VK_ERROR_DEVICE_LOST;
  retire(false);
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
  retire(true);
  return device_.check_lost();
}

// ---- entry points ---------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo* pSubmits, VkFence fence) {
  return guarded([&] {
    std::vector<SubmitBatch> batches(count);
    for (uint32_t i = 0; i < count; ++i) {
      const auto& s = pSubmits[i];
      const auto* tl = find_in_chain<VkTimelineSemaphoreSubmitInfo>(s.pNext,
                                                                     VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
      for (uint32_t j = 0; j < s.commandBufferCount; ++j)
        batches[i].command_buffers.push_back(CommandBuffer::from(s.pCommandBuffers[j]));
      for (uint32_t j = 0; j < s.waitSemaphoreCount; ++j) {
        uint64_t v = tl && j < tl->waitSemaphoreValueCount && tl->pWaitSemaphoreValues ? tl->pWaitSemaphoreValues[j] : 0;
        batches[i].waits.emplace_back(from_handle<Semaphore>(s.pWaitSemaphores[j]), v);
      }
      for (uint32_t j = 0; j < s.signalSemaphoreCount; ++j) {
        uint64_t v =
            tl && j < tl->signalSemaphoreValueCount && tl->pSignalSemaphoreValues ? tl->pSignalSemaphoreValues[j] : 0;
        batches[i].signals.emplace_back(from_handle<Semaphore>(s.pSignalSemaphores[j]), v);
      }
    }
    return Queue::from(queue)->submit(batches, from_handle<Fence>(fence));
  });
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t count, const VkSubmitInfo2* pSubmits, VkFence fence) {
  return guarded([&] {
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
  });
}

VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue) { return Queue::from(queue)->wait_idle(); }

}  // namespace mica::vk
