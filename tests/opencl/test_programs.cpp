// Programs and kernels through ocl-icd: OpenCL C source (mica::clc), SPIR-V IL, binaries that
// round-trip, compile + link with libraries, build logs and option errors, kernel and argument
// reflection, clSetKernelArg's checks, and clGetKernelWorkGroupInfo.
#include "cl_test.h"

#include <cstring>

using namespace cltest;

namespace {

const char* kSource = R"CL(
typedef struct { int a; float b; } pair_t;
__kernel void sample(__global float* out, sampler_t s) { out[0] = 0.0f; }
__kernel void scale(__global float* out, __global const float* in, float factor, __local float* scratch) {
  size_t i = get_global_id(0);
  out[i] = in[i] * factor;
}
__kernel __attribute__((reqd_work_group_size(64, 1, 1))) void take_pair(__global int* out, pair_t p) {
  out[get_global_id(0)] = p.a + (int)p.b;
}
)CL";

std::string build_log(cl_program p, cl_device_id d) {
  size_t n = 0;
  clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n);
  std::string s(n, '\0');
  clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, n, s.data(), nullptr);
  return s;
}

std::string kernel_string(cl_kernel k, cl_kernel_info what) {
  size_t n = 0;
  clGetKernelInfo(k, what, 0, nullptr, &n);
  std::string s(n, '\0');
  clGetKernelInfo(k, what, n, s.data(), nullptr);
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string arg_string(cl_kernel k, cl_uint i, cl_kernel_arg_info what) {
  size_t n = 0;
  if (clGetKernelArgInfo(k, i, what, 0, nullptr, &n) != CL_SUCCESS) return "<unavailable>";
  std::string s(n, '\0');
  clGetKernelArgInfo(k, i, what, n, s.data(), nullptr);
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

}  // namespace

class ClProgram : public ClTest {
protected:
  cl_program source_program(const char* src) {
    cl_int err;
    cl_program p = clCreateProgramWithSource(context, 1, &src, nullptr, &err);
    EXPECT_EQ(err, CL_SUCCESS);
    return p;
  }
};

TEST_F(ClProgram, SourceBuildsAndReflects) {
  cl_program p = source_program(kSource);
  cl_build_status status = CL_BUILD_SUCCESS;
  ASSERT_EQ(clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_STATUS, sizeof status, &status, nullptr), CL_SUCCESS);
  EXPECT_EQ(status, CL_BUILD_NONE);
  size_t kernels = 0;
  EXPECT_EQ(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof kernels, &kernels, nullptr), CL_INVALID_PROGRAM_EXECUTABLE);
  ASSERT_EQ(clBuildProgram(p, 1, &device, "-cl-kernel-arg-info", nullptr, nullptr), CL_SUCCESS) << build_log(p, device);
  ASSERT_EQ(clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_STATUS, sizeof status, &status, nullptr), CL_SUCCESS);
  EXPECT_EQ(status, CL_BUILD_SUCCESS);
  cl_program_binary_type type = 0;
  ASSERT_EQ(clGetProgramBuildInfo(p, device, CL_PROGRAM_BINARY_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, cl_program_binary_type(CL_PROGRAM_BINARY_TYPE_EXECUTABLE));
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof kernels, &kernels, nullptr), CL_SUCCESS);
  EXPECT_EQ(kernels, 3u);
  char names[64] = {};
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof names, names, nullptr), CL_SUCCESS);
  EXPECT_STREQ(names, "sample;scale;take_pair");

  cl_int err;
  cl_kernel k = clCreateKernel(p, "scale", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_uint nargs = 0;
  ASSERT_EQ(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, nullptr), CL_SUCCESS);
  EXPECT_EQ(nargs, 4u);
  EXPECT_EQ(kernel_string(k, CL_KERNEL_FUNCTION_NAME), "scale");
  EXPECT_EQ(arg_string(k, 0, CL_KERNEL_ARG_NAME), "out");
  EXPECT_EQ(arg_string(k, 1, CL_KERNEL_ARG_TYPE_NAME), "float*");
  EXPECT_EQ(arg_string(k, 2, CL_KERNEL_ARG_TYPE_NAME), "float");
  cl_kernel_arg_address_qualifier aq = 0;
  ASSERT_EQ(clGetKernelArgInfo(k, 3, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof aq, &aq, nullptr), CL_SUCCESS);
  EXPECT_EQ(aq, cl_kernel_arg_address_qualifier(CL_KERNEL_ARG_ADDRESS_LOCAL));
  cl_kernel_arg_type_qualifier tq = 0;
  ASSERT_EQ(clGetKernelArgInfo(k, 1, CL_KERNEL_ARG_TYPE_QUALIFIER, sizeof tq, &tq, nullptr), CL_SUCCESS);
  EXPECT_TRUE(tq & CL_KERNEL_ARG_TYPE_CONST);
  EXPECT_EQ(clGetKernelArgInfo(k, 4, CL_KERNEL_ARG_NAME, 0, nullptr, nullptr), CL_INVALID_ARG_INDEX);

  // clSetKernelArg's checks.
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 256, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const float f = 2.0f;
  EXPECT_EQ(clSetKernelArg(k, 0, sizeof(cl_mem), &buf), CL_SUCCESS);
  EXPECT_EQ(clSetKernelArg(k, 0, 4, &buf), CL_INVALID_ARG_SIZE);
  EXPECT_EQ(clSetKernelArg(k, 1, sizeof(cl_mem), &k), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clSetKernelArg(k, 1, sizeof(cl_mem), nullptr), CL_SUCCESS);  // a NULL buffer
  EXPECT_EQ(clSetKernelArg(k, 2, sizeof f, &f), CL_SUCCESS);
  EXPECT_EQ(clSetKernelArg(k, 2, 8, &f), CL_INVALID_ARG_SIZE);
  EXPECT_EQ(clSetKernelArg(k, 2, sizeof f, nullptr), CL_INVALID_ARG_VALUE);
  EXPECT_EQ(clSetKernelArg(k, 3, 128, &f), CL_INVALID_ARG_VALUE);  // __local takes a size only
  EXPECT_EQ(clSetKernelArg(k, 3, 0, nullptr), CL_INVALID_ARG_SIZE);
  EXPECT_EQ(clSetKernelArg(k, 3, 128, nullptr), CL_SUCCESS);
  EXPECT_EQ(clSetKernelArg(k, 4, sizeof f, &f), CL_INVALID_ARG_INDEX);

  // Work-group info.
  size_t wg = 0, multiple = 0, compile[3] = {9, 9, 9};
  ASSERT_EQ(clGetKernelWorkGroupInfo(k, device, CL_KERNEL_WORK_GROUP_SIZE, sizeof wg, &wg, nullptr), CL_SUCCESS);
  EXPECT_GE(wg, 1u);
  EXPECT_LE(wg, 1024u);
  ASSERT_EQ(clGetKernelWorkGroupInfo(k, device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sizeof multiple, &multiple,
                                     nullptr),
            CL_SUCCESS);
  EXPECT_EQ(multiple, 32u);  // the wave size
  ASSERT_EQ(clGetKernelWorkGroupInfo(k, nullptr, CL_KERNEL_COMPILE_WORK_GROUP_SIZE, sizeof compile, compile, nullptr),
            CL_SUCCESS);
  EXPECT_EQ(compile[0] + compile[1] + compile[2], 0u);
  EXPECT_EQ(clGetKernelWorkGroupInfo(k, device, CL_KERNEL_GLOBAL_WORK_SIZE, sizeof compile, compile, nullptr),
            CL_INVALID_VALUE);

  cl_kernel pair = clCreateKernel(p, "take_pair", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clGetKernelWorkGroupInfo(pair, device, CL_KERNEL_COMPILE_WORK_GROUP_SIZE, sizeof compile, compile, nullptr),
            CL_SUCCESS);
  EXPECT_EQ(compile[0], 64u);
  ASSERT_EQ(clGetKernelWorkGroupInfo(pair, device, CL_KERNEL_WORK_GROUP_SIZE, sizeof wg, &wg, nullptr), CL_SUCCESS);
  EXPECT_EQ(wg, 64u);
  struct {
    cl_int a;
    cl_float b;
  } value = {3, 4.0f};
  EXPECT_EQ(clSetKernelArg(pair, 1, sizeof value, &value), CL_SUCCESS);  // a struct by value
  EXPECT_EQ(clSetKernelArg(pair, 1, sizeof value + 4, &value), CL_INVALID_ARG_SIZE);
  EXPECT_NE(kernel_string(pair, CL_KERNEL_ATTRIBUTES).find("reqd_work_group_size(64,1,1)"), std::string::npos);

  // Samplers: the size is checked first, then no sampler object can be valid.
  cl_kernel sample = clCreateKernel(p, "sample", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_sampler no_sampler = nullptr;
  EXPECT_EQ(clSetKernelArg(sample, 1, sizeof(cl_sampler) + 1, &no_sampler), CL_INVALID_ARG_SIZE);
  EXPECT_EQ(clSetKernelArg(sample, 1, sizeof(cl_sampler), &no_sampler), CL_INVALID_SAMPLER);
  clReleaseKernel(sample);

  // Missing arguments refuse the enqueue; a wrong local size too.
  const size_t global = 64, local = 32;
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, pair, 1, nullptr, &global, nullptr, 0, nullptr, nullptr), CL_INVALID_KERNEL_ARGS);
  ASSERT_EQ(clSetKernelArg(pair, 0, sizeof buf, &buf), CL_SUCCESS);
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, pair, 1, nullptr, &global, &local, 0, nullptr, nullptr), CL_INVALID_WORK_GROUP_SIZE);
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, pair, 0, nullptr, &global, nullptr, 0, nullptr, nullptr), CL_INVALID_WORK_DIMENSION);
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, pair, 1, nullptr, nullptr, nullptr, 0, nullptr, nullptr), CL_INVALID_GLOBAL_WORK_SIZE);

  // A program with kernels cannot be rebuilt.
  EXPECT_EQ(clBuildProgram(p, 0, nullptr, nullptr, nullptr, nullptr), CL_INVALID_OPERATION);
  EXPECT_EQ(clCreateKernel(p, "nope", &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_KERNEL_NAME);
  EXPECT_EQ(clCreateKernel(p, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  clReleaseKernel(k);
  clReleaseKernel(pair);
  clReleaseMemObject(buf);
  clReleaseProgram(p);
}

TEST_F(ClProgram, BuildFailuresCarryLogsAndCodes) {
  cl_program p = source_program("__kernel void broken(__global int* x) {\n  x[0] = undefined_name;\n}\n");
  EXPECT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, nullptr), CL_BUILD_PROGRAM_FAILURE);
  cl_build_status status = CL_BUILD_SUCCESS;
  ASSERT_EQ(clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_STATUS, sizeof status, &status, nullptr), CL_SUCCESS);
  EXPECT_EQ(status, CL_BUILD_ERROR);
  const std::string log = build_log(p, device);
  EXPECT_NE(log.find(":2:"), std::string::npos) << log;  // line 2 of the source
  EXPECT_NE(log.find("undefined_name"), std::string::npos) << log;
  cl_int err;
  EXPECT_EQ(clCreateKernel(p, "broken", &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_PROGRAM_EXECUTABLE);
  EXPECT_EQ(clBuildProgram(p, 1, &device, "-no-such-option", nullptr, nullptr), CL_INVALID_BUILD_OPTIONS);
  // OpenCL C 2.0 is not in CL_DEVICE_OPENCL_C_ALL_VERSIONS (pipes, device-side enqueue, ... are
  // not there), so -cl-std=CL2.0 is refused (OpenCL 3.0 5.8.6.5); 3.0 with its features is not.
  EXPECT_EQ(clBuildProgram(p, 1, &device, "-cl-std=CL2.0", nullptr, nullptr), CL_INVALID_BUILD_OPTIONS);
  EXPECT_NE(build_log(p, device).find("CL_DEVICE_OPENCL_C_ALL_VERSIONS"), std::string::npos) << build_log(p, device);
  int user = 0;
  EXPECT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, &user), CL_INVALID_VALUE);  // user_data, no callback
  EXPECT_EQ(clBuildProgram(p, 1, nullptr, nullptr, nullptr, nullptr), CL_INVALID_VALUE);
  clReleaseProgram(p);
  // -D reaches the preprocessor; -Werror turns a warning into a failure.
  cl_program q = source_program("#ifndef NEEDED\n#error NEEDED not defined\n#endif\n__kernel void k(__global int* x) { x[0] = NEEDED; }\n");
  EXPECT_EQ(clBuildProgram(q, 1, &device, nullptr, nullptr, nullptr), CL_BUILD_PROGRAM_FAILURE);
  EXPECT_EQ(clBuildProgram(q, 1, &device, "-D NEEDED=5", nullptr, nullptr), CL_SUCCESS) << build_log(q, device);
  clReleaseProgram(q);
  const char* src = nullptr;
  EXPECT_EQ(clCreateProgramWithSource(context, 1, &src, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateProgramWithSource(context, 0, &src, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
}

TEST_F(ClProgram, BinariesRoundTrip) {
  cl_program p = source_program(kSource);
  ASSERT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS) << build_log(p, device);
  size_t size = 0;
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, nullptr), CL_SUCCESS);
  ASSERT_GT(size, 16u);
  std::vector<unsigned char> bin(size);
  unsigned char* ptrs[1] = {bin.data()};
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof ptrs, ptrs, nullptr), CL_SUCCESS);
  const unsigned char* cptr = bin.data();
  cl_int status = 1, err;
  cl_program q = clCreateProgramWithBinary(context, 1, &device, &size, &cptr, &status, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(status, CL_SUCCESS);
  ASSERT_EQ(clBuildProgram(q, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS) << build_log(q, device);
  char names[64] = {};
  ASSERT_EQ(clGetProgramInfo(q, CL_PROGRAM_KERNEL_NAMES, sizeof names, names, nullptr), CL_SUCCESS);
  EXPECT_STREQ(names, "sample;scale;take_pair");
  // Its own binary is identical.
  size_t size2 = 0;
  ASSERT_EQ(clGetProgramInfo(q, CL_PROGRAM_BINARY_SIZES, sizeof size2, &size2, nullptr), CL_SUCCESS);
  ASSERT_EQ(size2, size);
  std::vector<unsigned char> bin2(size2);
  unsigned char* ptrs2[1] = {bin2.data()};
  ASSERT_EQ(clGetProgramInfo(q, CL_PROGRAM_BINARIES, sizeof ptrs2, ptrs2, nullptr), CL_SUCCESS);
  EXPECT_EQ(bin, bin2);
  // Corrupt binaries are refused.
  std::vector<unsigned char> bad(bin);
  bad[0] ^= 0xff;
  const unsigned char* bptr = bad.data();
  EXPECT_EQ(clCreateProgramWithBinary(context, 1, &device, &size, &bptr, &status, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_BINARY);
  EXPECT_EQ(status, CL_INVALID_BINARY);
  size_t short_size = size - 3;
  EXPECT_EQ(clCreateProgramWithBinary(context, 1, &device, &short_size, &cptr, &status, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_BINARY);
  clReleaseProgram(q);
  clReleaseProgram(p);
}

// A kernel Mica's back end cannot compile (here: 4 MiB of private memory per work-item, over the
// compiler's limit) fails clBuildProgram, not the first enqueue, and the log says which kernel and
// why; the build compiles every kernel to Mica ISA (docs/opencl.md "Programs").
TEST_F(ClProgram, BackEndErrorsFailTheBuild) {
  cl_program p = source_program(
      "__kernel void fine(__global int* o) { o[0] = 1; }\n"
      "__kernel void huge(__global int* o, int n) {\n"
      "  volatile int a[1 << 20];\n"
      "  for (int i = 0; i < n; i++) a[i] = i;\n"
      "  o[0] = a[n / 2];\n"
      "}\n");
  EXPECT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, nullptr), CL_BUILD_PROGRAM_FAILURE);
  cl_build_status status = CL_BUILD_SUCCESS;
  ASSERT_EQ(clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_STATUS, sizeof status, &status, nullptr), CL_SUCCESS);
  EXPECT_EQ(status, CL_BUILD_ERROR);
  const std::string log = build_log(p, device);
  EXPECT_NE(log.find("kernel 'huge'"), std::string::npos) << log;
  EXPECT_NE(log.find("exceed"), std::string::npos) << log;
  EXPECT_EQ(log.find("kernel 'fine'"), std::string::npos) << log;
  cl_int err;
  EXPECT_EQ(clCreateKernel(p, "fine", &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_PROGRAM_EXECUTABLE);
  clReleaseProgram(p);
  // The same failure through clCompileProgram + clLinkProgram fails the link.
  cl_program q = source_program("__kernel void huge(__global int* o) { volatile int a[1 << 20]; a[o[0]] = 1; o[1] = a[o[2]]; }\n");
  ASSERT_EQ(clCompileProgram(q, 1, &device, nullptr, 0, nullptr, nullptr, nullptr, nullptr), CL_SUCCESS);
  cl_program linked = clLinkProgram(context, 1, &device, nullptr, 1, &q, nullptr, nullptr, &err);
  EXPECT_EQ(err, CL_LINK_PROGRAM_FAILURE);
  ASSERT_NE(linked, nullptr);
  EXPECT_NE(build_log(linked, device).find("kernel 'huge'"), std::string::npos) << build_log(linked, device);
  clReleaseProgram(linked);
  clReleaseProgram(q);
}

// A program created from an executable binary can make kernels without clBuildProgram (Piglit's
// api@clcreateprogramwithbinary), runs them, and may still be built.
TEST_F(ClProgram, ExecutableBinaryRunsWithoutABuild) {
  cl_program p = source_program("__kernel void plus3(__global int* o) { o[get_global_id(0)] += 3; }\n");
  ASSERT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS) << build_log(p, device);
  size_t size = 0;
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, nullptr), CL_SUCCESS);
  std::vector<unsigned char> bin(size);
  unsigned char* ptrs[1] = {bin.data()};
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof ptrs, ptrs, nullptr), CL_SUCCESS);
  clReleaseProgram(p);
  const unsigned char* cptr = bin.data();
  cl_int err;
  cl_program q = clCreateProgramWithBinary(context, 1, &device, &size, &cptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_program_binary_type type = CL_PROGRAM_BINARY_TYPE_NONE;
  ASSERT_EQ(clGetProgramBuildInfo(q, device, CL_PROGRAM_BINARY_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
  cl_kernel k = clCreateKernel(q, "plus3", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  int data[4] = {1, 2, 3, 4};
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof data, data, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof buf, &buf), CL_SUCCESS);
  size_t n = 4;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, sizeof data, data, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(data[0], 4);
  EXPECT_EQ(data[3], 7);
  // A released kernel whose command is still pending is no longer attached: the program can be
  // rebuilt (Piglit releases the kernel and rebuilds without waiting), and the command still runs.
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, nullptr, 1, &gate, nullptr), CL_SUCCESS);
  EXPECT_EQ(clBuildProgram(q, 1, &device, nullptr, nullptr, nullptr), CL_INVALID_OPERATION);  // k is held
  clReleaseKernel(k);
  EXPECT_EQ(clBuildProgram(q, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS) << build_log(q, device);
  ASSERT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, sizeof data, data, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(data[0], 7);
  EXPECT_EQ(data[3], 10);
  clReleaseEvent(gate);
  EXPECT_EQ(clCompileProgram(q, 1, &device, nullptr, 0, nullptr, nullptr, nullptr, nullptr), CL_INVALID_OPERATION);
  clReleaseMemObject(buf);
  clReleaseProgram(q);
}

