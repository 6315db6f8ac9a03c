// The one Mica platform and its devices. Platform and root devices live as long as the library:
// retain/release on a root device are no-ops (OpenCL 1.2+), and a platform has no reference count.
#pragma once

#include "object.h"

#include <span>
#include <string>
#include <vector>

namespace mica::cl {

class Device;

class Platform : public Object {
public:
  using Handle = cl_platform_id;
  static constexpr Kind kKind = Kind::Platform;

  // The platform, created on first use (devices are enumerated then).
  static Platform& get();
  std::span<Device* const> devices() const { return devices_; }

  Platform();
  ~Platform();

private:
  std::vector<Device*> devices_;
};

// Host clock in nanoseconds: the profiling and host-timer clock (CLOCK_MONOTONIC).
cl_ulong host_time_ns();

// The frontend's name for the extension function suffix (CL_PLATFORM_ICD_SUFFIX_KHR).
inline constexpr const char* kIcdSuffix = "MICA";

}  // namespace mica::cl
