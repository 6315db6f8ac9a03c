// Platform enumeration and queries, and the cl_khr_icd entry points ocl-icd looks up by name.
#include "platform.h"

#include "backend.h"
#include "device.h"
#include "info.h"

#include <cstring>
#include <ctime>

namespace mica::cl {

namespace {
// What this platform advertises. cl_khr_icd is the only platform extension: the rest are per device.
constexpr cl_version kPlatformVersion = CL_MAKE_VERSION(3, 0, 0);
constexpr const char* kPlatformExtensions = "cl_khr_icd";
}  // namespace

Platform& Platform::get() {
  // Never destroyed: applications may call into the ICD from their own static destructors.
  static Platform* platform = new Platform;
  return *platform;
}

Platform::Platform() : Object(Kind::Platform) {
  // No device when none can be opened: clGetDeviceIDs then answers CL_DEVICE_NOT_FOUND.
  if (device::Screen* s = screen()) devices_.push_back(new Device(this, s->info(), s->limits().max_buffer_bytes));
}

Platform::~Platform() = default;

cl_ulong host_time_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return cl_ulong(ts.tv_sec) * 1000000000ull + cl_ulong(ts.tv_nsec);
}

static cl_int platform_info(cl_platform_info param, InfoWriter& out) {
  switch (param) {
  case CL_PLATFORM_PROFILE: return out.string("FULL_PROFILE");
  case CL_PLATFORM_VERSION: return out.string("OpenCL 3.0 Mica " MICA_VERSION);
  case CL_PLATFORM_NUMERIC_VERSION: return out.scalar(kPlatformVersion);
  case CL_PLATFORM_NAME: return out.string("Mica");
  case CL_PLATFORM_VENDOR: return out.string("The Mica project");
  case CL_PLATFORM_EXTENSIONS: return out.string(kPlatformExtensions);
  case CL_PLATFORM_EXTENSIONS_WITH_VERSION: {
    cl_name_version v{};
    v.version = CL_MAKE_VERSION(1, 0, 0);
    std::strncpy(v.name, "cl_khr_icd", sizeof v.name - 1);
    return out.scalar(v);
  }
  case CL_PLATFORM_HOST_TIMER_RESOLUTION: {
    timespec res{};
    clock_getres(CLOCK_MONOTONIC, &res);
    return out.scalar(cl_ulong(res.tv_sec) * 1000000000ull + cl_ulong(res.tv_nsec));
  }
  case CL_PLATFORM_ICD_SUFFIX_KHR: return out.string(kIcdSuffix);
  default: return CL_INVALID_VALUE;
  }
}

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

static cl_int get_platform_ids(cl_uint num_entries, cl_platform_id* platforms, cl_uint* num_platforms) {
  if ((num_entries == 0 && platforms) || (!platforms && !num_platforms)) return CL_INVALID_VALUE;
  return guarded([&]() -> cl_int {
    Platform& p = Platform::get();
    if (platforms) platforms[0] = to_handle(&p);
    if (num_platforms) *num_platforms = 1;
    return CL_SUCCESS;
  });
}

MICA_CL_EXPORT CL_API_ENTRY cl_int CL_API_CALL clIcdGetPlatformIDsKHR(cl_uint num_entries, cl_platform_id* platforms,
                                                      cl_uint* num_platforms) {
  return get_platform_ids(num_entries, platforms, num_platforms);
}

CL_API_ENTRY cl_int CL_API_CALL clGetPlatformIDs(cl_uint num_entries, cl_platform_id* platforms,
                                                cl_uint* num_platforms) {
  return get_platform_ids(num_entries, platforms, num_platforms);
}

MICA_CL_EXPORT CL_API_ENTRY cl_int CL_API_CALL clGetPlatformInfo(cl_platform_id platform, cl_platform_info param_name,
                                                 size_t param_value_size, void* param_value,
                                                 size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    // NULL selects the platform (implementation-defined behaviour; there is only one).
    if (platform && !checked<Platform>(platform)) return CL_INVALID_PLATFORM;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    return platform_info(param_name, out);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetHostTimer(cl_device_id device, cl_ulong* host_timestamp) {
  if (!checked<Device>(device)) return CL_INVALID_DEVICE;
  if (!host_timestamp) return CL_INVALID_VALUE;
  *host_timestamp = host_time_ns();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceAndHostTimer(cl_device_id device, cl_ulong* device_timestamp,
                                                       cl_ulong* host_timestamp) {
  if (!checked<Device>(device)) return CL_INVALID_DEVICE;
  if (!host_timestamp || !device_timestamp) return CL_INVALID_VALUE;
  // The device's profiling timestamps are taken on the host clock (see event.cpp), so both agree.
  *host_timestamp = *device_timestamp = host_time_ns();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clUnloadCompiler(void) { return CL_SUCCESS; }

CL_API_ENTRY cl_int CL_API_CALL clUnloadPlatformCompiler(cl_platform_id platform) {
  return checked<Platform>(platform) ? CL_SUCCESS : CL_INVALID_PLATFORM;
}
