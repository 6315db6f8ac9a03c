// Multisampled images (docs/vulkan.md "Images", docs/hw/texture.md "Image memory layout"): the
// sample counts the device reports (limits, vkGetPhysicalDeviceImageFormatProperties under the
// spec's "Supported Sample Counts" rules, vkCreateImage refusing what the query refuses), and a
// differential run against Mesa's lavapipe over every format both can multisample with 4 samples:
// 2-layer images cleared whole and per layer (vkCmdClearColorImage), written per sample from a
// shader where both offer multisampled storage (imageStore with a sample index), copied into a
// second multisampled image (vkCmdCopyImage, two regions, layers and samples), then every sample of
// every texel of both fetched (texelFetch with a sample index) with textureSize/textureSamples and
// imageSize/imageSamples (shaders/ms_store_*.comp, ms_fetch_*.comp).
#include "vk_image_helpers.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

constexpr uint32_t kW = 7, kH = 5, kLayers = 2, kSamples = 4;
constexpr uint32_t kTexels = kW * kH * kLayers;
constexpr VkImageUsageFlags kBaseUsage =
    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;

using vktest::TexelKind;

// Whether the device creates 2D OPTIMAL images of this format and usage with 4 samples.
bool four_samples(vkrun::Context& ctx, VkFormat format, VkImageUsageFlags usage) {
  VkImageFormatProperties p{};
  return vkGetPhysicalDeviceImageFormatProperties(ctx.physical(), format, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
                                                  usage, 0, &p) == VK_SUCCESS &&
         (p.sampleCounts & VK_SAMPLE_COUNT_4_BIT) && p.maxArrayLayers >= kLayers;
}

// A 2-layer 7x5 image of 'samples' samples, viewed as a 2D array.
vktest::ImageDesc ms_image(VkFormat format, VkImageUsageFlags usage,
                           VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT) {
  return {.format = format, .extent = {kW, kH, 1}, .usage = usage, .view = VK_IMAGE_VIEW_TYPE_2D_ARRAY,
          .layers = kLayers, .samples = samples};
}

struct MsRun {
  std::vector<uint32_t> fetched;  // A's samples then B's, 4 words each
  int32_t query[3][4] = {};       // storage view (imageSize, imageSamples), then A and B (textureSize, textureSamples)
};

VkClearColorValue clear_value(TexelKind k, int which) {
  VkClearColorValue c{};
  static const float f[3][4] = {{1, 0, 1, 0}, {0, 1, 0, 1}, {1, 1, 0, 1}};
  static const uint32_t u[3][4] = {{3, 1, 2, 1}, {1, 2, 3, 0}, {2, 3, 0, 1}};
  for (int i = 0; i < 4; ++i) {
    if (k == TexelKind::f) c.float32[i] = f[which][i];
    else c.uint32[i] = u[which][i];
  }
  return c;
}

