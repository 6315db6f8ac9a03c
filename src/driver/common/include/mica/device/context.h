// The device layer's context (the counterpart of Gallium's pipe_context): one kernel context, i.e.
// one queue. It turns CommandLists into packets for the active power profile, uploads them with the
// inline data of the dispatches, provides scratch memory to programs that spill, submits them as
// kernel jobs (split to the kernel's per-job limits) with wait/signal timeline points, recompiles
// and resubmits when the kernel reports a power-profile change, and reports when the context is
// lost and why (the kernel's fault code, address, access and flags).
//
// A Context is thread-safe (calls are serialised); jobs of one context run in submission order.
#pragma once

#include "mica/device/commands.h"
#include "mica/device/screen.h"
#include "mica/device/status.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace mica::device {

// Why a context was lost, from the kernel (uapi drm_mica_ctx_query and the job errors).
struct LostReason {
  bool guilty = false;        // this context faulted or hung: every later submission fails
  bool innocent = false;      // another context's reset took work of this one (resubmitted; not lost)
  uint32_t reset_count = 0;   // recoveries that involved this context
  uint32_t fault = 0;         // MICA_FAULT_* (mica.toml [fault]) of the guilty fault, 0 if none
  std::string fault_name;     // e.g. "MMU_UNMAPPED", "WATCHDOG"; "" if none
  uint64_t fault_addr = 0;    // faulting GPU address (or command-stream byte offset, see below)
  uint64_t fault_pc = 0;      // faulting program counter (or command-stream byte offset)
  uint32_t fault_access = 0;  // MICA_ACCESS_*: 0 read, 1 write, 2 execute
  uint32_t fault_flags = 0;   // DRM_MICA_FAULT_*
  bool addr_in_command_stream = false;  // fault_addr is a byte offset into the job's packets
  bool pc_in_command_stream = false;    // fault_pc is a byte offset into the job's packets
  int32_t job_error = 0;      // the error of the first failed job this context saw: -EIO fault, -ECANCELED skipped
  uint64_t failed_seqno = 0;  // that job's seqno, 0 if none seen
  // One line for logs and debug messengers, e.g. "context 3 lost: MMU_UNMAPPED fault, write at GPU
  // address 0x0000001000000000, pc 0x0000000100000040".
  std::string describe() const;
};

struct SubmitInfo {
  std::vector<const CommandList*> lists;    // run in order; may be empty (the job only syncs)
  std::vector<TimelinePoint> waits;         // the job runs once every point is reached (0 = no-op)
  std::vector<TimelinePoint> signals;       // signalled when the job (all its parts) completed
  // Buffers whose pages the kernel keeps until the job retired. Their GPU addresses still end when
  // the Buffer objects are destroyed: the caller keeps a Buffer until work that uses it completed.
  std::vector<const Buffer*> keep_alive;
};

class Context {
public:
  ~Context();  // waits for the context's work (bounded by the kernel's job timeout)
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Screen& screen() const;
  bool copy_only() const;
  uint32_t kernel_handle() const;

  // Encodes and submits. 'seqno' (optional) gets the point on this context's timeline that
  // completes with the submission: pass it to wait() / status(). device_lost when the context is
  // lost (then and for every later call); compile_failed when a program has no variant for the
  // active profile; out_of_device_memory when a single command cannot fit a job or memory ran out.
  // 'log' (optional) gets why a submission failed when there is more to say (the compiler's
  // message, a packet the hardware description refuses).
  Status submit(const SubmitInfo& info, uint64_t* seqno = nullptr, std::string* log = nullptr);

  // Waits for the submission with this seqno: ok, timeout, or device_lost when that job (or one
  // before it on this context) faulted, hung or was skipped. timeout_ns 0 polls; INT64_MAX waits
  // forever (the kernel's job timeout bounds it). A seqno this context never returned is
  // invalid_argument.
  Status wait(uint64_t seqno, int64_t timeout_ns);
  // ok (completed), not_ready, or device_lost. Never blocks.
  Status status(uint64_t seqno);
  // Waits for everything submitted so far; ok or device_lost.
  Status wait_idle();
  uint64_t last_seqno() const;

  // Asks the kernel whether the context is lost: device_lost or ok. The first time it finds the
  // context guilty, the lost callback runs (once per context).
  Status check();
  // The kernel's view of the context now (fault code, address, flags, reset count).
  Status query(LostReason& out);
  // Called once, with the reason, the first time any call of this context finds it lost (a failed
  // wait, a refused submission, check()). Runs on the thread that found it, with no lock held.
  void set_lost_callback(std::function<void(const LostReason&)> callback);

  // Size of the scratch buffer this context's spilling programs use (0 until one needed it).
  uint64_t scratch_bytes() const;

private:
  friend class Screen;
  Context() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;  // holds the Screen alive
};

}  // namespace mica::device
