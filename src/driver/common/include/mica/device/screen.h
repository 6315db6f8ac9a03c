// The device layer's screen (the counterpart of Gallium's pipe_screen): one opened Mica device as
// both API frontends see it. It owns the winsys device (sim or drm backend), answers what the device
// is and what it can do, tracks the power profile, allocates buffers with a GPU address (and a CPU
// mapping when asked), creates timelines (the kernel's sync objects) and uploads programs
// (program.h). Per-queue command submission lives in Context (context.h).
//
// The frontends never see the winsys, packets or ioctls. Every call returns a Status; nothing
// throws across this API. A Screen is thread-safe; Buffers and Timelines may be used from any thread.
#pragma once

#include "mica/device/status.h"
#include "mica/driver/binary_cache.h"
#include "mica/driver/device_info.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mica::device {

class Context;
class Program;
struct ProgramSource;
struct ProgramCacheUse;
struct ScreenState;  // internal: the opened winsys device, shared by everything created from it

// How to open a device. The defaults do what applications get: MICA_WINSYS=drm|sim picks the
// backend, else a DRM render node whose driver is "mica" if there is one, else the simulated device.
struct ScreenOptions {
  enum class Backend { automatic, drm, sim } backend = Backend::automatic;
  // Only for the sim backend (tests): the simulated device. 0 keeps the default.
  uint32_t sim_revision = 0;           // MICA_REV_*
  uint32_t sim_cu_count = 0;
  uint64_t sim_vram_bytes = 0;
  uint64_t sim_watchdog_cycles = 0;    // a dispatch running longer faults its context
  uint64_t sim_job_timeout_ns = 0;     // the kernel kills a context whose job runs longer
  // On-disk program cache directory ("" = none). Screen::shared() uses MICA_CACHE_DIR, else
  // $XDG_CACHE_HOME/mica, else ~/.cache/mica; MICA_CACHE_DIR="" (set but empty) disables it.
  std::string disk_cache_dir;
};

// What the kernel's limits are for one submission and one allocation (uapi drm_mica_dev_info).
struct Limits {
  uint64_t va_start = 0, va_end = 0;   // the GPU address range buffers are placed in
  uint32_t page_size = 0;
  uint32_t max_contexts = 0;           // contexts the device can hold at once
  uint32_t max_job_dwords = 0;         // packets per kernel job (Context splits longer streams)
  uint32_t max_syncs_per_job = 0;      // wait or signal points per kernel job (Context splits more)
  uint64_t max_buffer_bytes = 0;
  uint64_t max_program_bytes = 0;
  uint64_t watchdog_cycles = 0;        // a dispatch running longer than this faults (WATCHDOG)
  uint64_t job_timeout_ns = 0;         // a job running longer than this makes its context lost
};

// The device's power profile (MICA_PROFILE_*). Binaries are scheduled for one profile; the kernel
// refuses binaries of another one, so programs are recompiled when 'generation' moves.
struct PowerState {
  uint32_t profile = 0;
  uint64_t generation = 0;
};

// What a buffer is for; decides whether it gets a CPU mapping.
enum class BufferUsage {
  device_local,  // GPU only, never CPU mapped (Vulkan device-local-only memory type)
  host_visible,  // GPU and CPU; coherent
  driver_shared, // driver-internal, written and read by CPU and GPU (events, queries, printf)
  scratch,       // driver-internal, GPU only (program spill memory)
};

// Device memory with a GPU virtual address in the screen's address space and, for CPU-visible
// usages, a CPU mapping that lives as long as the buffer. The GPU address stays valid until the
// Buffer is destroyed; the caller keeps a buffer alive while work it submitted may use it (a
// Context keeps the buffers it created for its own uploads alive itself).
class Buffer {
public:
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  uint64_t va() const { return va_; }
  uint64_t size() const { return size_; }          // at least the requested size (page rounded)
  uint8_t* cpu() const { return cpu_; }            // null for device_local and scratch
  BufferUsage usage() const { return usage_; }
  uint32_t kernel_handle() const { return handle_; }  // for Context::submit's keep-alive list

private:
  friend class Screen;
  Buffer() = default;
  std::shared_ptr<ScreenState> state_;
  uint32_t handle_ = 0;
  uint64_t va_ = 0, size_ = 0;
  uint8_t* cpu_ = nullptr;
  BufferUsage usage_ = BufferUsage::device_local;
};

// A kernel timeline (a DRM sync object used as a timeline): a 64-bit value that only grows. A
// submission can wait for a point before it runs (also a point nobody has submitted yet: the
// context holds such a submission back until the point exists) and signal points when it
// completes; the host can query, signal and wait. Vulkan fences and semaphores are built on these.
class Timeline {
public:
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  uint32_t kernel_handle() const { return handle_; }
  // The highest point up to which everything signalled. Whether the jobs that signalled failed is
  // their context's to say (Context::wait/check), as with DRM fences.
  Status query(uint64_t& value) const;
  // Host signal; never lowers the value.
  Status signal(uint64_t point);
  // Waits until the value reaches 'point' (0 is always reached), also when nobody has submitted it
  // yet. timeout_ns: 0 polls, INT64_MAX waits forever. ok, timeout, or an error; a point reached by
  // a failed job is still 'ok' here: the context says whether the job failed.
  Status wait(uint64_t point, int64_t timeout_ns) const;

