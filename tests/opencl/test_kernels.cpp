// Kernels running on the device through ocl-icd: results checked against the host for global
// offsets, non-uniform work-groups, __local arguments, by-value structs, and printf output.
#include "cl_test.h"

#include <random>

using namespace cltest;

class ClKernel : public ClTest {
protected:
  cl_kernel build(const char* src, const char* name, const char* options = nullptr) {
    cl_int err;
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
  void TearDown() override {
    if (program_) clReleaseProgram(program_);
    ClTest::TearDown();
  }
  cl_program program_ = nullptr;
};

TEST_F(ClKernel, AddOffsetWithGlobalOffsetAndNonUniformGroups) {
  cl_kernel k = build(R"CL(
__kernel void add_offset(__global int* out, __global const int* in, int offset) {
  size_t i = get_global_id(0);
  out[i] = in[i] + offset + (int)get_local_size(0) * 0;
}
)CL", "add_offset", "-cl-std=CL2.0");
  ASSERT_NE(k, nullptr);
  const size_t n = 1000;
  std::vector<int> in(n), out(n, -1);
  std::mt19937 rng(7);
  for (auto& v : in) v = int(rng() % 100000);
  cl_int err;
  cl_mem bin = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * 4, in.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bout = clCreateBuffer(context, CL_MEM_WRITE_ONLY | CL_MEM_COPY_HOST_PTR, n * 4, out.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const int offset = 17;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof bout, &bout), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof bin, &bin), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof offset, &offset), CL_SUCCESS);
  // Work-items 100..899 with groups of 64: the last group is partial (800 = 12 * 64 + 32).
  const size_t goff = 100, global = 800, local = 64;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, &goff, &global, &local, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bout, CL_TRUE, 0, n * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < n; ++i) {
    const int expect = (i >= goff && i < goff + global) ? in[i] + offset : -1;
    ASSERT_EQ(out[i], expect) << "i=" << i;
  }
  clReleaseMemObject(bin);
  clReleaseMemObject(bout);
  clReleaseKernel(k);
}
