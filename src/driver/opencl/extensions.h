// What the Mica device advertises: OpenCL extensions and OpenCL C optional features. An entry is here
// only once it works end to end and a test in tests/opencl/ covers it (docs/opencl.md "What is
// advertised").
#pragma once

#include "cl_api.h"

#include <span>
#include <string>
#include <vector>

namespace mica::cl {

struct NamedVersion {
  const char* name;
  cl_version version;
};

std::span<const NamedVersion> device_extensions();
std::span<const NamedVersion> opencl_c_features();
std::span<const NamedVersion> opencl_c_versions();
std::span<const NamedVersion> il_versions();

// Whether cl_khr_fp64 is advertised (clang then promotes printf's float arguments to double).
bool device_has_fp64();

std::string joined_names(std::span<const NamedVersion> list);         // "a b c"
std::vector<cl_name_version> name_versions(std::span<const NamedVersion> list);

}  // namespace mica::cl
