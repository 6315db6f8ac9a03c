// robustBufferAccess (Vulkan 1.0's required feature): with it enabled, accesses outside a
// descriptor's range never touch memory outside that range: loads return zero (Mica's choice among
// the values the spec allows), stores and atomics are dropped. Descriptors here cover a window in
// the middle of larger buffers filled with sentinels, so an unchecked access would be visible.
#include "vk_image_helpers.h"
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

using vktest::bind;
using vktest::make_pipeline;
using vktest::Sets;
using vktest::submit_and_wait;

constexpr uint32_t kSentinel = 0xdeadbeefu;
constexpr uint32_t kInvocations = 64;
constexpr VkDeviceSize kWindowOffset = 256, kWindowWords = 16;  // 64 bytes of a 1 KiB buffer

bool robust_advertised(VkPhysicalDevice pd) {
  VkPhysicalDeviceFeatures f{};
  vkGetPhysicalDeviceFeatures(pd, &f);
  return f.robustBufferAccess == VK_TRUE;
}

TEST(VkRobustBufferAccess, IsAdvertised) {
  auto ctx = vktest::make_context();
  EXPECT_TRUE(robust_advertised(ctx->physical()));
}

TEST(VkRobustBufferAccess, OutOfRangeLoadsReadZeroAndStoresAreDropped) {
  auto ctx = vktest::make_context(/*robust_buffer_access=*/true);
  auto p = make_pipeline(ctx->device(), "robust.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER}}},
                         0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer src = ctx->create_buffer(1024), dst = ctx->create_buffer(1024);
  vkrun::Buffer out = ctx->create_buffer(kInvocations * 3 * 4), ubo = ctx->create_buffer(1024);
  uint32_t* sv = src.data<uint32_t>();
  uint32_t* dv = dst.data<uint32_t>();
  uint32_t* uv = ubo.data<uint32_t>();
  for (uint32_t k = 0; k < 256; ++k) {
    sv[k] = dv[k] = uv[k] = kSentinel;
  }
  for (uint32_t k = 0; k < kWindowWords; ++k) sv[kWindowOffset / 4 + k] = 1000 + k;
  for (uint32_t k = 0; k < 16; ++k) uv[k] = 50 + k;  // u[0..3] in the 64-byte uniform window
  std::memset(out.mapped, 0xff, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, src, kWindowOffset, kWindowWords * 4);
  s.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, dst, kWindowOffset, kWindowWords * 4);
  s.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  s.write(0, 3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, ubo, 0, 64);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);

  const uint32_t* ov = out.data<uint32_t>();
  for (uint32_t i = 0; i < kInvocations; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(ov[i * 3], i < kWindowWords ? 1000 + i : 0u);      // no sentinel ever read
    EXPECT_EQ(ov[i * 3 + 1], i % 8 < 4 ? 50 + 4 * (i % 8) : 0u);
    EXPECT_EQ(ov[i * 3 + 2], kWindowWords);                       // length() of the window
  }
  // Inside the window each element got its invocation's store and then its atomic.
  for (uint32_t k = 0; k < kWindowWords; ++k) EXPECT_EQ(dv[kWindowOffset / 4 + k], k + 101) << k;
  // Outside the window nothing changed.
  for (uint32_t k = 0; k < 256; ++k) {
    if (k < kWindowOffset / 4 || k >= kWindowOffset / 4 + kWindowWords) {
      ASSERT_EQ(dv[k], kSentinel) << k;
    }
  }
  for (VkDeviceSize k = 0; k < kWindowOffset / 4; ++k) ASSERT_EQ(sv[k], kSentinel) << k;
  for (vkrun::Buffer* b : {&src, &dst, &out, &ubo}) ctx->destroy(*b);
}

// ---- VK_EXT_robustness2 ----

struct Robustness2 {
  VkPhysicalDeviceRobustness2FeaturesEXT features{};
  VkPhysicalDeviceRobustness2PropertiesEXT properties{};
  bool extension = false;
};

