// Shared fixture of the OpenCL API tests: they go through ocl-icd (libOpenCL) with the build tree's
// vendor file (OCL_ICD_VENDORS, set by meson), like any application, and pick the Mica platform by name.
#pragma once

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cltest {

cl_platform_id mica_platform();  // fails the test when there is none
cl_device_id mica_device();

std::string platform_string(cl_platform_id p, cl_platform_info what);
std::string device_string(cl_device_id d, cl_device_info what);

// What a kernel's printf calls wrote: the kernel runs over 'global' work-items on 'queue' while this
// process's stdout goes to a temporary file (the ICD writes printf records to stdout at clFinish).
struct CapturedRun {
  cl_int enqueue = CL_SUCCESS, finish = CL_SUCCESS;
  std::string text;
};
CapturedRun run_capturing_stdout(cl_command_queue queue, cl_kernel kernel, size_t global);

// A directory of SPIR-V kernels compiled at build time (MICA_CL_SPV_DIR); empty when unset.
std::vector<uint32_t> load_spirv(const std::string& name);

class ClTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  cl_context context = nullptr;
  cl_command_queue queue = nullptr;
};

// ClTest plus one program built from OpenCL C source at a time: build() replaces the previous
// program (its kernels keep it alive as long as they need it) and fails the test with the build
// log when the build fails.
class ClSourceTest : public ClTest {
protected:
  void TearDown() override;
  cl_kernel build(const char* src, const char* name, const char* options = nullptr);

  cl_program program_ = nullptr;
};

}  // namespace cltest
