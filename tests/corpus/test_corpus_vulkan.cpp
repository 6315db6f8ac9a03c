// Runs every corpus case on the Vulkan ICD selected by the environment (meson test: lavapipe with the
// Khronos validation layer). Unsupported cases are GTEST_SKIPped with the missing feature; a summary
// with pass/skip/fail counts and timings is printed at the end. Each case is also run a second time
// against a corrupted result to prove its check can fail.
#include "mica/corpus/vk_runner.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

namespace mc = mica::corpus;
namespace mv = mica::corpus::vk;

namespace {

struct Tally {
  int pass = 0, fail = 0, skip = 0;
  double total_ms = 0, dispatch_ms = 0;
  std::map<std::string, int> skip_reasons;
};

mv::Runner* g_runner = nullptr;
std::string g_runner_error;
Tally g_tally;

// The loader unloads the ICD when the instance goes away; a driver's global allocations then show
// up as leaks from "<unknown module>" under LeakSanitizer. Pinning the ICDs named by VK_DRIVER_FILES
// (RTLD_NODELETE) keeps them mapped so LSan can see what still references those allocations.
void pin_icds() {
  const char* files = std::getenv("VK_DRIVER_FILES");
  if (!files) files = std::getenv("VK_ICD_FILENAMES");
  if (!files) return;
  std::string list = files;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    const std::string manifest = list.substr(start, end - start);
    start = end + 1;
    std::ifstream f(manifest);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const std::size_t key = text.find("\"library_path\"");
    if (key == std::string::npos) continue;
    const std::size_t q1 = text.find('"', text.find(':', key) + 1);
    const std::size_t q2 = q1 == std::string::npos ? q1 : text.find('"', q1 + 1);
    if (q2 == std::string::npos) continue;
    std::string lib = text.substr(q1 + 1, q2 - q1 - 1);
    if (lib.find('/') != std::string::npos && lib[0] != '/') lib = manifest.substr(0, manifest.rfind('/') + 1) + lib;
    dlopen(lib.c_str(), RTLD_NOW | RTLD_NODELETE);  // failure is harmless: the loader reports it properly
  }
}

class CorpusEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    pin_icds();
    try {
      runner_ = std::make_unique<mv::Runner>(mv::options_from_env());
      g_runner = runner_.get();
      const auto& d = g_runner->device();
      std::printf("corpus: device '%s' (driver %s), subgroup size %u, validation %s, features %s\n", d.name.c_str(),
                  d.driver_name.c_str(), d.subgroup_size, d.validation ? "on" : "off", mc::feature_names(d.features).c_str());
    } catch (const std::exception& e) {
      g_runner_error = e.what();
    }
  }
  void TearDown() override {
    std::printf("corpus summary: %d passed, %d skipped, %d failed, %zu cases; %.1f ms total (%.1f ms in dispatches)\n",
                g_tally.pass, g_tally.skip, g_tally.fail, mc::all_cases().size(), g_tally.total_ms, g_tally.dispatch_ms);
    for (const auto& [reason, n] : g_tally.skip_reasons) std::printf("  skipped %d: %s\n", n, reason.c_str());
    if (g_runner) {
      // Errors already failed their cases; warnings are listed so they do not go unnoticed.
      const auto msgs = g_runner->validation_messages();
      std::printf("corpus: %zu validation/loader messages (CorpusRunner.validation_error_fails_the_case provokes one)%s\n",
                  msgs.size(), msgs.empty() ? "" : ":");
      for (const auto& m : msgs) std::printf("  %s\n", m.c_str());
    }
    g_runner = nullptr;
    runner_.reset();
  }

 private:
  std::unique_ptr<mv::Runner> runner_;
};

const auto* const g_env = ::testing::AddGlobalTestEnvironment(new CorpusEnvironment);

class Corpus : public ::testing::TestWithParam<const mc::Case*> {};

