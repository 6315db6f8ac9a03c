// Image instructions end to end: the compiler's image instructions (spirv_image.cpp), the driver's
// image, sampler and texel-buffer descriptors (texture_descriptors.cpp) and the device's texture
// unit, compared with Mesa's lavapipe running the same program on the same inputs
// (shaders/image_ops.comp): storage image stores (RGBA8_UNORM, within 1 of lavapipe where the
// float -> UNORM rounding may differ), atomics on R32_UINT (exact), loads of RGBA32F (exact),
// explicit-LOD sampling with linear filtering across two levels (within 1/64: filtering precision is
// implementation-defined, at least 4 sub-texel bits), nearest sampling with REPEAT, gathers with and
// without offsets, fetches, uniform texel buffers (exact), storage texel buffers (exact), size and
// level queries (exact).
#include "vk_image_helpers.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace {

constexpr uint32_t kOutSlots = 8, kInvocations = 64;

using vktest::TexelKind;

// The images of this file: 2D, 'levels' levels, usable for transfers besides 'usage'.
vktest::ImageDesc image2d(VkFormat format, VkExtent3D extent, uint32_t levels, VkImageUsageFlags usage) {
  return {.format = format, .extent = extent,
          .usage = usage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, .levels = levels};
}

struct Results {
  std::vector<float> out;          // kInvocations x kOutSlots x vec4
  std::vector<uint8_t> written;    // wimg, 8x8 RGBA8
  std::vector<uint32_t> counters;  // 4 texels
  std::vector<float> texel_buffer; // sb, 64 floats
};

