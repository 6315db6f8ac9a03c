// BC6H and BC7 (BPTC) through the texture unit, compared bit for bit with Mesa's lavapipe: 1024
// random blocks of a 128x128 image, every mode of both formats (BC7 modes 0-7 and the reserved
// mode 8, BC6H's 14 modes and two reserved ones) in turn, every texel fetched and sampled NEAREST at
// its centre (exact), and sampled LINEAR between it and its neighbours, across block edges too
// (within lavapipe's filtering precision) (shaders/bptc_fetch.comp).
// BC7 decodes to 8-bit UNORM values (the same on both; Mica's f32 is k / 255 correctly rounded,
// lavapipe's may be an ulp off) and BC6H to half floats (bit-exact); BC7_SRGB is the
// UNORM value sRGB-decoded (compared with the host's evaluation of the spec's formula, and within
// 1% of lavapipe, whose sRGB decode approximates it). Also: textureCompressionBC and the features
// the spec's BC table requires.
#include "vk_image_helpers.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace {

constexpr uint32_t kSize = 128, kBlocks = (kSize / 4) * (kSize / 4), kTexels = kSize * kSize;

void set_bits(uint8_t* block, unsigned pos, unsigned n, uint32_t v) {
  for (unsigned k = 0; k < n; ++k, ++pos) {
    block[pos / 8] = uint8_t(block[pos / 8] & ~(1u << (pos % 8)));
    block[pos / 8] = uint8_t(block[pos / 8] | (((v >> k) & 1u) << (pos % 8)));
  }
}

// Random blocks with the mode chosen per block: BC7 mode k % 9 (the unary code in the low byte,
// 8 = the reserved all-zero low byte), BC6H the k % 16-th of its 14 modes and 2 reserved numbers;
// the partition number of the modes that have one runs through all of them (each mode's blocks
// take partitions 0, 1, 2, ... in turn), so every partition and anchor table entry is used.
std::vector<uint8_t> make_blocks(VkFormat format) {
  std::mt19937 rng(uint32_t(format) * 7u);
  std::vector<uint8_t> data(kBlocks * 16);
  for (auto& b : data) b = uint8_t(rng());
  const bool bc7 = format == VK_FORMAT_BC7_UNORM_BLOCK || format == VK_FORMAT_BC7_SRGB_BLOCK;
  static const uint8_t kBc6Modes[16] = {0, 1, 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 27};
  for (uint32_t k = 0; k < kBlocks; ++k) {
    uint8_t& low = data[16 * k];
    if (bc7) {
      static const uint8_t kPartitionBits[8] = {4, 6, 6, 6, 0, 0, 0, 6};
      const uint32_t mode = k % 9;
      low = mode == 8 ? 0 : uint8_t((low & ~((2u << mode) - 1)) | (1u << mode));
      if (mode < 8 && kPartitionBits[mode])
        set_bits(&data[16 * k], mode + 1, kPartitionBits[mode], (k / 9) % (1u << kPartitionBits[mode]));
    } else {
      const uint8_t mode = kBc6Modes[k % 16];
      low = mode < 2 ? uint8_t((low & ~3u) | mode) : uint8_t((low & ~31u) | mode);
      if (k % 16 < 10) set_bits(&data[16 * k], 77, 5, (k / 16) % 32);  // the two-subset modes
    }
  }
  return data;
}

