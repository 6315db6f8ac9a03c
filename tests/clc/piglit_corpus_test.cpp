// Every OpenCL C program Piglit ships (tests/cl and generated_tests/cl of Debian's piglit
// package: input we did not write) compiled with mica::clc under the build options its [config]
// block names, and each result checked by SPIRV-Tools' validator. Programs marked
// expect_build_fail must fail with a positioned diagnostic. Each module is then linked alone, as
// clBuildProgram does, so no builtin may be left an unresolved import. Two threads compile at once, which
// also exercises mica::clc's thread safety on real input.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "clc_test_util.h"

namespace fs = std::filesystem;

namespace {

struct Program {
  fs::path file;         // the .cl or .program_test
  std::string source;
  std::string options;
  int clc_version_min = 10;
  bool expect_build_fail = false;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  auto hash = s.find('#');
  if (hash != std::string::npos) s.resize(hash);
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Reads the keys of the [config] section (in a .cl file, inside its /*! ... !*/ comment).
std::map<std::string, std::string> config_of(const std::string& text) {
  std::map<std::string, std::string> cfg;
  std::istringstream in(text);
  std::string line;
  bool in_config = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.rfind("!*/", 0) == 0) break;
    if (!t.empty() && t[0] == '[') {
      in_config = t == "[config]";
      continue;
    }
    auto colon = t.find(':');
    if (in_config && colon != std::string::npos) cfg[trim(t.substr(0, colon))] = trim(t.substr(colon + 1));
  }
  return cfg;
}

bool parse_program(const fs::path& file, Program* p) {
  std::string text = read_file(file);
  p->file = file;
  std::map<std::string, std::string> cfg;
  if (file.extension() == ".cl") {
    p->source = text;
    if (text.find("/*!") != std::string::npos) cfg = config_of(text.substr(text.find("/*!") + 3));
  } else {
    cfg = config_of(text);
    if (cfg.count("program_source_file")) {
      p->source = read_file(file.parent_path() / cfg["program_source_file"]);
    } else if (auto pos = text.find("[program source]"); pos != std::string::npos) {
      p->source = text.substr(pos + 16);
    } else {
      return false;  // a binary program: nothing for the OpenCL C compiler
    }
  }
  p->options = cfg["build_options"];
  if (cfg.count("clc_version_min")) p->clc_version_min = std::atoi(cfg["clc_version_min"].c_str());
  p->expect_build_fail = cfg["expect_build_fail"] == "true";
  return true;
}

// Programs Piglit runs only on AMD GPUs: inline amdgcn assembly behind `#error This test is only
// for amdgcn`. Every other compiler must refuse them with that positioned error.
bool amdgcn_only(const Program& p) {
  return p.source.find("This test is only for amdgcn") != std::string::npos;
}

// Piglit's include-directories test includes tests/cl/program/build/include_test.h, which the
// Debian package does not install; its build must fail on exactly that missing file.
bool needs_missing_piglit_header(const Program& p) {
  return p.source.find("include_test.h") != std::string::npos;
}

// OpenCL C 3.0 makes images optional and Mica does not advertise them: programs using image or
// sampler types must then fail, naming the feature.
bool uses_images(const Program& p) {
  return p.source.find("image2d_t") != std::string::npos || p.source.find("image3d_t") != std::string::npos ||
         p.source.find("sampler_t") != std::string::npos;
}

