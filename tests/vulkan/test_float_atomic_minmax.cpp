// VK_EXT_shader_atomic_float2's float atomic min/max (shaderBuffer/Shared/ImageFloat32AtomicMinMax,
// shaderBuffer/SharedFloat64AtomicMinMax): the features and the extension are advertised, and
// shaders/float_minmax.comp gives, on Mica, exactly what the host computes from the rules
// docs/hw/isa.md "Atomics" gives these instructions (minNum/maxNum: a NaN operand yields the
// other, two NaNs the canonical quiet NaN, -0 < +0, denormals as they are), and on lavapipe the
// same bits wherever the SPIR-V rules leave no choice (no ±0 tie, no NaN result, no denormal:
// llvmpipe may flush them). lavapipe 22.3 has the f32 features only: the f64 shader is checked
// against the host alone.
#include "vk_image_helpers.h"

// Vulkan create-info structs are written with their sType only; the rest is zero on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

// What the lavapipe comparison may assume of a result.
enum class Cls {
  Exact,     // bits equal on both drivers
  AnyNaN,    // two NaNs: lavapipe may return any NaN
  AnyZero,   // a ±0 tie: lavapipe may return either zero
  MicaOnly,  // denormals: lavapipe may flush them
};

constexpr uint32_t kN = 256;

struct Inputs {
  float fv[kN], fw[kN], f_init[16], fu_init[kN];
  double dv[kN], dw[kN], d_init[16], du_init[kN];
};

struct Outputs {
  float f[16], fu[kN], of[kN], sf[16], img[16];
  double d[16], du[kN], od[kN], sd[16];
};

template <class F> F qnan() { return std::numeric_limits<F>::quiet_NaN(); }

// The device's rule, written from the documentation (not from the model's code).
template <class F> F ref(F a, F b, bool max) {
  if (std::isnan(a) && std::isnan(b)) return qnan<F>();
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  if (a == 0 && b == 0) return (std::signbit(a) != max) ? a : b;
  return max ? (a > b ? a : b) : (a < b ? a : b);
}

template <class F> F random_normal(std::mt19937& rng) {
  const F m = F(1) + F(rng() % (1u << 20)) / F(1u << 20);
  const F v = std::ldexp(m, int(rng() % 41) - 20);
  return rng() & 1 ? -v : v;
}

// Race words: word w (0..7) of each kind takes the 32 values of invocations i % 8 == w.
Cls race_class(uint32_t w) { return w == 6 ? Cls::AnyZero : w == 7 ? Cls::MicaOnly : Cls::Exact; }
template <class F> F race_value(std::mt19937& rng, uint32_t i) {
  const uint32_t w = i % 8;
  if (w == 4 && i % 32 == 4) return qnan<F>();              // NaNs among normals
  if (w == 5) return i == 5 + 8 * 17 ? F(3.5) : qnan<F>();  // NaN but one
  if (w == 6) return (i / 8) % 2 ? F(-0.0) : F(0.0);        // zeros of both signs
  if (w == 7) return std::numeric_limits<F>::denorm_min() * F(1 + i) * F((i / 8) % 2 ? -1 : 1);  // denormals
  return random_normal<F>(rng);
}
template <class F> F race_init(uint32_t k) {  // k: 0..15 (min words, then max words)
  const uint32_t w = k % 8;
  if (w == 4 || w == 5) return qnan<F>();
  if (w == 6) return k < 8 ? F(0.0) : F(-0.0);
  return F(0);
}

// Own words: invocation i applies min (even i) or max (odd i) to word i.
Cls own_class(uint32_t i) {
  switch (i % 16) {
  case 5: return Cls::AnyNaN;
  case 7: return Cls::AnyZero;
  case 9: return Cls::MicaOnly;
  default: return Cls::Exact;
  }
}
template <class F> void own_values(std::mt19937& rng, uint32_t i, F& init, F& operand) {
  init = random_normal<F>(rng);
  operand = random_normal<F>(rng);
  switch (i % 16) {
  case 1: init = qnan<F>(); break;
  case 3: operand = -qnan<F>(); break;
  case 5: init = qnan<F>(); operand = -qnan<F>(); break;
  case 7: init = F(0.0); operand = F(-0.0); break;
  case 9: init = std::numeric_limits<F>::denorm_min() * F(3); operand = -std::numeric_limits<F>::denorm_min(); break;
  default: break;
  }
}