Robustness2 query_robustness2(VkPhysicalDevice pd) {
  Robustness2 r;
  r.features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT;
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = &r.features;
  vkGetPhysicalDeviceFeatures2(pd, &f);
  r.properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_PROPERTIES_EXT;
  VkPhysicalDeviceProperties2 p{};
  p.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  p.pNext = &r.properties;
  vkGetPhysicalDeviceProperties2(pd, &p);
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data());
  for (const auto& e : ext) r.extension |= std::strcmp(e.extensionName, VK_EXT_ROBUSTNESS_2_EXTENSION_NAME) == 0;
  return r;
}

// vkCreateDevice with VK_EXT_robustness2 and 'features' chained (robustBufferAccess on, as the
// spec requires with robustBufferAccess2), then vkDestroyDevice.
VkResult create_robust2_device(VkPhysicalDevice pd, const VkPhysicalDeviceRobustness2FeaturesEXT& features) {
  VkPhysicalDeviceRobustness2FeaturesEXT r2 = features;
  r2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT;
  r2.pNext = nullptr;
  VkPhysicalDeviceFeatures f10{};
  f10.robustBufferAccess = VK_TRUE;
  VkDevice dev = VK_NULL_HANDLE;
  const VkResult r = vktest::create_device(pd, &dev, &r2, {VK_EXT_ROBUSTNESS_2_EXTENSION_NAME}, &f10);
  if (dev) vkDestroyDevice(dev, nullptr);
  return r;
}

TEST(VkRobustness2, ExtensionFeaturesAndLimits) {
  auto ctx = vktest::make_context();
  const Robustness2 r = query_robustness2(ctx->physical());
  EXPECT_TRUE(r.extension);
  EXPECT_TRUE(r.features.robustBufferAccess2);
  // The texture unit's out-of-range values (VkImageShaders.OutOfRangeFetchesGiveRobustImageAccess2Values).
  EXPECT_TRUE(r.features.robustImageAccess2);
  // Not offered (docs/vulkan.md "VK_EXT_robustness2"): null descriptors would fault pipelines
  // compiled without bounds checks.
  EXPECT_FALSE(r.features.nullDescriptor);
  // The limits the spec allows (1 or 4; a power of two up to 256), and Mica's exact checks.
  const VkDeviceSize sa = r.properties.robustStorageBufferAccessSizeAlignment;
  const VkDeviceSize ua = r.properties.robustUniformBufferAccessSizeAlignment;
  EXPECT_TRUE(sa == 1 || sa == 4) << sa;
  EXPECT_TRUE(ua >= 1 && ua <= 256 && (ua & (ua - 1)) == 0) << ua;
  EXPECT_EQ(sa, 1u);
  EXPECT_EQ(ua, 1u);
}

// Enabling what is offered works; what is not is refused (on an instance of its own: the refusals
// would be reported by the validation layer that make_context may enable).
TEST(VkRobustness2, DeviceCreationTakesOnlyTheOfferedFeatures) {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice pd = VK_NULL_HANDLE;
  if (vktest::open_mica_instance(instance, pd)) {
    VkPhysicalDeviceRobustness2FeaturesEXT want{};
    want.robustBufferAccess2 = VK_TRUE;
    EXPECT_EQ(create_robust2_device(pd, want), VK_SUCCESS);
    want.nullDescriptor = VK_TRUE;
    EXPECT_EQ(create_robust2_device(pd, want), VK_ERROR_FEATURE_NOT_PRESENT);
    want.nullDescriptor = VK_FALSE;
    want.robustImageAccess2 = VK_TRUE;
    EXPECT_EQ(create_robust2_device(pd, want), VK_SUCCESS);
    want.nullDescriptor = VK_TRUE;
    EXPECT_EQ(create_robust2_device(pd, want), VK_ERROR_FEATURE_NOT_PRESENT);
  }
  if (instance) vkDestroyInstance(instance, nullptr);
}

