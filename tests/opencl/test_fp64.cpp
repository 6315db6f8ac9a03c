// cl_khr_fp64 through the API: the device's answers agree with each other (extension, OpenCL C
// feature, CL_DEVICE_DOUBLE_FP_CONFIG, vector widths), OpenCL C sees the extension (macros, the
// pragma, double types in 1.2 and 3.0), a kernel built from source divides and takes square roots
// correctly rounded and passes doubles by value, and printf prints doubles and (now promoted)
// floats.
#include "cl_test.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <random>

using namespace cltest;

namespace {

using ClFp64 = ClSourceTest;

bool has_name(cl_device_id d, cl_device_info what, const char* name) {
  size_t n = 0;
  EXPECT_EQ(clGetDeviceInfo(d, what, 0, nullptr, &n), CL_SUCCESS);
  std::vector<cl_name_version> list(n / sizeof(cl_name_version));
  if (n) {
    EXPECT_EQ(clGetDeviceInfo(d, what, n, list.data(), nullptr), CL_SUCCESS);
  }
  for (const auto& e : list) {
    if (std::string(e.name) == name) return true;
  }
  return false;
}

TEST(ClFp64Queries, AdvertisedConsistently) {
  cl_device_id d = mica_device();
  ASSERT_NE(d, nullptr);
  const std::string ext = " " + device_string(d, CL_DEVICE_EXTENSIONS) + " ";
  EXPECT_NE(ext.find(" cl_khr_fp64 "), std::string::npos) << ext;
  EXPECT_TRUE(has_name(d, CL_DEVICE_EXTENSIONS_WITH_VERSION, "cl_khr_fp64"));
  EXPECT_TRUE(has_name(d, CL_DEVICE_OPENCL_C_FEATURES, "__opencl_c_fp64"));
  cl_device_fp_config fp = 0;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, nullptr), CL_SUCCESS);
  // OpenCL 3.0's minimum for a device with doubles, and exactly what the ISA does (docs/hw/isa.md):
  // no directed rounding modes, no soft float, no flag that belongs to single precision only
  EXPECT_EQ(fp, cl_device_fp_config(CL_FP_FMA | CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN | CL_FP_DENORM));
  for (cl_device_info q : {CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE, CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE}) {
    cl_uint w = 0;
    ASSERT_EQ(clGetDeviceInfo(d, q, sizeof w, &w, nullptr), CL_SUCCESS);
    EXPECT_EQ(w, 1u) << std::hex << q;  // not 0, which means no doubles
  }
}

// The macros and the pragma follow the device under OpenCL C 1.2 and 3.0.
TEST_F(ClFp64, OpenClCSeesTheExtension) {
  const char* src = R"CL(
#ifndef cl_khr_fp64
#error cl_khr_fp64 undefined
#endif
#if __OPENCL_C_VERSION__ >= 300 && !defined(__opencl_c_fp64)
#error __opencl_c_fp64 undefined
#endif
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel void widths(__global int* out) {
  out[0] = sizeof(double) + sizeof(double2) + sizeof(double3) + sizeof(double16);
}
)CL";
  for (const char* opts : {"", "-cl-std=CL1.2", "-cl-std=CL3.0"}) {
    cl_kernel k = build(src, "widths", opts);
    ASSERT_NE(k, nullptr) << opts;
    cl_int err;
    cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, 4, nullptr, &err);
    ASSERT_EQ(err, CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
    const size_t one = 1;
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &one, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    int got = 0;
    ASSERT_EQ(clEnqueueReadBuffer(queue, b, CL_TRUE, 0, 4, &got, 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(got, 8 + 16 + 32 + 128) << opts;
    clReleaseMemObject(b);
    clReleaseKernel(k);
  }
}

// x / y, sqrt and a by-value double argument, bit for bit against the host.
TEST_F(ClFp64, DivideAndSqrtCorrectlyRounded) {
  cl_kernel k = build(R"CL(
__kernel void arith(__global const double* a, __global const double* b, __global double* q,
                    __global double* s, double scale) {
  size_t i = get_global_id(0);
  q[i] = a[i] / b[i];
  s[i] = sqrt(a[i]) * scale;
}
)CL", "arith");
  ASSERT_NE(k, nullptr);
  const size_t n = 4096;
  std::vector<double> a(n), b(n);
  std::mt19937_64 rng(5);
  for (size_t i = 0; i < n; ++i) {
    a[i] = std::bit_cast<double>(rng());
    b[i] = i % 3 ? std::bit_cast<double>(rng()) : std::bit_cast<double>(rng() >> 12);  // a third denormal
  }
  a[0] = 1.0, b[0] = 3.0;
  a[1] = 0x1.fffffffffffffp-1023, b[1] = 0x1.fffffffffffffp-1;  // halfway between two denormals, almost
  cl_int err;
  cl_mem ba = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * 8, a.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bb = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * 8, b.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bq = clCreateBuffer(context, CL_MEM_WRITE_ONLY, n * 8, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bs = clCreateBuffer(context, CL_MEM_WRITE_ONLY, n * 8, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const double scale = 1.0;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof ba, &ba), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof bb, &bb), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof bq, &bq), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 3, sizeof bs, &bs), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 4, sizeof scale, &scale), CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<double> q(n), s(n);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bq, CL_TRUE, 0, n * 8, q.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bs, CL_TRUE, 0, n * 8, s.data(), 0, nullptr, nullptr), CL_SUCCESS);
  auto same = [](double x, double y) { return std::isnan(y) ? std::isnan(x) : std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(y); };
  int bad = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!same(q[i], a[i] / b[i]) && bad++ < 8) {
      ADD_FAILURE() << std::hexfloat << a[i] << " / " << b[i] << " = " << q[i];
    }
    if (!same(s[i], std::sqrt(a[i])) && bad++ < 8) {
      ADD_FAILURE() << std::hexfloat << "sqrt " << a[i] << " = " << s[i];
    }
  }
  EXPECT_EQ(bad, 0);
  for (cl_mem m : {ba, bb, bq, bs}) clReleaseMemObject(m);
  clReleaseKernel(k);
}

// With cl_khr_fp64 clang promotes printf's float arguments to double: both print right.
TEST_F(ClFp64, PrintfOfDoublesAndFloats) {
  cl_kernel k = build(R"CL(
__kernel void say(double d) {
  if (get_global_id(0) == 0) {
    printf("%.3f %e %a\n", d, d / 3.0, 0.5);
    printf("%.2f %g|%.1v2lf\n", 1.5f, -0.25f, (double2)(2.5, -4.0));
  }
}
)CL", "say");
  ASSERT_NE(k, nullptr);
  const double d = 1234.5625;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof d, &d), CL_SUCCESS);
  const cltest::CapturedRun run = cltest::run_capturing_stdout(queue, k, 2);
  ASSERT_EQ(run.enqueue, CL_SUCCESS);
  ASSERT_EQ(run.finish, CL_SUCCESS);
  char want[256];
  std::snprintf(want, sizeof want, "%.3f %e %a\n%.2f %g|%.1f,%.1f\n", d, d / 3.0, 0.5, 1.5, -0.25, 2.5, -4.0);
  EXPECT_EQ(run.text, want);
  clReleaseKernel(k);
}

}  // namespace
