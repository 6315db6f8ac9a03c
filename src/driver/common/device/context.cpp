// Context: encoding, upload, scratch, job splitting, submission, fences and lost-context reports.
#include "mica/device/context.h"
#include "encoder.h"
#include "screen_state.h"

#include <mica/sim/device_trace.h>

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace mica::device {
namespace {

// How often a submission is rebuilt when the kernel reports that the power profile changed
// between building and submitting (each retry recompiles for the newest profile).
constexpr int kStaleShaderRetries = 4;
// Retired upload buffers kept for reuse.
constexpr size_t kFreeStreams = 8;
constexpr uint64_t kMinStreamBytes = 64 * 1024;
// How long the deferred-submission thread sleeps in the kernel between looks at its stop flag.
constexpr int64_t kDeferredPollNs = 50'000'000;

const char* access_name(uint32_t access) {
  switch (access) {
  case 0: return "read";
  case 1: return "write";
  case 2: return "execute";
  }
  return "unknown access";
}

}  // namespace

std::string LostReason::describe() const {
  char buf[512];
  if (!guilty) {
    std::snprintf(buf, sizeof buf, "not lost%s (resets involving it: %u)",
                  innocent ? ", work was resubmitted after another context's reset" : "", reset_count);
    return buf;
  }
  const char* where_pc = pc_in_command_stream ? "command-stream offset" : "pc";
  std::string s;
  if (fault == MICA_FAULT_MMU_UNMAPPED || fault == MICA_FAULT_MMU_PERMISSION) {
    // Memory faults: what was accessed where, and by which instruction.
    std::snprintf(buf, sizeof buf, "%s fault (%u): %s at %s 0x%016" PRIx64 ", %s 0x%016" PRIx64, fault_name.c_str(), fault,
                  access_name(fault_access), addr_in_command_stream ? "command-stream offset" : "GPU address",
                  fault_addr, where_pc, fault_pc);
    s = buf;
  } else if (fault) {
    std::snprintf(buf, sizeof buf, "%s fault (%u) at %s 0x%016" PRIx64, fault_name.empty() ? "unknown" : fault_name.c_str(),
                  fault, where_pc, fault_pc);
    s = buf;
  } else {
    s = "hung or killed without a device fault (the kernel's job timeout)";
  }
  if (fault_flags) {
    std::snprintf(buf, sizeof buf, ", fault_flags 0x%x", fault_flags);
    s += buf;
  }
  if (job_error) {
    std::snprintf(buf, sizeof buf, "; job %" PRIu64 " failed with %s", failed_seqno,
                  job_error == -EIO ? "-EIO (faulted)" : job_error == -ECANCELED ? "-ECANCELED (skipped)" : "an error");
    s += buf;
  }
  return s;
}

struct Context::Impl {
  std::shared_ptr<Screen> screen;
  std::shared_ptr<ScreenState> state;
  std::unique_ptr<winsys::Context> ctx;
  bool copy_only = false;

  std::mutex mutex;
  uint64_t last_seqno = 0;
  struct InFlight {
    uint64_t seqno;
    std::unique_ptr<Buffer> stream;
    std::shared_ptr<Buffer> scratch;
    std::vector<std::shared_ptr<const LoadedCode>> code;
  };
  std::deque<InFlight> in_flight;
  std::vector<std::unique_ptr<Buffer>> free_streams;
  // Scratch (VGPR spill) memory of this context's jobs, created for the first program that spills
  // and replaced by a larger one when needed; jobs in flight keep the one they use alive. One per
  // context suffices: a context's dispatches run one after the other.
  std::shared_ptr<Buffer> scratch;

  // Wait-before-signal (Mesa's vk_queue submit thread): the kernel takes a job only once the
  // sync-object points it waits for exist (were submitted or signalled). A submission that waits
  // for a point that does not exist yet, and every later one of this context (submission order),
  // waits here; a thread sleeps in DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT (WAIT_AVAILABLE) until the
  // head's points exist, then submits it. Under 'mutex'.
  std::deque<SubmitInfo> deferred;
  std::condition_variable deferred_cv;  // the thread: work or stop; waiters: the queue drained
  std::thread deferred_thread;
  bool deferred_stop = false;

  // Lost state: sticky once seen.
  bool lost = false;
  LostReason reason;
  std::function<void(const LostReason&)> callback;
  bool callback_due = false;

  // Called with the mutex held: the context was found lost (a job error, a refused submission or
  // the kernel's status). Queries the kernel for the fault.
  void note_lost(int32_t job_error, uint64_t seqno) {
    if (!lost) {
      lost = true;
      callback_due = true;
      query_locked(reason);
      reason.guilty = true;  // a skipped or failed job means the context is lost even if not yet reported
    }
    if (job_error && !reason.job_error) {
      reason.job_error = job_error;
      reason.failed_seqno = seqno;
    }
  }

  Status query_locked(LostReason& out) {
    drm_mica_ctx_query q{};
    Status s = guarded_call("CTX_QUERY", [&] { q = ctx->query(); });
    if (s != Status::ok) return s;
    out.guilty = q.status == DRM_MICA_CTX_STATUS_GUILTY;
    out.innocent = q.status == DRM_MICA_CTX_STATUS_INNOCENT;
    out.reset_count = q.reset_count;
    out.fault = q.fault;
    out.fault_name = q.fault < MICA_FAULT_COUNT ? mica_fault_name[q.fault] : "";
    if (q.fault == 0) out.fault_name.clear();
    out.fault_addr = q.fault_addr;
    out.fault_pc = q.fault_pc;
    out.fault_access = q.fault_access;
    out.fault_flags = q.fault_flags;
    out.addr_in_command_stream = q.fault_flags & DRM_MICA_FAULT_ADDR_CMDSTREAM;
    out.pc_in_command_stream = q.fault_flags & DRM_MICA_FAULT_PC_CMDSTREAM;
    return Status::ok;
  }

  // Runs the lost callback if it is due; called without the mutex.
  void fire_callback() {
    std::function<void(const LostReason&)> cb;
    LostReason r;
    {
      std::lock_guard lock(mutex);
      if (!callback_due || !callback) return;
      callback_due = false;
      cb = callback;
      r = reason;
    }
    cb(r);
  }

  Status wait_job(uint64_t seqno, int64_t timeout_ns) {
    bool done = false;
    int32_t err = 0;
    Status s = guarded_call("CTX_WAIT", [&] { done = ctx->wait(seqno, timeout_ns, &err); });
    if (s == Status::device_lost) note_lost(0, seqno);
    if (s != Status::ok) return s;
    if (!done) return Status::timeout;
    if (err) {
      note_lost(err, seqno);
      return Status::device_lost;
    }
    return Status::ok;
  }

  // Drops the in-flight records of retired jobs (all of them, waiting, when wait_all).
  void retire(bool wait_all) {
    while (!in_flight.empty()) {
      Status s = wait_job(in_flight.front().seqno, wait_all ? INT64_MAX : 0);
      if (s != Status::ok && s != Status::device_lost) break;
      if (free_streams.size() < kFreeStreams && in_flight.front().stream)
        free_streams.push_back(std::move(in_flight.front().stream));
      in_flight.pop_front();
    }
  }

  std::unique_ptr<Buffer> take_stream_memory(uint64_t bytes) {
    for (auto it = free_streams.begin(); it != free_streams.end(); ++it)
      if ((*it)->size() >= bytes) {
        auto mem = std::move(*it);
        free_streams.erase(it);
        return mem;
      }
    // Rounded up so that similar submissions can reuse the memory.
    uint64_t size = kMinStreamBytes;
    while (size < bytes) size *= 2;
    std::unique_ptr<Buffer> mem;
    if (screen->create_buffer(size, BufferUsage::driver_shared, mem) != Status::ok) return nullptr;
    return mem;
  }

  Status ensure_scratch(uint32_t scratch_bytes) {
    const uint64_t need = scratch_buffer_bytes(scratch_bytes, state->info.cu_count);
    if (scratch && scratch->size() >= need) return Status::ok;
    std::unique_ptr<Buffer> mem;
    Status s = screen->create_buffer(need, BufferUsage::scratch, mem);
    if (s != Status::ok) return s;
    if (mem->va() % kScratchAlignment != 0) return Status::failed;  // buffers are page aligned
    scratch = std::move(mem);  // the previous one lives on in the in-flight jobs that use it
    return Status::ok;
  }

  Status build_stream(std::span<const CommandList* const> lists, std::unique_ptr<Buffer>& upload,
                      std::shared_ptr<Buffer>& scratch_used, EncodedStream& enc) {
    const uint32_t profile = state->power_profile.load();
    // First pass: measure the upload area and the scratch the programs need.
    Status s = encode_stream(lists, profile, 0, 0, copy_only, enc);
    if (s != Status::ok) return s;
    if (enc.scratch_bytes) {
      s = ensure_scratch(enc.scratch_bytes);
      if (s != Status::ok) return s;
      scratch_used = scratch;
    }
    if (enc.upload.empty() && !scratch_used) return Status::ok;
    if (!enc.upload.empty()) {
      upload = take_stream_memory(enc.upload.size());
      if (!upload) return Status::out_of_device_memory;
    }
    s = encode_stream(lists, profile, upload ? upload->va() : 0, scratch_used ? scratch_used->va() : 0, copy_only, enc);
    if (s != Status::ok) return s;
    if (!enc.upload.empty()) std::memcpy(upload->cpu(), enc.upload.data(), enc.upload.size());
    return Status::ok;
  }

  // One kernel job. A job the kernel's validator refuses is the caller's bad input: invalid_argument,
  // with the rejection reason in 'log'.
  Status submit_job(std::span<const uint32_t> packets, const winsys::SubmitInfo& si, uint64_t& seqno, std::string* log) {
    try {
      seqno = state->dev->submit(*ctx, packets, si);
      return Status::ok;
    } catch (const winsys::Error& e) {
      switch (e.error()) {
      case EINVAL:
      case EACCES:
      case EPERM:
      case E2BIG:
      case ELOOP: {
        const std::string why = "the kernel refused the job: " + state->explain_rejection();
        if (log) *log = why;
        return Status::invalid_argument;
      }
      default:
        return status_from_errno(e.error(), "SUBMIT", e.what());
      }
    } catch (const std::bad_alloc&) {
      return Status::out_of_host_memory;
    }
  }

  // The points a submission waits for (point 0 is always reached and waits for nothing).
  static Status wait_points(const SubmitInfo& info, std::vector<winsys::SyncPoint>& waits) {
    for (const auto& w : info.waits) {
      if (!w.timeline) return Status::invalid_argument;
      if (w.value) waits.push_back({w.timeline->kernel_handle(), w.value});
    }
    return Status::ok;
  }

  // Whether every point the submission waits for exists (a job may wait for it); never blocks.
  bool waits_exist(const std::vector<winsys::SyncPoint>& waits) {
    if (waits.empty()) return true;
    bool exist = false;
    guarded_call("SYNCOBJ_TIMELINE_WAIT", [&] { exist = state->dev->wait_syncs(waits, true, true, 0); });
    return exist;
  }

  // Called with the mutex held (lock): submits now, or defers behind earlier deferred
  // submissions or until the points it waits for exist. A caller that needs the seqno waits
  // until its submission reached the kernel.
  Status submit_or_defer(std::unique_lock<std::mutex>& lock, const SubmitInfo& info, uint64_t* seqno_out,
                         std::string* log) {
    if (lost) return Status::device_lost;
    std::vector<winsys::SyncPoint> waits;
    Status s = wait_points(info, waits);
    if (s != Status::ok) return s;
    if (deferred.empty() && waits_exist(waits)) return submit(info, seqno_out, log);
    if (seqno_out) {
      deferred_cv.wait(lock, [&] { return deferred.empty() || lost; });
      while (!lost && !waits_exist(waits)) {
        lock.unlock();
        guarded_call("SYNCOBJ_TIMELINE_WAIT", [&] { state->dev->wait_syncs(waits, true, true, kDeferredPollNs); });
        lock.lock();
      }
      return lost ? Status::device_lost : submit(info, seqno_out, log);
    }
    deferred.push_back(info);
    if (!deferred_thread.joinable()) deferred_thread = std::thread([this] { run_deferred(); });
    deferred_cv.notify_all();
    return Status::ok;
  }

  // The deferred-submission thread: submits the head once its points exist, in order.
  void run_deferred() {
    std::unique_lock lock(mutex);
    while (!deferred_stop) {
      if (deferred.empty()) {
        deferred_cv.wait(lock);
        continue;
      }
      std::vector<winsys::SyncPoint> waits;
      wait_points(deferred.front(), waits);
      if (!waits_exist(waits)) {
        lock.unlock();
        guarded_call("SYNCOBJ_TIMELINE_WAIT", [&] { state->dev->wait_syncs(waits, true, true, kDeferredPollNs); });
        lock.lock();
        continue;
      }
      const SubmitInfo info = std::move(deferred.front());
      deferred.pop_front();
      std::string log;
      Status s = Status::out_of_host_memory;
      try {
        s = submit(info, nullptr, &log);
      } catch (const std::bad_alloc&) {
      }
      if (s != Status::ok) {
        // Nobody is left to return it to: the queue is lost, as in Mesa's submit thread.
        std::fprintf(stderr, "mica: deferred submission failed (status %d)%s%s\n", int(s), log.empty() ? "" : ": ",
                     log.c_str());
        note_lost(0, 0);
        deferred.clear();
      }
      if (deferred.empty()) deferred_cv.notify_all();
      if (callback_due) {
        lock.unlock();
        fire_callback();
        lock.lock();
      }
    }
  }

  // Stops the thread; submissions still waiting for points that never appeared are dropped.
  void stop_deferred() {
    {
      std::lock_guard lock(mutex);
      deferred_stop = true;
      deferred.clear();
      deferred_cv.notify_all();
    }
    if (deferred_thread.joinable()) deferred_thread.join();
  }

  Status submit(const SubmitInfo& info, uint64_t* seqno_out, std::string* log) {
    if (lost) return Status::device_lost;
    retire(false);
    if (lost) return Status::device_lost;
    std::vector<winsys::SyncPoint> waits, signals;
    Status ws = wait_points(info, waits);
    if (ws != Status::ok) return ws;
    for (const auto& s : info.signals) {
      if (!s.timeline) return Status::invalid_argument;
      signals.push_back({s.timeline->kernel_handle(), s.value});
    }
    std::vector<uint32_t> keep;
    for (const auto* b : info.keep_alive)
      if (b) keep.push_back(b->kernel_handle());

    // A submission of any size becomes as many kernel jobs as the kernel's per-job limits need,
    // all on this context, which runs its jobs in order: wait points beyond one job's share go to
    // empty jobs in front, signal points beyond it to empty jobs behind, and a command stream
    // longer than a job may be is cut between self-contained packet groups.
    const size_t group = std::max<uint32_t>(1, state->limits.max_syncs_per_job);
    winsys::CommandBuilder empty_job;
    empty_job.nop();
    size_t accepted = 0;  // jobs of this submission the kernel has taken (kept on a retry)
    uint64_t last = 0;
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Buffer> stream;
      std::shared_ptr<Buffer> scratch_used;
      EncodedStream enc;
      Status s = build_stream(info.lists, stream, scratch_used, enc);
      if (s == Status::stale_shader && attempt < kStaleShaderRetries) {
        // Loading a recompiled program raced with another profile change.
        screen->refresh_power_state();
        continue;
      }
      if (s != Status::ok) {
        if (log) *log = enc.log;
        return s;
      }
      mica_trace(MICA_TRACE_ENCODED);
      std::vector<std::span<const uint32_t>> pieces;
      s = split_stream(enc, state->limits.max_job_dwords, pieces);
      if (s != Status::ok) return s;

      struct Job {
        std::span<const uint32_t> packets;
        std::span<const winsys::SyncPoint> waits, signals;
      };
      std::vector<Job> jobs;
      const std::span<const winsys::SyncPoint> all_waits(waits), all_signals(signals);
      size_t w = 0;
      for (; all_waits.size() - w > group; w += group) jobs.push_back({empty_job.dwords(), all_waits.subspan(w, group), {}});
      for (const auto& piece : pieces) jobs.push_back({piece, {}, {}});
      jobs[jobs.size() - pieces.size()].waits = all_waits.subspan(w);
      jobs.back().signals = all_signals.subspan(0, std::min(group, all_signals.size()));
      for (size_t i = group; i < all_signals.size(); i += group)
        jobs.push_back({empty_job.dwords(), {}, all_signals.subspan(i, std::min(group, all_signals.size() - i))});

      winsys::SubmitInfo si;
      si.bos = keep;
      if (stream) si.bos.push_back(stream->kernel_handle());
      if (scratch_used) si.bos.push_back(scratch_used->kernel_handle());
      Status st = Status::ok;
      const size_t accepted_before = accepted;
      for (; accepted < jobs.size(); ++accepted) {
        const Job& j = jobs[accepted];
        si.wait.assign(j.waits.begin(), j.waits.end());
        si.signal.assign(j.signals.begin(), j.signals.end());
        st = submit_job(j.packets, si, last, log);
        if (st != Status::ok) break;
      }
      if (accepted > accepted_before) {
        // Jobs this attempt got taken read this stream (the upload area, the scratch buffer, the
        // programs): it lives until the last of them retires, whatever happens to the rest.
        last_seqno = last;
        in_flight.push_back({last, std::move(stream), std::move(scratch_used), std::move(enc.code)});
      }
      switch (st) {
      case Status::ok:
        if (seqno_out) *seqno_out = last;
        return Status::ok;
      case Status::stale_shader:
        // The administrator changed the power profile: pick up the new one; the programs
        // recompile for it while the stream is rebuilt (same packet layout, so the same jobs),
        // and the jobs not yet taken are submitted from the new stream.
        if (attempt >= kStaleShaderRetries) return Status::failed;
        screen->refresh_power_state();
        if (stream && free_streams.size() < kFreeStreams) free_streams.push_back(std::move(stream));
        continue;
      case Status::device_lost:
        note_lost(0, 0);
        return Status::device_lost;
      default:
        return st;
      }
    }
  }
};