MsRun run_format(vkrun::Context& ctx, VkFormat format, bool storage, const std::vector<uint32_t>& store_spv,
               const std::vector<uint32_t>& fetch_spv, VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT) {
  VkDevice dev = ctx.device();
  const TexelKind k = vktest::kind_of(format);
  vktest::Image a(ctx, ms_image(format, kBaseUsage | (storage ? VK_IMAGE_USAGE_STORAGE_BIT : 0), samples));
  vktest::Image b(ctx, ms_image(format, kBaseUsage, samples));
  vkrun::Buffer out = ctx.create_buffer(2 * kTexels * samples * 16), q = ctx.create_buffer(64);
  std::memset(out.mapped, 0xee, out.size);
  std::memset(q.mapped, 0, q.size);
  const vktest::Sampler sampler(dev, vktest::sampler_info());

  const auto store = vktest::make_pipeline(dev, store_spv, {{{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE}, {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  const auto fetch = vktest::make_pipeline(dev, fetch_spv, {{{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER},
                                                             {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER},
                                                             {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                             {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  vktest::Sets store_set(dev, *store), fetch_set(dev, *fetch);
  // The storage write (and its set) only where both devices offer multisampled storage images.
  if (storage) {
    store_set.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, a.view);
    store_set.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, q, 0, 16);
  }
  fetch_set.write_image(0, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, a.view, sampler);
  fetch_set.write_image(0, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, b.view, sampler);
  fetch_set.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  fetch_set.write(0, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, q, 16, 32);
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;

  ctx.run([&](VkCommandBuffer cb) {
    const VkImageAspectFlags asp = vktest::aspects_of(format);
    vktest::to_general(cb, a.image, asp);
    vktest::to_general(cb, b.image, asp);
    const VkImageSubresourceRange all{asp, 0, 1, 0, kLayers}, layer1{asp, 0, 1, 1, 1};
    if (asp == VK_IMAGE_ASPECT_COLOR_BIT) {
      const VkClearColorValue c0 = clear_value(k, 0), c1 = clear_value(k, 1), c2 = clear_value(k, 2);
      vkCmdClearColorImage(cb, a.image, G, &c0, 1, &all);
      vkCmdClearColorImage(cb, a.image, G, &c1, 1, &layer1);
      vkCmdClearColorImage(cb, b.image, G, &c2, 1, &all);
    } else {
      // Depth values exact in every depth format (D16: 0.25 x 65535 rounds the same on both).
      const VkClearDepthStencilValue d0{1.0f, 3}, d1{0.25f, 1}, d2{0.5f, 2};
      vkCmdClearDepthStencilImage(cb, a.image, G, &d0, 1, &all);
      vkCmdClearDepthStencilImage(cb, a.image, G, &d1, 1, &layer1);
      vkCmdClearDepthStencilImage(cb, b.image, G, &d2, 1, &all);
    }
    vktest::memory_barrier(cb);
    if (storage) {
      vktest::bind(cb, *store, store_set);
      vkCmdDispatch(cb, 1, 1, kLayers);
      vktest::memory_barrier(cb);
    }
    // Both layers of a 4x3 box, then layer 1 of A onto layer 0 of B (every sample moves).
    const VkImageCopy regions[2] = {{{asp, 0, 0, 2}, {1, 1, 0}, {asp, 0, 0, 2}, {2, 0, 0}, {4, 3, 1}},
                                    {{asp, 0, 1, 1}, {0, 0, 0}, {asp, 0, 0, 1}, {5, 3, 0}, {2, 2, 1}}};
    vkCmdCopyImage(cb, a.image, G, b.image, G, 2, regions);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *fetch, fetch_set);
    vkCmdDispatch(cb, 1, 1, kLayers);
    vktest::memory_barrier(cb);
  });
  MsRun r;
  r.fetched.assign(out.data<uint32_t>(), out.data<uint32_t>() + 2 * kTexels * samples * 4);
  std::memcpy(r.query, q.mapped, sizeof r.query);
  ctx.destroy(out);
  ctx.destroy(q);
  return r;
}

using vktest::as_float;

}  // namespace

TEST(VkImageMs, LimitsAndFeatures) {
  auto ctx = vktest::make_context();
  const VkPhysicalDeviceLimits& l = ctx->properties().limits;
  // The spec's required limits include 1 and 4 samples; Mica reports every count it holds.
  const VkSampleCountFlags all = VK_SAMPLE_COUNT_1_BIT | VK_SAMPLE_COUNT_2_BIT | VK_SAMPLE_COUNT_4_BIT | VK_SAMPLE_COUNT_8_BIT;
  for (VkSampleCountFlags c : {l.sampledImageColorSampleCounts, l.sampledImageIntegerSampleCounts,
                               l.sampledImageDepthSampleCounts, l.sampledImageStencilSampleCounts,
                               l.storageImageSampleCounts, l.framebufferColorSampleCounts, l.framebufferDepthSampleCounts,
                               l.framebufferStencilSampleCounts, l.framebufferNoAttachmentsSampleCounts})
    EXPECT_EQ(c, all);
  VkPhysicalDeviceVulkan12Properties p12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &p12};
  vkGetPhysicalDeviceProperties2(ctx->physical(), &p2);
  EXPECT_EQ(p12.framebufferIntegerColorSampleCounts, all);
  VkPhysicalDeviceFeatures f{};
  vkGetPhysicalDeviceFeatures(ctx->physical(), &f);
  EXPECT_TRUE(f.shaderStorageImageMultisample);
}

// "Supported Sample Counts": one sample for LINEAR, non-2D, cube-compatible images and formats
// without an attachment feature; every count otherwise. vkCreateImage follows the query, and a
// multisampled image has one level.
TEST(VkImageMs, FormatQueryFollowsTheSpecRules) {
  auto ctx = vktest::make_context();
  VkPhysicalDevice pd = ctx->physical();
  auto counts = [&](VkFormat fmt, VkImageType type, VkImageTiling tiling, VkImageUsageFlags usage, VkImageCreateFlags flags) {
    VkImageFormatProperties p{};
    return vkGetPhysicalDeviceImageFormatProperties(pd, fmt, type, tiling, usage, flags, &p) == VK_SUCCESS
               ? p.sampleCounts
               : VkSampleCountFlags(0);
  };
  const VkImageUsageFlags su = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT;
  EXPECT_EQ(counts(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, su, 0), 0xfu);
  EXPECT_EQ(counts(VK_FORMAT_R32_UINT, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0), 0xfu);
  EXPECT_EQ(counts(VK_FORMAT_D32_SFLOAT, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_SAMPLED_BIT, 0), 0xfu);
  EXPECT_EQ(counts(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_LINEAR, su, 0), 1u);
  EXPECT_EQ(counts(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_3D, VK_IMAGE_TILING_OPTIMAL, su, 0), 1u);
  EXPECT_EQ(counts(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_1D, VK_IMAGE_TILING_OPTIMAL, su, 0), 1u);
  EXPECT_EQ(counts(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, su,
                   VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT),
            1u);
  // No attachment feature in the spec's tables: R64_UINT, BC1, R8G8B8_UNORM.
  for (VkFormat fmt : {VK_FORMAT_R64_UINT, VK_FORMAT_BC1_RGB_UNORM_BLOCK, VK_FORMAT_R8G8B8_UNORM}) {
    VkFormatProperties fp{};
    vkGetPhysicalDeviceFormatProperties(pd, fmt, &fp);
    if (fp.optimalTilingFeatures & (VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT))
      continue;
    const VkSampleCountFlags c = counts(fmt, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0);
    EXPECT_TRUE(c == 1u || c == 0u) << "format " << fmt << ": " << c;
  }

  VkDevice dev = ctx->device();
  VkImageCreateInfo ci = vktest::image_info({.format = VK_FORMAT_R8G8B8A8_UNORM, .extent = {33, 17, 1}, .usage = su, .layers = 3});
  // Memory grows with the sample count: each sample is a slice of its layer.
  VkDeviceSize previous = 0;
  for (VkSampleCountFlagBits s : {VK_SAMPLE_COUNT_1_BIT, VK_SAMPLE_COUNT_2_BIT, VK_SAMPLE_COUNT_4_BIT, VK_SAMPLE_COUNT_8_BIT}) {
    ci.samples = s;
    VkImage image;
    ASSERT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS) << "samples " << s;
    VkMemoryRequirements mr;
    vkGetImageMemoryRequirements(dev, image, &mr);
    // 9 x 5 tiles of 16 texels of 4 bytes per sample and layer.
    EXPECT_GE(mr.size, uint64_t(9 * 5 * 16 * 4) * 3 * s) << "samples " << s;
    EXPECT_GT(mr.size, previous);
    previous = mr.size;
    vkDestroyImage(dev, image, nullptr);
  }
  VkImage image = VK_NULL_HANDLE;
  ci.samples = VK_SAMPLE_COUNT_4_BIT;
  ci.mipLevels = 2;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_ERROR_FEATURE_NOT_PRESENT) << "two levels";
  ci.mipLevels = 1;
  ci.samples = VK_SAMPLE_COUNT_16_BIT;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_ERROR_FEATURE_NOT_PRESENT) << "16 samples";
  ci.samples = VK_SAMPLE_COUNT_4_BIT;
  ci.tiling = VK_IMAGE_TILING_LINEAR;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_ERROR_FEATURE_NOT_PRESENT) << "LINEAR";
  ci.tiling = VK_IMAGE_TILING_OPTIMAL;
  ci.imageType = VK_IMAGE_TYPE_3D;
  ci.arrayLayers = 1;
  ci.extent.depth = 2;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_ERROR_FEATURE_NOT_PRESENT) << "3D";
}

