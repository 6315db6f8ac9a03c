// OpenCL C -> SPIR-V: output validates, options reach the compiler, diagnostics carry positions,
// in-memory headers and -I directories are found, extensions follow the device, threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "../../bench/opencl/cl_kernels.h"
#include "clc_test_util.h"

using clc_test::compile;
using clc_test::disassemble;
using clc_test::full_device;
using mica::clc::Status;

namespace {

const char* kSaxpy = R"(
kernel void saxpy(global float* y, global const float* x, float a) {
  size_t i = get_global_id(0);
  y[i] = a * x[i] + y[i];
}
)";

TEST(ClcCompile, SaxpyValidatesAsKernelModule) {
  auto r = compile(kSaxpy);
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(r.spirv[0], 0x07230203u);
  EXPECT_EQ(mica::clc::validate(r.spirv), "");
  std::string text = disassemble(r.spirv);
  EXPECT_NE(text.find("OpEntryPoint Kernel"), std::string::npos) << text;
  EXPECT_NE(text.find("\"saxpy\""), std::string::npos);
  EXPECT_NE(text.find("OpMemoryModel Physical64 OpenCL"), std::string::npos);
  EXPECT_NE(text.find("BuiltIn GlobalInvocationId"), std::string::npos);
}

TEST(ClcCompile, DefinesReachThePreprocessor) {
  const char* src = R"(
#ifndef N
#error N is not defined
#endif
#if VAL != 42
#error VAL is wrong
#endif
kernel void k(global int* o) { *o = N + VAL; }
)";
  EXPECT_EQ(compile(src).status, Status::BuildFailure);
  EXPECT_EQ(compile(src, "-DN -DVAL=41").status, Status::BuildFailure);
  auto r = compile(src, "-D N -D VAL=42");
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_NE(disassemble(r.spirv).find("43"), std::string::npos);  // N=1 + 42, constant-folded
}

TEST(ClcCompile, DiagnosticsCarryFileLineColumn) {
  auto r = compile("kernel void k(global int* o) {\n  *o = undeclared_thing;\n}\n");
  EXPECT_EQ(r.status, Status::BuildFailure);
  EXPECT_TRUE(r.spirv.empty());
  EXPECT_NE(r.log.find("input.cl:2:8: error:"), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("undeclared_thing"), std::string::npos) << r.log;

  mica::clc::CompileRequest req;
  req.source = "kernel void k() {\n\n   int x = ;\n}\n";
  req.source_name = "my_program.cl";
  req.device = full_device();
  auto r2 = mica::clc::compile(req);
  EXPECT_EQ(r2.status, Status::BuildFailure);
  EXPECT_NE(r2.log.find("my_program.cl:3:12: error:"), std::string::npos) << r2.log;
}

TEST(ClcCompile, WarningsWerrorAndW) {
  const char* src = "kernel void k(global int* o) { int unused_var; *o = 1; }\n"
                    "#warning this is a warning\n";
  auto plain = compile(src);
  ASSERT_TRUE(plain.ok()) << plain.log;
  EXPECT_NE(plain.log.find("input.cl:2:2: warning: this is a warning"), std::string::npos) << plain.log;
  auto werror = compile(src, "-Werror");
  EXPECT_EQ(werror.status, Status::BuildFailure);
  EXPECT_NE(werror.log.find("error: this is a warning"), std::string::npos) << werror.log;
  auto quiet = compile(src, "-w");
  ASSERT_TRUE(quiet.ok()) << quiet.log;
  EXPECT_EQ(quiet.log.find("warning"), std::string::npos) << quiet.log;
}