// The same inputs (from a fixed seed) and the same program on one device.
Results run_on(vkrun::Context& ctx, const std::vector<uint32_t>& spirv) {
  VkDevice dev = ctx.device();
  std::mt19937 rng(13);
  // Inputs, uploaded through one staging buffer: lin level 0 (4x4 RGBA8) at 0, level 1 (2x2) at 64,
  // rimg (8x8 RGBA32F) at 256, the uniform texel buffer's 64 RGBA8_UINT texels at 1280.
  vkrun::Buffer staging = ctx.create_buffer(4096), tb = ctx.create_buffer(256), sb = ctx.create_buffer(256),
                out = ctx.create_buffer(kInvocations * kOutSlots * 16), readback = ctx.create_buffer(512);
  auto* st = staging.data<uint8_t>();
  for (uint32_t i = 0; i < 80; ++i) st[i] = uint8_t(rng() & 0xff);
  for (uint32_t i = 0; i < 64 * 4; ++i) {
    const float v = float(int(rng() % 2001) - 1000) / 8.0f;
    std::memcpy(st + 256 + 4 * i, &v, 4);
  }
  for (uint32_t i = 0; i < 256; ++i) tb.data<uint8_t>()[i] = uint8_t(rng() & 0xff);
  std::memset(sb.mapped, 0, 256);
  std::memset(out.mapped, 0, out.size);

  const vktest::Image wimg(ctx, image2d(VK_FORMAT_R8G8B8A8_UNORM, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT));
  const vktest::Image counters(ctx, image2d(VK_FORMAT_R32_UINT, {4, 1, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT));
  const vktest::Image lin(ctx, image2d(VK_FORMAT_R8G8B8A8_UNORM, {4, 4, 1}, 2, VK_IMAGE_USAGE_SAMPLED_BIT));
  const vktest::Image rimg(ctx, image2d(VK_FORMAT_R32G32B32A32_SFLOAT, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT));
  const vktest::Sampler linear(dev, vktest::sampler_info(VK_FILTER_LINEAR, VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
                                                         VK_SAMPLER_MIPMAP_MODE_LINEAR, VK_LOD_CLAMP_NONE));
  const vktest::Sampler nearest(dev, vktest::sampler_info(VK_FILTER_NEAREST, VK_SAMPLER_ADDRESS_MODE_REPEAT,
                                                          VK_SAMPLER_MIPMAP_MODE_NEAREST, VK_LOD_CLAMP_NONE));
  const vktest::BufferView tb_view(dev, tb.buffer, VK_FORMAT_R8G8B8A8_UINT), sb_view(dev, sb.buffer, VK_FORMAT_R32_SFLOAT);

  const auto p = vktest::make_pipeline(dev, spirv, {{{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE},
                                                     {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE},
                                                     {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER},
                                                     {3, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, nearest.get()},  // immutable
                                                     {4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER},
                                                     {5, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE},
                                                     {6, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER},
                                                     {7, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  vktest::Sets sets(dev, *p);
  sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, wimg.view);
  sets.write_image(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, counters.view);
  sets.write_image(0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, lin.view, linear);
  sets.write_image(0, 3, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, lin.view);
  sets.write_texel_buffer(0, 4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, tb_view);
  sets.write_image(0, 5, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, rimg.view);
  sets.write_texel_buffer(0, 6, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, sb_view);
  sets.write(0, 7, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);

  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  ctx.run([&](VkCommandBuffer cb) {
    for (VkImage image : {wimg.image, counters.image, lin.image, rimg.image}) vktest::to_general(cb, image);
    VkBufferImageCopy up[3] = {vktest::copy_region({4, 4, 1}), vktest::copy_region({2, 2, 1}, VK_IMAGE_ASPECT_COLOR_BIT, 1, 64, 1),
                               vktest::copy_region({8, 8, 1}, VK_IMAGE_ASPECT_COLOR_BIT, 1, 256)};
    vkCmdCopyBufferToImage(cb, staging.buffer, lin.image, G, 2, up);
    vkCmdCopyBufferToImage(cb, staging.buffer, rimg.image, G, 1, &up[2]);
    VkClearColorValue zero{};
    VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cb, counters.image, G, &zero, 1, &all);
    vkCmdClearColorImage(cb, wimg.image, G, &zero, 1, &all);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
    VkBufferImageCopy down[2] = {vktest::copy_region({8, 8, 1}),
                                 vktest::copy_region({4, 1, 1}, VK_IMAGE_ASPECT_COLOR_BIT, 1, 256)};
    vkCmdCopyImageToBuffer(cb, wimg.image, G, readback.buffer, 1, &down[0]);
    vkCmdCopyImageToBuffer(cb, counters.image, G, readback.buffer, 1, &down[1]);
  });

  Results r;
  r.out.assign(out.data<float>(), out.data<float>() + kInvocations * kOutSlots * 4);
  r.written.assign(readback.data<uint8_t>(), readback.data<uint8_t>() + 256);
  r.counters.assign(readback.data<uint32_t>() + 64, readback.data<uint32_t>() + 68);
  r.texel_buffer.assign(sb.data<float>(), sb.data<float>() + 64);
  for (vkrun::Buffer* x : {&staging, &tb, &sb, &out, &readback}) ctx.destroy(*x);
  return r;
}

TEST(VkImageShaders, MatchLavapipe) {
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("image_ops.spv"));
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const Results mica = run_on(*ctx, spirv);
  const Results want = run_on(*lvp, spirv);

  // Slots: 0, 1 linear filtering (1 across levels); 2 nearest; 3 gathers; 4 fetches; 5 texel buffer;
  // 6 storage image load; 7 size, levels, texel-buffer size.
  const char* const kSlot[kOutSlots] = {"linear", "linear+mip", "nearest", "gather", "fetch",
                                         "texel buffer", "image load", "queries"};
  unsigned mismatches = 0;
  for (uint32_t i = 0; i < kInvocations; ++i)
    for (uint32_t s = 0; s < kOutSlots; ++s)
      for (uint32_t c = 0; c < 4; ++c) {
        const size_t at = (i * kOutSlots + s) * 4 + c;
        const float tolerance = s <= 1 ? 1.0f / 64 : 1e-6f;
        if (!(std::fabs(mica.out[at] - want.out[at]) <= tolerance) && mismatches++ < 20)
          ADD_FAILURE() << kSlot[s] << " of invocation " << i << " component " << c << ": Mica " << mica.out[at]
                        << ", lavapipe " << want.out[at];
      }
  EXPECT_EQ(mismatches, 0u);
  std::printf("invocation 9: linear (%g %g %g %g), gather (%g %g %g %g), load (%g %g %g %g), queries (%g %g %g %g)\n",
              mica.out[(9 * kOutSlots + 0) * 4], mica.out[(9 * kOutSlots + 0) * 4 + 1], mica.out[(9 * kOutSlots + 0) * 4 + 2],
              mica.out[(9 * kOutSlots + 0) * 4 + 3], mica.out[(9 * kOutSlots + 3) * 4], mica.out[(9 * kOutSlots + 3) * 4 + 1],
              mica.out[(9 * kOutSlots + 3) * 4 + 2], mica.out[(9 * kOutSlots + 3) * 4 + 3], mica.out[(9 * kOutSlots + 6) * 4],
              mica.out[(9 * kOutSlots + 6) * 4 + 1], mica.out[(9 * kOutSlots + 6) * 4 + 2], mica.out[(9 * kOutSlots + 6) * 4 + 3],
              mica.out[(9 * kOutSlots + 7) * 4], mica.out[(9 * kOutSlots + 7) * 4 + 1], mica.out[(9 * kOutSlots + 7) * 4 + 2],
              mica.out[(9 * kOutSlots + 7) * 4 + 3]);
  for (size_t i = 0; i < want.written.size(); ++i)
    EXPECT_LE(std::abs(int(mica.written[i]) - int(want.written[i])), 1) << "stored byte " << i;
  EXPECT_EQ(mica.counters, want.counters);
  EXPECT_EQ(mica.texel_buffer, want.texel_buffer);
  // And against the program's meaning, not only lavapipe: the atomics' sums and maximum.
  EXPECT_EQ(mica.counters[0], 4u * (8 * 9 / 2));  // 4 columns of x & 1 == 0, each adding 1 + y
  EXPECT_EQ(mica.counters[2], 12u);
}

// ---- float atomics on R32_SFLOAT images and texel buffers ---------------------------------------

struct FloatAtomicsRun {
  std::vector<float> image;  // img after the dispatch, 8x8
  std::vector<float> buf;    // buf after the dispatch, 64
  std::vector<float> out;    // 64 x vec4 (old add, loaded, old shared exchange, old/loaded buf)
};

// Random normal floats with exponents -20..20 (no denormals: lavapipe may flush them), so that
// adds round.
float random_normal(std::mt19937& rng) {
  const float m = 1.0f + float(rng() % (1u << 23)) / float(1u << 23);
  const float v = std::ldexp(m, int(rng() % 41) - 20);
  return rng() & 1 ? -v : v;
}

FloatAtomicsRun run_float_atomics(vkrun::Context& ctx, const std::vector<uint32_t>& spirv) {
  VkDevice dev = ctx.device();
  std::mt19937 rng(32);
  vkrun::Buffer staging = ctx.create_buffer(256), buf = ctx.create_buffer(256), in = ctx.create_buffer(256),
                out = ctx.create_buffer(64 * 16), readback = ctx.create_buffer(256);
  for (uint32_t i = 0; i < 64; ++i) {
    staging.data<float>()[i] = i < 8 ? 0.0f : random_normal(rng);
    buf.data<float>()[i] = random_normal(rng);
    in.data<float>()[i] = random_normal(rng);
  }
  std::memset(out.mapped, 0, out.size);
  const vktest::Image img(ctx, image2d(VK_FORMAT_R32_SFLOAT, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT));
  const vktest::BufferView buf_view(dev, buf.buffer, VK_FORMAT_R32_SFLOAT);
  const auto p = vktest::make_pipeline(dev, spirv, {{{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE},
                                                     {1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER},
                                                     {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                                                     {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}});
  vktest::Sets sets(dev, *p);
  sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, img.view);
  sets.write_texel_buffer(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, buf_view);
  sets.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, in);
  sets.write(0, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const VkBufferImageCopy region = vktest::copy_region({8, 8, 1});
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  ctx.run([&](VkCommandBuffer cb) {
    vktest::to_general(cb, img.image);
    vkCmdCopyBufferToImage(cb, staging.buffer, img.image, G, 1, &region);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
    vkCmdCopyImageToBuffer(cb, img.image, G, readback.buffer, 1, &region);
  });
  FloatAtomicsRun r;
  r.image.assign(readback.data<float>(), readback.data<float>() + 64);
  r.buf.assign(buf.data<float>(), buf.data<float>() + 64);
  r.out.assign(out.data<float>(), out.data<float>() + 64 * 4);
  for (vkrun::Buffer* x : {&staging, &buf, &in, &out, &readback}) ctx.destroy(*x);
  return r;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }

// VK_EXT_shader_atomic_float on images: R32_SFLOAT reports STORAGE_IMAGE_ATOMIC and
// STORAGE_TEXEL_BUFFER_ATOMIC, the features say so, and the program (shaders/float_atomics.comp)
// gives lavapipe's bits wherever the result does not depend on the order of the lanes, the IEEE sums
// the host computes, and for shared exchanges a permutation of the values written.
TEST(VkImageShaders, FloatAtomicsMatchLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  VkFormatProperties fp{};
  vkGetPhysicalDeviceFormatProperties(ctx->physical(), VK_FORMAT_R32_SFLOAT, &fp);
  EXPECT_TRUE(fp.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_ATOMIC_BIT);
  EXPECT_TRUE(fp.linearTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_ATOMIC_BIT);
  EXPECT_TRUE(fp.bufferFeatures & VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_ATOMIC_BIT);
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT af{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &af};
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f2);
  EXPECT_TRUE(af.shaderImageFloat32Atomics);
  EXPECT_TRUE(af.shaderImageFloat32AtomicAdd);
  EXPECT_FALSE(af.sparseImageFloat32Atomics);

  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("float_atomics.spv"));
  const FloatAtomicsRun mica = run_float_atomics(*ctx, spirv);
  const FloatAtomicsRun want = run_float_atomics(*lvp, spirv);
  // The inputs again, to check against the program's meaning.
  std::mt19937 rng(32);
  float image0[64], buf0[64], addend[64];
  for (uint32_t i = 0; i < 64; ++i) {
    image0[i] = i < 8 ? 0.0f : random_normal(rng);
    buf0[i] = random_normal(rng);
    addend[i] = random_normal(rng);
  }
  for (uint32_t t = 0; t < 64; ++t) {
    EXPECT_TRUE(same_bits(mica.image[t], want.image[t])) << "image texel " << t << ": Mica " << mica.image[t]
                                                          << ", lavapipe " << want.image[t];
    if (t < 8) {
      EXPECT_EQ(mica.image[t], 0.25f * float(8 * t + 224)) << "shared sum " << t;  // adds of (t + 8k) / 4, k < 8
    } else if (t < 32) {
      EXPECT_TRUE(same_bits(mica.image[t], image0[t] + addend[t - 8])) << "image add " << t;
    } else {
      EXPECT_TRUE(same_bits(mica.image[t], addend[t - 8])) << "image store " << t;
    }
  }
  for (uint32_t i = 0; i < 64; ++i) {
    if (i < 24) {
      EXPECT_TRUE(same_bits(mica.out[4 * i], image0[8 + i])) << "old value of add " << i;
      EXPECT_TRUE(same_bits(mica.out[4 * i + 1], image0[8 + i] + addend[i])) << "load after add " << i;
    } else if (i < 56) {
      EXPECT_TRUE(same_bits(mica.out[4 * i + 1], addend[i])) << "load after store " << i;
    }
    for (uint32_t c : {0u, 1u, 3u})
      EXPECT_TRUE(same_bits(mica.out[4 * i + c], want.out[4 * i + c])) << "invocation " << i << " slot " << c;
    if (i >= 8 && i < 32) {
      EXPECT_TRUE(same_bits(mica.out[4 * i + 3], buf0[i])) << "old value of exchange " << i;
      EXPECT_TRUE(same_bits(mica.buf[i], addend[i + 32])) << "exchanged " << i;
    }
    if (i >= 32) {
      EXPECT_TRUE(same_bits(mica.buf[i], -addend[i - 32])) << "stored " << i;
    }
    if (i >= 8) {
      EXPECT_TRUE(same_bits(mica.buf[i], want.buf[i])) << "buf " << i;
    }
  }
  // Texels 0-7 of buf: 8 exchanges each; the old values and the final value are the initial value
  // and the 8 values written, in some order.
  for (uint32_t t = 0; t < 8; ++t) {
    std::vector<float> seen{mica.buf[t]}, wrote{buf0[t]};
    for (uint32_t i = t; i < 64; i += 8) {
      seen.push_back(mica.out[4 * i + 2]);
      wrote.push_back(float(i) + 0.5f);
    }
    std::sort(seen.begin(), seen.end());
    std::sort(wrote.begin(), wrote.end());
    EXPECT_EQ(seen, wrote) << "shared exchanges of buf texel " << t;
  }
}

// ---- every storage format: stores and loads without a declared format -------------------------

struct FormatRun {
  std::vector<uint8_t> stored;  // dst's texels (8x8), as bytes
  std::vector<uint32_t> loaded; // src's texels through imageLoad, 64 x 4 words
};

// sampled: the program fetches and samples 'src' through a combined image sampler (binding 1; no
// binding 0) and writes two texels per invocation; otherwise it stores to 'dst' and loads 'src'.
// 'sampler' replaces the NEAREST sampler of a sampled run (a depth-compare sampler). 'src_extent':
// src is that many texels square (the program still reads 8x8: a smaller src puts the rest out of
// range).
FormatRun run_format(vkrun::Context& ctx, const std::vector<uint32_t>& spirv, VkFormat format, uint32_t texel_bytes,
                     bool sampled = false, const VkSamplerCreateInfo* sampler = nullptr, uint32_t src_extent = 8) {
  VkDevice dev = ctx.device();
  vkrun::Buffer staging = ctx.create_buffer(4096), out = ctx.create_buffer(64 * 32), readback = ctx.create_buffer(4096);
  std::mt19937 rng{uint32_t(format)};
  for (uint32_t i = 0; i < 64 * texel_bytes; ++i) staging.data<uint8_t>()[i] = uint8_t(rng() & 0xff);
  if (format == VK_FORMAT_D32_SFLOAT || format == VK_FORMAT_D32_SFLOAT_S8_UINT) {
    // Float depth is uploaded in [0, 1]: the spec leaves other values undefined without
    // VK_EXT_depth_range_unrestricted.
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (uint32_t i = 0; i < 64; ++i) staging.data<float>()[i] = unit(rng);
  }
  std::memset(out.mapped, 0, out.size);
  const VkImageUsageFlags usage = sampled ? VK_IMAGE_USAGE_SAMPLED_BIT : VK_IMAGE_USAGE_STORAGE_BIT;
  const vktest::Image dst(ctx, image2d(format, {8, 8, 1}, 1, usage)),
      src(ctx, image2d(format, {src_extent, src_extent, 1}, 1, usage));
  const vktest::Sampler nearest(dev, sampler ? *sampler
                                             : vktest::sampler_info(VK_FILTER_NEAREST, VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
                                                                    VK_SAMPLER_MIPMAP_MODE_NEAREST, VK_LOD_CLAMP_NONE));
  const VkDescriptorType src_type = sampled ? VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER : VK_DESCRIPTOR_TYPE_STORAGE_IMAGE;
  std::vector<vktest::SetBinding> bindings;
  if (!sampled) bindings.push_back({0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE});
  bindings.push_back({1, src_type});
  bindings.push_back({2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER});
  const auto p = vktest::make_pipeline(dev, spirv, {bindings});
  vktest::Sets sets(dev, *p);
  if (!sampled) sets.write_image(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, dst.view);
  sets.write_image(0, 1, src_type, src.view, sampled ? VkSampler(nearest) : VK_NULL_HANDLE);
  sets.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  ctx.run([&](VkCommandBuffer cb) {
    vktest::to_general(cb, dst.image, vktest::aspects_of(format));
    vktest::to_general(cb, src.image, vktest::aspects_of(format));
    const VkBufferImageCopy region = vktest::copy_region({8, 8, 1}, vktest::view_aspect_of(format));
    const VkBufferImageCopy src_region =
        vktest::copy_region({src_extent, src_extent, 1}, vktest::view_aspect_of(format));
    vkCmdCopyBufferToImage(cb, staging.buffer, src.image, G, 1, &src_region);
    vktest::memory_barrier(cb);
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
    vkCmdCopyImageToBuffer(cb, dst.image, G, readback.buffer, 1, &region);
  });
  FormatRun r;
  r.stored.assign(readback.data<uint8_t>(), readback.data<uint8_t>() + 64 * texel_bytes);
  r.loaded.assign(out.data<uint32_t>(), out.data<uint32_t>() + 64 * 4 * (sampled ? 2 : 1));
  for (vkrun::Buffer* x : {&staging, &out, &readback}) ctx.destroy(*x);
  return r;
}

// Texel bytes of a format, from its memory requirements on Mica (linear layout: 64 texels, 8x8).
uint32_t texel_bytes(vkrun::Context& ctx, VkFormat format) {
  const VkImageCreateInfo ci = vktest::image_info(
      {.format = format, .extent = {8, 8, 1}, .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT, .tiling = VK_IMAGE_TILING_LINEAR});
  VkImage image;
  vkrun::check(vkCreateImage(ctx.device(), &ci, nullptr, &image), "vkCreateImage");
  VkImageSubresource sub{vktest::view_aspect_of(format), 0, 0};
  VkSubresourceLayout layout{};
  vkGetImageSubresourceLayout(ctx.device(), image, &sub, &layout);
  vkDestroyImage(ctx.device(), image, nullptr);
  return uint32_t(layout.rowPitch / 8);
}

// The words both devices loaded (or fetched and sampled): equal, or for float formats within
// tolerance(i) of lavapipe's, relative to max(1, |lavapipe|), NaN matching NaN. Counts differences
// in 'bad', reporting them while 'bad' is below 'report'.
template <class Tolerance, class Label>
void compare_loaded(VkFormat format, const FormatRun& mica, const FormatRun& want, TexelKind k, const Tolerance& tolerance,
                    const Label& label, unsigned report, unsigned& bad) {
  for (size_t i = 0; i < want.loaded.size(); ++i) {
    bool same = mica.loaded[i] == want.loaded[i];
    if (!same && k == TexelKind::f) {
      const float a = vktest::as_float(mica.loaded[i]), b = vktest::as_float(want.loaded[i]);
      same = (std::isnan(a) && std::isnan(b)) || std::fabs(a - b) <= tolerance(i) * std::max(1.0f, std::fabs(b));
    }
    if (!same && bad++ < report)
      ADD_FAILURE() << "format " << format << " " << label(i) << " word " << i << ": Mica 0x" << std::hex
                    << mica.loaded[i] << ", lavapipe 0x" << want.loaded[i] << std::dec;
  }
}

// Every format both devices can use as a storage image: the same stores (values chosen per class,
// some out of the normalized range to exercise clamping) and loads of the same random texels must
// give the same bytes and values; normalized stores may differ by one unit in a byte (the spec lets
// the rounding go either way), NaNs match NaNs.
TEST(VkImageShaders, FormatsMatchLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const auto spv = vktest::per_kind_spirv("format_store");
  unsigned compared = 0, failed_formats = 0;
  for (int f = 1; f <= int(VK_FORMAT_ASTC_12x12_SRGB_BLOCK); ++f) {
    const VkFormat format = VkFormat(f);
    if (!vktest::both_offer(*ctx, *lvp, format,
                            VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_SRC_BIT |
                                VK_FORMAT_FEATURE_TRANSFER_DST_BIT))
      continue;
    const uint32_t bytes = texel_bytes(*ctx, format);
    const TexelKind k = vktest::kind_of(format);
    const auto& program = spv[int(k)];
    const FormatRun mica = run_format(*ctx, program, format, bytes);
    const FormatRun want = run_format(*lvp, program, format, bytes);
    ++compared;
    unsigned bad = 0;
    // B10G11R11: the spec lets the 10/11-bit float conversion round toward zero or to nearest, so
    // each field may differ by one unit in the last place.
    if (format == VK_FORMAT_B10G11R11_UFLOAT_PACK32) {
      for (size_t t = 0; t < want.stored.size() / 4; ++t) {
        uint32_t a, w2;
        std::memcpy(&a, &mica.stored[4 * t], 4);
        std::memcpy(&w2, &want.stored[4 * t], 4);
        const int fields[3][2] = {{0, 11}, {11, 11}, {22, 10}};
        for (const auto& fl : fields) {
          const int x = int((a >> fl[0]) & ((1u << fl[1]) - 1)), y = int((w2 >> fl[0]) & ((1u << fl[1]) - 1));
          if (std::abs(x - y) > 1 && bad++ < 3)
            ADD_FAILURE() << "B10G11R11 texel " << t << " field at bit " << fl[0] << ": Mica " << x << ", lavapipe " << y;
        }
      }
    }
    for (size_t i = 0; i < want.stored.size() && format != VK_FORMAT_B10G11R11_UFLOAT_PACK32; ++i) {
      const int d = std::abs(int(mica.stored[i]) - int(want.stored[i]));
      if (d > (k == TexelKind::f ? 1 : 0) && bad++ < 3)
        ADD_FAILURE() << "format " << f << " stored byte " << i << ": Mica " << int(mica.stored[i]) << ", lavapipe "
                      << int(want.stored[i]);
    }
    compare_loaded(format, mica, want, k, [](size_t) { return 1e-6f; }, [](size_t) { return "loaded"; }, 6, bad);
    failed_formats += bad != 0;
  }
  std::printf("%u storage formats compared with lavapipe, %u differ\n", compared, failed_formats);
  EXPECT_GE(compared, 40u);
  EXPECT_EQ(failed_formats, 0u);
}

// Every format both devices can sample: fetches of the same random texels must give the same values
// (exactly, NaN = NaN: the conversions are exact functions; sRGB within 1%, see below); nearest
// samples within 1/255.
TEST(VkImageShaders, SampledFormatsMatchLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const auto spv = vktest::per_kind_spirv("format_fetch");
  unsigned compared = 0, failed_formats = 0;
  for (int f = 1; f <= int(VK_FORMAT_ASTC_12x12_SRGB_BLOCK); ++f) {
    const VkFormat format = VkFormat(f);
    if (!vktest::both_offer(*ctx, *lvp, format, VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT))
      continue;
    const uint32_t bytes = texel_bytes(*ctx, format);
    const TexelKind k = vktest::kind_of(format);
    const FormatRun mica = run_format(*ctx, spv[int(k)], format, bytes, true);
    const FormatRun want = run_format(*lvp, spv[int(k)], format, bytes, true);
    ++compared;
    unsigned bad = 0;
    // Samples go through lavapipe's texture path, which expands narrow UNORM components to 8 bits
    // first: within 1/255 (the spec allows filtering its own precision); fetches exact.
    // sRGB: llvmpipe decodes with an approximation (about 0.5% off the spec's formula, which Mica
    // evaluates exactly), so those compare within 1%.
    const bool srgb = vktest::is_srgb(format);
    // BC1-BC5: lavapipe decodes blocks to 8-bit UNORM/SNORM values (565 endpoints expanded by bit
    // replication, palettes interpolated in integers), Mica decodes exactly as the data format
    // spec's real-valued palettes: within 2/255 (UNORM) or 2/127 (SNORM); sRGB blocks within 1%
    // after decoding.
    const bool bc = format >= VK_FORMAT_BC1_RGB_UNORM_BLOCK && format <= VK_FORMAT_BC5_SNORM_BLOCK;
    const bool bc_srgb = bc && (format == VK_FORMAT_BC1_RGB_SRGB_BLOCK || format == VK_FORMAT_BC1_RGBA_SRGB_BLOCK ||
                                format == VK_FORMAT_BC2_SRGB_BLOCK || format == VK_FORMAT_BC3_SRGB_BLOCK);
    const bool bc_snorm = format == VK_FORMAT_BC4_SNORM_BLOCK || format == VK_FORMAT_BC5_SNORM_BLOCK;
    const auto tolerance = [&](size_t i) {
      return bc_srgb     ? 0.01f
             : bc_snorm  ? 2.0f / 127
             : bc        ? 2.0f / 255
             : srgb      ? 0.01f
             : i / 4 % 2 ? 1.0f / 255
                         : 1e-6f;
    };
    compare_loaded(format, mica, want, k, tolerance, [](size_t i) { return i / 4 % 2 ? "sampled" : "fetched"; }, 4, bad);
    failed_formats += bad != 0;
  }
  std::printf("%u sampled formats compared with lavapipe, %u differ\n", compared, failed_formats);
  EXPECT_GE(compared, 40u);
  EXPECT_EQ(failed_formats, 0u);
}

// robustImageAccess2 (VK_EXT_robustness2) on both devices: every format both sample, fetched from a
// 4x4 image by an 8x8 grid, so 48 of the 64 fetches are out of range. Those must read 0 in R, G, B
// and, in A, 0 for a format with alpha and 1 (1.0f or integer 1) without: the values the spec
// gives, which lavapipe must match too (BC1_RGBA is where an all-zero block, opaque black, is not
// the answer). The in-range fetches compare with lavapipe as SampledFormatsMatchLavapipe does, more
// loosely (they only show the small image was read).
TEST(VkImageShaders, OutOfRangeFetchesGiveRobustImageAccess2Values) {
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe", false, false, false, /*robust_image_access2=*/true);
  } catch (const std::exception&) {
  }
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe << " (or it lacks robustImageAccess2)";
  vkrun::Context ctx("Mica", false, false, false, /*robust_image_access2=*/true);
  const auto spv = vktest::per_kind_spirv("format_fetch");
  unsigned compared = 0, failed_formats = 0;
  for (int f = 1; f <= int(VK_FORMAT_ASTC_12x12_SRGB_BLOCK); ++f) {
    const VkFormat format = VkFormat(f);
    if (!vktest::both_offer(ctx, *lvp, format, VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT))
      continue;
    const uint32_t bytes = texel_bytes(ctx, format);
    const TexelKind k = vktest::kind_of(format);
    const FormatRun mica = run_format(ctx, spv[int(k)], format, bytes, true, nullptr, 4);
    const FormatRun want = run_format(*lvp, spv[int(k)], format, bytes, true, nullptr, 4);
    ++compared;
    unsigned bad = 0;
    const uint32_t one = k == TexelKind::f ? 0x3f800000u : 1u;
    const uint32_t alpha = vktest::has_alpha(format) ? 0u : one;
    for (uint32_t t = 0; t < 64; ++t) {
      const uint32_t x = t % 8, y = t / 8;
      const uint32_t* m = &mica.loaded[t * 8];  // the fetch (the sample follows it)
      const uint32_t* l = &want.loaded[t * 8];
      if (x < 4 && y < 4) {
        for (unsigned c = 0; c < 4; ++c) {
          const float a = vktest::as_float(m[c]), b = vktest::as_float(l[c]);
          const bool close = m[c] == l[c] || (k == TexelKind::f && ((std::isnan(a) && std::isnan(b)) ||
                                                                    std::fabs(a - b) <= 0.02f * std::max(1.0f, std::fabs(b))));
          if (!close && bad++ < 4)
            ADD_FAILURE() << "format " << f << " in-range texel " << t << " component " << c << ": Mica 0x" << std::hex
                          << m[c] << ", lavapipe 0x" << l[c] << std::dec;
        }
        continue;
      }
      for (unsigned c = 0; c < 4; ++c) {
        const uint32_t spec = c == 3 ? alpha : 0u;
        if ((m[c] != spec || l[c] != spec) && bad++ < 4)
          ADD_FAILURE() << "format " << f << " out-of-range texel (" << x << ", " << y << ") component " << c
                        << ": Mica 0x" << std::hex << m[c] << ", lavapipe 0x" << l[c] << ", spec 0x" << spec << std::dec;
      }
    }
    failed_formats += bad != 0;
  }
  std::printf("%u sampled formats fetched out of range on both devices, %u differ\n", compared, failed_formats);
  EXPECT_GE(compared, 40u);
  EXPECT_EQ(failed_formats, 0u);
}

