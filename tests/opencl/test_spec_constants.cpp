// clSetProgramSpecializationConstant (OpenCL 3.0 5.8.4) on an IL program with int, long, char,
// float, bool, short and double specialization constants (cl_spec_constants.spvasm, SpecIds 1-7): defaults when
// unset, set values reaching a kernel's output, a rebuild with other values giving other results
// (not a cached binary of the first), and each error code.
#include "cl_test.h"

#include <cstring>
#include <random>

using namespace cltest;

namespace {

struct Outputs {
  cl_uint i = 0;
  cl_ulong l = 0;
  cl_uchar c = 0;
  cl_float f = 0;
  cl_uint b = 0;
  cl_ushort s = 0;
  cl_double d = 0;
};

class ClSpecConstants : public ClTest {
protected:
  void SetUp() override {
    ClTest::SetUp();
    spirv = load_spirv("cl_spec_constants.spv");
    ASSERT_FALSE(spirv.empty()) << "MICA_CL_SPV_DIR/cl_spec_constants.spv missing";
    cl_int err;
    program = clCreateProgramWithIL(context, spirv.data(), spirv.size() * 4, &err);
    ASSERT_EQ(err, CL_SUCCESS);
  }
  void TearDown() override {
    if (program) clReleaseProgram(program);
    ClTest::TearDown();
  }

  // Builds the program and runs spec_values once; the five constants as the kernel stored them.
  Outputs build_and_run() {
    Outputs out;
    EXPECT_EQ(clBuildProgram(program, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS);
    cl_int err;
    cl_kernel k = clCreateKernel(program, "spec_values", &err);
    EXPECT_EQ(err, CL_SUCCESS);
    if (err != CL_SUCCESS) return out;
    void* host[7] = {&out.i, &out.l, &out.c, &out.f, &out.b, &out.s, &out.d};
    const size_t sizes[7] = {sizeof out.i, sizeof out.l, sizeof out.c, sizeof out.f, sizeof out.b, sizeof out.s, sizeof out.d};
    cl_mem bufs[7];
    for (int a = 0; a < 7; ++a) {
      bufs[a] = clCreateBuffer(context, CL_MEM_READ_WRITE, 8, nullptr, &err);
      EXPECT_EQ(err, CL_SUCCESS);
      EXPECT_EQ(clSetKernelArg(k, cl_uint(a), sizeof(cl_mem), &bufs[a]), CL_SUCCESS);
    }
    const size_t one = 1;
    EXPECT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &one, &one, 0, nullptr, nullptr), CL_SUCCESS);
    for (int a = 0; a < 7; ++a) {
      EXPECT_EQ(clEnqueueReadBuffer(queue, bufs[a], CL_TRUE, 0, sizes[a], host[a], 0, nullptr, nullptr), CL_SUCCESS);
      clReleaseMemObject(bufs[a]);
    }
    clReleaseKernel(k);
    return out;
  }

  std::vector<uint32_t> spirv;
  cl_program program = nullptr;
};

TEST_F(ClSpecConstants, DefaultsWhenUnset) {
  const Outputs o = build_and_run();
  EXPECT_EQ(o.i, 4294967289u);
  EXPECT_EQ(o.l, 4294967298ull);
  EXPECT_EQ(o.c, 200u);
  EXPECT_EQ(o.f, 1.5f);
  EXPECT_EQ(o.b, 1u);
  EXPECT_EQ(o.s, 40000u);
  EXPECT_EQ(o.d, 0.1);
}

TEST_F(ClSpecConstants, SetValuesReachTheKernelAndARebuildTakesNewOnes) {
  const cl_uint i = 123456789;
  const cl_ulong l = 0x0123456789abcdefull;
  const cl_uchar c = 7;
  const cl_float f = -2.25f;
  const cl_uchar b = 0;
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 1, sizeof i, &i), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 2, sizeof l, &l), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 3, sizeof c, &c), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 4, sizeof f, &f), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 5, sizeof b, &b), CL_SUCCESS);
  const cl_ushort s = 65535;
  const cl_double d = -1.0 / 3.0;
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 6, sizeof s, &s), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 7, sizeof d, &d), CL_SUCCESS);
  Outputs o = build_and_run();
  EXPECT_EQ(o.i, i);
  EXPECT_EQ(o.l, l);
  EXPECT_EQ(o.c, c);
  EXPECT_EQ(o.f, f);
  EXPECT_EQ(o.b, 0u);
  EXPECT_EQ(o.s, s);
  EXPECT_EQ(o.d, d);
  // Other values, same program: the next build must not reuse the first build's binary. A boolean
  // is true for any non-zero cl_uchar.
  const cl_uint i2 = 42;
  const cl_ulong l2 = ~0ull;
  const cl_uchar c2 = 255, b2 = 2;
  const cl_float f2 = 1e30f;
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 1, sizeof i2, &i2), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 2, sizeof l2, &l2), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 3, sizeof c2, &c2), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 4, sizeof f2, &f2), CL_SUCCESS);
  ASSERT_EQ(clSetProgramSpecializationConstant(program, 5, sizeof b2, &b2), CL_SUCCESS);
  // short and double keep the first values: unchanged constants stay set across builds.
  o = build_and_run();
  EXPECT_EQ(o.i, i2);
  EXPECT_EQ(o.l, l2);
  EXPECT_EQ(o.c, c2);
  EXPECT_EQ(o.f, f2);
  EXPECT_EQ(o.b, 1u);
  EXPECT_EQ(o.s, s);
  EXPECT_EQ(o.d, d);
  // The IL the application gave is unchanged (CL_PROGRAM_IL returns it as created).
  std::vector<uint32_t> il(spirv.size());
  ASSERT_EQ(clGetProgramInfo(program, CL_PROGRAM_IL, il.size() * 4, il.data(), nullptr), CL_SUCCESS);
  EXPECT_EQ(il, spirv);
}

