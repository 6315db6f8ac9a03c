// Screen, Buffer and Timeline over mica::winsys.
#include "screen_state.h"

#include "mica/device/context.h"
#include "mica/device/disk_cache.h"

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace mica::device {

const char* status_name(Status s) {
  switch (s) {
  case Status::ok: return "ok";
  case Status::timeout: return "timeout";
  case Status::not_ready: return "not_ready";
  case Status::device_lost: return "device_lost";
  case Status::stale_shader: return "stale_shader";
  case Status::out_of_device_memory: return "out_of_device_memory";
  case Status::out_of_host_memory: return "out_of_host_memory";
  case Status::too_many_objects: return "too_many_objects";
  case Status::compile_failed: return "compile_failed";
  case Status::cache_miss: return "cache_miss";
  case Status::invalid_argument: return "invalid_argument";
  case Status::no_device: return "no_device";
  case Status::failed: return "failed";
  }
  return "unknown";
}

Status status_from_errno(int err, const char* what, const std::string& message) {
  switch (err) {
  case 0:
    return Status::ok;
  case ETIME:
    return Status::timeout;
  case ENOEXEC:
    return Status::stale_shader;
  case ECANCELED:
  case EIO:
    return Status::device_lost;
  case ENOMEM:
  case ENOSPC:
  case ERANGE:  // a size past max_bo_size: out of device memory for the application
  case EDQUOT:  // a per-client limit
    return Status::out_of_device_memory;
  default:
    std::fprintf(stderr, "mica-device: %s failed: %s\n", what, message.c_str());
    return Status::failed;
  }
}

namespace {

uint64_t page_align(uint64_t v, uint64_t page) { return (v + page - 1) / page * page; }

driver::DeviceInfo device_info(const winsys::Device& device) {
  const drm_mica_dev_info& i = device.info();
  driver::DeviceInfo info;
  info.revision = i.revision;
  info.cu_count = i.cu_count;
  info.vram_bytes = i.vram_size;
  info.timestamp_hz = MICA_CLOCK_HZ;  // the core clock of the hardware description
  info.simulated = device.backend() == winsys::Backend::Sim;
  info.name = "Mica r" + std::to_string(i.revision) + " (" + std::to_string(i.cu_count) + " CUs" +
              (info.simulated ? ", simulated" : "") + ")";
  return info;
}

Limits device_limits(const drm_mica_dev_info& i) {
  Limits l;
  l.va_start = i.va_start;
  l.va_end = i.va_end;
  l.page_size = i.page_size ? i.page_size : MICA_PAGE_SIZE;
  l.max_contexts = i.max_contexts;
  l.max_job_dwords = i.max_cmd_dwords;
  l.max_syncs_per_job = i.max_syncs;
  l.max_buffer_bytes = i.max_bo_size;
  l.max_program_bytes = i.max_shader_size;
  l.watchdog_cycles = i.watchdog_cycles;
  l.job_timeout_ns = i.job_timeout_ns;
  return l;
}

std::string default_disk_cache_dir() {
  if (const char* dir = std::getenv("MICA_CACHE_DIR")) return dir;  // set but empty: no disk cache
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/mica";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/mica";
  return {};
}

Status open_screen(const winsys::OpenOptions& opt, const std::string& disk_dir, std::string& error,
                   std::shared_ptr<ScreenState>& state) {
  try {
    state = std::make_shared<ScreenState>(winsys::Device::open(opt));
  } catch (const winsys::Error& e) {
    error = e.what();
    return Status::no_device;
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  } catch (const std::exception& e) {
    error = e.what();
    return Status::no_device;
  }
  state->disk_cache_dir = disk_dir;
  state->disk_cache_max_bytes = disk_cache::max_bytes_from_env();
  return Status::ok;
}

// The in-memory program cache's bound: far more than any application's working set of programs
// (binaries are a few KiB), small enough that a process creating programs forever (the CTS) stays bounded.
constexpr size_t kMemoryCacheBytes = 64u << 20;

std::mutex g_shared_mutex;
std::weak_ptr<Screen> g_shared;

}  // namespace

// ---- ScreenState ----------------------------------------------------------------------------

ScreenState::ScreenState(std::unique_ptr<winsys::Device> device) : dev(std::move(device)) {
  info = device_info(*dev);
  limits = device_limits(dev->info());
  power_profile = dev->info().power_profile;
  power_generation = dev->info().power_generation;
  // The screen lives as long as the process (Screen::shared): bound what it keeps.
  cache.set_capacity(kMemoryCacheBytes);
  guarded_call("DEV_QUERY", [&] { reject_counts = dev->reject_counts(); });
}

namespace {

// The uapi's rejection reasons (kernel/include/uapi/drm/mica_drm.h), named for messages.
struct RejectName {
  uint32_t reason;
  const char* name;
  const char* what;
};
constexpr RejectName kRejectNames[] = {
    {DRM_MICA_REJECT_CS_EMPTY, "CS_EMPTY", "an empty command stream"},
    {DRM_MICA_REJECT_CS_TRUNCATED, "CS_TRUNCATED", "a packet runs past the end of its buffer"},
    {DRM_MICA_REJECT_CS_RESERVED_BITS, "CS_RESERVED_BITS", "reserved packet bits set"},
    {DRM_MICA_REJECT_CS_BAD_OPCODE, "CS_BAD_OPCODE", "an opcode not in the allow-list"},
    {DRM_MICA_REJECT_CS_BAD_LENGTH, "CS_BAD_LENGTH", "a packet of the wrong length"},
    {DRM_MICA_REJECT_CS_PRIV_PACKET, "CS_PRIV_PACKET", "a kernel-ring-only packet"},
    {DRM_MICA_REJECT_CS_QUEUE_TYPE, "CS_QUEUE_TYPE", "a packet not allowed on this queue type"},
    {DRM_MICA_REJECT_CS_BAD_FIELD, "CS_BAD_FIELD", "a packet field out of its legal range"},
    {DRM_MICA_REJECT_CS_MISALIGNED, "CS_MISALIGNED", "a misaligned address or size"},
    {DRM_MICA_REJECT_CS_ADDR_OVERFLOW, "CS_ADDR_OVERFLOW", "an address range that wraps or leaves the VA space"},
    {DRM_MICA_REJECT_CS_ADDR_UNMAPPED, "CS_ADDR_UNMAPPED", "an address range not inside one mapping"},
    {DRM_MICA_REJECT_CS_ADDR_PERM, "CS_ADDR_PERM", "a mapping without the needed permission"},
    {DRM_MICA_REJECT_CS_DMA_OVERLAP, "CS_DMA_OVERLAP", "a copy whose source and destination overlap"},
    {DRM_MICA_REJECT_CS_SIGNAL_IRQ, "CS_SIGNAL_IRQ", "a SIGNAL with the interrupt flag"},
    {DRM_MICA_REJECT_CS_NO_PROGRAM, "CS_NO_PROGRAM", "a dispatch before SET_PROGRAM"},
    {DRM_MICA_REJECT_CS_NOT_ENTRY, "CS_NOT_ENTRY", "SET_PROGRAM not at a validated shader entry"},
    {DRM_MICA_REJECT_CS_REG_COUNT, "CS_REG_COUNT", "register counts below the entry's"},
    {DRM_MICA_REJECT_CS_STALE_SHADER, "CS_STALE_SHADER", "a shader built for another revision or profile"},
    {DRM_MICA_REJECT_CS_CHAIN_DEPTH, "CS_CHAIN_DEPTH", "too many CHAINs"},
    {DRM_MICA_REJECT_CS_CHAIN_LOOP, "CS_CHAIN_LOOP", "a CHAIN loop"},
    {DRM_MICA_REJECT_CS_TOO_BIG, "CS_TOO_BIG", "a stream over max_cmd_dwords"},
    {DRM_MICA_REJECT_SH_HEADER, "SH_HEADER", "a bad binary header"},
    {DRM_MICA_REJECT_SH_SECTION, "SH_SECTION", "a binary section outside the file"},
    {DRM_MICA_REJECT_SH_ENTRY, "SH_ENTRY", "a bad entry point record"},
    {DRM_MICA_REJECT_SH_UNDECODABLE, "SH_UNDECODABLE", "a word that does not decode"},
    {DRM_MICA_REJECT_SH_PRIV_INSTRUCTION, "SH_PRIV_INSTRUCTION", "a privileged instruction"},
    {DRM_MICA_REJECT_SH_BRANCH_TARGET, "SH_BRANCH_TARGET", "a bad branch target"},
    {DRM_MICA_REJECT_SH_FALLS_OFF_END, "SH_FALLS_OFF_END", "a program that can fall off its end"},
    {DRM_MICA_REJECT_SH_REG_COUNT, "SH_REG_COUNT", "registers beyond the entry's counts"},
    {DRM_MICA_REJECT_SH_WAVE_START_TLB, "SH_WAVE_START_TLB", "the SEC_WAVE_START_TLB workaround missing"},
    {DRM_MICA_REJECT_SH_WRONG_REVISION, "SH_WRONG_REVISION", "a binary for another revision"},
    {DRM_MICA_REJECT_SH_WRONG_PROFILE, "SH_WRONG_PROFILE", "a binary for another power profile"},
    {DRM_MICA_REJECT_CS_CU_RESOURCES, "CS_CU_RESOURCES",
     "a dispatch whose workgroup cannot be resident on one compute unit"},
};
static_assert(std::size(kRejectNames) + 1 == DRM_MICA_REJECT_COUNT,
              "a rejection reason was added to the uapi: name it in kRejectNames");

}  // namespace

std::string ScreenState::explain_rejection() {
  std::vector<uint64_t> now;
  if (guarded_call("DEV_QUERY", [&] { now = dev->reject_counts(); }) != Status::ok) return "reason unknown";
  std::lock_guard lock(mutex);
  std::string out;
  for (const auto& r : kRejectNames)
    if (r.reason < now.size() && now[r.reason] > (r.reason < reject_counts.size() ? reject_counts[r.reason] : 0)) {
      if (!out.empty()) out += "; ";
      out += std::string(r.name) + " (" + r.what + ")";
    }
  reject_counts = std::move(now);
  return out.empty() ? "reason unknown" : out;
}

ScreenState::~ScreenState() {
  syncs.clear();
  for (auto& [handle, m] : bos) {
    try {
      dev->unbind(m->va, m->size);
    } catch (const winsys::Error&) {
    }
    dev->va().free(m->va, m->size);
  }
  bos.clear();
}

Status ScreenState::map_bo(winsys::Bo bo, bool exec, uint64_t& va) {
  auto m = std::make_unique<Mapping>();
  m->bo = std::move(bo);
  m->size = m->bo.size();
  const uint64_t align = exec ? std::max<uint64_t>(limits.page_size, MICA_CODE_ALIGNMENT) : limits.page_size;
  Status s = guarded_call("VA alloc", [&] { m->va = dev->va().alloc(m->size, align); });
  if (s != Status::ok) return s;
  const uint32_t perms = DRM_MICA_BIND_READ | (exec ? DRM_MICA_BIND_EXEC : DRM_MICA_BIND_WRITE);
  s = guarded_call("VM_BIND", [&] { dev->bind(m->bo, m->va, m->size, perms); });
  if (s != Status::ok) {
    dev->va().free(m->va, m->size);
    return s;
  }
  va = m->va;
  std::lock_guard lock(mutex);
  bos[va] = std::move(m);
  return Status::ok;
}

void ScreenState::destroy_bo(uint64_t va) {
  std::unique_ptr<Mapping> m;
  {
    std::lock_guard lock(mutex);
    auto it = bos.find(va);
    if (it == bos.end()) return;
    m = std::move(it->second);
    bos.erase(it);
  }
  // The caller guarantees no job still uses the range (Vulkan/OpenCL lifetime rules; contexts
  // retire their own uploads before freeing them). The kernel keeps the pages of a BO a job
  // references alive until the job retires.
  guarded_call("VM_BIND unmap", [&] { dev->unbind(m->va, m->size); });
  dev->va().free(m->va, m->size);
}

// ---- Buffer ---------------------------------------------------------------------------------

Buffer::~Buffer() {
  if (handle_) state_->destroy_bo(va_);
}

// ---- Timeline -------------------------------------------------------------------------------

Timeline::~Timeline() {
  if (!handle_) return;
  std::lock_guard lock(state_->mutex);
  state_->syncs.erase(handle_);
}

namespace {

// The winsys sync object behind a timeline.
winsys::SyncObj* sync_of(ScreenState& state, uint32_t handle) {
  std::lock_guard lock(state.mutex);
  auto it = state.syncs.find(handle);
  return it == state.syncs.end() ? nullptr : it->second.get();
}

}  // namespace

Status Timeline::query(uint64_t& value) const {
  winsys::SyncObj* obj = sync_of(*state_, handle_);
  if (!obj) return Status::invalid_argument;
  return guarded_call("SYNCOBJ_QUERY", [&] { value = obj->value(); });
}

Status Timeline::signal(uint64_t point) {
  winsys::SyncObj* obj = sync_of(*state_, handle_);
  if (!obj) return Status::invalid_argument;
  return guarded_call("SYNCOBJ_TIMELINE_SIGNAL", [&] { obj->signal(point); });
}

namespace {

// One DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT (WAIT_FOR_SUBMIT: a point nobody submitted yet is waited
// for, not refused); any number of points.
Status wait_points(ScreenState& state, std::span<const TimelinePoint> all, bool wait_all, int64_t timeout_ns) {
  std::vector<winsys::SyncPoint> points;
  for (const auto& p : all) {
    if (!p.timeline) return Status::invalid_argument;
    // Point 0 is always reached (and would mean "the current fence" to the kernel).
    if (p.value == 0) {
      if (!wait_all) return Status::ok;
      continue;
    }
    points.push_back({p.timeline->kernel_handle(), p.value});
  }
  if (points.empty()) return Status::ok;
  bool done = false;
  Status s = guarded_call("SYNCOBJ_TIMELINE_WAIT", [&] { done = state.dev->wait_syncs(points, wait_all, false, timeout_ns); });
  if (s != Status::ok) return s;
  return done ? Status::ok : Status::timeout;
}

}  // namespace

Status Timeline::wait(uint64_t point, int64_t timeout_ns) const {
  const TimelinePoint p{this, point};
  return wait_points(*state_, {&p, 1}, true, timeout_ns);
}

namespace {

// A failed import is the caller's bad fd, not a device failure.
Status import_status(const winsys::Error& e, const char* what) {
  if (e.error() == EBADF || e.error() == EINVAL || e.error() == ENOENT) return Status::invalid_argument;
  return status_from_errno(e.error(), what, e.what());
}

}  // namespace

Status Timeline::export_fd(int& fd) const {
  if (state_->dev->backend() != winsys::Backend::Drm) return Status::invalid_argument;
  winsys::SyncObj* obj = sync_of(*state_, handle_);
  if (!obj) return Status::invalid_argument;
  return guarded_call("SYNCOBJ_HANDLE_TO_FD", [&] { fd = obj->export_fd(); });
}

Status Timeline::export_sync_file(uint64_t point, int& fd) const {
  if (state_->dev->backend() != winsys::Backend::Drm) return Status::invalid_argument;
  winsys::SyncObj* obj = sync_of(*state_, handle_);
  if (!obj) return Status::invalid_argument;
  return guarded_call("SYNCOBJ export sync file", [&] { fd = obj->export_sync_file(point); });
}

Status Timeline::import_sync_file(int fd, uint64_t point) {
  if (state_->dev->backend() != winsys::Backend::Drm) return Status::invalid_argument;
  winsys::SyncObj* obj = sync_of(*state_, handle_);
  if (!obj) return Status::invalid_argument;
  try {
    obj->import_sync_file(fd, point);
  } catch (const winsys::Error& e) {
    return import_status(e, "SYNCOBJ import sync file");
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  return Status::ok;
}

// ---- Screen ---------------------------------------------------------------------------------

Screen::~Screen() = default;

std::shared_ptr<Screen> Screen::shared(std::string& error) {
  std::lock_guard lock(g_shared_mutex);
  if (auto screen = g_shared.lock()) return screen;
  std::shared_ptr<ScreenState> state;
  std::shared_ptr<Screen> screen;
  if (open_screen({}, default_disk_cache_dir(), error, state) != Status::ok) return nullptr;
  screen.reset(new Screen());
  screen->state_ = std::move(state);
  g_shared = screen;
  return screen;
}

Status Screen::create(const ScreenOptions& options, std::shared_ptr<Screen>& out, std::string& error) {
  winsys::OpenOptions opt;
  switch (options.backend) {
  case ScreenOptions::Backend::automatic: opt.select = winsys::OpenOptions::Select::Auto; break;
  case ScreenOptions::Backend::drm: opt.select = winsys::OpenOptions::Select::Drm; break;
  case ScreenOptions::Backend::sim: opt.select = winsys::OpenOptions::Select::Sim; break;
  }
  if (options.sim_revision) opt.sim.revision = options.sim_revision;
  if (options.sim_cu_count) opt.sim.cu_count = options.sim_cu_count;
  if (options.sim_vram_bytes) opt.sim.vram_bytes = options.sim_vram_bytes;
  opt.sim.watchdog_cycles = options.sim_watchdog_cycles;
  opt.sim.job_timeout_ns = options.sim_job_timeout_ns;
  std::shared_ptr<ScreenState> state;
  std::shared_ptr<Screen> screen;
  Status s = open_screen(opt, options.disk_cache_dir, error, state);
  if (s != Status::ok) return s;
  try {
    screen.reset(new Screen());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  screen->state_ = std::move(state);
  out = std::move(screen);
  return Status::ok;
}

const driver::DeviceInfo& Screen::info() const { return state_->info; }
const Limits& Screen::limits() const { return state_->limits; }
uint32_t Screen::power_profile() const { return state_->power_profile.load(); }

PowerState Screen::refresh_power_state() {
  PowerState p{state_->power_profile.load(), state_->power_generation.load()};
  guarded_call("DEV_QUERY", [&] {
    const drm_mica_dev_info i = state_->dev->query_info();
    p.profile = i.power_profile;
    p.generation = i.power_generation;
  });
  state_->power_profile = p.profile;
  state_->power_generation = p.generation;
  return p;
}

Status Screen::new_buffer(std::unique_ptr<Buffer>& out) {
  try {
    out.reset(new Buffer());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  return Status::ok;
}

void Screen::adopt(Buffer& buf, uint32_t handle, uint64_t va, uint64_t size, uint8_t* cpu, BufferUsage usage) {
  buf.state_ = state_;
  buf.handle_ = handle;
  buf.va_ = va;
  buf.size_ = size;
  buf.cpu_ = cpu;
  buf.usage_ = usage;
}

Status Screen::create_buffer(uint64_t size, BufferUsage usage, std::unique_ptr<Buffer>& out) {
  if (size == 0) return Status::invalid_argument;
  if (size > state_->info.vram_bytes) return Status::out_of_device_memory;
  const bool cpu = usage == BufferUsage::host_visible || usage == BufferUsage::driver_shared;
  std::unique_ptr<Buffer> buf;
  if (Status s0 = new_buffer(buf); s0 != Status::ok) return s0;
  winsys::Bo bo;
  Status s = guarded_call("BO_CREATE", [&] {
    bo = state_->dev->alloc(page_align(size, state_->limits.page_size), cpu ? 0 : DRM_MICA_BO_NO_MMAP);
  });
  if (s != Status::ok) return s;
  uint8_t* ptr = nullptr;
  if (cpu) {
    s = guarded_call("mmap", [&] { ptr = static_cast<uint8_t*>(bo.map()); });
    if (s != Status::ok) return s;
  }
  const uint32_t handle = bo.handle();
  const uint64_t bo_size = bo.size();
  uint64_t va = 0;
  s = state_->map_bo(std::move(bo), false, va);
  if (s != Status::ok) return s;
  adopt(*buf, handle, va, bo_size, ptr, usage);
  out = std::move(buf);
  return Status::ok;
}

// ---- external memory (PRIME) ---------------------------------------------------------------------

Status Screen::export_buffer(const Buffer& buffer, int& fd) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->bos.find(buffer.va());
  if (it == state_->bos.end()) return Status::invalid_argument;
  return guarded_call("PRIME_HANDLE_TO_FD", [&] { fd = it->second->bo.export_fd(); });
}

Status Screen::import_buffer(int fd, BufferUsage usage, std::unique_ptr<Buffer>& out) {
  const bool cpu = usage == BufferUsage::host_visible || usage == BufferUsage::driver_shared;
  std::unique_ptr<Buffer> buf;
  if (Status s0 = new_buffer(buf); s0 != Status::ok) return s0;
  winsys::Bo bo;
  try {
    bo = state_->dev->import_fd(fd);
  } catch (const winsys::Error& e) {
    // Not an fd, not a dma-buf, or not memory of this device: the handle is invalid here.
    if (e.error() == EBADF || e.error() == EINVAL || e.error() == EOPNOTSUPP || e.error() == ENOENT)
      return Status::invalid_argument;
    return status_from_errno(e.error(), "PRIME_FD_TO_HANDLE", e.what());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  if (bo.is_shader()) return Status::invalid_argument;  // code is never application memory
  uint8_t* ptr = nullptr;
  if (cpu) {
    try {
      ptr = static_cast<uint8_t*>(bo.map());
    } catch (const winsys::Error&) {
      return Status::invalid_argument;  // exported as device-local only (never CPU mapped)
    }
  }
  const uint32_t handle = bo.handle();
  const uint64_t bo_size = bo.size();
  uint64_t va = 0;
  Status s = state_->map_bo(std::move(bo), false, va);
  if (s != Status::ok) return s;
  adopt(*buf, handle, va, bo_size, ptr, usage);
  out = std::move(buf);
  return Status::ok;
}

Status Screen::create_timeline(uint64_t initial, std::unique_ptr<Timeline>& out) {
  std::unique_ptr<Timeline> t;
  std::unique_ptr<winsys::SyncObj> obj;
  try {
    t.reset(new Timeline());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  Status s = guarded_call("SYNCOBJ_CREATE", [&] { obj = state_->dev->create_sync(initial); });
  if (s != Status::ok) return s == Status::out_of_device_memory ? Status::out_of_host_memory : s;
  t->state_ = state_;
  t->handle_ = obj->handle();
  {
    std::lock_guard lock(state_->mutex);
    state_->syncs[t->handle_] = std::move(obj);
  }
  out = std::move(t);
  return Status::ok;
}

bool Screen::host_import() const { return state_->dev->can_import_host(); }

Status Screen::import_host_buffer(void* ptr, uint64_t size, std::unique_ptr<Buffer>& out) {
  if (!host_import() || size == 0) return Status::invalid_argument;
  std::unique_ptr<Buffer> buf;
  if (Status s0 = new_buffer(buf); s0 != Status::ok) return s0;
  winsys::Bo bo;
  try {
    bo = state_->dev->import_host(ptr, size);
  } catch (const winsys::Error& e) {
    // Unaligned, not all mapped and writable, or the device cannot reach system memory.
    if (e.error() == EINVAL || e.error() == EFAULT || e.error() == EOPNOTSUPP) return Status::invalid_argument;
    return status_from_errno(e.error(), "BO_CREATE_USERPTR", e.what());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  const uint32_t handle = bo.handle();
  uint64_t va = 0;
  Status s = state_->map_bo(std::move(bo), false, va);
  if (s != Status::ok) return s;
  adopt(*buf, handle, va, size, static_cast<uint8_t*>(ptr), BufferUsage::host_visible);
  out = std::move(buf);
  return Status::ok;
}

bool Screen::external_sync() const { return state_->dev->backend() == winsys::Backend::Drm; }

Status Screen::import_timeline(int fd, std::unique_ptr<Timeline>& out) {
  if (!external_sync()) return Status::invalid_argument;
  std::unique_ptr<Timeline> t;
  std::unique_ptr<winsys::SyncObj> obj;
  try {
    t.reset(new Timeline());
    obj = state_->dev->import_sync(fd);
  } catch (const winsys::Error& e) {
    return import_status(e, "SYNCOBJ_FD_TO_HANDLE");
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  t->state_ = state_;
  t->handle_ = obj->handle();
  {
    std::lock_guard lock(state_->mutex);
    state_->syncs[t->handle_] = std::move(obj);
  }
  out = std::move(t);
  return Status::ok;
}

Status Screen::wait_timelines(std::span<const TimelinePoint> points, bool wait_all, int64_t timeout_ns) {
  return wait_points(*state_, points, wait_all, timeout_ns);
}

driver::BinaryCache& Screen::binary_cache() { return state_->cache; }

Screen::CacheStats Screen::cache_stats() const {
  return {state_->compiles.load(), state_->memory_hits.load(), state_->disk_hits.load(),
          state_->app_cache_hits.load()};
}

}  // namespace mica::device
