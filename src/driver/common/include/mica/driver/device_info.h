// What an API driver (Vulkan, OpenCL) needs to know about one Mica device, gathered from the winsys
// queries once when the device is enumerated. Hardware constants come from mica_hw.h, never from here.
#pragma once

#include <cstdint>
#include <string>

namespace mica::driver {

struct DeviceInfo {
  std::string name;              // e.g. "Mica r2 (simulated)"
  uint32_t revision = 0;         // mica.toml [[revision]] id
  uint32_t cu_count = 0;         // compute units
  uint64_t vram_bytes = 0;       // device memory
  uint64_t timestamp_hz = 0;     // rate of the global cycle counter written by TIMESTAMP packets
  bool simulated = false;        // the in-process device model rather than a kernel DRM device
};

}  // namespace mica::driver