TEST_F(ClProgram, CompileAndLinkWithALibrary) {
  const char* lib_src = "int twice(int x) { return 2 * x; }\n";
  const char* main_src = "int twice(int x);\n__kernel void use(__global int* x) { x[0] = twice(x[0]); }\n";
  cl_program lib = source_program(lib_src);
  cl_program main = source_program(main_src);
  ASSERT_EQ(clCompileProgram(lib, 1, &device, nullptr, 0, nullptr, nullptr, nullptr, nullptr), CL_SUCCESS)
      << build_log(lib, device);
  ASSERT_EQ(clCompileProgram(main, 1, &device, nullptr, 0, nullptr, nullptr, nullptr, nullptr), CL_SUCCESS)
      << build_log(main, device);
  cl_program_binary_type type = 0;
  ASSERT_EQ(clGetProgramBuildInfo(main, device, CL_PROGRAM_BINARY_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, cl_program_binary_type(CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT));
  cl_int err;
  cl_program library = clLinkProgram(context, 1, &device, "-create-library", 1, &lib, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clGetProgramBuildInfo(library, device, CL_PROGRAM_BINARY_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, cl_program_binary_type(CL_PROGRAM_BINARY_TYPE_LIBRARY));
  cl_program inputs[2] = {main, library};
  cl_program exe = clLinkProgram(context, 1, &device, nullptr, 2, inputs, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS) << build_log(exe, device);
  size_t kernels = 0;
  ASSERT_EQ(clGetProgramInfo(exe, CL_PROGRAM_NUM_KERNELS, sizeof kernels, &kernels, nullptr), CL_SUCCESS);
  EXPECT_EQ(kernels, 1u);
  // Linking main alone leaves twice() undefined: a link failure with a log, the program returned.
  cl_program alone = clLinkProgram(context, 1, &device, nullptr, 1, &main, nullptr, nullptr, &err);
  EXPECT_EQ(err, CL_LINK_PROGRAM_FAILURE);
  ASSERT_NE(alone, nullptr);
  EXPECT_NE(build_log(alone, device).find("twice"), std::string::npos) << build_log(alone, device);
  // An input that is not compiled is refused.
  cl_program raw = source_program(lib_src);
  EXPECT_EQ(clLinkProgram(context, 1, &device, nullptr, 1, &raw, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_OPERATION);
  for (cl_program q : {lib, main, library, exe, alone, raw}) clReleaseProgram(q);
}

TEST_F(ClProgram, IntermediateLanguage) {
  const std::vector<uint32_t> spirv = load_spirv("cl_kernels.spv");
  ASSERT_FALSE(spirv.empty()) << "MICA_CL_SPV_DIR/cl_kernels.spv missing";
  cl_int err;
  cl_program p = clCreateProgramWithIL(context, spirv.data(), spirv.size() * 4, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  size_t n = 0;
  ASSERT_EQ(clGetProgramInfo(p, CL_PROGRAM_IL, 0, nullptr, &n), CL_SUCCESS);
  EXPECT_EQ(n, spirv.size() * 4);
  ASSERT_EQ(clBuildProgram(p, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS) << build_log(p, device);
  cl_kernel k = clCreateKernel(p, "add_offset", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  clReleaseKernel(k);
  clReleaseProgram(p);
  const uint32_t not_spirv[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(clCreateProgramWithIL(context, not_spirv, sizeof not_spirv, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  // cl_khr_il_program's entry point (advertised) is the same function.
  using CreateWithIL = cl_program(CL_API_CALL*)(cl_context, const void*, size_t, cl_int*);
  auto khr = reinterpret_cast<CreateWithIL>(clGetExtensionFunctionAddressForPlatform(platform, "clCreateProgramWithILKHR"));
  ASSERT_NE(khr, nullptr);
  EXPECT_NE(device_string(device, CL_DEVICE_EXTENSIONS).find("cl_khr_il_program"), std::string::npos);
  cl_program viakhr = khr(context, spirv.data(), spirv.size() * 4, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clBuildProgram(viakhr, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS);
  clReleaseProgram(viakhr);
  // A bare SPIR-V module given as a binary is taken as IL.
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(spirv.data());
  size_t len = spirv.size() * 4;
  cl_program b = clCreateProgramWithBinary(context, 1, &device, &len, &bytes, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clBuildProgram(b, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS);
  clReleaseProgram(b);
}