// Uploads the blocks into an OPTIMAL image, fetches, NEAREST-samples and LINEAR-samples every texel;
// returns, per texel, the three RGBA f32 bit patterns (12 words).
std::vector<uint32_t> fetch_all(vkrun::Context& ctx, const std::vector<uint32_t>& spirv, VkFormat format,
                                const std::vector<uint8_t>& blocks) {
  VkDevice dev = ctx.device();
  vkrun::Buffer staging = ctx.create_buffer(blocks.size()), out = ctx.create_buffer(kTexels * 48);
  std::memcpy(staging.mapped, blocks.data(), blocks.size());
  std::memset(out.mapped, 0, out.size);
  const vktest::Image image(ctx, {.format = format, .extent = {kSize, kSize, 1},
                                  .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT});
  const vktest::Sampler nearest(dev, vktest::sampler_info(VK_FILTER_NEAREST, VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE));
  const vktest::Sampler linear(dev, vktest::sampler_info(VK_FILTER_LINEAR, VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE));

  // Binding 0 sampled NEAREST, 1 the output, 2 the same view sampled LINEAR.
  const auto p = vktest::make_pipeline(dev, spirv, {{{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER},
                                                     {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                     {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER}}});
  vktest::Sets sets(dev, *p);
  sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, image.view, nearest);
  sets.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  sets.write_image(0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, image.view, linear);
  ctx.run([&](VkCommandBuffer cb) {
    vktest::to_general(cb, image.image);
    const VkBufferImageCopy region = vktest::copy_region({kSize, kSize, 1});
    vkCmdCopyBufferToImage(cb, staging.buffer, image.image, VK_IMAGE_LAYOUT_GENERAL, 1, &region);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, kSize / 8, kSize / 8, 1);
    vktest::memory_barrier(cb);
  });
  std::vector<uint32_t> result(out.data<uint32_t>(), out.data<uint32_t>() + kTexels * 12);
  ctx.destroy(staging);
  ctx.destroy(out);
  return result;
}

using vktest::as_float;

// Which block (and so which mode) holds word i of the output (12 words per texel).
uint32_t block_of_word(size_t i) {
  const uint32_t texel = uint32_t(i / 12), x = texel % kSize, y = texel / kSize;
  return (y / 4) * (kSize / 4) + x / 4;
}

TEST(VkImageBptc, FeaturesFollowTheBcTable) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceFeatures f{};
  vkGetPhysicalDeviceFeatures(ctx->physical(), &f);
  EXPECT_TRUE(f.textureCompressionBC);
  // The spec's BC table: SAMPLED_IMAGE, SAMPLED_IMAGE_FILTER_LINEAR (and the transfer features
  // they imply) for 2D and 3D images of every BC format.
  const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT |
                                    VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
  for (int fmt = VK_FORMAT_BC1_RGB_UNORM_BLOCK; fmt <= VK_FORMAT_BC7_SRGB_BLOCK; ++fmt) {
    VkFormatProperties p{};
    vkGetPhysicalDeviceFormatProperties(ctx->physical(), VkFormat(fmt), &p);
    EXPECT_EQ(p.optimalTilingFeatures & need, need) << "format " << fmt;
    EXPECT_EQ(p.bufferFeatures, 0u) << "format " << fmt;
    for (VkImageType type : {VK_IMAGE_TYPE_2D, VK_IMAGE_TYPE_3D}) {
      VkImageFormatProperties ip{};
      EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(ctx->physical(), VkFormat(fmt), type, VK_IMAGE_TILING_OPTIMAL,
                                                         VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0,
                                                         &ip),
                VK_SUCCESS)
          << "format " << fmt << " type " << type;
    }
  }
}