// Depth-compare sampling (sampler2DShadow, OpImageSampleDrefExplicitLod) and gathers
// (OpImageDrefGather) of every depth format both devices sample, NEAREST and LINEAR, with two
// compare ops: NEAREST results (0 or 1) and gathers exactly, LINEAR samples (the four comparisons
// filtered) within 1/128 (lavapipe weights in 8 bits).
TEST(VkImageShaders, DepthCompareMatchesLavapipe) {
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  auto ctx = vktest::make_context();
  const std::vector<uint32_t> spv = vkrun::read_spirv(vkrun::spv_path("depth_compare.spv"));
  unsigned compared = 0;
  for (VkFormat format : {VK_FORMAT_D16_UNORM, VK_FORMAT_X8_D24_UNORM_PACK32, VK_FORMAT_D32_SFLOAT,
                          VK_FORMAT_D24_UNORM_S8_UINT, VK_FORMAT_D32_SFLOAT_S8_UINT}) {
    VkFormatProperties mp{}, lp{};
    vkGetPhysicalDeviceFormatProperties(ctx->physical(), format, &mp);
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), format, &lp);
    EXPECT_TRUE(mp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT) << "format " << format;
    if (!(lp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT)) continue;
    const uint32_t bytes = texel_bytes(*ctx, format);
    for (VkFilter filter : {VK_FILTER_NEAREST, VK_FILTER_LINEAR}) {
      for (VkCompareOp op : {VK_COMPARE_OP_LESS, VK_COMPARE_OP_GREATER_OR_EQUAL}) {
        VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
        si.magFilter = si.minFilter = filter;
        si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
        si.compareEnable = VK_TRUE;
        si.compareOp = op;
        const FormatRun mica = run_format(*ctx, spv, format, bytes, true, &si);
        const FormatRun want = run_format(*lvp, spv, format, bytes, true, &si);
        unsigned bad = 0, ones = 0;
        // Per invocation: (sample at the centre, 0, 0, 0), then (sample between texels, gathered
        // comparisons of texels 2..4 of the footprint); gathers ignore the filter: exact.
        for (size_t i = 0; i < want.loaded.size(); ++i) {
          if (i % 8 != 0 && i % 8 < 4) continue;  // the centre sample's unused components
          float a, b;
          std::memcpy(&a, &mica.loaded[i], 4);
          std::memcpy(&b, &want.loaded[i], 4);
          if (i % 8 == 0) ones += a == 1.0f;
          const bool gathered = i % 8 > 4;
          const float tolerance = filter == VK_FILTER_LINEAR && !gathered ? 1.0f / 128 : 0.0f;
          if (!(std::fabs(a - b) <= tolerance) && bad++ < 4)
            ADD_FAILURE() << "format " << format << " filter " << filter << " op " << op << " word " << i
                          << ": Mica " << a << ", lavapipe " << b;
        }
        // The sweep of references must give both outcomes, or the comparison was not exercised.
        EXPECT_GT(ones, 0u) << "format " << format;
        EXPECT_LT(ones, want.loaded.size() / 8) << "format " << format;
        ++compared;
      }
    }
  }
  std::printf("%u depth formats x filters x compare ops compared with lavapipe\n", compared);
  EXPECT_GE(compared, 12u);
}

}  // namespace
