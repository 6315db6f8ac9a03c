// The compiler's execution corpus (tests/compiler/corpus) through the full Vulkan path: each shader
// runs on Mica and on Mesa's lavapipe, through the loader, with the same deterministic inputs, and
// every buffer must come back equal (floats within a relative tolerance). lavapipe is the
// independent reference; the compiler's own corpus test checks the same shaders against host
// references on the bare device model.
#include "vk_test.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <unistd.h>

namespace {

enum class Kind { u32, f32, f64 };

struct BufferDecl {
  uint32_t set = 0, binding = 0;
  Kind kind = Kind::u32;
  VkDescriptorType type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
};

struct Shader {
  std::string name;
  std::string source;  // the GLSL text
  std::vector<uint32_t> spirv;
  std::vector<BufferDecl> buffers;
  std::vector<uint32_t> push;
  uint32_t groups[3] = {4, 1, 1};
  bool device_addresses = false;  // GL_EXT_buffer_reference: pointers among the inputs
};

constexpr uint32_t kWords = 4096;  // every buffer: 16 KiB

std::string corpus_dir() {
  const char* d = std::getenv("MICA_CORPUS_DIR");
  return d ? d : "";
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> out;
  if (corpus_dir().empty() || !std::filesystem::exists(corpus_dir())) return out;
  for (const auto& e : std::filesystem::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".comp") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Subgroup shaders legitimately differ between devices (Mica's subgroups have 32 invocations,
// lavapipe's 8 or 16), so they are left to the compiler's own corpus test.
// Subgroup operations see the device's subgroup size (32 on Mica, the SIMD width on lavapipe).
// GL_ARB_shader_ballot's ballots, masks and gl_SubGroupSizeARB too.
bool device_dependent(const std::string& source) {
  return source.find("GL_KHR_shader_subgroup") != std::string::npos ||
         source.find("GL_ARB_shader_ballot") != std::string::npos;
}

// Shaders whose atomics make the result depend on invocation order: compare each buffer as a
// multiset (sorted), and skip buffers whose values name the winning invocation.
bool order_dependent(const std::string& file) {
  return file == "atomic_counter.comp" || file == "atomic_cmpswap.comp";
}
bool skip_buffer(const std::string& file, uint32_t binding) {
  // Which invocation wins a slot (atomic_cmpswap) or in which order floats are added
  // (atomic_cas_loop, with this test's non-integer inputs) differs legitimately between devices.
  return (file == "atomic_cmpswap.comp" || file == "atomic_cas_loop.comp") && binding == 1;
}

// Known differences that are not driver bugs, reported to the compiler: Mica's asin/acos differ
// from lavapipe's by more than this test's tolerance (~7000 ULP at 0.8); Mica and lavapipe
// disagree on 64-bit signed division/OpSMod with negative operands in int64_div (the compiler's
// corpus test checks that one against a host reference).
bool known_compiler_gap(const std::string& file) {
  return file == "map_f32_asin_acos.comp" || file == "int64_div.comp";
}

// Shaders this generic harness cannot give both devices alike: pointer inputs (buffer device
// addresses differ per device and this harness fills push constants with plain numbers, which a
// device would dereference). The compiler's own corpus test runs them against host references.
std::string not_comparable_here(const Shader& s) {
  if (s.device_addresses) return "pointer inputs (buffer device addresses) are device-specific";
  return "";
}

// Shaders that access out of bounds on purpose: run on devices with robustBufferAccess2
// (VK_EXT_robustness2), which defines every such access exactly (loads 0, stores and atomics
// dropped), so both devices must agree there too.
bool needs_robust_access(const Shader& s) { return s.name.rfind("robust_access", 0) == 0; }

// A word where lavapipe (Mesa 22.3) is the one that departs from the spec: robust_access.comp reads
// s[i * 0x40000001u], an element far past the buffer, into d[0] (binding 1, word 0). lavapipe
// computes the byte offset in 32 bits, which wraps back into the buffer, and returns s[i]; the
// spec's out-of-bounds load returns 0, which Mica gives (its bounds check sees the wrap) and the
// compiler's corpus test checks against the host.
bool lavapipe_wraps_offset(const std::string& file, uint32_t binding, size_t word) {
  return file == "robust_access.comp" && binding == 1 && word == 0;
}

Kind kind_of(const std::string& members) {
  if (std::regex_search(members, std::regex(R"(\b(double|dvec\d|dmat\d))"))) return Kind::f64;
  if (std::regex_search(members, std::regex(R"(\b(float|vec\d|mat\d))"))) return Kind::f32;
  return Kind::u32;
}

Shader load(const std::string& file) {
  Shader s;
  s.name = file;
  std::ifstream f(corpus_dir() + "/" + file);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string src = ss.str();
  s.source = src;
  s.device_addresses = src.find("GL_EXT_buffer_reference") != std::string::npos;
  // GLSL -> SPIR-V with glslangValidator, as an application's build would.
  const char* glslang = std::getenv("MICA_GLSLANG");
  char out_path[] = "/tmp/mica-corpus-XXXXXX";
  const int fd = mkstemp(out_path);
  if (glslang && fd >= 0) {
    close(fd);
    const std::string cmd = std::string(glslang) + " -V --quiet --target-env vulkan1.3 -o " + out_path + " " +
                            corpus_dir() + "/" + file + " > /dev/null";
    if (std::system(cmd.c_str()) == 0) s.spirv = vkrun::read_spirv(out_path);
    std::remove(out_path);
  }

  static const std::regex buffer_re(R"(layout\s*\(([^)]*)\)[^;{]*\bbuffer\s+\w+\s*\{([^}]*)\})");
  static const std::regex uniform_re(R"(layout\s*\(([^)]*)\)\s*uniform\s+\w+\s*\{([^}]*)\})");
  for (const auto* re : {&buffer_re, &uniform_re})
    for (std::sregex_iterator it(src.begin(), src.end(), *re), end; it != end; ++it) {
      const std::string qual = (*it)[1];
      if (qual.find("push_constant") != std::string::npos) continue;
      std::smatch m;
      BufferDecl d;
      if (std::regex_search(qual, m, std::regex(R"(set\s*=\s*(\d+))"))) d.set = std::stoul(m[1]);
      if (std::regex_search(qual, m, std::regex(R"(binding\s*=\s*(\d+))"))) d.binding = std::stoul(m[1]);
      d.kind = kind_of((*it)[2]);
      if (re == &uniform_re) d.type = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      s.buffers.push_back(d);
    }
  std::smatch pm;
  if (std::regex_search(src, pm, std::regex(R"(push_constant\)\s*uniform\s+\w+\s*\{([^}]*)\})"))) {
    const std::string body = pm[1];
    static const std::regex field_re(R"((\w+)\s+(\w+)\s*;)");
    for (std::sregex_iterator it(body.begin(), body.end(), field_re), end; it != end; ++it) {
      const std::string type = (*it)[1], name = (*it)[2];
      float fv = name == "scale" ? 1.5f : 0.25f;
      uint32_t bits;
      std::memcpy(&bits, &fv, 4);
      s.push.push_back(type == "float" ? bits : name == "n" ? 250u : name == "iters" ? 8u : 16u);
    }
  }
  // A 2-D kernel over a 16x16 image (push w = h = 16) with 8x8 workgroups.
  if (file == "grid_2d.comp") s.groups[0] = s.groups[1] = 2;
  return s;
}

// Deterministic inputs that mean the same on both devices: small integers, or floats in [-8, 8].
std::vector<uint32_t> input(const BufferDecl& d) {
  std::vector<uint32_t> v(kWords);
  uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t(d.set) << 40) ^ (uint64_t(d.binding) << 32);
  auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(x >> 33);
  };
  if (d.kind == Kind::f64) {
    for (uint32_t i = 0; i + 1 < kWords; i += 2) {
      double dv = double(int(next() % 16001) - 8000) / 1000.0;
      std::memcpy(&v[i], &dv, 8);
    }
  } else if (d.kind == Kind::f32) {
    for (auto& w : v) {
      float fv = float(int(next() % 16001) - 8000) / 1000.0f;
      std::memcpy(&w, &fv, 4);
    }
  } else {
    // Never 0, so integer divisions by an input are defined.
    for (auto& w : v) w = 1 + next() % 1000;
  }
  return v;
}

struct Outcome {
  std::string error;
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> buffers;
};

Outcome run(vkrun::Context& ctx, const Shader& s) {
  Outcome out;
  std::map<uint32_t, std::vector<vktest::SetBinding>> by_set;
  uint32_t max_set = 0;
  for (const auto& b : s.buffers) {
    by_set[b.set].push_back({b.binding, b.type});
    max_set = std::max(max_set, b.set);
  }
  std::vector<std::vector<vktest::SetBinding>> sets(s.buffers.empty() ? 0 : max_set + 1);
  for (auto& [set, bindings] : by_set) sets[set] = bindings;
  auto p = vktest::make_pipeline(ctx.device(), "", sets, uint32_t(s.push.size() * 4), nullptr, VK_NULL_HANDLE, &s.spirv);
  if (p->create_result != VK_SUCCESS) {
    out.error = "pipeline creation failed: " + std::to_string(p->create_result);
    return out;
  }
  const uint32_t n = uint32_t(std::max<size_t>(1, s.buffers.size()));
  VkDescriptorPoolSize ps[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, n}, {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, n}};
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.maxSets = uint32_t(std::max<size_t>(1, sets.size()));
  pci.poolSizeCount = 2;
  pci.pPoolSizes = ps;
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(ctx.device(), &pci, nullptr, &pool), "vkCreateDescriptorPool");
  std::vector<VkDescriptorSet> ds(sets.size());
  if (!ds.empty()) {
    VkDescriptorSetAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    ai.descriptorPool = pool;
    ai.descriptorSetCount = uint32_t(ds.size());
    ai.pSetLayouts = p->set_layouts.data();
    vkrun::check(vkAllocateDescriptorSets(ctx.device(), &ai, ds.data()), "vkAllocateDescriptorSets");
  }
  std::vector<vkrun::Buffer> bufs;
  for (const auto& b : s.buffers) {
    bufs.push_back(ctx.create_buffer(kWords * 4));
    auto init = input(b);
    std::memcpy(bufs.back().mapped, init.data(), kWords * 4);
    VkDescriptorBufferInfo info{bufs.back().buffer, 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet w{};
    w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    w.dstSet = ds[b.set];
    w.dstBinding = b.binding;
    w.descriptorCount = 1;
    w.descriptorType = b.type;
    w.pBufferInfo = &info;
    vkUpdateDescriptorSets(ctx.device(), 1, &w, 0, nullptr);
  }
  VkResult r = vktest::submit_and_wait(ctx, [&](VkCommandBuffer cb) {
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
    if (!ds.empty())
      vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, uint32_t(ds.size()), ds.data(), 0,
                              nullptr);
    if (!s.push.empty())
      vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, uint32_t(s.push.size() * 4), s.push.data());
    vkCmdDispatch(cb, s.groups[0], s.groups[1], s.groups[2]);
  });
  if (r != VK_SUCCESS) out.error = "submission failed: " + std::to_string(r);
  for (size_t i = 0; i < s.buffers.size(); ++i) {
    out.buffers[{s.buffers[i].set, s.buffers[i].binding}].assign(bufs[i].data<uint32_t>(),
                                                                  bufs[i].data<uint32_t>() + kWords);
    ctx.destroy(bufs[i]);
  }
  vkDestroyDescriptorPool(ctx.device(), pool, nullptr);
  return out;
}