Status Screen::create_context(bool copy_only, std::unique_ptr<Context>& out) {
  std::unique_ptr<Context> c;
  try {
    c.reset(new Context());
    c->impl_ = std::make_unique<Context::Impl>();
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  auto& impl = *c->impl_;
  impl.screen = shared_from_this();
  impl.state = state_;
  impl.copy_only = copy_only;
  Status s = guarded_call("CTX_CREATE", [&] {
    impl.ctx = state_->dev->create_context(copy_only ? DRM_MICA_CTX_COPY : DRM_MICA_CTX_COMPUTE);
  });
  // Running out of hardware context slots.
  if (s == Status::out_of_device_memory) return Status::too_many_objects;
  if (s != Status::ok) return s;
  out = std::move(c);
  return Status::ok;
}

Context::~Context() {
  if (!impl_) return;
  impl_->stop_deferred();
  // Wait for our work (bounded by the kernel's job timeout) before the context goes away.
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->last_seqno) impl_->wait_job(impl_->last_seqno, INT64_MAX);
    impl_->in_flight.clear();
    impl_->free_streams.clear();
    impl_->scratch.reset();
  }
  impl_->ctx.reset();
}

Screen& Context::screen() const { return *impl_->screen; }
bool Context::copy_only() const { return impl_->copy_only; }
uint32_t Context::kernel_handle() const { return impl_->ctx->handle(); }