// The same values set through the API and by SPIRV-Tools (spirv-opt --set-spec-const-default-value,
// at build time: tests/opencl/meson.build) give the same kernel output.
TEST_F(ClSpecConstants, MatchesSpirvToolsSpecialisation) {
  const std::vector<uint32_t> reference_il = load_spirv("cl_spec_constants_reference.spv");
  ASSERT_FALSE(reference_il.empty()) << "MICA_CL_SPV_DIR/cl_spec_constants_reference.spv missing";
  const cl_uint i = 123456789;
  const cl_ulong l = 81985529216486895ull;
  const cl_uchar c = 7, b = 0;
  const cl_float f = -2.25f;
  const cl_ushort s = 65535;
  const cl_double d = -1.0 / 3.0;
  const void* values[7] = {&i, &l, &c, &f, &b, &s, &d};
  const size_t sizes[7] = {sizeof i, sizeof l, sizeof c, sizeof f, sizeof b, sizeof s, sizeof d};
  for (cl_uint id = 1; id <= 7; ++id)
    ASSERT_EQ(clSetProgramSpecializationConstant(program, id, sizes[id - 1], values[id - 1]), CL_SUCCESS);
  const Outputs ours = build_and_run();
  clReleaseProgram(program);
  cl_int err;
  program = clCreateProgramWithIL(context, reference_il.data(), reference_il.size() * 4, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const Outputs reference = build_and_run();
  EXPECT_EQ(ours.i, reference.i);
  EXPECT_EQ(ours.l, reference.l);
  EXPECT_EQ(ours.c, reference.c);
  EXPECT_EQ(ours.f, reference.f);
  EXPECT_EQ(ours.b, reference.b);
  EXPECT_EQ(ours.s, reference.s);
  EXPECT_EQ(ours.d, reference.d);
  EXPECT_EQ(reference.d, d);  // the reference's decimal literal is the double set here
}

TEST_F(ClSpecConstants, ErrorCodes) {
  const cl_ulong v = 1;
  // Not a program, or not an IL program.
  EXPECT_EQ(clSetProgramSpecializationConstant(nullptr, 1, 4, &v), CL_INVALID_PROGRAM);
  cl_int err;
  const char* src = "__kernel void k(__global int* x) { x[0] = 1; }";
  cl_program source = clCreateProgramWithSource(context, 1, &src, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clSetProgramSpecializationConstant(source, 1, 4, &v), CL_INVALID_PROGRAM);
  clReleaseProgram(source);
  // A SpecId the module does not declare.
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 0, 4, &v), CL_INVALID_SPEC_ID);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 99, 4, &v), CL_INVALID_SPEC_ID);
  // Sizes that are not the constant's: int 4, long 8, char 1, float 4, bool 1 (a cl_uchar),
  // short 2, double 8.
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 1, 8, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 2, 4, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 3, 4, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 4, 8, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 5, 4, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 6, 4, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 7, 4, &v), CL_INVALID_VALUE);
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 1, 0, &v), CL_INVALID_VALUE);
  // No value.
  EXPECT_EQ(clSetProgramSpecializationConstant(program, 1, 4, nullptr), CL_INVALID_VALUE);
  // None of the refused calls changed anything: the defaults still build.
  EXPECT_EQ(build_and_run().i, 4294967289u);
}

// Corrupted modules (random words overwritten, or cut short with the header kept) are parsed
// without a crash: every SpecId gets one of the documented codes. 300 seeded modules, bounded.
TEST_F(ClSpecConstants, CorruptedModulesGiveCodesNotCrashes) {
  std::mt19937 rng(11);
  const cl_ulong v = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<uint32_t> m = spirv;
    if (round % 3 == 0) {
      m.resize(5 + rng() % (m.size() - 5));
    } else {
      for (int n = 0; n < 4; ++n) {
        const size_t at = 5 + rng() % (m.size() - 5);
        m[at] = (round % 3 == 1) ? uint32_t(rng()) : (m[at] & 0xffff) | ((rng() % 8) << 16);
      }
    }
    cl_int err;
    cl_program p = clCreateProgramWithIL(context, m.data(), m.size() * 4, &err);
    ASSERT_EQ(err, CL_SUCCESS);
    for (cl_uint id = 0; id < 9; ++id)
      for (size_t size : {size_t(1), size_t(2), size_t(4), size_t(8)}) {
        const cl_int r = clSetProgramSpecializationConstant(p, id, size, &v);
        EXPECT_TRUE(r == CL_SUCCESS || r == CL_INVALID_SPEC_ID || r == CL_INVALID_VALUE) << r;
      }
    clReleaseProgram(p);
  }
}

}  // namespace