std::string compare(const Shader& s, const BufferDecl& d, std::vector<uint32_t> mica, std::vector<uint32_t> ref) {
  if (order_dependent(s.name)) {
    std::sort(mica.begin(), mica.end());
    std::sort(ref.begin(), ref.end());
  }
  const size_t step = d.kind == Kind::f64 ? 2 : 1;
  for (size_t i = 0; i + step <= mica.size(); i += step) {
    if (lavapipe_wraps_offset(s.name, d.binding, i)) continue;
    bool same = true;
    if (d.kind == Kind::u32) {
      same = mica[i] == ref[i];
    } else if (d.kind == Kind::f32) {
      float a, b;
      std::memcpy(&a, &mica[i], 4);
      std::memcpy(&b, &ref[i], 4);
      same = mica[i] == ref[i] || (std::isnan(a) && std::isnan(b)) ||
             std::fabs(a - b) <= 2e-4f * std::max({1.0f, std::fabs(a), std::fabs(b)});
    } else {
      double a, b;
      std::memcpy(&a, &mica[i], 8);
      std::memcpy(&b, &ref[i], 8);
      same = std::memcmp(&mica[i], &ref[i], 8) == 0 || std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
    }
    if (!same) {
      char msg[200];
      std::snprintf(msg, sizeof msg, "set %u binding %u word %zu: Mica 0x%08x, lavapipe 0x%08x", d.set, d.binding, i,
                    mica[i], ref[i]);
      return msg;
    }
  }
  return "";
}

