// mica::clc -- OpenCL C to SPIR-V in process, and SPIR-V module linking.
//
// OpenCL C goes through libclang 15 (target spir64, clang's OpenCL C headers) to LLVM IR and
// through LLVMSPIRVLib 15 to a SPIR-V module; clLinkProgram's step links SPIR-V modules with
// SPIRV-Tools' linker. Every call builds its own LLVM context and compiler instance, so calls
// from several threads run concurrently. Nothing here throws: failures come back as a Status
// and a build log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mica::clc {

// What the device advertises: decides which OpenCL C extensions and (OpenCL C 3.0) optional
// features the source may use, and which macros the preprocessor defines for them.
struct DeviceFeatures {
  // Extension names as in CL_DEVICE_EXTENSIONS, e.g. "cl_khr_fp64", "cl_khr_int64_base_atomics".
  std::vector<std::string> extensions;
  // OpenCL C 3.0 feature macros as in CL_DEVICE_OPENCL_C_FEATURES, e.g. "__opencl_c_fp64",
  // "__opencl_c_subgroups". The fp64/images/3d-image-writes features and their extensions are
  // kept consistent automatically (clang refuses a mismatch).
  std::vector<std::string> features;
  // Highest OpenCL C version the device accepts with -cl-std (CL_DEVICE_OPENCL_C_ALL_VERSIONS);
  // 300 means 3.0. -cl-std above it is an invalid build option.
  int max_cl_c_version = 300;
  // CL_DEVICE_OPENCL_C_ALL_VERSIONS as numbers (100, 110, 120, 300): when not empty, -cl-std
  // must name one of them (OpenCL 3.0 5.8.6.5: CL2.0 fails on a device that does not list 2.0).
  std::vector<int> cl_c_versions;
  // CL_DEVICE_VERSION as a number (300 for "OpenCL 3.0 ..."): the value of __OPENCL_VERSION__,
  // which clang leaves to the implementation.
  int opencl_version = 300;
  // CL_DEVICE_IMAGE_SUPPORT: without it __IMAGE_SUPPORT__ is not defined (clang defines it for
  // every spir target).
  bool image_support = false;
};

// A header handed over in memory (clCompileProgram's input_headers / header_include_names):
// `#include "name"` in the source finds it before any -I directory.
struct Header {
  std::string name;
  std::string source;
};

enum class Status {
  Success,
  InvalidBuildOptions,  // CL_INVALID_BUILD_OPTIONS / CL_INVALID_COMPILER_OPTIONS / CL_INVALID_LINKER_OPTIONS
  BuildFailure,         // CL_BUILD_PROGRAM_FAILURE / CL_COMPILE_PROGRAM_FAILURE
  LinkFailure,          // CL_LINK_PROGRAM_FAILURE
  InvalidBinary,        // an input to link is not a SPIR-V module (CL_INVALID_BINARY / CL_INVALID_VALUE)
};

const char* status_name(Status s);

struct CompileRequest {
  std::string source;
  std::string options;              // clBuildProgram / clCompileProgram options string
  std::vector<Header> headers;
  DeviceFeatures device;
  std::string source_name = "input.cl";  // the file name diagnostics carry
  // Look the build up in (and add it to) the process-wide cache of successful compiles. Builds
  // with -I directories are never cached (see cache.cpp).
  bool use_cache = true;
};

struct CompileResult {
  Status status = Status::BuildFailure;
  std::vector<uint32_t> spirv;  // the module (Kernel execution model, Physical64), when Success
  std::string log;              // diagnostics "file:line:column: error: ...", warnings included
  bool ok() const { return status == Status::Success; }
};

// The options that were recognised, for callers (the frontend, the program cache) that need them.
struct BuildOptions {
  int cl_std = 120;  // 100, 110, 120, 200, 300; 120 when -cl-std is absent (OpenCL 3.0 rule)
  bool cl_std_given = false;
  std::vector<std::string> defines;        // "NAME" or "NAME=VALUE"
  std::vector<std::string> include_dirs;
  bool opt_disable = false;
  bool single_precision_constant = false;
  bool denorms_are_zero = false;
  bool fp32_correctly_rounded_divide_sqrt = false;
  bool mad_enable = false;
  bool no_signed_zeros = false;
  bool unsafe_math = false;
  bool finite_math_only = false;
  bool fast_relaxed_math = false;
  bool uniform_work_group_size = false;
  bool no_subgroup_ifp = false;
  bool kernel_arg_info = false;
  bool no_warnings = false;     // -w
  bool warnings_as_errors = false;  // -Werror
  bool debug_info = false;      // -g
  // Link-only options.
  bool create_library = false;
  bool enable_link_options = false;
};

enum class OptionsKind { Compile, Link };

// Parses an options string (shell-like: quotes and backslashes group words). Unknown options,
// a missing argument and a malformed -cl-std come back as an error message in *error.
bool parse_options(const std::string& options, OptionsKind kind, const DeviceFeatures& device,
                   BuildOptions* out, std::string* error);

// OpenCL C source -> SPIR-V (clBuildProgram's compile half, clCompileProgram).
CompileResult compile(const CompileRequest& request);

struct LinkRequest {
  std::vector<std::vector<uint32_t>> modules;
  std::string options;  // -create-library, -enable-link-options and the fast-math flags
  DeviceFeatures device;
};

// Links SPIR-V modules (clLinkProgram; clBuildProgram after compile). With -create-library the
// result may keep unresolved imports; otherwise every imported symbol must be defined.
CompileResult link(const LinkRequest& request);

// clBuildProgram: compile, then link the module alone so a call to a function nobody defines is a
// build failure here (its log names the symbol) rather than at kernel creation.
CompileResult build(const CompileRequest& request);

// The compile cache: a repeated compile() of the same source, options, headers and device
// features returns the stored module (real files the source included are re-checked).
struct CacheStats {
  uint64_t hits = 0, misses = 0;
  uint64_t stale = 0;   // entries dropped because a file they included changed
  size_t entries = 0, bytes = 0;
};
CacheStats cache_stats();
void cache_clear();

// Runs SPIRV-Tools' validator (OpenCL 2.0 environment, SPIR-V 1.0) on a module; empty string when valid.
std::string validate(const std::vector<uint32_t>& spirv);

}  // namespace mica::clc
