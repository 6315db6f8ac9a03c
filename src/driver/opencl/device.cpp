// Device enumeration and clGetDeviceInfo: every OpenCL 3.0 query, answered from the hardware
// description (mica_hw.h) and the device layer's view of the device. Optional features the device
// does not have are reported as absent (0, empty, CL_FALSE), never faked.
#include "device.h"
#include "image.h"

#include "backend.h"
#include "extensions.h"
#include "info.h"
#include "platform.h"
#include "program.h"

#include <mica_hw.h>

#include <algorithm>
#include <array>

namespace mica::cl {

Device::Device(Platform* platform, const driver::DeviceInfo& info, uint64_t max_buffer_bytes)
    : Object(Kind::Device), platform_(platform), name_(info.name), compute_units_(info.cu_count),
      global_mem_bytes_(info.vram_bytes) {
  const uint64_t quarter = global_mem_bytes_ / 4;
  const uint64_t cl1_minimum = std::min<uint64_t>(128ull << 20, global_mem_bytes_ / 2);
  max_alloc_bytes_ = std::max(quarter, cl1_minimum);
  if (max_buffer_bytes) max_alloc_bytes_ = std::min(max_alloc_bytes_, max_buffer_bytes);
}

Device::~Device() = default;

namespace {
constexpr cl_device_fp_config kSingleFpConfig =
    CL_FP_DENORM | CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST | CL_FP_FMA;  // docs/hw/isa.md "Floating point"
// cl_khr_fp16: half arithmetic is computed in f32 (or f64 for fma) and rounded once to half,
// which is correctly rounded for +, -, *, /, sqrt and fma; denormal halves are kept
// (docs/opencl.md "Half precision").
constexpr cl_device_fp_config kHalfFpConfig = CL_FP_DENORM | CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST | CL_FP_FMA;
// f64: denormals kept, IEEE infinities and NaN, round to nearest even only, v_fma_f64 fused (the
// minimum OpenCL 3.0 asks of a device with cl_khr_fp64); correctly rounded division and sqrt are
// implied for doubles (lower_f64_div.cpp, v_sqrt_f64), there is no bit for them
constexpr cl_device_fp_config kDoubleFpConfig =
    CL_FP_DENORM | CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST | CL_FP_FMA;
constexpr cl_command_queue_properties kQueueProperties =
    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE;

std::string il_version_string() {
  std::string s;
  for (const auto& e : il_versions()) {
    if (!s.empty()) s += ' ';
    s += std::string(e.name) + "_" + std::to_string(CL_VERSION_MAJOR(e.version)) + "." +
         std::to_string(CL_VERSION_MINOR(e.version));
  }
  return s;
}
}  // namespace

cl_int Device::info(cl_device_info param, size_t size, void* value, size_t* size_ret) const {
  InfoWriter out(size, value, size_ret);
  auto u32 = [&](cl_uint v) { return out.scalar(v); };
  auto u64 = [&](cl_ulong v) { return out.scalar(v); };
  auto sz = [&](size_t v) { return out.scalar(v); };
  auto boolean = [&](bool v) { return out.scalar(cl_bool(v ? CL_TRUE : CL_FALSE)); };
  switch (param) {
  // Identity
  case CL_DEVICE_TYPE: return out.scalar(cl_device_type(CL_DEVICE_TYPE_GPU));
  case CL_DEVICE_VENDOR_ID: return u32(0);  // no PCI vendor id and no Khronos-assigned one
  case CL_DEVICE_NAME: return out.string(name_);
  case CL_DEVICE_VENDOR: return out.string("The Mica project");
  case CL_DRIVER_VERSION: return out.string(MICA_VERSION);
  case CL_DEVICE_PROFILE: return out.string("FULL_PROFILE");
  case CL_DEVICE_VERSION: return out.string("OpenCL 3.0 Mica");
  case CL_DEVICE_NUMERIC_VERSION: return out.scalar(cl_version(CL_MAKE_VERSION(3, 0, 0)));
  case CL_DEVICE_OPENCL_C_VERSION: return out.string("OpenCL C 1.2 Mica");
  case CL_DEVICE_OPENCL_C_ALL_VERSIONS: return out.array(name_versions(opencl_c_versions()));
  case CL_DEVICE_OPENCL_C_FEATURES: return out.array(name_versions(opencl_c_features()));
  case CL_DEVICE_EXTENSIONS: return out.string(joined_names(device_extensions()));
  case CL_DEVICE_EXTENSIONS_WITH_VERSION: return out.array(name_versions(device_extensions()));
  case CL_DEVICE_IL_VERSION: return out.string(il_version_string());
  case CL_DEVICE_ILS_WITH_VERSION: return out.array(name_versions(il_versions()));
  case CL_DEVICE_BUILT_IN_KERNELS: return out.string("");
  case CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION: return out.bytes(nullptr, 0);
  // Never run against the conformance suite.
  case CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED: return out.string("v0000-00-00-00");
  case CL_DEVICE_PLATFORM: return out.scalar(to_handle(platform_));
  case CL_DEVICE_PARENT_DEVICE: return out.scalar(cl_device_id(nullptr));
  case CL_DEVICE_REFERENCE_COUNT: return u32(1);  // root device
  case CL_DEVICE_AVAILABLE: return boolean(true);
  case CL_DEVICE_COMPILER_AVAILABLE: return boolean(program_compiler_available());
  case CL_DEVICE_LINKER_AVAILABLE: return boolean(program_compiler_available());

  // Execution
  case CL_DEVICE_MAX_COMPUTE_UNITS: return u32(compute_units_);
  case CL_DEVICE_MAX_CLOCK_FREQUENCY: return u32(MICA_CLOCK_HZ / 1000000u);
  case CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS: return u32(3);
  case CL_DEVICE_MAX_WORK_ITEM_SIZES: {
    const std::array<size_t, 3> dims = {MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y, MICA_MAX_WORKGROUP_DIM_Z};
    return out.bytes(dims.data(), sizeof dims);
  }
  case CL_DEVICE_MAX_WORK_GROUP_SIZE: return sz(MICA_MAX_WORKGROUP_INVOCATIONS);
  case CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE: return sz(MICA_WAVE_SIZE);
  case CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT: return boolean(true);
  case CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT: return boolean(false);
  case CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT: return boolean(true);  // __opencl_c_generic_address_space
  case CL_DEVICE_MAX_NUM_SUB_GROUPS: return u32(0);
  case CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS: return boolean(false);
  case CL_DEVICE_EXECUTION_CAPABILITIES: return out.scalar(cl_device_exec_capabilities(CL_EXEC_KERNEL));
  case CL_DEVICE_QUEUE_PROPERTIES:  // == CL_DEVICE_QUEUE_ON_HOST_PROPERTIES
    return out.scalar(kQueueProperties);
  case CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES: return out.scalar(cl_command_queue_properties(0));
  case CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE: return u32(0);
  case CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE: return u32(0);
  case CL_DEVICE_MAX_ON_DEVICE_QUEUES: return u32(0);
  case CL_DEVICE_MAX_ON_DEVICE_EVENTS: return u32(0);
  case CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES: return out.scalar(cl_device_device_enqueue_capabilities(0));
  case CL_DEVICE_PROFILING_TIMER_RESOLUTION: return sz(1);
  case CL_DEVICE_PRINTF_BUFFER_SIZE: return sz(kPrintfBufferBytes);
  case CL_DEVICE_PREFERRED_INTEROP_USER_SYNC: return boolean(true);
  case CL_DEVICE_MAX_PARAMETER_SIZE: return sz(kMaxParameterBytes);

  // Numbers
  case CL_DEVICE_ADDRESS_BITS: return u32(64);
  case CL_DEVICE_ENDIAN_LITTLE: return boolean(true);
  case CL_DEVICE_ERROR_CORRECTION_SUPPORT: return boolean(false);
  case CL_DEVICE_SINGLE_FP_CONFIG: return out.scalar(kSingleFpConfig);
  case CL_DEVICE_DOUBLE_FP_CONFIG:  // cl_khr_fp64: round to nearest only (the ISA has no other mode)
    return out.scalar(device_has_fp64() ? kDoubleFpConfig : cl_device_fp_config(0));
  case CL_DEVICE_HALF_FP_CONFIG: return out.scalar(kHalfFpConfig);
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR:
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT:
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT:
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG:
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_INT:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT:
    return u32(1);  // one lane per work-item: vectors are split into scalars
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF:
    return u32(1);  // cl_khr_fp16, one lane per work-item as the other types
  case CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE:
  case CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE:
    return u32(device_has_fp64() ? 1 : 0);  // as float: one f64 lane per work-item

  // Memory
  case CL_DEVICE_GLOBAL_MEM_SIZE: return u64(global_mem_bytes_);
  case CL_DEVICE_MAX_MEM_ALLOC_SIZE: return u64(max_alloc_bytes());
  case CL_DEVICE_MEM_BASE_ADDR_ALIGN: return u32(kBaseAddrAlignBytes * 8);
  case CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE: return u32(kBaseAddrAlignBytes);
  case CL_DEVICE_GLOBAL_MEM_CACHE_TYPE: return out.scalar(cl_device_mem_cache_type(CL_NONE));
  case CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE: return u32(0);
  case CL_DEVICE_GLOBAL_MEM_CACHE_SIZE: return u64(0);
  case CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE: return u64(64 * 1024);
  case CL_DEVICE_MAX_CONSTANT_ARGS: return u32(8);
  case CL_DEVICE_LOCAL_MEM_TYPE: return out.scalar(cl_device_local_mem_type(CL_LOCAL));
  case CL_DEVICE_LOCAL_MEM_SIZE: return u64(MICA_MAX_SHARED_BYTES);
  case CL_DEVICE_HOST_UNIFIED_MEMORY: return boolean(false);
  case CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE: return sz(0);
  case CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE: return sz(0);
  case CL_DEVICE_SVM_CAPABILITIES: return out.scalar(cl_device_svm_capabilities(0));
  case CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT:
  case CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT:
  case CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT:
    return u32(0);  // natural alignment
  // The OpenCL 3.0 minimum: relaxed order, work-group scope.
  case CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES:
    return out.scalar(cl_device_atomic_capabilities(CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP));
  case CL_DEVICE_ATOMIC_FENCE_CAPABILITIES:
    return out.scalar(cl_device_atomic_capabilities(CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_ORDER_ACQ_REL |
                                                    CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP));

  // Images through the texture unit (image.h: at least the full-profile minimums).
  case CL_DEVICE_IMAGE_SUPPORT: return boolean(true);
  case CL_DEVICE_MAX_READ_IMAGE_ARGS: return u32(kMaxReadImageArgs);
  case CL_DEVICE_MAX_WRITE_IMAGE_ARGS: return u32(kMaxWriteImageArgs);
  case CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS: return u32(kMaxReadWriteImageArgs);
  case CL_DEVICE_MAX_SAMPLERS: return u32(kMaxSamplers);
  // cl_khr_image2d_from_buffer (image.h says why 1).
  case CL_DEVICE_IMAGE_PITCH_ALIGNMENT: return u32(kImagePitchAlignment);
  case CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT: return u32(kImageBaseAddressAlignment);
  case CL_DEVICE_MAX_PIPE_ARGS:
  case CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS:
  case CL_DEVICE_PIPE_MAX_PACKET_SIZE:
    return u32(0);
  case CL_DEVICE_IMAGE2D_MAX_WIDTH:
  case CL_DEVICE_IMAGE2D_MAX_HEIGHT:
    return sz(kImage2dMaxSize);
  case CL_DEVICE_IMAGE3D_MAX_WIDTH:
  case CL_DEVICE_IMAGE3D_MAX_HEIGHT:
  case CL_DEVICE_IMAGE3D_MAX_DEPTH:
    return sz(kImage3dMaxSize);
  case CL_DEVICE_IMAGE_MAX_BUFFER_SIZE: return sz(kImageMaxBufferSize);
  case CL_DEVICE_IMAGE_MAX_ARRAY_SIZE: return sz(kImageMaxArraySize);
  case CL_DEVICE_PIPE_SUPPORT: return boolean(false);

  // Partitioning: not supported.
  case CL_DEVICE_PARTITION_MAX_SUB_DEVICES: return u32(0);
  case CL_DEVICE_PARTITION_PROPERTIES: return out.scalar(cl_device_partition_property(0));
  case CL_DEVICE_PARTITION_AFFINITY_DOMAIN: return out.scalar(cl_device_affinity_domain(0));
  case CL_DEVICE_PARTITION_TYPE: return out.bytes(nullptr, 0);  // a root device
  default: return CL_INVALID_VALUE;
  }
}

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceIDs(cl_platform_id platform, cl_device_type device_type,
                                              cl_uint num_entries, cl_device_id* devices, cl_uint* num_devices) {
  return guarded([&]() -> cl_int {
    if (platform && !checked<Platform>(platform)) return CL_INVALID_PLATFORM;
    constexpr cl_device_type kKnown = CL_DEVICE_TYPE_DEFAULT | CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_GPU |
                                      CL_DEVICE_TYPE_ACCELERATOR | CL_DEVICE_TYPE_CUSTOM;
    if (device_type != CL_DEVICE_TYPE_ALL && (device_type & ~kKnown)) return CL_INVALID_DEVICE_TYPE;
    if ((num_entries == 0 && devices) || (!devices && !num_devices)) return CL_INVALID_VALUE;
    std::vector<Device*> found;
    for (Device* d : Platform::get().devices())
      if (device_type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_DEFAULT)) found.push_back(d);
    if (found.empty()) return CL_DEVICE_NOT_FOUND;
    if (devices)
      for (cl_uint i = 0; i < num_entries && i < found.size(); ++i) devices[i] = to_handle(found[i]);
    if (num_devices) *num_devices = cl_uint(found.size());
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceInfo(cl_device_id device, cl_device_info param_name, size_t param_value_size,
                                               void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    const Device* d = checked<Device>(device);
    if (!d) return CL_INVALID_DEVICE;
    return d->info(param_name, param_value_size, param_value, param_value_size_ret);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainDevice(cl_device_id device) {
  return checked<Device>(device) ? CL_SUCCESS : CL_INVALID_DEVICE;  // root devices are not counted
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseDevice(cl_device_id device) {
  return checked<Device>(device) ? CL_SUCCESS : CL_INVALID_DEVICE;
}

CL_API_ENTRY cl_int CL_API_CALL clCreateSubDevices(cl_device_id in_device, const cl_device_partition_property* properties,
                                                  cl_uint, cl_device_id*, cl_uint*) {
  if (!checked<Device>(in_device)) return CL_INVALID_DEVICE;
  // CL_DEVICE_PARTITION_PROPERTIES lists no partition type, so every request names one the device
  // does not support: CL_INVALID_VALUE (OpenCL 3.0 clCreateSubDevices).
  (void)properties;
  return CL_INVALID_VALUE;
}
