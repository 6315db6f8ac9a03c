// Image instructions end to end: the compiler's image instructions (spirv_image.cpp), the driver's
// image, sampler and texel-buffer descriptors (texture_descriptors.cpp) and the device's texture
// unit, compared with Mesa's lavapipe running the same program on the same inputs
// (shaders/image_ops.comp): storage image stores (RGBA8_UNORM, within 1 of lavapipe where the
// float -> UNORM rounding may differ), atomics on R32_UINT (exact), loads of RGBA32F (exact),
// explicit-LOD sampling with linear filtering across two levels (within 1/64: filtering precision is
// implementation-defined, at least 4 sub-texel bits), nearest sampling with REPEAT, gathers with and
// without offsets, fetches, uniform texel buffers (exact), storage texel buffers (exact), size and
// level queries (exact).
#include "vk_test.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

namespace {

constexpr uint32_t kOutSlots = 8, kInvocations = 64;

struct Img {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;
};

// The aspect a view, copy or query of the format uses (depth formats are sampled through their
// depth aspect, S8_UINT through its stencil aspect), and every aspect of it (for barriers).
VkImageAspectFlags aspect_of(VkFormat f) {
  switch (f) {
  case VK_FORMAT_D16_UNORM:
  case VK_FORMAT_X8_D24_UNORM_PACK32:
  case VK_FORMAT_D32_SFLOAT:
  case VK_FORMAT_D16_UNORM_S8_UINT:
  case VK_FORMAT_D24_UNORM_S8_UINT:
  case VK_FORMAT_D32_SFLOAT_S8_UINT:
    return VK_IMAGE_ASPECT_DEPTH_BIT;
  case VK_FORMAT_S8_UINT:
    return VK_IMAGE_ASPECT_STENCIL_BIT;
  default:
    return VK_IMAGE_ASPECT_COLOR_BIT;
  }
}
VkImageAspectFlags all_aspects_of(VkFormat f) {
  if (f == VK_FORMAT_D16_UNORM_S8_UINT || f == VK_FORMAT_D24_UNORM_S8_UINT || f == VK_FORMAT_D32_SFLOAT_S8_UINT)
    return VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT;
  return aspect_of(f);
}

Img make_image(vkrun::Context& ctx, VkFormat format, VkExtent3D extent, uint32_t levels, VkImageUsageFlags usage) {
  VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  ci.imageType = VK_IMAGE_TYPE_2D;
  ci.format = format;
  ci.extent = extent;
  ci.mipLevels = levels;
  ci.arrayLayers = 1;
  ci.samples = VK_SAMPLE_COUNT_1_BIT;
  ci.tiling = VK_IMAGE_TILING_OPTIMAL;
  ci.usage = usage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  Img t;
  vkrun::check(vkCreateImage(ctx.device(), &ci, nullptr, &t.image), "vkCreateImage");
  VkMemoryRequirements mr;
  vkGetImageMemoryRequirements(ctx.device(), t.image, &mr);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, nullptr, mr.size, ctx.host_visible_type(mr.memoryTypeBits)};
  vkrun::check(vkAllocateMemory(ctx.device(), &ai, nullptr, &t.memory), "vkAllocateMemory");
  vkBindImageMemory(ctx.device(), t.image, t.memory, 0);
  VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  vi.image = t.image;
  vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
  vi.format = format;
  vi.subresourceRange = {aspect_of(format), 0, levels, 0, 1};
  vkrun::check(vkCreateImageView(ctx.device(), &vi, nullptr, &t.view), "vkCreateImageView");
  return t;
}

void destroy(vkrun::Context& ctx, Img& t) {
  vkDestroyImageView(ctx.device(), t.view, nullptr);
  vkDestroyImage(ctx.device(), t.image, nullptr);
  vkFreeMemory(ctx.device(), t.memory, nullptr);
}

VkSampler make_sampler(VkDevice dev, VkFilter filter, VkSamplerMipmapMode mip, VkSamplerAddressMode mode) {
  VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  si.magFilter = si.minFilter = filter;
  si.mipmapMode = mip;
  si.addressModeU = si.addressModeV = si.addressModeW = mode;
  si.maxLod = VK_LOD_CLAMP_NONE;
  VkSampler s;
  vkrun::check(vkCreateSampler(dev, &si, nullptr, &s), "vkCreateSampler");
  return s;
}