Status Context::submit(const SubmitInfo& info, uint64_t* seqno, std::string* log) {
  Status s;
  {
    std::unique_lock lock(impl_->mutex);
    try {
      s = impl_->submit_or_defer(lock, info, seqno, log);
    } catch (const std::bad_alloc&) {
      s = Status::out_of_host_memory;
    }
  }
  impl_->fire_callback();
  return s;
}

Status Context::wait(uint64_t seqno, int64_t timeout_ns) {
  Status s;
  {
    std::lock_guard lock(impl_->mutex);
    if (seqno > impl_->last_seqno) return Status::invalid_argument;
    s = seqno == 0 ? Status::ok : impl_->wait_job(seqno, timeout_ns);
    if (s == Status::ok || s == Status::device_lost) {
      impl_->retire(false);  // every job up to seqno is done (a context runs its jobs in order)
      if (impl_->lost) s = Status::device_lost;
    }
  }
  impl_->fire_callback();
  return s;
}

Status Context::status(uint64_t seqno) {
  Status s = wait(seqno, 0);
  return s == Status::timeout ? Status::not_ready : s;
}

Status Context::wait_idle() {
  Status s;
  {
    std::unique_lock lock(impl_->mutex);
    // Deferred submissions first: they reach the kernel once the points they wait for exist.
    impl_->deferred_cv.wait(lock, [&] { return impl_->deferred.empty() || impl_->lost; });
    impl_->retire(true);
    s = impl_->lost ? Status::device_lost : Status::ok;
  }
  if (s == Status::ok) s = check();
  impl_->fire_callback();
  return s;
}

uint64_t Context::last_seqno() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->last_seqno;
}

Status Context::check() {
  Status s = Status::ok;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->lost) {
      LostReason r;
      Status q = impl_->query_locked(r);
      if (q != Status::ok) return q;
      if (r.guilty) impl_->note_lost(0, 0);
    }
    if (impl_->lost) s = Status::device_lost;
  }
  impl_->fire_callback();
  return s;
}

Status Context::query(LostReason& out) {
  std::lock_guard lock(impl_->mutex);
  LostReason r;
  Status s = impl_->query_locked(r);
  if (s != Status::ok) return s;
  r.job_error = impl_->reason.job_error;
  r.failed_seqno = impl_->reason.failed_seqno;
  out = std::move(r);
  return Status::ok;
}

void Context::set_lost_callback(std::function<void(const LostReason&)> callback) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->callback = std::move(callback);
  }
  impl_->fire_callback();
}

uint64_t Context::scratch_bytes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->scratch ? impl_->scratch->size() : 0;
}

}  // namespace mica::device