// The windows of shaders/robust2.comp, in bytes: each ends inside a uvec4 (the storage ones at a
// multiple of 8, the byte-granular one at 38) in the middle of a buffer of sentinels.
constexpr VkDeviceSize kSrcOff = 256, kSrcRange = 40, kDstOff = 256, kDstRange = 56, kUboRange = 24;
constexpr VkDeviceSize kWordsOff = 512, kWordsRange = 38;
constexpr uint32_t kOutVecs = 320;

// robust2.comp's one descriptor set: the four buffers robust.comp has, a word buffer and two
// uniform texel buffers.
const std::vector<std::vector<vktest::SetBinding>>& robust2_sets() {
  static const std::vector<std::vector<vktest::SetBinding>> sets{{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                                   {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                                   {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                                   {3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER},
                                                                   {4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                                   {5, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER},
                                                                   {6, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER}}};
  return sets;
}

struct Robust2Run {
  std::vector<uint32_t> out, dst;
};

Robust2Run run_robust2(vkrun::Context& ctx) {
  VkDevice dev = ctx.device();
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("robust2.spv"));
  auto p = vktest::make_pipeline(dev, spirv,
                                 robust2_sets());
  Sets s(dev, *p);
  vkrun::Buffer src = ctx.create_buffer(1024), dst = ctx.create_buffer(1024), out = ctx.create_buffer(kOutVecs * 16),
                ubo = ctx.create_buffer(256), words = ctx.create_buffer(1024),
                r32 = vktest::usage_buffer(ctx, 16, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT),
                rgba8 = vktest::usage_buffer(ctx, 16, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT);
  for (uint32_t k = 0; k < 256; ++k) {
    src.data<uint32_t>()[k] = dst.data<uint32_t>()[k] = words.data<uint32_t>()[k] = kSentinel;
  }
  for (uint32_t k = 0; k < 64; ++k) ubo.data<uint32_t>()[k] = 50 + k;
  for (uint32_t k = 0; k < 16; ++k) {
    src.data<uint32_t>()[kSrcOff / 4 + k] = 1000 + k;
    words.data<uint32_t>()[kWordsOff / 4 + k] = 2000 + k;
    rgba8.data<uint8_t>()[k] = uint8_t(1 + k);
  }
  for (uint32_t k = 0; k < 4; ++k) r32.data<uint32_t>()[k] = 7 + k;
  std::memset(out.mapped, 0xff, out.size);
  const vktest::BufferView r32_view(dev, r32.buffer, VK_FORMAT_R32_UINT), rgba8_view(dev, rgba8.buffer, VK_FORMAT_R8G8B8A8_UINT);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, src, kSrcOff, kSrcRange);
  s.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, dst, kDstOff, kDstRange);
  s.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  s.write(0, 3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, ubo, 0, kUboRange);
  s.write(0, 4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, words, kWordsOff, kWordsRange);
  s.write_texel_buffer(0, 5, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, r32_view);
  s.write_texel_buffer(0, 6, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, rgba8_view);
  ctx.run([&](VkCommandBuffer cb) {
    bind(cb, *p, s);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
  });
  Robust2Run r;
  r.out.assign(out.data<uint32_t>(), out.data<uint32_t>() + kOutVecs * 4);
  r.dst.assign(dst.data<uint32_t>(), dst.data<uint32_t>() + 256);
  for (vkrun::Buffer* b : {&src, &dst, &out, &ubo, &words, &r32, &rgba8}) ctx.destroy(*b);
  return r;
}