void memory_barrier(VkCommandBuffer cb) {
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER, nullptr, VK_ACCESS_MEMORY_WRITE_BIT,
                     VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT};
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 1, &mb, 0, nullptr,
                       0, nullptr);
}

void to_general(VkCommandBuffer cb, VkImage image, VkImageAspectFlags aspects = VK_IMAGE_ASPECT_COLOR_BIT) {
  VkImageMemoryBarrier ib{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  ib.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  ib.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  ib.newLayout = VK_IMAGE_LAYOUT_GENERAL;
  ib.srcQueueFamilyIndex = ib.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  ib.image = image;
  ib.subresourceRange = {aspects, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS};
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr,
                       1, &ib);
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

  Img wimg = make_image(ctx, VK_FORMAT_R8G8B8A8_UNORM, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT);
  Img counters = make_image(ctx, VK_FORMAT_R32_UINT, {4, 1, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT);
  Img lin = make_image(ctx, VK_FORMAT_R8G8B8A8_UNORM, {4, 4, 1}, 2, VK_IMAGE_USAGE_SAMPLED_BIT);
  Img rimg = make_image(ctx, VK_FORMAT_R32G32B32A32_SFLOAT, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT);
  VkSampler linear = make_sampler(dev, VK_FILTER_LINEAR, VK_SAMPLER_MIPMAP_MODE_LINEAR,
                                  VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE);
  VkSampler nearest = make_sampler(dev, VK_FILTER_NEAREST, VK_SAMPLER_MIPMAP_MODE_NEAREST, VK_SAMPLER_ADDRESS_MODE_REPEAT);
  VkBufferView tb_view, sb_view;
  VkBufferViewCreateInfo bvi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO, nullptr, 0, tb.buffer, VK_FORMAT_R8G8B8A8_UINT,
                             0, VK_WHOLE_SIZE};
  vkrun::check(vkCreateBufferView(dev, &bvi, nullptr, &tb_view), "vkCreateBufferView");
  bvi.buffer = sb.buffer;
  bvi.format = VK_FORMAT_R32_SFLOAT;
  vkrun::check(vkCreateBufferView(dev, &bvi, nullptr, &sb_view), "vkCreateBufferView");

  const VkShaderStageFlags C = VK_SHADER_STAGE_COMPUTE_BIT;
  VkDescriptorSetLayoutBinding b[8] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
      {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, C, nullptr},
      {3, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, C, &nearest},  // an immutable sampler
      {4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, C, nullptr},
      {5, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
      {6, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, C, nullptr},
      {7, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, C, nullptr}};
  VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 8, b};
  VkDescriptorSetLayout set_layout;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &li, nullptr, &set_layout), "vkCreateDescriptorSetLayout");
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 3}, {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2},
                                  {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1},
                                  {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1}, {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1}};
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, nullptr, 0, 1, 5, sizes};
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(dev, &pi, nullptr, &pool), "vkCreateDescriptorPool");
  VkDescriptorSetAllocateInfo sa{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 1, &set_layout};
  VkDescriptorSet set;
  vkrun::check(vkAllocateDescriptorSets(dev, &sa, &set), "vkAllocateDescriptorSets");
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  VkDescriptorImageInfo ii[5] = {{VK_NULL_HANDLE, wimg.view, G}, {VK_NULL_HANDLE, counters.view, G},
                                 {linear, lin.view, G}, {VK_NULL_HANDLE, lin.view, G}, {VK_NULL_HANDLE, rimg.view, G}};
  VkDescriptorBufferInfo bi{out.buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w[8];
  for (uint32_t i = 0; i < 8; ++i)
    w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, set, i, 0, 1, b[i].descriptorType, nullptr, nullptr, nullptr};
  w[0].pImageInfo = &ii[0];
  w[1].pImageInfo = &ii[1];
  w[2].pImageInfo = &ii[2];
  w[3].pImageInfo = &ii[3];
  w[4].pTexelBufferView = &tb_view;
  w[5].pImageInfo = &ii[4];
  w[6].pTexelBufferView = &sb_view;
  w[7].pBufferInfo = &bi;
  vkUpdateDescriptorSets(dev, 8, w, 0, nullptr);

  VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, nullptr, 0, spirv.size() * 4, spirv.data()};
  VkShaderModule module;
  vkrun::check(vkCreateShaderModule(dev, &mi, nullptr, &module), "vkCreateShaderModule");
  VkPipelineLayoutCreateInfo pli{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, nullptr, 0, 1, &set_layout};
  VkPipelineLayout pipeline_layout;
  vkrun::check(vkCreatePipelineLayout(dev, &pli, nullptr, &pipeline_layout), "vkCreatePipelineLayout");
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module, "main"};
  ci.layout = pipeline_layout;
  VkPipeline pipeline;
  vkrun::check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), "vkCreateComputePipelines");

  ctx.run([&](VkCommandBuffer cb) {
    for (VkImage image : {wimg.image, counters.image, lin.image, rimg.image}) to_general(cb, image);
    VkBufferImageCopy up[3] = {{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {4, 4, 1}},
                               {64, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 0, 1}, {0, 0, 0}, {2, 2, 1}},
                               {256, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {8, 8, 1}}};
    vkCmdCopyBufferToImage(cb, staging.buffer, lin.image, G, 2, up);
    vkCmdCopyBufferToImage(cb, staging.buffer, rimg.image, G, 1, &up[2]);
    VkClearColorValue zero{};
    VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cb, counters.image, G, &zero, 1, &all);
    vkCmdClearColorImage(cb, wimg.image, G, &zero, 1, &all);
    memory_barrier(cb);
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1, &set, 0, nullptr);
    vkCmdDispatch(cb, 1, 1, 1);
    memory_barrier(cb);
    VkBufferImageCopy down[2] = {{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {8, 8, 1}},
                                 {256, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {4, 1, 1}}};
    vkCmdCopyImageToBuffer(cb, wimg.image, G, readback.buffer, 1, &down[0]);
    vkCmdCopyImageToBuffer(cb, counters.image, G, readback.buffer, 1, &down[1]);
  });

  Results r;
  r.out.assign(out.data<float>(), out.data<float>() + kInvocations * kOutSlots * 4);
  r.written.assign(readback.data<uint8_t>(), readback.data<uint8_t>() + 256);
  r.counters.assign(readback.data<uint32_t>() + 64, readback.data<uint32_t>() + 68);
  r.texel_buffer.assign(sb.data<float>(), sb.data<float>() + 64);

  vkDestroyPipeline(dev, pipeline, nullptr);
  vkDestroyPipelineLayout(dev, pipeline_layout, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout, nullptr);
  vkDestroyBufferView(dev, tb_view, nullptr);
  vkDestroyBufferView(dev, sb_view, nullptr);
  vkDestroySampler(dev, linear, nullptr);
  vkDestroySampler(dev, nearest, nullptr);
  for (Img* i : {&wimg, &counters, &lin, &rimg}) destroy(ctx, *i);
  for (vkrun::Buffer* x : {&staging, &tb, &sb, &out, &readback}) ctx.destroy(*x);
  return r;
}