Inputs make_inputs() {
  std::mt19937 rng(2026);
  Inputs in{};
  for (uint32_t i = 0; i < kN; ++i) {
    in.fv[i] = race_value<float>(rng, i);
    in.dv[i] = race_value<double>(rng, i);
    own_values(rng, i, in.fu_init[i], in.fw[i]);
    own_values(rng, i, in.du_init[i], in.dw[i]);
  }
  for (uint32_t k = 0; k < 16; ++k) {
    in.f_init[k] = race_init<float>(k);
    in.d_init[k] = race_init<double>(k);
  }
  return in;
}

Outputs host_results(const Inputs& in) {
  Outputs r{};
  for (uint32_t k = 0; k < 16; ++k) {
    float f = in.f_init[k];
    double d = in.d_init[k];
    for (uint32_t i = k % 8; i < kN; i += 8) {
      f = ref(f, in.fv[i], k >= 8);
      d = ref(d, in.dv[i], k >= 8);
    }
    r.f[k] = r.sf[k] = r.img[k] = f;
    r.d[k] = r.sd[k] = d;
  }
  for (uint32_t i = 0; i < kN; ++i) {
    r.of[i] = in.fu_init[i];
    r.od[i] = in.du_init[i];
    r.fu[i] = ref(in.fu_init[i], in.fw[i], i % 2 == 1);  // min for even invocations
    r.du[i] = ref(in.du_init[i], in.dw[i], i % 2 == 0);  // max for even invocations
  }
  return r;
}

// std430 offsets of the shader's blocks.
constexpr size_t kBufF = 0, kBufD = 64, kBufFu = 192, kBufDu = 1216, kBufBytes = 3264;
constexpr size_t kInFv = 0, kInDv = 1024, kInFw = 3072, kInDw = 4096, kInBytes = 6144;
constexpr size_t kOutOf = 0, kOutOd = 1024, kOutSf = 3072, kOutSd = 3136, kOutBytes = 3264;