// What the spec requires of robust2.comp under robustBufferAccess2 with the device's alignments:
// a 4-byte component at byte b of a window of 'range' bytes is in bounds iff b + 4 <= range
// rounded up to the alignment; out of bounds it reads 0 and is not written; texel buffers read
// past the view give (0, 0, 0, 1) for R32_UINT and (0, 0, 0, 0) for R8G8B8A8_UINT.
Robust2Run robust2_expected(VkDeviceSize storage_align, VkDeviceSize uniform_align) {
  auto in = [](VkDeviceSize byte, VkDeviceSize range, VkDeviceSize align) {
    return byte + 4 <= (range + align - 1) / align * align;
  };
  Robust2Run r;
  r.out.assign(kOutVecs * 4, 0);
  r.dst.assign(256, kSentinel);
  for (uint32_t i = 0; i < 64; ++i)
    for (uint32_t c = 0; c < 4; ++c) {
      const uint32_t w = 4 * i + c, uw = 4 * (i % 8) + c;
      r.out[w] = in(4 * w, kSrcRange, storage_align) ? 1000 + w : 0;
      r.out[256 + w] = in(4 * uw, kUboRange, uniform_align) ? 50 + uw : 0;
      if (in(4 * w, kDstRange, storage_align)) r.dst[kDstOff / 4 + w] = w + 1 + (c == 1 ? 100 : 0);
    }
  for (uint32_t i = 0; i < 64; ++i) {
    r.out[512 + 4 * i] = in(4 * i, kWordsRange, storage_align) ? 2000 + i : 0;
    r.out[512 + 4 * i + 1] = uint32_t(kWordsRange / 4);  // length(): whole elements of the range
    const uint32_t t = i % 8;  // the texel index; the views hold 4
    r.out[768 + 4 * i] = t < 4 ? 7 + t : 0;
    r.out[768 + 4 * i + 3] = 1;  // R32_UINT's missing alpha, in bounds or not
    for (uint32_t c = 0; c < 4; ++c) r.out[1024 + 4 * i + c] = t < 4 ? 1 + 4 * t + c : 0;
  }
  return r;
}

void expect_robust2(const Robust2Run& got, const Robust2Run& want, const char* who) {
  static const char* const kSlots[] = {"s[i]", "u[i % 8]", "w[i], length()", "r32 texel", "rgba8 texel"};
  for (uint32_t k = 0; k < kOutVecs * 4; ++k)
    EXPECT_EQ(got.out[k], want.out[k]) << who << ": " << kSlots[k / 256] << " of invocation " << k % 256 / 4
                                       << ", component " << k % 4;
  for (uint32_t k = 0; k < 256; ++k) EXPECT_EQ(got.dst[k], want.dst[k]) << who << ": destination word " << k;
}

TEST(VkRobustness2, StraddlingAccessesMatchTheSpecAndLavapipe) {
  auto ctx = vktest::make_context(/*robust_buffer_access=*/true, /*robust_buffer_access2=*/true);
  const Robustness2 mica = query_robustness2(ctx->physical());
  const Robust2Run got = run_robust2(*ctx);
  expect_robust2(got, robust2_expected(mica.properties.robustStorageBufferAccessSizeAlignment,
                                       mica.properties.robustUniformBufferAccessSizeAlignment),
                 "Mica");
  // The straddling vectors really are split: s[2] keeps its first two words, d[3] gets its first two.
  EXPECT_EQ(got.out[8], 1008u);
  EXPECT_EQ(got.out[10], 0u);
  EXPECT_EQ(got.dst[kDstOff / 4 + 12], 13u);
  EXPECT_EQ(got.dst[kDstOff / 4 + 13], 14u + 100u);  // and its atomic
  EXPECT_EQ(got.dst[kDstOff / 4 + 14], kSentinel);

  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe", false, true, true);
  } catch (const std::exception&) {
  }
  if (!lvp) GTEST_SKIP() << "lavapipe with robustBufferAccess2 is not available as the reference";
  const Robustness2 l = query_robustness2(lvp->physical());
  expect_robust2(run_robust2(*lvp), robust2_expected(l.properties.robustStorageBufferAccessSizeAlignment,
                                                     l.properties.robustUniformBufferAccessSizeAlignment),
                 "lavapipe");
}