TEST_P(Corpus, runs) {
  ASSERT_NE(g_runner, nullptr) << "no Vulkan device: " << g_runner_error;
  const mc::Case& c = *GetParam();
  const mv::RunResult r = g_runner->run(c);
  g_tally.total_ms += r.timings.total_ms;
  g_tally.dispatch_ms += r.timings.dispatch_ms;
  std::printf("  %-28s %s  setup %.2f ms, dispatch %.2f ms, check %.2f ms\n", c.name.c_str(), mv::status_name(r.status),
              r.timings.setup_ms, r.timings.dispatch_ms, r.timings.check_ms);
  if (r.status == mv::Status::skip) {
    ++g_tally.skip;
    ++g_tally.skip_reasons[r.message];
    GTEST_SKIP() << r.message;
  }
  if (r.status == mv::Status::fail) {
    ++g_tally.fail;
    FAIL() << c.name << ": " << r.message;
  }
  ++g_tally.pass;

  // The check must reject a corrupted result: flip one bit in every word of every buffer (a high
  // mantissa bit of a float, a value bit of an int) and expect a failure.
  std::vector<mc::Bytes> corrupted = r.final;
  for (auto& b : corrupted)
    for (std::size_t i = 0; i + 3 < b.size(); i += 4) b[i + 2] ^= 0x10;
  const auto initial = mc::initial_buffers(c);
  const mc::CheckResult bad = c.check(mc::CheckInput{initial, corrupted, g_runner->device().subgroup_size});
  EXPECT_FALSE(bad.ok) << "check accepted a corrupted result";
}

// The runner itself: skips, validation errors, broken cases and wrong subgroup sizes must all be
// reported as such, never as a pass.
TEST(CorpusRunner, skips_cases_needing_a_disabled_feature) {
  ASSERT_NE(g_runner, nullptr) << g_runner_error;
  mv::RunnerOptions opt = mv::options_from_env();
  opt.disabled_features = mc::int64;
  mv::Runner r(opt);
  const mv::RunResult res = r.run(*mc::find_case("opt_int64"));
  EXPECT_EQ(res.status, mv::Status::skip);
  EXPECT_NE(res.message.find("int64"), std::string::npos) << res.message;
  EXPECT_TRUE(res.final.empty());
}

TEST(CorpusRunner, validation_error_fails_the_case) {
  ASSERT_NE(g_runner, nullptr) << g_runner_error;
  if (!g_runner->device().validation) GTEST_SKIP() << "validation layer not enabled (MICA_CORPUS_VALIDATION=1)";
  mc::Case c = *mc::find_case("multiple_sets");
  for (mc::Binding& b : c.bindings) b.type = mc::BindingType::storage;  // the shader declares a uniform block
  const mv::RunResult res = g_runner->run(c);
  EXPECT_EQ(res.status, mv::Status::fail);
  EXPECT_NE(res.message.find("validation layer reported"), std::string::npos) << res.message;
}

TEST(CorpusRunner, missing_module_fails_with_its_path) {
  ASSERT_NE(g_runner, nullptr) << g_runner_error;
  mc::Case c = *mc::find_case("saxpy");
  c.spirv = "no_such_module.spv";
  const mv::RunResult res = g_runner->run(c);
  EXPECT_EQ(res.status, mv::Status::fail);
  EXPECT_NE(res.message.find("no_such_module.spv"), std::string::npos) << res.message;
}

TEST(CorpusRunner, subgroup_checks_depend_on_the_reported_size) {
  ASSERT_NE(g_runner, nullptr) << g_runner_error;
  const mc::Case& c = *mc::find_case("subgroup_scan_int");
  const mv::RunResult res = g_runner->run(c);
  if (res.status == mv::Status::skip) GTEST_SKIP() << res.message;
  ASSERT_EQ(res.status, mv::Status::pass) << res.message;
  const auto initial = mc::initial_buffers(c);
  const std::uint32_t sg = g_runner->device().subgroup_size;
  for (std::uint32_t wrong : {sg / 2, sg * 2}) {
    if (wrong == 0) continue;
    const mc::CheckResult r = c.check(mc::CheckInput{initial, res.final, wrong});
    EXPECT_FALSE(r.ok) << "accepted subgroup size " << wrong;
    EXPECT_NE(r.message.find("gl_SubgroupSize"), std::string::npos) << r.message;
  }
}

std::string case_name(const ::testing::TestParamInfo<const mc::Case*>& info) { return info.param->name; }

std::vector<const mc::Case*> case_list() {
  std::vector<const mc::Case*> v;
  for (const mc::Case& c : mc::all_cases()) v.push_back(&c);
  return v;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(corpus, Corpus, ::testing::ValuesIn(case_list()), case_name);