Outputs run_on(vkrun::Context& ctx, const Inputs& in, const std::vector<uint32_t>& spirv) {
  VkDevice dev = ctx.device();
  vkrun::Buffer buf = ctx.create_buffer(kBufBytes), inb = ctx.create_buffer(kInBytes), out = ctx.create_buffer(kOutBytes),
                staging = ctx.create_buffer(64), readback = ctx.create_buffer(64);
  auto put = [](vkrun::Buffer& to, size_t off, const void* p, size_t n) { std::memcpy(to.data<uint8_t>() + off, p, n); };
  put(buf, kBufF, in.f_init, sizeof in.f_init);
  put(buf, kBufD, in.d_init, sizeof in.d_init);
  put(buf, kBufFu, in.fu_init, sizeof in.fu_init);
  put(buf, kBufDu, in.du_init, sizeof in.du_init);
  put(inb, kInFv, in.fv, sizeof in.fv);
  put(inb, kInDv, in.dv, sizeof in.dv);
  put(inb, kInFw, in.fw, sizeof in.fw);
  put(inb, kInDw, in.dw, sizeof in.dw);
  put(staging, 0, in.f_init, sizeof in.f_init);  // the image: row 0 the min texels, row 1 the max ones
  std::memset(out.mapped, 0, out.size);

  const vktest::Image image(ctx, {.format = VK_FORMAT_R32_SFLOAT, .extent = {8, 2, 1},
                                  .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                           VK_IMAGE_USAGE_TRANSFER_DST_BIT});
  const auto pipeline = vktest::make_pipeline(dev, spirv, {{{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE},
                                                            {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                            {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                            {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  vktest::Sets sets(dev, *pipeline);
  sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, image.view);
  sets.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, buf);
  sets.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, inb);
  sets.write(0, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);

  const VkBufferImageCopy region = vktest::copy_region({8, 2, 1});
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  ctx.run([&](VkCommandBuffer cb) {
    vktest::to_general(cb, image.image);
    vkCmdCopyBufferToImage(cb, staging.buffer, image.image, G, 1, &region);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *pipeline, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
    vkCmdCopyImageToBuffer(cb, image.image, G, readback.buffer, 1, &region);
    vktest::memory_barrier(cb);
  });
  Outputs r{};
  auto get = [](vkrun::Buffer& from, size_t off, void* p, size_t n) { std::memcpy(p, from.data<uint8_t>() + off, n); };
  get(buf, kBufF, r.f, sizeof r.f);
  get(buf, kBufD, r.d, sizeof r.d);
  get(buf, kBufFu, r.fu, sizeof r.fu);
  get(buf, kBufDu, r.du, sizeof r.du);
  get(out, kOutOf, r.of, sizeof r.of);
  get(out, kOutOd, r.od, sizeof r.od);
  get(out, kOutSf, r.sf, sizeof r.sf);
  get(out, kOutSd, r.sd, sizeof r.sd);
  get(readback, 0, r.img, sizeof r.img);
  for (vkrun::Buffer* x : {&buf, &inb, &out, &staging, &readback}) ctx.destroy(*x);
  return r;
}

template <class F> bool same_bits(F a, F b) { return std::memcmp(&a, &b, sizeof a) == 0; }
template <class F> std::string show(F v) {
  using B = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  char s[64];
  std::snprintf(s, sizeof s, "%g (0x%llx)", double(v), (unsigned long long)std::bit_cast<B>(v));
  return s;
}

// Mica must give the host's bits; lavapipe (when it ran) the same where the rules leave no choice.
template <class F> void check(const std::string& what, F mica, const F* lvp, F host, Cls c) {
  EXPECT_TRUE(same_bits(mica, host)) << what << ": Mica " << show(mica) << ", host " << show(host);
  if (!lvp) return;
  switch (c) {
  case Cls::Exact: EXPECT_TRUE(same_bits(*lvp, host)) << what << ": lavapipe " << show(*lvp) << ", host " << show(host); break;
  case Cls::AnyNaN: EXPECT_TRUE(std::isnan(*lvp)) << what << ": lavapipe " << show(*lvp); break;
  case Cls::AnyZero: EXPECT_EQ(*lvp, host) << what << ": lavapipe " << show(*lvp); break;
  case Cls::MicaOnly: break;
  }
}

// The f32 features (lavapipe 22.3 has those but not the f64 ones).
bool has_f32_minmax(VkPhysicalDevice pd) {
  VkPhysicalDeviceShaderAtomicFloat2FeaturesEXT f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_2_FEATURES_EXT};
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f2};
  vkGetPhysicalDeviceFeatures2(pd, &f);
  return f2.shaderBufferFloat32AtomicMinMax && f2.shaderSharedFloat32AtomicMinMax && f2.shaderImageFloat32AtomicMinMax;
}

}  // namespace