  // Sharing (only where Screen::external_sync() says so; else invalid_argument). export_fd: the sync
  // object itself as an opaque fd (the caller owns it); another process or screen imports it with
  // Screen::import_timeline. export_sync_file: the fence of 'point' as a sync file.
  // import_sync_file: the sync file's fence becomes 'point' (the fd stays the caller's);
  // invalid_argument when the fd is no sync file.
  Status export_fd(int& fd) const;
  Status export_sync_file(uint64_t point, int& fd) const;
  Status import_sync_file(int fd, uint64_t point);

private:
  friend class Screen;
  Timeline() = default;
  std::shared_ptr<ScreenState> state_;
  uint32_t handle_ = 0;
};

struct TimelinePoint {
  const Timeline* timeline = nullptr;
  uint64_t value = 0;
};

class Screen : public std::enable_shared_from_this<Screen> {
public:
  // The process-wide screen: every frontend (and every VkDevice / cl_context) of a process shares
  // one device, as on real hardware. Created on first use with default ScreenOptions; returns
  // null (and the reason in 'error') when no device can be opened.
  static std::shared_ptr<Screen> shared(std::string& error);
  // A screen of its own (tests: a simulated device with given options).
  static Status create(const ScreenOptions& options, std::shared_ptr<Screen>& out, std::string& error);
  ~Screen();
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  // Name, revision, CU count, VRAM, timestamp rate, simulated or not: as at open.
  const driver::DeviceInfo& info() const;
  const Limits& limits() const;
  // The power profile now (asks the kernel; cheap). Updates power_profile().
  PowerState refresh_power_state();
  // The profile the last refresh saw: what new submissions are encoded for.
  uint32_t power_profile() const;

  // Device memory of at least 'size' bytes (0 is invalid_argument), mapped at a fresh GPU address.
  Status create_buffer(uint64_t size, BufferUsage usage, std::unique_ptr<Buffer>& out);
  // External memory (PRIME): a new dma-buf fd of a buffer of this screen (the caller owns it).
  Status export_buffer(const Buffer& buffer, int& fd);
  // A buffer from a dma-buf fd of a BO of this device (the fd stays the caller's), mapped at a fresh
  // GPU address and, for CPU-visible usages, into the process. invalid_argument: the fd is not such
  // a dma-buf (another driver's, another device's), or a CPU-visible usage of never-mapped memory.
  Status import_buffer(int fd, BufferUsage usage, std::unique_ptr<Buffer>& out);
  // Host memory (VK_EXT_external_memory_host): whether import_host_buffer can work at all (the
  // kernel says the device reaches system memory), and the page-aligned range [ptr, ptr + size)
  // of this process as a host_visible buffer the device reads and writes in place (cpu() is ptr),
  // at a fresh GPU address. The memory must stay mapped while the buffer lives. invalid_argument:
  // the kernel refused the range (unaligned, not all mapped and writable) or there is no import.
  bool host_import() const;
  Status import_host_buffer(void* ptr, uint64_t size, std::unique_ptr<Buffer>& out);
  Status create_timeline(uint64_t initial, std::unique_ptr<Timeline>& out);
  // Whether timelines can be shared as fds: the drm backend's sync objects are the kernel's; the
  // in-process device's have no fds.
  bool external_sync() const;
  // The timeline of an opaque fd from Timeline::export_fd (the fd stays the caller's);
  // invalid_argument when the fd is not a sync object of this device's driver.
  Status import_timeline(int fd, std::unique_ptr<Timeline>& out);
  // Waits for several points: all of them, or (wait_all false) any one. Any number of points.
  // Same results as Timeline::wait.
  Status wait_timelines(std::span<const TimelinePoint> points, bool wait_all, int64_t timeout_ns);

  // A program from SPIR-V (program.h): compiled for the current power profile now (so a compile
  // error surfaces here), looked up first in the caches, loaded into an executable buffer; later
  // profiles are compiled on first use. 'log' (optional) gets the compiler's message on failure.
  Status create_program(ProgramSource source, const ProgramCacheUse& cache, std::shared_ptr<Program>& out,
                        std::string* log = nullptr);
  // The in-memory cache of every binary this screen compiled or loaded (keyed by program_key()).
  driver::BinaryCache& binary_cache();
  // Programs compiled since open and how many lookups the caches answered (tests, benchmarks).
  struct CacheStats {
    uint64_t compiles = 0;
    uint64_t memory_hits = 0;
    uint64_t disk_hits = 0;
    uint64_t app_cache_hits = 0;
  };
  CacheStats cache_stats() const;

  // A context (context.h): one per queue; it keeps the screen alive. 'copy_only' asks for a
  // DMA-only context (no dispatches). too_many_objects when the device has no free context slot.
  Status create_context(bool copy_only, std::unique_ptr<Context>& out);

  // Internal: the shared device state (for Context and Program).
  const std::shared_ptr<ScreenState>& state() const { return state_; }

private:
  Screen() = default;
  // An empty Buffer (out_of_host_memory when even that fails).
  static Status new_buffer(std::unique_ptr<Buffer>& out);
  // Fills buf for the BO (handle, size) that ScreenState::map_bo mapped at va.
  void adopt(Buffer& buf, uint32_t handle, uint64_t va, uint64_t size, uint8_t* cpu, BufferUsage usage);
  std::shared_ptr<ScreenState> state_;
};

}  // namespace mica::device
