// difftest-runner: runs generated compute programs on several backends and prints every buffer, for
// the differential tester (difftest.py compares and classifies). One process serves many programs:
// it reads "<spv path> <meta path> [<alternative spv path>]" lines on stdin and answers each with
//   PROGRAM <spv path>
//   BACKEND <name> <status> <milliseconds> <message on one line>
//   DATA <name> <binding> <hex of every word>           (only when the backend ran the program)
//   DONE
// and flushes, so the driver can tell which program a crash or a hang belongs to.
//
// Backends (--backends, comma separated):
//   lavapipe   Mesa's lavapipe through the Khronos loader (the reference)
//   lavapipe_alt  lavapipe on the optional third module of the line: the same program rendered in
//              another control-flow shape; when it disagrees with lavapipe the reference is unreliable
//   mica_vk    Mica's Vulkan ICD through the loader (in-process simulated device, faithful hazard mode)
//   mica_sim   the Mica compiler driven directly and the device model in *checked* hazard mode
//              (tests/compiler/exec_harness), r1/lowpower: the strictest hazard rules; any hazard
//              violation faults the dispatch.
// Statuses: ok, compile_fail (pipeline creation / compile_spirv failed), error (anything else: a
// fault, a lost device, a hazard violation), skip (the device lacks a feature the program needs).
//
// The meta file (written by difftest.py) has "key value..." lines:
//   groups N / local_size N / input_words N / input_seed S / output_words N / atom W0 W1 ... /
//   features subgroup int64
// Binding 0 is the input (words from splitmix64 of the seed), 1 the output (poisoned 0xdeadbeef),
// 2 the atomics (initial words from the meta file).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "../compiler/exec_harness.h"
#include "mica/corpus/vk_runner.h"

namespace mc = mica::corpus;
namespace mv = mica::corpus::vk;

namespace {

struct Meta {
  uint32_t groups = 1, local_size = 1, input_words = 0, output_words = 0;
  uint64_t input_seed = 0;
  std::vector<uint32_t> atom;
  mc::Features features = mc::feature_none;
};

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

Meta read_meta(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open meta file " + path);
  Meta m;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream ss(line);
    std::string key;
    if (!(ss >> key)) continue;
    if (key == "groups") ss >> m.groups;
    else if (key == "local_size") ss >> m.local_size;
    else if (key == "input_words") ss >> m.input_words;
    else if (key == "input_seed") ss >> m.input_seed;
    else if (key == "output_words") ss >> m.output_words;
    else if (key == "atom") {
      uint32_t w;
      while (ss >> w) m.atom.push_back(w);
    } else if (key == "features") {
      std::string feat;
      while (ss >> feat) {
        if (feat == "subgroup")
          m.features |= mc::subgroup_basic | mc::subgroup_vote | mc::subgroup_ballot | mc::subgroup_arithmetic |
                        mc::subgroup_shuffle;
        else if (feat == "int64")
          m.features |= mc::int64;
        else
          throw std::runtime_error(path + ": unknown feature '" + feat + "'");
      }
    } else {
      throw std::runtime_error(path + ": unknown key '" + key + "'");
    }
  }
  if (!m.groups || !m.local_size || !m.input_words || !m.output_words || m.atom.empty())
    throw std::runtime_error(path + ": groups, local_size, input_words, output_words and atom are required");
  return m;
}

std::vector<uint32_t> input_words(const Meta& m) {
  std::vector<uint32_t> w(m.input_words);
  for (uint32_t i = 0; i < m.input_words; i++) {
    const uint64_t r = splitmix64(m.input_seed * 0x100000001B3ull + i);
    // A quarter of the words are small so comparisons and loop bounds see equal and tiny values.
    w[i] = (i % 4 == 1) ? (uint32_t)(r & 15) : (uint32_t)r;
  }
  return w;
}

std::vector<std::vector<uint32_t>> initial_buffers(const Meta& m) {
  return {input_words(m), std::vector<uint32_t>(m.output_words, 0xdeadbeefu), m.atom};
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = '|';
  return s.empty() ? "-" : s;
}

struct Outcome {
  std::string status = "error";
  std::string message;
  double ms = 0;
  std::vector<std::vector<uint32_t>> buffers;  // final contents, when the program ran
};