TEST(ClcCompile, InMemoryHeadersBeforeIncludeDirs) {
  mica::clc::CompileRequest req;
  req.source = "#include \"defs.h\"\n#include <sub/more.h>\nkernel void k(global int* o) { *o = A + B; }\n";
  req.headers = {{"defs.h", "#define A 1000\n"}, {"sub/more.h", "#include \"../defs.h\"\n#define B 7\n"}};
  req.device = full_device();
  // "../" inside a header's own include is resolved by clang against the header's directory.
  auto r = mica::clc::compile(req);
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_NE(disassemble(r.spirv).find("1007"), std::string::npos);

  req.headers = {{"../escape.h", "x"}};
  EXPECT_EQ(mica::clc::compile(req).status, Status::InvalidBuildOptions);
  req.headers = {};
  auto missing = mica::clc::compile(req);
  EXPECT_EQ(missing.status, Status::BuildFailure);
  EXPECT_NE(missing.log.find("input.cl:1:10: fatal error: 'defs.h' file not found"), std::string::npos)
      << missing.log;
}

TEST(ClcCompile, IncludeDirectoriesFromOptions) {
  auto dir = std::filesystem::temp_directory_path() / ("mica-clc-inc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "with space");
  std::ofstream(dir / "with space" / "v.h") << "#define VALUE 31337\n";
  const std::string src = "#include \"v.h\"\nkernel void k(global int* o) { *o = VALUE; }\n";
  EXPECT_EQ(compile(src).status, Status::BuildFailure);
  auto r = compile(src, "-I \"" + (dir / "with space").string() + "\"");
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_NE(disassemble(r.spirv).find("31337"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ClcCompile, ClStdSelectsTheLanguage) {
  // Generic address space (no address-space qualifier on a pointer) is OpenCL C 2.0+.
  const char* generic = "void f(int* p) { *p = 1; }\nkernel void k(global int* o) { f(o); }\n";
  EXPECT_EQ(compile(generic).status, Status::BuildFailure);  // default is OpenCL C 1.2
  auto r20 = compile(generic, "-cl-std=CL2.0");
  ASSERT_TRUE(r20.ok()) << r20.log;
  EXPECT_NE(disassemble(r20.spirv).find("Generic"), std::string::npos);
  auto r30 = compile(generic, "-cl-std=CL3.0");
  ASSERT_TRUE(r30.ok()) << r30.log;
  const char* version = "kernel void k(global int* o) { *o = __OPENCL_C_VERSION__; }\n";
  auto v = compile(version, "-cl-std=CL3.0");
  ASSERT_TRUE(v.ok()) << v.log;
  EXPECT_NE(disassemble(v.spirv).find("300"), std::string::npos);
}

TEST(ClcCompile, ExtensionsFollowTheDevice) {
  const char* src = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
                    "kernel void k(global double* o) { *o = 1.5; }\n";
  ASSERT_TRUE(compile(src).ok());
  mica::clc::DeviceFeatures no_fp64;
  auto r = compile(src, "", no_fp64);
  EXPECT_EQ(r.status, Status::BuildFailure);
  EXPECT_NE(r.log.find("input.cl:"), std::string::npos) << r.log;
  // The macro an extension defines follows the device as well.
  const char* macro = "#ifdef cl_khr_fp64\n#error fp64 advertised\n#endif\nkernel void k() {}\n";
  EXPECT_TRUE(compile(macro, "", no_fp64).ok());
  EXPECT_EQ(compile(macro).status, Status::BuildFailure);
  // OpenCL C 3.0: the feature macro is paired with the extension.
  const char* feature = "#ifndef __opencl_c_fp64\n#error no fp64 feature\n#endif\nkernel void k() {}\n";
  mica::clc::DeviceFeatures ext_only;
  ext_only.extensions = {"cl_khr_fp64"};
  auto r3 = compile(feature, "-cl-std=CL3.0", ext_only);
  EXPECT_TRUE(r3.ok()) << r3.log;
}

// Piglit's program@check predefined preprocessor macros: __OPENCL_VERSION__ is the device's
// OpenCL version, __IMAGE_SUPPORT__ follows CL_DEVICE_IMAGE_SUPPORT (clang gets both wrong alone).
TEST(ClcCompile, DeviceMacros) {
  const char* src = "kernel void k(global int* o) {\n"
                    "#ifdef __IMAGE_SUPPORT__\n o[1] = 4242;\n#endif\n"
                    "  o[0] = __OPENCL_VERSION__ * 10 + 7; o[2] = __OPENCL_C_VERSION__ * 10 + 9; }\n";
  for (const char* std : {"", "-cl-std=CL3.0"}) {
    auto dev = full_device();
    auto r = compile(src, std, dev);
    ASSERT_TRUE(r.ok()) << r.log;
    std::string text = disassemble(r.spirv);
    EXPECT_NE(text.find(" 3007\n"), std::string::npos) << text;
    EXPECT_NE(text.find(std[0] ? " 3009\n" : " 1209\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("4242"), std::string::npos) << std;
    dev.opencl_version = 120;
    dev.image_support = true;
    text = disassemble(compile(src, std, dev).spirv);
    EXPECT_NE(text.find(" 1207\n"), std::string::npos) << text;
    EXPECT_NE(text.find("4242"), std::string::npos) << std;
  }
}

TEST(ClcCompile, FastMathOptionsDefineTheirMacros) {
  const char* src = "#ifndef __FAST_RELAXED_MATH__\n#error not fast\n#endif\nkernel void k() {}\n";
  EXPECT_EQ(compile(src).status, Status::BuildFailure);
  EXPECT_TRUE(compile(src, "-cl-fast-relaxed-math").ok());
  const char* math = "kernel void k(global float* o, float a, float b) { *o = a * b + o[1]; }\n";
  for (const char* opt : {"-cl-mad-enable", "-cl-no-signed-zeros", "-cl-unsafe-math-optimizations",
                          "-cl-finite-math-only", "-cl-denorms-are-zero", "-cl-single-precision-constant",
                          "-cl-fp32-correctly-rounded-divide-sqrt", "-cl-uniform-work-group-size",
                          "-cl-opt-disable", "-cl-fast-relaxed-math -cl-opt-disable"}) {
    auto r = compile(math, opt);
    ASSERT_TRUE(r.ok()) << opt << ": " << r.log;
    EXPECT_EQ(mica::clc::validate(r.spirv), "") << opt;
  }
}

TEST(ClcCompile, OptDisableKeepsTheCode) {
  const char* src = "kernel void k(global int* o) { int a = 2; int b = 3; *o = a * b; }\n";
  auto opt = compile(src);
  auto noopt = compile(src, "-cl-opt-disable");
  ASSERT_TRUE(opt.ok() && noopt.ok());
  EXPECT_EQ(disassemble(opt.spirv).find("OpIMul"), std::string::npos);  // folded to 6
  EXPECT_NE(disassemble(noopt.spirv).find("OpIMul"), std::string::npos);
}

TEST(ClcCompile, KernelArgInfoKeepsNamesAndTypeNames) {
  const char* src = "typedef float myfloat;\n"
                    "kernel void k(global myfloat* restrict out_values, const int count, local uint4* scratch) {\n"
                    "  out_values[0] = count; scratch[0] = (uint4)(1); }\n";
  auto r = compile(src, "-cl-kernel-arg-info");
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(mica::clc::validate(r.spirv), "");
  std::string text = disassemble(r.spirv);
  EXPECT_NE(text.find("\"out_values\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"scratch\""), std::string::npos) << text;
  EXPECT_NE(text.find("kernel_arg_type.k.myfloat*,int,uint4*,"), std::string::npos) << text;
  auto plain = compile(src);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(disassemble(plain.spirv).find("kernel_arg_type."), std::string::npos);
}

// Regressions from Piglit's programs (generated_tests/cl/vload, tests/cl/program/execute/calls.cl):
// LLVM's rotated loops put a block before its dominator, and LLVM selects between vectors with a
// scalar condition; both were invalid SPIR-V 1.0 until llvm_prepare.cpp rewrote them.
TEST(ClcCompile, RotatedLoopsAndVectorSelectsValidate) {
  const char* loops = R"(
kernel void k(global int4* out, global const int* in, int n) {
  int priv[16];
  for (int i = 0; i < 16; ++i) priv[i] = in[i];
  for (int i = 0; i < n; ++i) out[i] = vload4(i & 3, priv);
})";
  auto r = compile(loops);
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(mica::clc::validate(r.spirv), "") << disassemble(r.spirv);
  const char* select = R"(
int4 pick(int c, int4 a, int4 b) { return c ? a : b; }
kernel void s(global int4* o, int c) { o[2] = pick(c, o[0], o[1]); })";
  auto s = compile(select);
  ASSERT_TRUE(s.ok()) << s.log;
  EXPECT_EQ(mica::clc::validate(s.spirv), "") << disassemble(s.spirv);
}

// The OpenCL benchmark's kernels (bench/opencl) build for Mica: barriers, local arrays, __local
// arguments, atomics.
TEST(ClcCompile, BenchmarkKernelsBuild) {
  mica::clc::CompileRequest req;
  req.source = clbench::kSources;
  req.device = full_device();
  auto r = mica::clc::build(req);
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(mica::clc::validate(r.spirv), "");
  std::string text = disassemble(r.spirv);
  for (const char* k : {"saxpy", "sgemm", "reduce", "scan_groups", "scan_add", "histogram", "tiny"}) {
    EXPECT_NE(text.find("\"" + std::string(k) + "\""), std::string::npos) << k;
  }
  EXPECT_NE(text.find("OpControlBarrier"), std::string::npos);
  EXPECT_NE(text.find("OpAtomicIIncrement"), std::string::npos);
}

TEST(ClcCompile, BadOptionsAreInvalidBuildOptions) {
  auto r = compile(kSaxpy, "-cl-no-such-thing");
  EXPECT_EQ(r.status, Status::InvalidBuildOptions);
  EXPECT_NE(r.log.find("-cl-no-such-thing"), std::string::npos);
  EXPECT_EQ(compile(kSaxpy, "-cl-std=CL9.9").status, Status::InvalidBuildOptions);
}

TEST(ClcCompile, HostileSourceFailsCleanly) {
  for (const std::string& src : {std::string(""), std::string("\0\0\0", 3), std::string(10000, '{'),
                                std::string("kernel void k(") , std::string("#include </dev/null/x>\n"),
                                std::string("kernel void k() { goto nowhere; }")}) {
    auto r = compile(src);
    if (r.ok()) {
      EXPECT_EQ(mica::clc::validate(r.spirv), "");
    } else {
      EXPECT_EQ(r.status, Status::BuildFailure);
      EXPECT_FALSE(r.log.empty());
    }
  }
}

TEST(ClcCompile, ConcurrentCompilesAgreeWithSerialOnes) {
  std::vector<std::string> sources;
  for (int i = 0; i < 8; ++i) {
    sources.push_back("kernel void k" + std::to_string(i) + "(global int* o) { o[get_global_id(0)] = " +
                      std::to_string(i * 1111) + " + get_local_id(0); }\n");
  }
  std::vector<std::vector<uint32_t>> serial(sources.size()), parallel(sources.size());
  // Without the cache, or the parallel round would only read what the serial one stored.
  auto uncached = [](const std::string& src) {
    mica::clc::CompileRequest req;
    req.source = src;
    req.device = full_device();
    req.use_cache = false;
    return mica::clc::compile(req).spirv;
  };
  auto before = mica::clc::cache_stats();
  for (size_t i = 0; i < sources.size(); ++i) serial[i] = uncached(sources[i]);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sources.size(); ++i) {
    threads.emplace_back([&, i] { parallel[i] = uncached(sources[i]); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < sources.size(); ++i) {
    ASSERT_FALSE(serial[i].empty());
    EXPECT_EQ(serial[i], parallel[i]) << i;
  }
  EXPECT_EQ(mica::clc::cache_stats().hits, before.hits);
}

}  // namespace