class VkCorpus : public ::testing::TestWithParam<std::string> {
protected:
  static void SetUpTestSuite() {
    mica_ = std::make_unique<vkrun::Context>("Mica");
    mica_robust_ = std::make_unique<vkrun::Context>("Mica", false, true, true);
    try {
      lavapipe_ = std::make_unique<vkrun::Context>("llvmpipe");
      lavapipe_robust_ = std::make_unique<vkrun::Context>("llvmpipe", false, true, true);
    } catch (const std::exception&) {
      lavapipe_.reset();
      lavapipe_robust_.reset();
    }
  }
  static void TearDownTestSuite() {
    mica_.reset();
    mica_robust_.reset();
    lavapipe_.reset();
    lavapipe_robust_.reset();
  }
  static std::unique_ptr<vkrun::Context> mica_, lavapipe_, mica_robust_, lavapipe_robust_;
};
std::unique_ptr<vkrun::Context> VkCorpus::mica_, VkCorpus::lavapipe_, VkCorpus::mica_robust_, VkCorpus::lavapipe_robust_;

TEST_P(VkCorpus, MatchesLavapipe) {
  if (!lavapipe_) GTEST_SKIP() << "lavapipe is not available as the reference";
  if (known_compiler_gap(GetParam())) GTEST_SKIP() << "known compiler precision gap (see test_corpus.cpp)";
  Shader s = load(GetParam());
  if (device_dependent(s.source)) GTEST_SKIP() << "subgroup results depend on the subgroup size";
  if (const std::string why = not_comparable_here(s); !why.empty()) GTEST_SKIP() << why;
  ASSERT_FALSE(s.spirv.empty()) << "GLSL did not compile";
  const bool robust = needs_robust_access(s);
  Outcome ref = run(robust ? *lavapipe_robust_ : *lavapipe_, s);
  ASSERT_EQ(ref.error, "") << "reference run";
  Outcome got = run(robust ? *mica_robust_ : *mica_, s);
  // The corpus grows with the compiler; a shader the compiler refuses (reported on stderr) is its
  // corpus test's business, not a driver failure. Wrong results are failures.
  if (got.error.rfind("pipeline creation failed", 0) == 0) GTEST_SKIP() << "the Mica compiler refuses this shader";
  ASSERT_EQ(got.error, "");
  for (const auto& d : s.buffers) {
    if (skip_buffer(s.name, d.binding)) continue;
    EXPECT_EQ(compare(s, d, got.buffers[{d.set, d.binding}], ref.buffers[{d.set, d.binding}]), "");
  }
}

TEST(VkCorpusMeta, CorpusIsThere) { EXPECT_GE(corpus_files().size(), 60u) << "MICA_CORPUS_DIR=" << corpus_dir(); }

INSTANTIATE_TEST_SUITE_P(Shaders, VkCorpus, ::testing::ValuesIn(corpus_files()), [](const auto& param_info) {
  std::string n = param_info.param.substr(0, param_info.param.find('.'));
  return n;
});

}  // namespace