TEST(VkImageMs, FormatsMatchLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const auto store_spv = vktest::per_kind_spirv("ms_store"), fetch_spv = vktest::per_kind_spirv("ms_fetch");
  unsigned compared = 0, with_storage = 0, mica_formats = 0, depth_compared = 0;
  for (int f = 1; f <= int(VK_FORMAT_BC1_RGB_UNORM_BLOCK) - 1; ++f) {
    const VkFormat format = VkFormat(f);
    const bool mica_ms = four_samples(*ctx, format, kBaseUsage), lvp_ms = four_samples(*lvp, format, kBaseUsage);
    // (lavapipe reports attachment features, and so multisampling, on formats beyond the spec's
    // tables; Mica on exactly the tables' formats: the formats compared are those both offer.)
    mica_formats += mica_ms && !vktest::is_depth_stencil(format);
    if (!mica_ms || !lvp_ms) continue;
    const bool storage = four_samples(*ctx, format, kBaseUsage | VK_IMAGE_USAGE_STORAGE_BIT) &&
                         four_samples(*lvp, format, kBaseUsage | VK_IMAGE_USAGE_STORAGE_BIT);
    const TexelKind k = vktest::kind_of(format);
    const MsRun mica = run_format(*ctx, format, storage, store_spv[int(k)], fetch_spv[int(k)]);
    const MsRun want = run_format(*lvp, format, storage, store_spv[int(k)], fetch_spv[int(k)]);
    (vktest::is_depth_stencil(format) ? depth_compared : compared) += 1;
    with_storage += storage;
    // Queries: storage view (7, 5, 2, 4), both sampled views the same.
    for (int qv = storage ? 0 : 1; qv < 3; ++qv) {
      const int32_t expect[4] = {int32_t(kW), int32_t(kH), int32_t(kLayers), int32_t(kSamples)};
      for (int c = 0; c < 4; ++c) {
        EXPECT_EQ(mica.query[qv][c], expect[c]) << "format " << f << " query " << qv << " component " << c;
        EXPECT_EQ(mica.query[qv][c], want.query[qv][c]) << "format " << f << " query " << qv << " component " << c;
      }
    }
    unsigned bad = 0;
    for (size_t i = 0; i < want.fetched.size(); ++i) {
      bool same = mica.fetched[i] == want.fetched[i];
      if (!same && k == TexelKind::f) {
        // Stores and clears round on each device (within 1/255 for the 8-bit formats the values
        // land between); lavapipe's sRGB decode approximates the formula Mica evaluates: 1%.
        const float a = as_float(mica.fetched[i]), b = as_float(want.fetched[i]);
        same = std::fabs(a - b) <= (vktest::is_srgb(format) ? 0.01f : 1.0f / 255 + 1e-6f);
      }
      if (!same && bad++ < 6) {
        const size_t word = i % 4, sample = i / 4 % kSamples, texel = i / 4 / kSamples;
        ADD_FAILURE() << "format " << f << (texel >= kTexels ? " image B" : " image A") << " texel " << texel % kTexels
                      << " sample " << sample << " component " << word << ": Mica 0x" << std::hex << mica.fetched[i]
                      << ", lavapipe 0x" << want.fetched[i] << std::dec;
      }
    }
    EXPECT_EQ(bad, 0u) << "format " << f;
  }
  // Every colour format Mica multisamples (the 38 of the spec's tables with COLOR_ATTACHMENT) is one
  // lavapipe multisamples too; 33 of them with multisampled storage on both.
  EXPECT_EQ(compared, mica_formats);
  EXPECT_GE(compared, 38u);
  EXPECT_GE(with_storage, 30u);
  // The depth/stencil formats (through the depth aspect, or S8's stencil): all 5 Mica holds.
  EXPECT_EQ(depth_compared, 5u);
  std::printf("multisampled formats compared with lavapipe: %u colour (%u with storage writes), %u depth/stencil\n",
              compared, with_storage, depth_compared);
}