TEST(VkImageShaders, MatchLavapipe) {
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("image_ops.spv"));
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
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
  Img img = make_image(ctx, VK_FORMAT_R32_SFLOAT, {8, 8, 1}, 1, VK_IMAGE_USAGE_STORAGE_BIT);
  VkBufferView buf_view;
  VkBufferViewCreateInfo bvi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO, nullptr, 0, buf.buffer, VK_FORMAT_R32_SFLOAT,
                             0, VK_WHOLE_SIZE};
  vkrun::check(vkCreateBufferView(dev, &bvi, nullptr, &buf_view), "vkCreateBufferView");
  const VkShaderStageFlags C = VK_SHADER_STAGE_COMPUTE_BIT;
  VkDescriptorSetLayoutBinding b[4] = {{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
                                       {1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, C, nullptr},
                                       {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, C, nullptr},
                                       {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, C, nullptr}};
  VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 4, b};
  VkDescriptorSetLayout set_layout;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &li, nullptr, &set_layout), "vkCreateDescriptorSetLayout");
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1}, {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1},
                                  {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2}};
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, nullptr, 0, 1, 3, sizes};
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(dev, &pi, nullptr, &pool), "vkCreateDescriptorPool");
  VkDescriptorSetAllocateInfo sa{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 1, &set_layout};
  VkDescriptorSet set;
  vkrun::check(vkAllocateDescriptorSets(dev, &sa, &set), "vkAllocateDescriptorSets");
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  VkDescriptorImageInfo ii{VK_NULL_HANDLE, img.view, G};
  VkDescriptorBufferInfo bi[2] = {{in.buffer, 0, VK_WHOLE_SIZE}, {out.buffer, 0, VK_WHOLE_SIZE}};
  VkWriteDescriptorSet w[4];
  for (uint32_t i = 0; i < 4; ++i)
    w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, set, i, 0, 1, b[i].descriptorType, nullptr, nullptr, nullptr};
  w[0].pImageInfo = &ii;
  w[1].pTexelBufferView = &buf_view;
  w[2].pBufferInfo = &bi[0];
  w[3].pBufferInfo = &bi[1];
  vkUpdateDescriptorSets(dev, 4, w, 0, nullptr);
  VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, nullptr, 0, spirv.size() * 4, spirv.data()};
  VkShaderModule module;
  vkrun::check(vkCreateShaderModule(dev, &mi, nullptr, &module), "vkCreateShaderModule");
  VkPipelineLayoutCreateInfo pli{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, nullptr, 0, 1, &set_layout};
  VkPipelineLayout pipeline_layout;
  vkrun::check(vkCreatePipelineLayout(dev, &pli, nullptr, &pipeline_layout), "vkCreatePipelineLayout");
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module, "main"};
  ci.layout = pipeline_layout;
  VkPipeline pipeline;
  vkrun::check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), "vkCreateComputePipelines");
  VkBufferImageCopy region{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {8, 8, 1}};
  ctx.run([&](VkCommandBuffer cb) {
    to_general(cb, img.image);
    vkCmdCopyBufferToImage(cb, staging.buffer, img.image, G, 1, &region);
    memory_barrier(cb);
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1, &set, 0, nullptr);
    vkCmdDispatch(cb, 1, 1, 1);
    memory_barrier(cb);
    vkCmdCopyImageToBuffer(cb, img.image, G, readback.buffer, 1, &region);
  });
  FloatAtomicsRun r;
  r.image.assign(readback.data<float>(), readback.data<float>() + 64);
  r.buf.assign(buf.data<float>(), buf.data<float>() + 64);
  r.out.assign(out.data<float>(), out.data<float>() + 64 * 4);
  vkDestroyPipeline(dev, pipeline, nullptr);
  vkDestroyPipelineLayout(dev, pipeline_layout, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout, nullptr);
  vkDestroyBufferView(dev, buf_view, nullptr);
  destroy(ctx, img);
  for (vkrun::Buffer* x : {&staging, &buf, &in, &out, &readback}) ctx.destroy(*x);
  return r;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }

