#include "cl_test.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace cltest {

cl_platform_id mica_platform() {
  cl_uint n = 0;
  if (clGetPlatformIDs(0, nullptr, &n) != CL_SUCCESS || n == 0) {
    ADD_FAILURE() << "no OpenCL platform: is OCL_ICD_VENDORS set to the build tree's src/driver/opencl?";
    return nullptr;
  }
  std::vector<cl_platform_id> ids(n);
  clGetPlatformIDs(n, ids.data(), nullptr);
  for (cl_platform_id p : ids)
    if (platform_string(p, CL_PLATFORM_NAME) == "Mica") return p;
  ADD_FAILURE() << "ocl-icd lists no Mica platform";
  return nullptr;
}

cl_device_id mica_device() {
  cl_platform_id p = mica_platform();
  cl_device_id d = nullptr;
  if (p) { EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, nullptr), CL_SUCCESS); }
  return d;
}

CapturedRun run_capturing_stdout(cl_command_queue queue, cl_kernel kernel, size_t global) {
  CapturedRun run;
  fflush(stdout);
  FILE* tmp = tmpfile();
  if (!tmp) {
    ADD_FAILURE() << "tmpfile failed";
    run.enqueue = CL_OUT_OF_HOST_MEMORY;
    return run;
  }
  const int saved = dup(fileno(stdout));
  dup2(fileno(tmp), fileno(stdout));
  run.enqueue = clEnqueueNDRangeKernel(queue, kernel, 1, nullptr, &global, nullptr, 0, nullptr, nullptr);
  run.finish = clFinish(queue);
  fflush(stdout);
  dup2(saved, fileno(stdout));
  close(saved);
  rewind(tmp);
  char buf[256];
  while (size_t got = fread(buf, 1, sizeof buf, tmp)) run.text.append(buf, got);
  fclose(tmp);
  return run;
}

std::string platform_string(cl_platform_id p, cl_platform_info what) {
  size_t n = 0;
  if (clGetPlatformInfo(p, what, 0, nullptr, &n) != CL_SUCCESS) return "";
  std::string s(n, '\0');
  clGetPlatformInfo(p, what, n, s.data(), nullptr);
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string device_string(cl_device_id d, cl_device_info what) {
  size_t n = 0;
  if (clGetDeviceInfo(d, what, 0, nullptr, &n) != CL_SUCCESS) return "";
  std::string s(n, '\0');
  clGetDeviceInfo(d, what, n, s.data(), nullptr);
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::vector<uint32_t> load_spirv(const std::string& name) {
  const char* dir = std::getenv("MICA_CL_SPV_DIR");
  if (!dir) return {};
  std::ifstream f(std::string(dir) + "/" + name, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<uint32_t> words(bytes.size() / 4);
  if (!words.empty()) std::memcpy(words.data(), bytes.data(), words.size() * 4);
  return words;
}

void ClTest::SetUp() {
  platform = mica_platform();
  ASSERT_NE(platform, nullptr);
  ASSERT_EQ(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, nullptr), CL_SUCCESS);
  cl_int err = CL_SUCCESS;
  context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  queue = clCreateCommandQueueWithProperties(context, device, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
}

void ClTest::TearDown() {
  if (queue) { EXPECT_EQ(clReleaseCommandQueue(queue), CL_SUCCESS); }
  if (context) { EXPECT_EQ(clReleaseContext(context), CL_SUCCESS); }
}

cl_kernel ClSourceTest::build(const char* src, const char* name, const char* options) {
  cl_int err;
  if (program_) clReleaseProgram(program_);
  program_ = clCreateProgramWithSource(context, 1, &src, nullptr, &err);
  EXPECT_EQ(err, CL_SUCCESS);
  if (clBuildProgram(program_, 1, &device, options, nullptr, nullptr) != CL_SUCCESS) {
    size_t n = 0;
    clGetProgramBuildInfo(program_, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n);
    std::string log(n, '\0');
    clGetProgramBuildInfo(program_, device, CL_PROGRAM_BUILD_LOG, n, log.data(), nullptr);
    ADD_FAILURE() << "build failed: " << log;
    return nullptr;
  }
  cl_kernel k = clCreateKernel(program_, name, &err);
  EXPECT_EQ(err, CL_SUCCESS);
  return k;
}

void ClSourceTest::TearDown() {
  if (program_) clReleaseProgram(program_);
  ClTest::TearDown();
}

}  // namespace cltest