// robustBufferAccess alone keeps Mica's per-access checks (a vector is in bounds whole or reads 0):
// the pipelines of the two kinds of device are compiled (and cached) apart.
TEST(VkRobustness2, RobustBufferAccessAloneChecksWholeAccesses) {
  auto ctx = vktest::make_context(/*robust_buffer_access=*/true);
  const Robust2Run got = run_robust2(*ctx);
  for (uint32_t c = 0; c < 4; ++c) EXPECT_EQ(got.out[8 + c], 0u) << c;                       // s[2]
  for (uint32_t c = 0; c < 4; ++c) EXPECT_EQ(got.out[256 + 4 + c], 0u) << c;                 // u[1]
  EXPECT_EQ(got.dst[kDstOff / 4 + 12], kSentinel);                                            // d[3].x
  EXPECT_EQ(got.dst[kDstOff / 4 + 13], kSentinel + 100);                                      // d[3].y: its atomic
  EXPECT_EQ(got.out[4], 1004u);                                                               // s[1] whole
}


// The two check modes compile to different programs, so they must not share a pipeline cache entry
// (the cache key includes Options::robust_buffer_access2): pipeline cache data saved on a
// robustBufferAccess2 device does not give a robustBufferAccess-only device its program (it must
// compile: FAIL_ON_PIPELINE_COMPILE_REQUIRED fails), while another robustBufferAccess2 device
// takes it.
VkResult create_from_cache(vkrun::Context& ctx, const std::vector<uint8_t>& data) {
  // The layout comes from another shader's pipeline, so robust2.spv is in no cache of this device.
  auto probe = vktest::make_pipeline(ctx.device(), "ids.spv",
                                     robust2_sets(),
                                     8);
  EXPECT_EQ(probe->create_result, VK_SUCCESS);
  const std::vector<uint32_t> words = vkrun::read_spirv(vkrun::spv_path("robust2.spv"));
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = words.size() * 4;
  smci.pCode = words.data();
  VkShaderModule module = VK_NULL_HANDLE;
  vkrun::check(vkCreateShaderModule(ctx.device(), &smci, nullptr, &module), "vkCreateShaderModule");
  VkPipelineCacheCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  ci.initialDataSize = data.size();
  ci.pInitialData = data.data();
  VkPipelineCache cache = VK_NULL_HANDLE;
  vkrun::check(vkCreatePipelineCache(ctx.device(), &ci, nullptr, &cache), "vkCreatePipelineCache");
  const VkComputePipelineCreateInfo cpci =
      vktest::compute_pipeline_info(module, probe->layout, VK_PIPELINE_CREATE_FAIL_ON_PIPELINE_COMPILE_REQUIRED_BIT);
  VkPipeline pipe = VK_NULL_HANDLE;
  const VkResult r = vkCreateComputePipelines(ctx.device(), cache, 1, &cpci, nullptr, &pipe);
  vkDestroyPipeline(ctx.device(), pipe, nullptr);
  vkDestroyPipelineCache(ctx.device(), cache, nullptr);
  vkDestroyShaderModule(ctx.device(), module, nullptr);
  return r;
}

TEST(VkRobustness2, PipelineCacheKeepsTheCheckModesApart) {
  std::vector<uint8_t> data;
  {
    auto ctx = vktest::make_context(/*robust_buffer_access=*/true, /*robust_buffer_access2=*/true);
    VkPipelineCacheCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
    VkPipelineCache cache = VK_NULL_HANDLE;
    VK_OK(vkCreatePipelineCache(ctx->device(), &ci, nullptr, &cache));
    auto p = vktest::make_pipeline(ctx->device(), "robust2.spv",
                                   robust2_sets(),
                                   0, nullptr, cache);
    ASSERT_EQ(p->create_result, VK_SUCCESS);
    size_t n = 0;
    VK_OK(vkGetPipelineCacheData(ctx->device(), cache, &n, nullptr));
    data.resize(n);
    VK_OK(vkGetPipelineCacheData(ctx->device(), cache, &n, data.data()));
    vkDestroyPipelineCache(ctx->device(), cache, nullptr);
  }
  auto rba1 = vktest::make_context(/*robust_buffer_access=*/true);
  EXPECT_EQ(create_from_cache(*rba1, data), VK_PIPELINE_COMPILE_REQUIRED);
  auto rba2 = vktest::make_context(/*robust_buffer_access=*/true, /*robust_buffer_access2=*/true);
  EXPECT_EQ(create_from_cache(*rba2, data), VK_SUCCESS);
}

}  // namespace
