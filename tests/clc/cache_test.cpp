// The compile cache: hits return what a compile returns, every input is in the key, real files
// a source included are re-checked, -I builds and failures are not cached.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "clc_test_util.h"

using clc_test::compile;
using mica::clc::cache_stats;

namespace {

const char* kSource = "#warning kept in the log\nkernel void k(global int* o) { *o = 5; }\n";

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

TEST(ClcCache, SecondCompileIsAHitWithTheSameResult) {
  mica::clc::cache_clear();
  auto t0 = std::chrono::steady_clock::now();
  auto first = compile(kSource);
  double cold = ms_since(t0);
  ASSERT_TRUE(first.ok()) << first.log;
  EXPECT_EQ(cache_stats().misses, 1u);
  EXPECT_EQ(cache_stats().entries, 1u);
  t0 = std::chrono::steady_clock::now();
  auto second = compile(kSource);
  double hit = ms_since(t0);
  EXPECT_EQ(cache_stats().hits, 1u);
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.spirv, first.spirv);
  EXPECT_EQ(second.log, first.log);  // the warning comes back too
  EXPECT_NE(second.log.find("input.cl:1:2: warning: kept in the log"), std::string::npos) << second.log;
  std::printf("compile %.2f ms, cached %.3f ms\n", cold, hit);
  EXPECT_LT(hit, cold);
}

TEST(ClcCache, EveryInputIsInTheKey) {
  mica::clc::cache_clear();
  ASSERT_TRUE(compile(kSource).ok());
  ASSERT_TRUE(compile(kSource, "-DX").ok());
  ASSERT_TRUE(compile(kSource, "-cl-std=CL2.0").ok());
  mica::clc::DeviceFeatures fewer = clc_test::full_device();
  fewer.extensions.pop_back();
  ASSERT_TRUE(compile(kSource, "", fewer).ok());
  mica::clc::CompileRequest req;
  req.source = kSource;
  req.device = clc_test::full_device();
  req.headers = {{"a.h", "#define A 1\n"}};
  ASSERT_TRUE(mica::clc::compile(req).ok());
  req.headers = {{"a.h", "#define A 2\n"}};
  ASSERT_TRUE(mica::clc::compile(req).ok());
  req.source_name = "other.cl";
  ASSERT_TRUE(mica::clc::compile(req).ok());
  EXPECT_EQ(cache_stats().hits, 0u);
  EXPECT_EQ(cache_stats().entries, 7u);
  // Same inputs again: all hits.
  ASSERT_TRUE(compile(kSource, "-DX").ok());
  ASSERT_TRUE(mica::clc::compile(req).ok());
  EXPECT_EQ(cache_stats().hits, 2u);
}

TEST(ClcCache, IncludedFilesAreRechecked) {
  mica::clc::cache_clear();
  auto dir = std::filesystem::temp_directory_path() / ("mica-clc-cache-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto header = dir / "value.h";
  std::ofstream(header) << "#define VALUE 111\n";
  std::string src = "#include \"" + header.string() + "\"\nkernel void k(global int* o) { *o = VALUE; }\n";
  auto a = compile(src);
  ASSERT_TRUE(a.ok()) << a.log;
  ASSERT_TRUE(compile(src).ok());
  EXPECT_EQ(cache_stats().hits, 1u);
  std::ofstream(header) << "#define VALUE 222\n";
  auto b = compile(src);
  ASSERT_TRUE(b.ok()) << b.log;
  EXPECT_EQ(cache_stats().stale, 1u);
  EXPECT_EQ(cache_stats().hits, 1u);
  EXPECT_NE(clc_test::disassemble(b.spirv).find("222"), std::string::npos);
  std::filesystem::remove(header);
  auto gone = compile(src);
  EXPECT_EQ(gone.status, mica::clc::Status::BuildFailure);
  EXPECT_EQ(cache_stats().stale, 2u);
  std::filesystem::remove_all(dir);
}

TEST(ClcCache, IncludeDirectoryBuildsFailuresAndOptOutAreNotCached) {
  mica::clc::cache_clear();
  ASSERT_TRUE(compile(kSource, "-I /tmp").ok());
  ASSERT_TRUE(compile(kSource, "-I /tmp").ok());
  EXPECT_FALSE(compile("kernel void k() { nope; }").ok());
  EXPECT_FALSE(compile("kernel void k() { nope; }").ok());
  mica::clc::CompileRequest req;
  req.source = kSource;
  req.use_cache = false;
  ASSERT_TRUE(mica::clc::compile(req).ok());
  ASSERT_TRUE(mica::clc::compile(req).ok());
  EXPECT_EQ(cache_stats().hits, 0u);
  EXPECT_EQ(cache_stats().entries, 0u);
}

}  // namespace