// VK_EXT_shader_atomic_float on images: R32_SFLOAT reports STORAGE_IMAGE_ATOMIC and
// STORAGE_TEXEL_BUFFER_ATOMIC, the features say so, and the program (shaders/float_atomics.comp)
// gives lavapipe's bits wherever the result does not depend on the order of the lanes, the IEEE sums
// the host computes, and for shared exchanges a permutation of the values written.
TEST(VkImageShaders, FloatAtomicsMatchLavapipe) {
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
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

enum class Kind { f, u, i };

Kind kind_of(VkFormat f) {
  switch (f) {
#define U(x) case VK_FORMAT_##x:
    U(R8_UINT) U(R8G8_UINT) U(R8G8B8_UINT) U(B8G8R8_UINT) U(R8G8B8A8_UINT) U(B8G8R8A8_UINT) U(A8B8G8R8_UINT_PACK32)
    U(A2R10G10B10_UINT_PACK32) U(A2B10G10R10_UINT_PACK32) U(R16_UINT) U(R16G16_UINT) U(R16G16B16_UINT)
    U(R16G16B16A16_UINT) U(R32_UINT) U(R32G32_UINT) U(R32G32B32_UINT) U(R32G32B32A32_UINT) U(S8_UINT)
    return Kind::u;
    U(R8_SINT) U(R8G8_SINT) U(R8G8B8_SINT) U(B8G8R8_SINT) U(R8G8B8A8_SINT) U(B8G8R8A8_SINT) U(A8B8G8R8_SINT_PACK32)
    U(A2R10G10B10_SINT_PACK32) U(A2B10G10R10_SINT_PACK32) U(R16_SINT) U(R16G16_SINT) U(R16G16B16_SINT)
    U(R16G16B16A16_SINT) U(R32_SINT) U(R32G32_SINT) U(R32G32B32_SINT) U(R32G32B32A32_SINT)
    return Kind::i;
#undef U
  default:
    return Kind::f;
  }
}

struct FormatRun {
  std::vector<uint8_t> stored;  // dst's texels (8x8), as bytes
  std::vector<uint32_t> loaded; // src's texels through imageLoad, 64 x 4 words
};

// sampled: the program fetches and samples 'src' through a combined image sampler (binding 1; no
// binding 0) and writes two texels per invocation; otherwise it stores to 'dst' and loads 'src'.
// 'sampler' replaces the NEAREST sampler of a sampled run (a depth-compare sampler).
FormatRun run_format(vkrun::Context& ctx, const std::vector<uint32_t>& spirv, VkFormat format, uint32_t texel_bytes,
                     bool sampled = false, const VkSamplerCreateInfo* sampler = nullptr) {
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
  Img dst = make_image(ctx, format, {8, 8, 1}, 1, usage);
  Img src = make_image(ctx, format, {8, 8, 1}, 1, usage);
  VkSampler nearest = make_sampler(dev, VK_FILTER_NEAREST, VK_SAMPLER_MIPMAP_MODE_NEAREST,
                                   VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE);
  if (sampler) {
    vkDestroySampler(dev, nearest, nullptr);
    vkrun::check(vkCreateSampler(dev, sampler, nullptr, &nearest), "vkCreateSampler");
  }
  const VkShaderStageFlags C = VK_SHADER_STAGE_COMPUTE_BIT;
  VkDescriptorSetLayoutBinding b[3] = {{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
                                       {1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, C, nullptr},
                                       {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, C, nullptr}};
  if (sampled) b[1].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 2,
                                     sampled ? b + 1 : b};
  if (!sampled) li.bindingCount = 3;
  VkDescriptorSetLayout set_layout;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &li, nullptr, &set_layout), "vkCreateDescriptorSetLayout");
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 2}, {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
                                  {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1}};
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, nullptr, 0, 1, 3, sizes};
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(dev, &pi, nullptr, &pool), "vkCreateDescriptorPool");
  VkDescriptorSetAllocateInfo sa{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 1, &set_layout};
  VkDescriptorSet set;
  vkrun::check(vkAllocateDescriptorSets(dev, &sa, &set), "vkAllocateDescriptorSets");
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  VkDescriptorImageInfo ii[2] = {{VK_NULL_HANDLE, dst.view, G}, {sampled ? nearest : VK_NULL_HANDLE, src.view, G}};
  VkDescriptorBufferInfo bi{out.buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w[3];
  for (uint32_t i = 0; i < 3; ++i)
    w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, set, i, 0, 1, b[i].descriptorType, nullptr, nullptr, nullptr};
  w[0].pImageInfo = &ii[0];
  w[1].pImageInfo = &ii[1];
  w[2].pBufferInfo = &bi;
  w[1].descriptorType = b[1].descriptorType;
  if (sampled)
    vkUpdateDescriptorSets(dev, 2, w + 1, 0, nullptr);
  else
    vkUpdateDescriptorSets(dev, 3, w, 0, nullptr);
  VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, nullptr, 0, spirv.size() * 4, spirv.data()};
  VkShaderModule module;
  vkrun::check(vkCreateShaderModule(dev, &mi, nullptr, &module), "vkCreateShaderModule");
  VkPipelineLayoutCreateInfo pli{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, nullptr, 0, 1, &set_layout};
  VkPipelineLayout pipeline_layout;
  vkrun::check(vkCreatePipelineLayout(dev, &pli, nullptr, &pipeline_layout), "vkCreatePipelineLayout");
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module, "main"};
  ci.layout = pipeline_layout;
  VkPipeline pipeline;
  vkrun::check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), "vkCreateComputePipelines");
  ctx.run([&](VkCommandBuffer cb) {
    to_general(cb, dst.image, all_aspects_of(format));
    to_general(cb, src.image, all_aspects_of(format));
    VkBufferImageCopy region{0, 0, 0, {aspect_of(format), 0, 0, 1}, {0, 0, 0}, {8, 8, 1}};
    vkCmdCopyBufferToImage(cb, staging.buffer, src.image, G, 1, &region);
    memory_barrier(cb);
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1, &set, 0, nullptr);
    vkCmdDispatch(cb, 1, 1, 1);
    memory_barrier(cb);
    vkCmdCopyImageToBuffer(cb, dst.image, G, readback.buffer, 1, &region);
  });
  FormatRun r;
  r.stored.assign(readback.data<uint8_t>(), readback.data<uint8_t>() + 64 * texel_bytes);
  r.loaded.assign(out.data<uint32_t>(), out.data<uint32_t>() + 64 * 4 * (sampled ? 2 : 1));
  vkDestroySampler(dev, nearest, nullptr);
  vkDestroyPipeline(dev, pipeline, nullptr);
  vkDestroyPipelineLayout(dev, pipeline_layout, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout, nullptr);
  destroy(ctx, dst);
  destroy(ctx, src);
  for (vkrun::Buffer* x : {&staging, &out, &readback}) ctx.destroy(*x);
  return r;
}

