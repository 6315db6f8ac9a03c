// KernelClient over mica::winsys: BOs with GPU VAs, shader loading, contexts, submission, sync
// objects. winsys::Error exceptions stop here and become KernelStatus values.
#include "kernel_bridge.h"
#include "physical_device_enum.h"

#include "mica/winsys/winsys.h"

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <string>

namespace mica::vk {
namespace {

KernelStatus from_errno(int err, const char* what, const std::string& message) {
  switch (err) {
  case 0:
    return KernelStatus::ok;
  case ETIME:
    return KernelStatus::timeout;
  case ENOEXEC:
    return KernelStatus::stale_shader;
  case ECANCELED:
  case EIO:
    return KernelStatus::guilty;
  case ENOMEM:
  case ENOSPC:
  case ERANGE:  // a size past max_bo_size: out of device memory for the application
    return KernelStatus::no_memory;
  default:
    std::fprintf(stderr, "mica-vk: %s failed: %s\n", what, message.c_str());
    return KernelStatus::failed;
  }
}

template <typename F> KernelStatus call(const char* what, F&& f) {
  try {
    f();
    return KernelStatus::ok;
  } catch (const winsys::Error& e) {
    return from_errno(e.error(), what, e.what());
  } catch (const std::bad_alloc&) {
    return KernelStatus::no_memory;
  }
}

uint64_t page_align(uint64_t v, uint64_t page) { return (v + page - 1) / page * page; }

}  // namespace

VkResult to_vk(KernelStatus s) {
  switch (s) {
  case KernelStatus::ok:
    return VK_SUCCESS;
  case KernelStatus::timeout:
    return VK_TIMEOUT;
  case KernelStatus::guilty:
    return VK_ERROR_DEVICE_LOST;
  case KernelStatus::no_memory:
    return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  case KernelStatus::stale_shader:
  case KernelStatus::failed:
    break;
  }
  return VK_ERROR_UNKNOWN;
}

namespace {

// One device per process, shared by every instance: the simulated device is a whole machine, and
// sharing it is what lets two VkDevices show per-context fault isolation on one device.
std::mutex g_device_mutex;
std::weak_ptr<winsys::Device> g_device;

}  // namespace

std::shared_ptr<winsys::Device> open_winsys_device(std::string& error) {
  std::lock_guard lock(g_device_mutex);
  auto& shared = g_device;
  if (auto dev = shared.lock()) return dev;
  try {
    std::shared_ptr<winsys::Device> dev = winsys::Device::open();
    shared = dev;
    return dev;
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

driver::DeviceInfo query_device_info(winsys::Device& device) {
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

struct KernelClient::Mapping {
  winsys::Bo bo;
  uint64_t va = 0;
  uint64_t size = 0;
};

KernelClient::KernelClient(std::shared_ptr<winsys::Device> device) : dev_(std::move(device)) {}

KernelClient::~KernelClient() {
  // Contexts first (their destruction waits for their jobs), then mappings and BOs.
  contexts_.clear();
  syncs_.clear();
  for (auto& [handle, m] : bos_) {
    try {
      dev_->unbind(m->va, m->size);
    } catch (const winsys::Error&) {
    }
    dev_->va().free(m->va, m->size);
  }
  bos_.clear();
}

PowerState KernelClient::power_state() {
  PowerState p;
  call("DEV_QUERY", [&] {
    const drm_mica_dev_info i = dev_->query_info();
    p.profile = i.power_profile;
    p.generation = i.power_generation;
  });
  return p;
}

KernelStatus KernelClient::bo_create(uint64_t size, bool cpu_mapped, KernelBo& out) {
  auto m = std::make_unique<Mapping>();
  const uint64_t page = dev_->info().page_size ? dev_->info().page_size : MICA_PAGE_SIZE;
  KernelStatus s = call("BO_CREATE", [&] { m->bo = dev_->alloc(page_align(size, page), cpu_mapped ? 0 : DRM_MICA_BO_NO_MMAP); });
  if (s != KernelStatus::ok) return s;
  m->size = m->bo.size();
  s = call("VA alloc", [&] { m->va = dev_->va().alloc(m->size, page); });
  if (s != KernelStatus::ok) return s;
  s = call("VM_BIND", [&] { dev_->bind(m->bo, m->va, m->size, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE); });
  if (s != KernelStatus::ok) {
    dev_->va().free(m->va, m->size);
    return s;
  }
  uint8_t* cpu = nullptr;
  if (cpu_mapped) {
    s = call("mmap", [&] { cpu = static_cast<uint8_t*>(m->bo.map()); });
    if (s != KernelStatus::ok) {
      call("VM_BIND unmap", [&] { dev_->unbind(m->va, m->size); });
      dev_->va().free(m->va, m->size);
      return s;
    }
  }
  out = {m->bo.handle(), m->va, m->size, cpu};
  std::lock_guard lock(mutex_);
  bos_[m->bo.handle()] = std::move(m);
  return KernelStatus::ok;
}

void KernelClient::bo_destroy(const KernelBo& bo) {
  std::unique_ptr<Mapping> m;
  {
    std::lock_guard lock(mutex_);
    auto it = bos_.find(bo.handle);
    if (it == bos_.end()) return;
    m = std::move(it->second);
    bos_.erase(it);
  }
  // Vulkan requires the application to keep memory alive while work uses it, and the driver
  // retires its own internal memory before freeing it, so no job still uses this range.
  call("VM_BIND unmap", [&] { dev_->unbind(m->va, m->size); });
  dev_->va().free(m->va, m->size);
}

KernelStatus KernelClient::shader_create(std::span<const uint8_t> binary, KernelShader& out) {
  auto m = std::make_unique<Mapping>();
  KernelStatus s = call("SHADER_CREATE", [&] { m->bo = dev_->create_shader(binary); });
  if (s != KernelStatus::ok) return s;
  m->size = m->bo.size();
  const uint64_t page = dev_->info().page_size ? dev_->info().page_size : MICA_PAGE_SIZE;
  s = call("VA alloc", [&] { m->va = dev_->va().alloc(m->size, std::max<uint64_t>(page, MICA_CODE_ALIGNMENT)); });
  if (s != KernelStatus::ok) return s;
  s = call("VM_BIND", [&] { dev_->bind(m->bo, m->va, m->size, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC); });
  if (s != KernelStatus::ok) {
    dev_->va().free(m->va, m->size);
    return s;
  }
  out = {m->bo.handle(), m->va, m->size};
  std::lock_guard lock(mutex_);
  bos_[m->bo.handle()] = std::move(m);
  return KernelStatus::ok;
}

void KernelClient::shader_destroy(const KernelShader& shader) { bo_destroy({shader.handle, shader.va, shader.size, nullptr}); }

KernelStatus KernelClient::ctx_create(bool copy_only, uint32_t& ctx) {
  std::unique_ptr<winsys::Context> c;
  KernelStatus s = call("CTX_CREATE",
                        [&] { c = dev_->create_context(copy_only ? DRM_MICA_CTX_COPY : DRM_MICA_CTX_COMPUTE); });
  if (s != KernelStatus::ok) return s;
  ctx = c->handle();
  std::lock_guard lock(mutex_);
  contexts_[ctx] = std::move(c);
  return KernelStatus::ok;
}

void KernelClient::ctx_destroy(uint32_t ctx) {
  std::unique_ptr<winsys::Context> c;
  {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(ctx);
    if (it == contexts_.end()) return;
    c = std::move(it->second);
    contexts_.erase(it);
  }
  // Destroyed outside the lock: it waits for the context's jobs.
}

bool KernelClient::ctx_guilty(uint32_t ctx) {
  winsys::Context* c = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(ctx);
    if (it == contexts_.end()) return false;
    c = it->second.get();
  }
  bool guilty = false;
  call("CTX_QUERY", [&] { guilty = c->lost(); });
  return guilty;
}

uint32_t KernelClient::max_job_dwords() const { return dev_->info().max_cmd_dwords; }
uint32_t KernelClient::max_syncs_per_submit() const { return dev_->info().max_syncs; }

KernelStatus KernelClient::submit(uint32_t ctx, std::span<const uint32_t> commands, std::span<const uint32_t> bos,
                                  std::span<const SyncPoint> waits, std::span<const SyncPoint> signals,
                                  uint64_t& seqno) {
  winsys::Context* c = nullptr;
  {
    std::lock_guard lock(mutex_);
    c = contexts_.at(ctx).get();
  }
  winsys::SubmitInfo info;
  info.bos.assign(bos.begin(), bos.end());
  for (const auto& w : waits) info.wait.push_back({w.handle, w.value});
  for (const auto& s : signals) info.signal.push_back({s.handle, s.value});
  return call("SUBMIT", [&] { seqno = dev_->submit(*c, commands, info); });
}

KernelStatus KernelClient::ctx_wait(uint32_t ctx, uint64_t seqno, int64_t timeout_ns, bool& job_failed) {
  winsys::Context* c = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(ctx);
    if (it == contexts_.end()) return KernelStatus::failed;
    c = it->second.get();
  }
  bool done = false;
  int32_t err = 0;
  KernelStatus s = call("CTX_WAIT", [&] { done = c->wait(seqno, timeout_ns, &err); });
  if (s != KernelStatus::ok) return s;
  job_failed = err != 0;
  return done ? KernelStatus::ok : KernelStatus::timeout;
}

KernelStatus KernelClient::sync_create(uint64_t initial, uint32_t& handle) {
  std::unique_ptr<winsys::SyncObj> obj;
  KernelStatus s = call("SYNC_CREATE", [&] { obj = dev_->create_sync(initial); });
  if (s != KernelStatus::ok) return s;
  handle = obj->handle();
  std::lock_guard lock(mutex_);
  syncs_[handle] = std::move(obj);
  return KernelStatus::ok;
}

void KernelClient::sync_destroy(uint32_t handle) {
  std::lock_guard lock(mutex_);
  syncs_.erase(handle);
}

KernelStatus KernelClient::sync_query(uint32_t handle, uint64_t& value) {
  drm_mica_sync_query q{handle, 0, 0};
  return call("SYNC_QUERY", [&] {
    dev_->ioctl(DRM_IOCTL_MICA_SYNC_QUERY, &q, "SYNC_QUERY");
    value = q.value;
  });
}

KernelStatus KernelClient::sync_signal(uint32_t handle, uint64_t point) {
  drm_mica_sync_signal s{handle, 0, point};
  return call("SYNC_SIGNAL", [&] { dev_->ioctl(DRM_IOCTL_MICA_SYNC_SIGNAL, &s, "SYNC_SIGNAL"); });
}

KernelStatus KernelClient::sync_wait_once(std::span<const SyncPoint> points, bool wait_all, int64_t timeout_ns) {
  std::vector<drm_mica_sync_point> p;
  for (const auto& sp : points) p.push_back({sp.handle, 0, sp.value});
  drm_mica_sync_wait w{};
  w.points = {sizeof(drm_mica_sync_point), uint32_t(p.size()), reinterpret_cast<uintptr_t>(p.data())};
  w.timeout_ns = timeout_ns;
  w.flags = wait_all ? 0 : DRM_MICA_SYNC_WAIT_ANY;
  const int r = dev_->try_ioctl(DRM_IOCTL_MICA_SYNC_WAIT, &w);
  return from_errno(-r, "SYNC_WAIT", "errno " + std::to_string(-r));
}

KernelStatus KernelClient::sync_wait(std::span<const SyncPoint> points, bool wait_all, int64_t timeout_ns) {
  const size_t group = std::max<uint32_t>(1, max_syncs_per_submit());
  if (points.size() <= group) return sync_wait_once(points, wait_all, timeout_ns);
  using clock = std::chrono::steady_clock;
  const bool forever = timeout_ns == INT64_MAX;
  const auto deadline = forever ? clock::time_point::max() : clock::now() + std::chrono::nanoseconds(timeout_ns);
  auto remaining = [&]() -> int64_t {
    if (forever) return INT64_MAX;
    return std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - clock::now()).count());
  };
  if (wait_all) {
    // Every group in turn, each within what is left of the timeout.
    for (size_t i = 0; i < points.size(); i += group) {
      KernelStatus s = sync_wait_once(points.subspan(i, std::min(group, points.size() - i)), true, remaining());
      if (s != KernelStatus::ok) return s;
    }
    return KernelStatus::ok;
  }
  // Any: no single call sees every point, so the groups are polled in turn, each for a short
  // slice, until one is reached or the time is up.
  constexpr int64_t kSliceNs = 1'000'000;
  for (;;) {
    for (size_t i = 0; i < points.size(); i += group) {
      KernelStatus s = sync_wait_once(points.subspan(i, std::min(group, points.size() - i)), false, 0);
      if (s != KernelStatus::timeout) return s;
    }
    const int64_t left = remaining();
    if (left == 0) return KernelStatus::timeout;
    KernelStatus s = sync_wait_once(points.subspan(0, group), false, std::min(left, kSliceNs));
    if (s != KernelStatus::timeout) return s;
  }
}

}  // namespace mica::vk

// ---- physical device enumeration ----------------------------------------------------------

namespace mica::vk {

std::vector<std::unique_ptr<PhysicalDevice>> enumerate_physical_devices(Instance& instance) {
  std::vector<std::unique_ptr<PhysicalDevice>> out;
  std::string error;
  std::shared_ptr<winsys::Device> dev = open_winsys_device(error);
  if (!dev) {
    // No Mica device: the instance simply has no physical devices (the loader moves on).
    if (std::getenv("MICA_VK_DEBUG")) std::fprintf(stderr, "mica-vk: no device: %s\n", error.c_str());
    return out;
  }
  driver::DeviceInfo info = query_device_info(*dev);
  out.push_back(host_make<PhysicalDevice>(
      host_allocation(nullptr, instance.allocator(), VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE), instance, std::move(dev),
      std::move(info)));
  return out;
}

}  // namespace mica::vk
