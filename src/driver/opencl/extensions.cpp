#include "extensions.h"

#include <cstring>

namespace mica::cl {

namespace {
constexpr cl_version v(unsigned major, unsigned minor, unsigned patch = 0) {
  return CL_MAKE_VERSION(major, minor, patch);
}

// Each is exercised by tests/opencl (test_kernels.cpp Int32AtomicsAndByteStores: every 32-bit
// atomic on global and local memory under contention, char/short stores beside untouched
// neighbours; test_programs.cpp IntermediateLanguage: SPIR-V programs, also through
// clCreateProgramWithILKHR). The 64-bit atomics: tests/compiler/kernel/kernel_atomic64_test.cpp
// (every operation on __global, __local and generic pointers, racing across both compute units,
// each slot's returned values checked for one valid order) and Piglit's 33 atomic_int64_* cases.
constexpr NamedVersion kDeviceExtensions[] = {
    {"cl_khr_byte_addressable_store", v(1, 0)},
    // f64 as OpenCL C requires: +, -, *, / and sqrt correctly rounded (tests/compiler/f64), the
    // math built-ins within the double ULP bounds (tests/compiler/opencl_std), Piglit's fp64 cases
    {"cl_khr_fp64", v(1, 0)},
    {"cl_khr_global_int32_base_atomics", v(1, 0)},
    {"cl_khr_global_int32_extended_atomics", v(1, 0)},
    {"cl_khr_local_int32_base_atomics", v(1, 0)},
    {"cl_khr_local_int32_extended_atomics", v(1, 0)},
    {"cl_khr_int64_base_atomics", v(1, 0)},
    {"cl_khr_int64_extended_atomics", v(1, 0)},
    {"cl_khr_fp16", v(1, 0)},
    {"cl_khr_il_program", v(1, 0)},
    // image_store on 3D images (tests/opencl/test_images.cpp Write3D).
    {"cl_khr_3d_image_writes", v(1, 0)},
    // 2D images over a buffer's bytes, any row pitch (tests/opencl/test_images.cpp Image2dFromBuffer*).
    {"cl_khr_image2d_from_buffer", v(1, 0)},
    // CL_DEPTH images, image2d_depth_t / image2d_array_depth_t (test_images.cpp DepthImages).
    {"cl_khr_depth_images", v(1, 0)},
    // Mipmapped images: explicit-LOD and gradient reads, levels in transfers (test_mipmaps.cpp).
    // Not cl_khr_mipmap_image_writes: write_image with a LOD is OpImageWrite with a Lod operand,
    // which the compiler's SPIR-V validation (Vulkan environment) refuses.
    {"cl_khr_mipmap_image", v(1, 0)},
};

// __opencl_c_int64 is required of FULL_PROFILE devices. The generic address space: generic
// pointers to every space, casts, to_global/to_local/to_private and get_fence
// (tests/compiler/kernel/kernel_generic_test.cpp, compiler_kernel_exec's Generic* tests).
constexpr NamedVersion kOpenClCFeatures[] = {
    {"__opencl_c_fp64", v(3, 0)},  // paired with cl_khr_fp64
    {"__opencl_c_int64", v(3, 0)},
    {"__opencl_c_generic_address_space", v(3, 0)},
    // Images through the texture unit (docs/opencl.md "Images", tests/opencl/test_images.cpp).
    {"__opencl_c_images", v(3, 0)},
    {"__opencl_c_read_write_images", v(3, 0)},
    {"__opencl_c_3d_image_writes", v(3, 0)},  // paired with cl_khr_3d_image_writes
};

constexpr NamedVersion kOpenClCVersions[] = {
    {"OpenCL C", v(1, 0)}, {"OpenCL C", v(1, 1)}, {"OpenCL C", v(1, 2)}, {"OpenCL C", v(3, 0)},
};

// SPIR-V versions LLVMSPIRVLib 15 writes and the compiler's front end reads.
constexpr NamedVersion kIlVersions[] = {
    {"SPIR-V", v(1, 0)}, {"SPIR-V", v(1, 1)}, {"SPIR-V", v(1, 2)}, {"SPIR-V", v(1, 3)}, {"SPIR-V", v(1, 4)},
};

template <size_t N> std::span<const NamedVersion> live(const NamedVersion (&list)[N]) {
  size_t n = 0;
  while (n < N && list[n].name) ++n;
  return {list, n};
}
}  // namespace

std::span<const NamedVersion> device_extensions() { return live(kDeviceExtensions); }
std::span<const NamedVersion> opencl_c_features() { return live(kOpenClCFeatures); }
std::span<const NamedVersion> opencl_c_versions() { return live(kOpenClCVersions); }
std::span<const NamedVersion> il_versions() { return live(kIlVersions); }

bool device_has_fp64() {
  for (const auto& e : device_extensions())
    if (std::strcmp(e.name, "cl_khr_fp64") == 0) return true;
  return false;
}

std::string joined_names(std::span<const NamedVersion> list) {
  std::string s;
  for (const auto& e : list) {
    if (!s.empty()) s += ' ';
    s += e.name;
  }
  return s;
}

std::vector<cl_name_version> name_versions(std::span<const NamedVersion> list) {
  std::vector<cl_name_version> out;
  for (const auto& e : list) {
    cl_name_version nv{};
    nv.version = e.version;
    std::strncpy(nv.name, e.name, sizeof nv.name - 1);
    out.push_back(nv);
  }
  return out;
}

}  // namespace mica::cl