// Compiles the corpus; `force_std` replaces each program's own OpenCL C version when set.
void compile_corpus(const char* force_std) {
  const char* root_env = std::getenv("MICA_PIGLIT_DIR");
  fs::path root = root_env ? root_env : "/usr/lib/x86_64-linux-gnu/piglit";
  if (!fs::exists(root / "tests/cl")) GTEST_SKIP() << "no Piglit OpenCL tests at " << root;
  // Piglit runs its programs from its own directory (-I . in some build options).
  fs::current_path(root);

  std::vector<Program> programs;
  for (const char* sub : {"tests/cl", "generated_tests/cl"}) {
    if (!fs::exists(root / sub)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / sub)) {
      auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".cl" && ext != ".program_test")) continue;
      // doc_program and template_program document the test format; they are not in Piglit's
      // cl profile and doc_program needs a program-scope global in OpenCL C 1.x on purpose.
      std::string stem = e.path().stem().string();
      if (stem == "doc_program" || stem == "template_program") continue;
      Program p;
      if (parse_program(e.path(), &p)) programs.push_back(std::move(p));
    }
  }
  std::sort(programs.begin(), programs.end(), [](const Program& a, const Program& b) { return a.file < b.file; });
  ASSERT_GT(programs.size(), 600u) << "the Piglit package shrank?";

  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  size_t compiled = 0, expected_failures = 0;
  auto started = std::chrono::steady_clock::now();
  auto work = [&] {
    for (size_t i; (i = next++) < programs.size();) {
      const Program& p = programs[i];
      std::string options = p.options;
      if (force_std) options += std::string(" ") + force_std;
      else if (p.clc_version_min >= 20) options += " -cl-std=CL2.0";
      const bool images_refused = force_std && uses_images(p);
      mica::clc::CompileRequest req;
      req.source = p.source;
      req.options = options;
      req.source_name = p.file.filename().string();
      req.device = clc_test::full_device();
      auto r = mica::clc::compile(req);
      std::string problem;
      if (images_refused && !p.expect_build_fail) {
        // A program that guards its image types with #ifdef __IMAGE_SUPPORT__ builds: the device
        // has no images, so the macro is not defined.
        bool guarded = p.source.find("__IMAGE_SUPPORT__") != std::string::npos;
        if (r.ok() && !guarded) problem = "built with image types, but the device has no __opencl_c_images";
        else if (!r.ok() && guarded) problem = "image types behind __IMAGE_SUPPORT__ were compiled: " + r.log;
        else if (r.ok()) {
          if (std::string v = mica::clc::validate(r.spirv); !v.empty()) problem = "spirv-val: " + v;
        }
        else if (!r.ok() && (r.log.find(req.source_name + ":") == std::string::npos ||
                             r.log.find("requires __opencl_c_images support") == std::string::npos))
          problem = "failed for another reason: " + r.log;
      } else if (p.expect_build_fail || needs_missing_piglit_header(p) || amdgcn_only(p)) {
        if (r.ok()) problem = "built, but the build must fail";
        else if (r.status == mica::clc::Status::InvalidBuildOptions) {
          if (r.log.find("-cl-std=") == std::string::npos) problem = "options refused without naming them: " + r.log;
        } else if (r.log.find(req.source_name + ":") == std::string::npos) problem = "failure without a position: " + r.log;
        else if (amdgcn_only(p) && r.log.find("only for amdgcn") == std::string::npos)
          problem = "failed for another reason: " + r.log;
        else if (needs_missing_piglit_header(p) && r.log.find("'include_test.h' file not found") == std::string::npos)
          problem = "failed for another reason: " + r.log;
      } else if (!r.ok()) {
        problem = std::string(mica::clc::status_name(r.status)) + ":\n" + r.log;
      } else if (std::string v = mica::clc::validate(r.spirv); !v.empty()) {
        problem = "spirv-val: " + v;
      } else {
        // clBuildProgram links the module alone: every builtin must have become a SPIR-V
        // instruction or OpenCL.std call, none may remain an import nobody defines.
        mica::clc::LinkRequest link;
        link.modules = {r.spirv};
        link.device = req.device;
        auto l = mica::clc::link(link);
        if (!l.ok()) problem = "link alone: " + l.log;
        else if (std::string lv = mica::clc::validate(l.spirv); !lv.empty()) problem = "linked spirv-val: " + lv;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!problem.empty()) failures.push_back(p.file.string() + " [" + options + "]: " + problem);
      else if (r.ok()) ++compiled;
      else ++expected_failures;
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("piglit OpenCL C corpus (%s): %zu programs, %zu compiled and validated, %zu failed as expected, "
              "%zu problems, %.1f s\n",
              force_std ? force_std : "own -cl-std", programs.size(), compiled, expected_failures, failures.size(),
              seconds);
  for (const auto& f : failures) ADD_FAILURE() << f;
}

TEST(ClcPiglitCorpus, EveryProgramCompilesAndValidates) { compile_corpus(nullptr); }

// The same programs as OpenCL C 3.0 with the features full_device() advertises.
TEST(ClcPiglitCorpus, EveryProgramAsOpenClC30) { compile_corpus("-cl-std=CL3.0"); }

}  // namespace
