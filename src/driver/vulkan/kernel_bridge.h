// The driver's view of the winsys (src/winsys): every call that reaches the kernel core goes
// through this class, implemented in kernel_bridge.cpp on top of mica::winsys. The rest of the
// driver deals in Vulkan objects, GPU addresses and these handles, and never sees an exception.
#pragma once

#include "mica/driver/device_info.h"
#include "object.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace mica::winsys {
class Bo;
class CommandBuilder;
class Context;
class Device;
class SyncObj;
}  // namespace mica::winsys

namespace mica::vk {

// Outcomes of kernel calls, from the uapi errno values (docs/uapi.md).
enum class KernelStatus {
  ok,
  timeout,       // -ETIME
  stale_shader,  // -ENOEXEC: binary built for another revision / power profile; recompile
  guilty,        // -ECANCELED: the context faulted or hung
  no_memory,     // -ENOMEM / -ENOSPC
  failed,        // anything else (a driver bug if it happens; the message goes to stderr)
};

VkResult to_vk(KernelStatus s);

struct KernelBo {
  uint32_t handle = 0;
  uint64_t va = 0;
  uint64_t size = 0;
  uint8_t* cpu = nullptr;
};

struct KernelShader {
  uint32_t handle = 0;
  uint64_t va = 0;  // code base in the client's VM
  uint64_t size = 0;
};

struct SyncPoint {
  uint32_t handle;
  uint64_t value;
};

struct PowerState {
  uint32_t profile = 0;
  uint64_t generation = 0;
};

// Opens (once per process) the winsys device every physical device and VkDevice shares: with the
// sim backend that is one simulated device; each VkDevice gets its own kernel contexts on it.
std::shared_ptr<winsys::Device> open_winsys_device(std::string& error);
driver::DeviceInfo query_device_info(winsys::Device& device);

class KernelClient {
public:
  explicit KernelClient(std::shared_ptr<winsys::Device> device);
  ~KernelClient();
  KernelClient(const KernelClient&) = delete;
  KernelClient& operator=(const KernelClient&) = delete;

  PowerState power_state();

  KernelStatus bo_create(uint64_t size, bool cpu_mapped, KernelBo& out);
  void bo_destroy(const KernelBo& bo);
  KernelStatus shader_create(std::span<const uint8_t> binary, KernelShader& out);
  void shader_destroy(const KernelShader& shader);

  KernelStatus ctx_create(bool copy_only, uint32_t& ctx);
  void ctx_destroy(uint32_t ctx);
  bool ctx_guilty(uint32_t ctx);
  // One kernel job: at most max_job_dwords() of packets and max_syncs_per_submit() points each way
  // (the kernel refuses more with -E2BIG / -EINVAL; Queue splits larger submissions).
  KernelStatus submit(uint32_t ctx, std::span<const uint32_t> packets, std::span<const uint32_t> bos,
                      std::span<const SyncPoint> waits, std::span<const SyncPoint> signals, uint64_t& seqno);
  uint32_t max_job_dwords() const;
  uint32_t max_syncs_per_submit() const;
  // Waits for a job; 'job_failed' is set when it faulted, hung or was skipped.
  KernelStatus ctx_wait(uint32_t ctx, uint64_t seqno, int64_t timeout_ns, bool& job_failed);

  KernelStatus sync_create(uint64_t initial, uint32_t& handle);
  void sync_destroy(uint32_t handle);
  KernelStatus sync_query(uint32_t handle, uint64_t& value);
  KernelStatus sync_signal(uint32_t handle, uint64_t point);
  // Any number of points: more than one SYNC_WAIT can take are waited for in groups.
  KernelStatus sync_wait(std::span<const SyncPoint> points, bool wait_all, int64_t timeout_ns);

private:
  KernelStatus sync_wait_once(std::span<const SyncPoint> points, bool wait_all, int64_t timeout_ns);
  struct Mapping;
  std::shared_ptr<winsys::Device> dev_;
  std::mutex mutex_;
  std::map<uint32_t, std::unique_ptr<Mapping>> bos_;  // by BO handle
  std::map<uint32_t, std::unique_ptr<winsys::Context>> contexts_;
  std::map<uint32_t, std::unique_ptr<winsys::SyncObj>> syncs_;
};

}  // namespace mica::vk