// An independent check of one format against the rules (not lavapipe): R32G32B32A32_UINT, where
// every value is exact, with 2, 4 and 8 samples (lavapipe has 4 only). A after the clears and
// stores; B after the clear and the two copies; the queries give the sample count.
TEST(VkImageMs, Rgba32UintFollowsTheCommands) {
  auto ctx = vktest::make_context();
  const std::vector<uint32_t> store = vkrun::read_spirv(vkrun::spv_path("ms_store_u.spv"));
  const std::vector<uint32_t> fetch = vkrun::read_spirv(vkrun::spv_path("ms_fetch_u.spv"));
  for (VkSampleCountFlagBits count : {VK_SAMPLE_COUNT_2_BIT, VK_SAMPLE_COUNT_4_BIT, VK_SAMPLE_COUNT_8_BIT}) {
    const uint32_t samples = uint32_t(count);
    const MsRun r = run_format(*ctx, VK_FORMAT_R32G32B32A32_UINT, true, store, fetch, count);
    for (int qv = 0; qv < 3; ++qv) EXPECT_EQ(r.query[qv][3], int32_t(samples)) << "query " << qv;
    auto expect_a = [&](uint32_t x, uint32_t y, uint32_t l, uint32_t s, uint32_t c) -> uint32_t {
      if (((x + y + l) & 1u) == 0) {
        const uint32_t v[4] = {(x + 8 * s + 64 * l) & 127u, y, s, (x + s) & 1u};
        return v[c];
      }
      return clear_value(TexelKind::u, l == 1 ? 1 : 0).uint32[c];
    };
    auto expect_b = [&](uint32_t x, uint32_t y, uint32_t l, uint32_t s, uint32_t c) -> uint32_t {
      if (x >= 2 && x < 6 && y < 3) return expect_a(x - 2 + 1, y + 1, l, s, c);
      if (l == 0 && x >= 5 && y >= 3) return expect_a(x - 5, y - 3, 1, s, c);
      return clear_value(TexelKind::u, 2).uint32[c];
    };
    unsigned bad = 0;
    for (uint32_t img = 0; img < 2; ++img)
      for (uint32_t l = 0; l < kLayers; ++l)
        for (uint32_t y = 0; y < kH; ++y)
          for (uint32_t x = 0; x < kW; ++x)
            for (uint32_t s = 0; s < samples; ++s)
              for (uint32_t c = 0; c < 4; ++c) {
                const uint32_t texel = (l * kH + y) * kW + x;
                const uint32_t got = r.fetched[((img * kTexels + texel) * samples + s) * 4 + c];
                const uint32_t want = img ? expect_b(x, y, l, s, c) : expect_a(x, y, l, s, c);
                if (got != want && bad++ < 8)
                  ADD_FAILURE() << samples << " samples: " << (img ? "B" : "A") << " (" << x << "," << y << ") layer " << l
                                << " sample " << s << " component " << c << ": " << got << ", expected " << want;
              }
    EXPECT_EQ(bad, 0u) << samples << " samples";
  }
}