void print(const std::string& name, const Outcome& o) {
  std::printf("BACKEND %s %s %.2f %s\n", name.c_str(), o.status.c_str(), o.ms, one_line(o.message).c_str());
  for (size_t b = 0; b < o.buffers.size(); b++) {
    std::printf("DATA %s %zu ", name.c_str(), b);
    for (uint32_t w : o.buffers[b]) std::printf("%08x", w);
    std::printf("\n");
  }
}

// A backend through the corpus's Vulkan runner (one instance + device, reused).
class VulkanBackend {
 public:
  explicit VulkanBackend(const std::string& device_name) {
    mv::RunnerOptions opt;
    opt.device_name = device_name;
    runner_ = std::make_unique<mv::Runner>(opt);
  }
  Outcome run(const std::string& spv_path, const Meta& m) {
    const auto init = initial_buffers(m);
    mc::Case c;
    c.name = "difftest";
    c.category = "difftest";
    // spirv_path() is spirv_dir() + "/" + spirv: point the directory at the file's own.
    const size_t slash = spv_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : spv_path.substr(0, slash);
    c.spirv = slash == std::string::npos ? spv_path : spv_path.substr(slash + 1);
    setenv("MICA_CORPUS_SPV_DIR", dir.c_str(), 1);
    c.groups = {m.groups, 1, 1};
    c.local_size = {m.local_size, 1, 1};
    c.required = m.features;
    c.full_subgroups = true;
    for (uint32_t b = 0; b < init.size(); b++) {
      mc::Binding bd;
      bd.binding = b;
      bd.size = (uint32_t)init[b].size() * 4;
      const std::vector<uint32_t> words = init[b];
      bd.init = [words](std::span<uint8_t> out) { std::memcpy(out.data(), words.data(), out.size()); };
      c.bindings.push_back(std::move(bd));
    }
    c.check = [](const mc::CheckInput&) { return mc::CheckResult::pass(); };
    Outcome o;
    const mv::RunResult r = runner_->run(c);
    o.ms = r.timings.total_ms;
    o.message = r.message;
    if (r.status == mv::Status::skip) {
      o.status = "skip";
    } else if (r.status == mv::Status::pass) {
      o.status = "ok";
      for (const mc::Bytes& b : r.final) {
        std::vector<uint32_t> w(b.size() / 4);
        std::memcpy(w.data(), b.data(), w.size() * 4);
        o.buffers.push_back(std::move(w));
      }
    } else {
      o.status = r.message.find("vkCreateComputePipelines") != std::string::npos ||
                         r.message.find("vkCreateShaderModule") != std::string::npos
                     ? "compile_fail"
                     : "error";
    }
    return o;
  }

 private:
  std::unique_ptr<mv::Runner> runner_;
};

// The compiler + device model in checked hazard mode (what tests/compiler's execution tests do).
Outcome run_sim(const std::string& spv_path, const Meta& m, uint32_t revision, uint32_t profile) {
  Outcome o;
  const auto t0 = std::chrono::steady_clock::now();
  std::ifstream f(spv_path, std::ios::binary | std::ios::ate);
  if (!f) {
    o.message = "cannot open " + spv_path;
    return o;
  }
  const auto size = (size_t)f.tellg();
  std::vector<uint32_t> spv(size / 4);
  f.seekg(0);
  f.read(reinterpret_cast<char*>(spv.data()), (std::streamsize)(spv.size() * 4));
  mica::compiler::Options opts;
  opts.revision = revision;
  opts.power_profile = profile;
  auto res = mica::compiler::compile_spirv(spv, opts);
  if (auto* e = std::get_if<mica::compiler::CompileError>(&res)) {
    o.status = "compile_fail";
    o.message = e->message;
  } else {
    std::vector<mica::compiler::test::Buffer> bufs;
    const auto init = initial_buffers(m);
    for (uint32_t b = 0; b < init.size(); b++) bufs.push_back({0, b, init[b], -1});
    const uint32_t groups[3] = {m.groups, 1, 1};
    const auto r = mica::compiler::test::run_kernel(std::get<mica::compiler::CompileResult>(res), revision, profile,
                                                    bufs, {}, groups, /*checked=*/true);
    if (!r.ok) {
      o.message = r.error;
    } else if (r.hazard_violations) {
      o.message = std::to_string(r.hazard_violations) + " hazard violations";
    } else {
      o.status = "ok";
      for (auto& b : bufs) o.buffers.push_back(std::move(b.data));
    }
  }
  o.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return o;
}