// Texel bytes of a format, from its memory requirements on Mica (linear layout: 64 texels, 8x8).
uint32_t texel_bytes(vkrun::Context& ctx, VkFormat format) {
  VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  ci.imageType = VK_IMAGE_TYPE_2D;
  ci.format = format;
  ci.extent = {8, 8, 1};
  ci.mipLevels = ci.arrayLayers = 1;
  ci.samples = VK_SAMPLE_COUNT_1_BIT;
  ci.tiling = VK_IMAGE_TILING_LINEAR;
  ci.usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  VkImage image;
  vkrun::check(vkCreateImage(ctx.device(), &ci, nullptr, &image), "vkCreateImage");
  VkImageSubresource sub{aspect_of(format), 0, 0};
  VkSubresourceLayout layout{};
  vkGetImageSubresourceLayout(ctx.device(), image, &sub, &layout);
  vkDestroyImage(ctx.device(), image, nullptr);
  return uint32_t(layout.rowPitch / 8);
}

// Every format both devices can use as a storage image: the same stores (values chosen per class,
// some out of the normalized range to exercise clamping) and loads of the same random texels must
// give the same bytes and values; normalized stores may differ by one unit in a byte (the spec lets
// the rounding go either way), NaNs match NaNs.
TEST(VkImageShaders, FormatsMatchLavapipe) {
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
  auto ctx = vktest::make_context();
  const std::vector<uint32_t> spv[3] = {vkrun::read_spirv(vkrun::spv_path("format_store_f.spv")),
                                        vkrun::read_spirv(vkrun::spv_path("format_store_u.spv")),
                                        vkrun::read_spirv(vkrun::spv_path("format_store_i.spv"))};
  unsigned compared = 0, failed_formats = 0;
  for (int f = 1; f <= int(VK_FORMAT_ASTC_12x12_SRGB_BLOCK); ++f) {
    const VkFormat format = VkFormat(f);
    VkFormatProperties mp{}, lp{};
    vkGetPhysicalDeviceFormatProperties(ctx->physical(), format, &mp);
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), format, &lp);
    const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_SRC_BIT |
                                      VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
    if ((mp.optimalTilingFeatures & need) != need || (lp.optimalTilingFeatures & need) != need) continue;
    const uint32_t bytes = texel_bytes(*ctx, format);
    const Kind k = kind_of(format);
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
      if (d > (k == Kind::f ? 1 : 0) && bad++ < 3)
        ADD_FAILURE() << "format " << f << " stored byte " << i << ": Mica " << int(mica.stored[i]) << ", lavapipe "
                      << int(want.stored[i]);
    }
    for (size_t i = 0; i < want.loaded.size(); ++i) {
      bool same = mica.loaded[i] == want.loaded[i];
      if (!same && k == Kind::f) {
        float a, b2;
        std::memcpy(&a, &mica.loaded[i], 4);
        std::memcpy(&b2, &want.loaded[i], 4);
        same = (std::isnan(a) && std::isnan(b2)) || std::fabs(a - b2) <= 1e-6f * std::max(1.0f, std::fabs(b2));
      }
      if (!same && bad++ < 6)
        ADD_FAILURE() << "format " << f << " loaded word " << i << ": Mica 0x" << std::hex << mica.loaded[i]
                      << ", lavapipe 0x" << want.loaded[i] << std::dec;
    }
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
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
  auto ctx = vktest::make_context();
  const std::vector<uint32_t> spv[3] = {vkrun::read_spirv(vkrun::spv_path("format_fetch_f.spv")),
                                        vkrun::read_spirv(vkrun::spv_path("format_fetch_u.spv")),
                                        vkrun::read_spirv(vkrun::spv_path("format_fetch_i.spv"))};
  unsigned compared = 0, failed_formats = 0;
  for (int f = 1; f <= int(VK_FORMAT_ASTC_12x12_SRGB_BLOCK); ++f) {
    const VkFormat format = VkFormat(f);
    VkFormatProperties mp{}, lp{};
    vkGetPhysicalDeviceFormatProperties(ctx->physical(), format, &mp);
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), format, &lp);
    const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
    if ((mp.optimalTilingFeatures & need) != need || (lp.optimalTilingFeatures & need) != need) continue;
    const uint32_t bytes = texel_bytes(*ctx, format);
    const Kind k = kind_of(format);
    const FormatRun mica = run_format(*ctx, spv[int(k)], format, bytes, true);
    const FormatRun want = run_format(*lvp, spv[int(k)], format, bytes, true);
    ++compared;
    unsigned bad = 0;
    for (size_t i = 0; i < want.loaded.size(); ++i) {
      bool same = mica.loaded[i] == want.loaded[i];
      if (!same && k == Kind::f) {
        float a, b2;
        std::memcpy(&a, &mica.loaded[i], 4);
        std::memcpy(&b2, &want.loaded[i], 4);
        // Samples go through lavapipe's texture path, which expands narrow UNORM components to 8
        // bits first: within 1/255 (the spec allows filtering its own precision); fetches exact.
        // sRGB: llvmpipe decodes with an approximation (about 0.5% off the spec's formula, which Mica
        // evaluates exactly), so those compare within 1%.
        const bool srgb = format == VK_FORMAT_R8_SRGB || format == VK_FORMAT_R8G8_SRGB ||
                          format == VK_FORMAT_R8G8B8_SRGB || format == VK_FORMAT_B8G8R8_SRGB ||
                          format == VK_FORMAT_R8G8B8A8_SRGB || format == VK_FORMAT_B8G8R8A8_SRGB ||
                          format == VK_FORMAT_A8B8G8R8_SRGB_PACK32;
        // BC1-BC5: lavapipe decodes blocks to 8-bit UNORM/SNORM values (565 endpoints expanded
        // by bit replication, palettes interpolated in integers), Mica decodes exactly as the
        // data format spec's real-valued palettes: within 2/255 (UNORM) or 2/127 (SNORM); sRGB
        // blocks within 1% after decoding.
        const bool bc = format >= VK_FORMAT_BC1_RGB_UNORM_BLOCK && format <= VK_FORMAT_BC5_SNORM_BLOCK;
        const bool bc_srgb = bc && (format == VK_FORMAT_BC1_RGB_SRGB_BLOCK || format == VK_FORMAT_BC1_RGBA_SRGB_BLOCK ||
                                    format == VK_FORMAT_BC2_SRGB_BLOCK || format == VK_FORMAT_BC3_SRGB_BLOCK);
        const bool bc_snorm = format == VK_FORMAT_BC4_SNORM_BLOCK || format == VK_FORMAT_BC5_SNORM_BLOCK;
        const float tolerance = bc_srgb ? 0.01f
                                : bc_snorm ? 2.0f / 127
                                : bc       ? 2.0f / 255
                                : srgb     ? 0.01f
                                : i / 4 % 2 ? 1.0f / 255
                                           : 1e-6f;
        same = (std::isnan(a) && std::isnan(b2)) || std::fabs(a - b2) <= tolerance * std::max(1.0f, std::fabs(b2));
      }
      if (!same && bad++ < 4)
        ADD_FAILURE() << "format " << f << (i / 4 % 2 ? " sampled" : " fetched") << " word " << i << ": Mica 0x"
                      << std::hex << mica.loaded[i] << ", lavapipe 0x" << want.loaded[i] << std::dec;
    }
    failed_formats += bad != 0;
  }
  std::printf("%u sampled formats compared with lavapipe, %u differ\n", compared, failed_formats);
  EXPECT_GE(compared, 40u);
  EXPECT_EQ(failed_formats, 0u);
}

// Depth-compare sampling (sampler2DShadow, OpImageSampleDrefExplicitLod) and gathers
// (OpImageDrefGather) of every depth format both devices sample, NEAREST and LINEAR, with two
// compare ops: NEAREST results (0 or 1) and gathers exactly, LINEAR samples (the four comparisons
// filtered) within 1/128 (lavapipe weights in 8 bits).
TEST(VkImageShaders, DepthCompareMatchesLavapipe) {
  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
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