TEST(VkImageBptc, BlocksOfEveryModeMatchLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("bptc_fetch.spv"));
  std::vector<uint32_t> bc7_unorm;  // Mica's BC7_UNORM texels, to check BC7_SRGB against
  for (VkFormat format : {VK_FORMAT_BC7_UNORM_BLOCK, VK_FORMAT_BC7_SRGB_BLOCK, VK_FORMAT_BC6H_UFLOAT_BLOCK,
                          VK_FORMAT_BC6H_SFLOAT_BLOCK}) {
    VkFormatProperties lp{};
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), format, &lp);
    if (!(lp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT)) {
      ADD_FAILURE() << "lavapipe does not sample format " << format;
      continue;
    }
    // The same blocks for both BC7 formats, so the sRGB run can be checked against the UNORM one.
    const std::vector<uint8_t> blocks =
        make_blocks(format == VK_FORMAT_BC7_SRGB_BLOCK ? VK_FORMAT_BC7_UNORM_BLOCK : format);
    const std::vector<uint32_t> mica = fetch_all(*ctx, spirv, format, blocks);
    const std::vector<uint32_t> want = fetch_all(*lvp, spirv, format, blocks);
    const bool srgb = format == VK_FORMAT_BC7_SRGB_BLOCK;
    if (format == VK_FORMAT_BC7_UNORM_BLOCK) bc7_unorm = mica;
    unsigned bad = 0, distinct_nonzero = 0;
    std::vector<bool> mode_seen_nonzero(16, false);
    double worst_linear = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      bool same = mica[i] == want[i];
      if (i % 12 >= 8) {
        // LINEAR: Mica weighs the four decoded texels in f64 and rounds once; lavapipe filters
        // BC7_UNORM's 8-bit values in 8-bit fixed point (one unit either way: within 1/255), the
        // decoded sRGB and BC6H values in f32 (within 1e-5 of the largest texel weighed).
        // Relative to the largest of the four texels weighed: their sum may cancel.
        const float a = as_float(mica[i]), w = as_float(want[i]);
        const uint32_t texel = uint32_t(i / 12), x = texel % kSize, y = texel / kSize;
        double scale = 1.0;
        for (uint32_t dy = 0; dy < 2; ++dy)
          for (uint32_t dx = 0; dx < 2; ++dx) {
            const uint32_t tx = std::min(x + dx, kSize - 1), ty = std::min(y + dy, kSize - 1);
            scale = std::max(scale, std::fabs(double(as_float(mica[(ty * kSize + tx) * 12 + i % 4]))));
          }
        const double diff = std::fabs(double(a) - double(w)) / scale;
        worst_linear = std::max(worst_linear, diff);
        const double tolerance = format == VK_FORMAT_BC7_UNORM_BLOCK ? 1.0 / 255 + 1e-6 : 1e-5;
        if (!(diff <= tolerance) && bad++ < 8)
          ADD_FAILURE() << "format " << format << " LINEAR texel " << i / 12 << " component " << i % 4 << ": Mica " << a
                        << ", lavapipe " << w;
        continue;
      }
      if (format == VK_FORMAT_BC7_UNORM_BLOCK) {
        // The same 8-bit value; Mica's f32 is k / 255 correctly rounded, lavapipe's k * (1 / 255.f)
        // may be one ulp off it.
        const double k = std::nearbyint(double(as_float(want[i])) * 255.0);
        same = std::nearbyint(double(as_float(mica[i])) * 255.0) == k && as_float(mica[i]) == float(k / 255.0);
      }
      if (srgb) {
        // The spec's sRGB EOTF of Mica's own UNORM decode of the same block, and lavapipe within 1%.
        const double c = as_float(bc7_unorm[i]);
        const float expect = i % 4 == 3 ? float(c) : float(c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
        same = std::fabs(as_float(mica[i]) - expect) <= 1e-6f &&
               std::fabs(as_float(mica[i]) - as_float(want[i])) <= 0.01f * std::max(1.0f, std::fabs(as_float(want[i])));
      }
      if (mica[i] != 0 && i % 4 != 3) mode_seen_nonzero[block_of_word(i) % (format >= VK_FORMAT_BC7_UNORM_BLOCK ? 9 : 16)] = true;
      distinct_nonzero += mica[i] != 0;
      if (!same && bad++ < 8)
        ADD_FAILURE() << "format " << format << (i % 12 < 4 ? " fetched" : " sampled") << " texel " << i / 12
                      << " (block " << block_of_word(i) << ") component " << i % 4 << ": Mica 0x" << std::hex << mica[i] << " (" << as_float(mica[i]) << "), lavapipe 0x"
                      << want[i] << " (" << as_float(want[i]) << ")" << std::dec;
    }
    EXPECT_EQ(bad, 0u) << "format " << format;
    // Not vacuous: every non-reserved mode decoded some non-zero colour.
    const unsigned modes = format >= VK_FORMAT_BC7_UNORM_BLOCK ? 8 : 14;
    for (unsigned m = 0; m < modes; ++m) EXPECT_TRUE(mode_seen_nonzero[m]) << "format " << format << " mode slot " << m;
    EXPECT_GT(distinct_nonzero, want.size() / 2);
    std::printf("format %d: %zu texel components compared, %u differ; LINEAR differs by at most %g\n", int(format),
                want.size(), bad, worst_linear);
  }
}

}  // namespace