int usage() {
  std::fprintf(stderr,
               "usage: difftest-runner --backends lavapipe,mica_vk,mica_sim [--lvp-icd JSON] [--mica-icd JSON]\n"
               "  then one '<spv> <meta>' per line on stdin\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> backends;
  std::string lvp_icd = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json", mica_icd;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--backends" && i + 1 < argc) {
      std::stringstream ss(argv[++i]);
      std::string b;
      while (std::getline(ss, b, ','))
        if (!b.empty()) backends.push_back(b);
    } else if (a == "--lvp-icd" && i + 1 < argc) {
      lvp_icd = argv[++i];
    } else if (a == "--mica-icd" && i + 1 < argc) {
      mica_icd = argv[++i];
    } else {
      return usage();
    }
  }
  if (backends.empty()) return usage();
  // Both ICDs in one loader: each backend picks its device by name.
  std::string files;
  for (const std::string& b : backends) {
    if (b == "lavapipe" || b == "lavapipe_alt") {
      if (files.find(lvp_icd) == std::string::npos) files += (files.empty() ? "" : ":") + lvp_icd;
    }
    else if (b == "mica_vk") {
      if (mica_icd.empty()) {
        std::fprintf(stderr, "difftest-runner: mica_vk needs --mica-icd\n");
        return 2;
      }
      files += (files.empty() ? "" : ":") + mica_icd;
    } else if (b != "mica_sim" && b != "lavapipe_alt") {
      std::fprintf(stderr, "difftest-runner: unknown backend '%s'\n", b.c_str());
      return 2;
    }
  }
  if (!files.empty()) {
    setenv("VK_DRIVER_FILES", files.c_str(), 1);
    setenv("VK_ICD_FILENAMES", files.c_str(), 1);
  }
  std::unique_ptr<VulkanBackend> lvp, mvk;
  try {
    for (const std::string& b : backends) {
      if ((b == "lavapipe" || b == "lavapipe_alt") && !lvp) lvp = std::make_unique<VulkanBackend>("llvmpipe");
      if (b == "mica_vk") mvk = std::make_unique<VulkanBackend>("Mica");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "difftest-runner: %s\n", e.what());
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream ss(line);
    std::string spv, meta_path, alt_spv;
    if (!(ss >> spv >> meta_path)) continue;
    ss >> alt_spv;  // optional: the same program in another shape, for lavapipe_alt
    std::printf("PROGRAM %s\n", spv.c_str());
    std::fflush(stdout);
    Meta meta;
    try {
      meta = read_meta(meta_path);
    } catch (const std::exception& e) {
      std::printf("BAD %s\nDONE\n", one_line(e.what()).c_str());
      std::fflush(stdout);
      continue;
    }
    for (const std::string& b : backends) {
      // Announce first: if the backend crashes or hangs, the driver knows which one it was.
      std::printf("START %s\n", b.c_str());
      std::fflush(stdout);
      Outcome o;
      try {
        if (b == "lavapipe") o = lvp->run(spv, meta);
        else if (b == "lavapipe_alt") o = alt_spv.empty() ? Outcome{"skip", "no alternative module", 0, {}} : lvp->run(alt_spv, meta);
        else if (b == "mica_vk") o = mvk->run(spv, meta);
        else o = run_sim(spv, meta, 1, 1);
      } catch (const std::exception& e) {
        o.status = "error";
        o.message = e.what();
      }
      print(b, o);
      std::fflush(stdout);
      // A fault loses the Vulkan device for good (VK_ERROR_DEVICE_LOST on every later submit):
      // start the next program on a fresh instance and device.
      try {
        if (o.status == "error" && (b == "lavapipe" || b == "lavapipe_alt")) lvp = std::make_unique<VulkanBackend>("llvmpipe");
        if (o.status == "error" && b == "mica_vk") mvk = std::make_unique<VulkanBackend>("Mica");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "difftest-runner: cannot recreate the %s device: %s\n", b.c_str(), e.what());
        return 1;
      }
    }
    std::printf("DONE\n");
    std::fflush(stdout);
  }
  return 0;
}