// Image atomics on single samples (OpImageTexelPointer with a sample): 64 adds spread over the 4
// samples of 7 texels, each group's old values a chain of its own addends from the cleared value;
// an exchange and a compare-exchange on one sample leave its neighbour untouched.
TEST(VkImageMs, AtomicsOnSamples) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("ms_atomic.spv"));
  vktest::Image img(*ctx, ms_image(VK_FORMAT_R32_UINT, VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT));
  vkrun::Buffer out = ctx->create_buffer(67 * 4);
  std::memset(out.mapped, 0xee, out.size);
  const auto p = vktest::make_pipeline(dev, spirv, {{{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE}, {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  vktest::Sets sets(dev, *p);
  sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, img.view);
  sets.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  ctx->run([&](VkCommandBuffer cb) {
    vktest::to_general(cb, img.image);
    VkClearColorValue five{};
    five.uint32[0] = 5;
    const VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, kLayers};
    vkCmdClearColorImage(cb, img.image, VK_IMAGE_LAYOUT_GENERAL, &five, 1, &all);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
  });
  const uint32_t* old = out.data<uint32_t>();
  // Each (texel, sample) group: sorted by old value, every old value is the previous one plus the
  // previous lane's addend, starting from the cleared 5.
  for (uint32_t texel = 0; texel < 7; ++texel)
    for (uint32_t s = 0; s < 4; ++s) {
      std::vector<std::pair<uint32_t, uint32_t>> group;  // (old value, addend)
      for (uint32_t i = 0; i < 64; ++i)
        if (i % 4 == s && i / 4 % 7 == texel) group.push_back({old[i], i + 1});
      std::sort(group.begin(), group.end());
      uint32_t expect = 5;
      for (const auto& [value, addend] : group) {
        EXPECT_EQ(value, expect) << "texel " << texel << " sample " << s;
        expect += addend;
      }
    }
  EXPECT_EQ(old[64], 5u);       // exchange: the cleared value
  EXPECT_EQ(old[65], 0x1234u);  // compare-exchange: the exchanged value (and it matched)
  EXPECT_EQ(old[66], 5u);       // sample 2 of the same texel untouched
  ctx->destroy(out);
}
