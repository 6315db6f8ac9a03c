// Internal to the device layer: the opened winsys device and everything the Screen's objects share
// (buffers, timelines and loaded programs keep it alive). This is the only place besides
// context.cpp that talks to mica::winsys; winsys exceptions stop here and become Status values.
#pragma once

#include "mica/device/screen.h"
#include "mica/driver/binary_cache.h"
#include "mica/driver/device_info.h"
#include "mica/winsys/winsys.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace mica::device {

// errno (positive) -> Status; other errors are logged to stderr with 'what' and the message.
Status status_from_errno(int err, const char* what, const std::string& message);

// Runs f; winsys::Error and std::bad_alloc become a Status.
template <typename F> Status guarded_call(const char* what, F&& f) {
  try {
    f();
    return Status::ok;
  } catch (const winsys::Error& e) {
    return status_from_errno(e.error(), what, e.what());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
}

struct ScreenState {
  explicit ScreenState(std::unique_ptr<winsys::Device> device);
  ~ScreenState();

  // A BO bound at a fresh GPU address: buffers ('exec' false) and shader code ('exec' true).
  struct Mapping {
    winsys::Bo bo;
    uint64_t va = 0;
    uint64_t size = 0;
  };
  Status map_bo(winsys::Bo bo, bool exec, uint64_t& va);
  // By GPU address: one BO can be mapped more than once (a dma-buf imported back into the file
  // that exported it has the same handle).
  void destroy_bo(uint64_t va);
  // Why the kernel just refused something: the rejection reasons (uapi drm_mica_reject_reason)
  // whose device-wide counters grew since the last call, e.g. "CS_CU_RESOURCES (a dispatch whose
  // workgroup cannot be resident on one compute unit)". Other clients' rejections in between
  // may show up too.
  std::string explain_rejection();

  std::unique_ptr<winsys::Device> dev;
  driver::DeviceInfo info;
  Limits limits;
  std::atomic<uint32_t> power_profile{0};
  std::atomic<uint64_t> power_generation{0};

  driver::BinaryCache cache;          // every binary compiled or loaded through this screen
  std::string disk_cache_dir;         // "" = no disk cache
  uint64_t disk_cache_max_bytes = 0;  // the directory's bound (disk_cache.h)
  std::atomic<uint64_t> compiles{0}, memory_hits{0}, disk_hits{0}, app_cache_hits{0};

  std::mutex mutex;
  std::vector<uint64_t> reject_counts;  // at open / at the last explain_rejection()
  std::map<uint64_t, std::unique_ptr<Mapping>> bos;                 // by GPU address
  std::map<uint32_t, std::unique_ptr<winsys::SyncObj>> syncs;       // by sync handle
};

// A binary the kernel validated and loaded, bound executable in the address space.
struct LoadedCode {
  std::shared_ptr<ScreenState> state;
  uint32_t handle = 0;
  uint64_t va = 0;
  ~LoadedCode() {
    if (handle) state->destroy_bo(va);
  }
};

}  // namespace mica::device