TEST(VkFloatAtomicMinMax, FeaturesAndExtensionAdvertised) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceShaderAtomicFloat2FeaturesEXT f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_2_FEATURES_EXT};
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f2};
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f);
  EXPECT_TRUE(f2.shaderBufferFloat32AtomicMinMax);
  EXPECT_TRUE(f2.shaderSharedFloat32AtomicMinMax);
  EXPECT_TRUE(f2.shaderImageFloat32AtomicMinMax);
  EXPECT_TRUE(f2.shaderBufferFloat64AtomicMinMax);
  EXPECT_TRUE(f2.shaderSharedFloat64AtomicMinMax);
  // No 16-bit float atomics and no sparse images on this device.
  EXPECT_FALSE(f2.shaderBufferFloat16Atomics);
  EXPECT_FALSE(f2.shaderBufferFloat16AtomicAdd);
  EXPECT_FALSE(f2.shaderBufferFloat16AtomicMinMax);
  EXPECT_FALSE(f2.shaderSharedFloat16Atomics);
  EXPECT_FALSE(f2.shaderSharedFloat16AtomicMinMax);
  EXPECT_FALSE(f2.sparseImageFloat32AtomicMinMax);
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, ext.data());
  bool found = false;
  for (const auto& e : ext) found |= std::strcmp(e.extensionName, VK_EXT_SHADER_ATOMIC_FLOAT_2_EXTENSION_NAME) == 0;
  EXPECT_TRUE(found);
}

TEST(VkFloatAtomicMinMax, MatchesHostAndLavapipe) {
  auto ctx = vktest::make_context();
  ASSERT_TRUE(has_f32_minmax(ctx->physical()));
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
    if (!has_f32_minmax(lvp->physical())) lvp.reset();
  } catch (const std::exception&) {
  }
  if (!lvp) std::fprintf(stderr, "no lavapipe with these features: Mica is checked against the host only\n");
  const Inputs in = make_inputs();
  const Outputs host = host_results(in);
  // f32 (float_minmax.comp) on both drivers; f64 (float_minmax64.comp) on Mica only.
  const std::vector<uint32_t> spv32 = vkrun::read_spirv(vkrun::spv_path("float_minmax.spv"));
  const std::vector<uint32_t> spv64 = vkrun::read_spirv(vkrun::spv_path("float_minmax64.spv"));
  const Outputs mica = run_on(*ctx, in, spv32), mica64 = run_on(*ctx, in, spv64);
  Outputs lv{};
  if (lvp) lv = run_on(*lvp, in, spv32);
  auto L = [&](const auto& field) { return lvp ? &field : nullptr; };
  const double* none = nullptr;
  for (uint32_t k = 0; k < 16; ++k) {
    const Cls c = race_class(k % 8);
    const std::string kind = std::string(k < 8 ? "min" : "max") + " word " + std::to_string(k % 8);
    check("buffer f32 " + kind, mica.f[k], L(lv.f[k]), host.f[k], c);
    check("shared f32 " + kind, mica.sf[k], L(lv.sf[k]), host.sf[k], c);
    check("image f32 " + kind, mica.img[k], L(lv.img[k]), host.img[k], c);
    check("buffer f64 " + kind, mica64.d[k], none, host.d[k], c);
    check("shared f64 " + kind, mica64.sd[k], none, host.sd[k], c);
  }
  for (uint32_t i = 0; i < kN; ++i) {
    const std::string at = " of invocation " + std::to_string(i);
    check("old f32" + at, mica.of[i], L(lv.of[i]), host.of[i], own_class(i) == Cls::MicaOnly ? Cls::MicaOnly : Cls::Exact);
    check("new f32" + at, mica.fu[i], L(lv.fu[i]), host.fu[i], own_class(i));
    check("old f64" + at, mica64.od[i], none, host.od[i], Cls::Exact);
    check("new f64" + at, mica64.du[i], none, host.du[i], own_class(i));
  }
  // The reference really exercises the rules: a race word with NaNs ends on a number, the
  // all-NaN-but-one word on that one, the zeros on -0 (min) and +0 (max), the denormal words on
  // denormals.
  EXPECT_FALSE(std::isnan(host.f[4]));
  EXPECT_EQ(host.f[5], 3.5f);
  EXPECT_TRUE(host.f[6] == 0 && std::signbit(host.f[6]));
  EXPECT_TRUE(host.f[14] == 0 && !std::signbit(host.f[14]));
  EXPECT_EQ(std::fpclassify(host.f[7]), FP_SUBNORMAL);
  EXPECT_EQ(std::fpclassify(host.d[15]), FP_SUBNORMAL);
}
