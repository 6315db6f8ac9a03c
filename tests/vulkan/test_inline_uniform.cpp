// Inline uniform blocks (VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, Vulkan 1.3): limits, pool
// accounting, writes (including the consecutive-binding rule), copies and update templates, and
// the shader reading the bytes as a uniform block.
#include "vk_test.h"

#include <array>
#include <cstring>

namespace {

using vktest::make_pipeline;
using vktest::submit_and_wait;

constexpr uint32_t kBlock1Bytes = 32, kBlock2Bytes = 16;

TEST(VkInlineUniformBlock, AdvertisedWithHonestLimits) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceInlineUniformBlockFeatures iubf{};
  iubf.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_FEATURES;
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.pNext = &iubf;
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = &f13;
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f);
  EXPECT_EQ(f13.inlineUniformBlock, VK_TRUE);
  EXPECT_EQ(iubf.inlineUniformBlock, VK_TRUE);
  EXPECT_EQ(iubf.descriptorBindingInlineUniformBlockUpdateAfterBind, VK_FALSE);

  VkPhysicalDeviceInlineUniformBlockProperties iubp{};
  iubp.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_PROPERTIES;
  VkPhysicalDeviceVulkan13Properties p13{};
  p13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;
  p13.pNext = &iubp;
  VkPhysicalDeviceProperties2 p{};
  p.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  p.pNext = &p13;
  vkGetPhysicalDeviceProperties2(ctx->physical(), &p);
  // Vulkan 1.3 minimums, and both structures agree.
  EXPECT_GE(p13.maxInlineUniformBlockSize, 256u);
  EXPECT_GE(p13.maxPerStageDescriptorInlineUniformBlocks, 4u);
  EXPECT_GE(p13.maxDescriptorSetInlineUniformBlocks, 4u);
  EXPECT_GE(p13.maxInlineUniformTotalSize, 256u);
  EXPECT_EQ(iubp.maxInlineUniformBlockSize, p13.maxInlineUniformBlockSize);
  EXPECT_EQ(iubp.maxDescriptorSetInlineUniformBlocks, p13.maxDescriptorSetInlineUniformBlocks);

  // A block of the maximum size is supported, a larger one is not.
  VkDescriptorSetLayoutBinding b{0, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, p13.maxInlineUniformBlockSize,
                                 VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  ci.bindingCount = 1;
  ci.pBindings = &b;
  VkDescriptorSetLayoutSupport support{};
  support.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_SUPPORT;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &ci, &support);
  EXPECT_EQ(support.supported, VK_TRUE);
}

// A pool sized for inline uniform blocks and sets of the test layout.
struct InlinePool {
  VkDevice device;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  // Room for 'sets' sets, 'max_blocks' block bindings and the bytes of 'byte_sets' sets' blocks.
  InlinePool(VkDevice dev, uint32_t sets, uint32_t max_blocks, uint32_t byte_sets) : device(dev) {
    VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets},
                                    {VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, byte_sets * (kBlock1Bytes + kBlock2Bytes)}};
    VkDescriptorPoolInlineUniformBlockCreateInfo iub{};
    iub.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO;
    iub.maxInlineUniformBlockBindings = max_blocks;
    VkDescriptorPoolCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    pci.pNext = &iub;
    pci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pci.maxSets = sets;
    pci.poolSizeCount = 2;
    pci.pPoolSizes = sizes;
    vkrun::check(vkCreateDescriptorPool(dev, &pci, nullptr, &pool), "vkCreateDescriptorPool");
  }
  ~InlinePool() { vkDestroyDescriptorPool(device, pool, nullptr); }
  VkResult allocate(VkDescriptorSetLayout layout, VkDescriptorSet* set) {
    VkDescriptorSetAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    ai.descriptorPool = pool;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &layout;
    return vkAllocateDescriptorSets(device, &ai, set);
  }
};

std::unique_ptr<vktest::TestPipeline> inline_pipeline(VkDevice dev) {
  // make_pipeline gives one element per binding; inline blocks need their byte size instead, so
  // its uniform-buffer layout is replaced (the shader module is kept).
  auto p = make_pipeline(dev, "inline_block.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER},
                           {2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER}}},
                         0);
  EXPECT_EQ(p->create_result, VK_SUCCESS);
  vkDestroyPipeline(dev, p->pipeline, nullptr);
  vkDestroyPipelineLayout(dev, p->layout, nullptr);
  vkDestroyDescriptorSetLayout(dev, p->set_layouts[0], nullptr);
  const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {1, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, kBlock1Bytes, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {2, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, kBlock2Bytes, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
  VkDescriptorSetLayoutCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  ci.bindingCount = 3;
  ci.pBindings = bindings;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &ci, nullptr, &p->set_layouts[0]), "vkCreateDescriptorSetLayout");
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = p->set_layouts.data();
  vkrun::check(vkCreatePipelineLayout(dev, &plci, nullptr, &p->layout), "vkCreatePipelineLayout");
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = p->module;
  cpci.stage.pName = "main";
  cpci.layout = p->layout;
  p->create_result = vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cpci, nullptr, &p->pipeline);
  return p;
}

void write_storage(VkDevice dev, VkDescriptorSet set, const vkrun::Buffer& out) {
  VkDescriptorBufferInfo bi{out.buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.dstBinding = 0;
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = &bi;
  vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);
}

void write_inline(VkDevice dev, VkDescriptorSet set, uint32_t binding, uint32_t offset, const void* data,
                  uint32_t bytes) {
  VkWriteDescriptorSetInlineUniformBlock iub{};
  iub.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK;
  iub.dataSize = bytes;
  iub.pData = data;
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.pNext = &iub;
  w.dstSet = set;
  w.dstBinding = binding;
  w.dstArrayElement = offset;
  w.descriptorCount = bytes;
  w.descriptorType = VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK;
  vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);
}

std::array<uint32_t, 12> run(vkrun::Context& ctx, const vktest::TestPipeline& p, VkDescriptorSet set,
                             vkrun::Buffer& out) {
  std::memset(out.mapped, 0xee, out.size);
  EXPECT_EQ(submit_and_wait(ctx, [&](VkCommandBuffer cb) {
              vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
              vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &set, 0, nullptr);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);
  std::array<uint32_t, 12> v;
  std::memcpy(v.data(), out.mapped, sizeof v);
  return v;
}

TEST(VkInlineUniformBlock, WritesCopiesAndTemplatesReachTheShader) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = inline_pipeline(dev);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  InlinePool pool(dev, 3, 6, 3);
  VkDescriptorSet a, b, c;
  ASSERT_EQ(pool.allocate(p->set_layouts[0], &a), VK_SUCCESS);
  ASSERT_EQ(pool.allocate(p->set_layouts[0], &b), VK_SUCCESS);
  ASSERT_EQ(pool.allocate(p->set_layouts[0], &c), VK_SUCCESS);
  vkrun::Buffer out = ctx->create_buffer(64);
  for (VkDescriptorSet s : {a, b, c}) write_storage(dev, s, out);

  // Set a: block 1 = 1..8, then a 16-byte write at byte 24 of block 1 that continues into block 2
  // (consecutive binding updates): block 1 words 6, 7 = 107, 108; block 2 words 0, 1 = 109, 110.
  const uint32_t block1[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  write_inline(dev, a, 1, 0, block1, sizeof block1);
  const uint32_t spill[4] = {107, 108, 109, 110};
  write_inline(dev, a, 1, 24, spill, sizeof spill);
  const uint32_t tail[2] = {111, 112};
  write_inline(dev, a, 2, 8, tail, sizeof tail);
  auto v = run(*ctx, *p, a, out);
  const std::array<uint32_t, 12> want_a = {1, 2, 3, 4, 5, 6, 107, 108, 109, 110, 111, 112};
  EXPECT_EQ(v, want_a);

  // Set b starts zeroed; copy bytes 4..12 of a's block 1 to b's block 1 at byte 16.
  VkCopyDescriptorSet copy{};
  copy.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET;
  copy.srcSet = a;
  copy.srcBinding = 1;
  copy.srcArrayElement = 4;
  copy.dstSet = b;
  copy.dstBinding = 1;
  copy.dstArrayElement = 16;
  copy.descriptorCount = 8;
  vkUpdateDescriptorSets(dev, 0, nullptr, 1, &copy);
  v = run(*ctx, *p, b, out);
  const std::array<uint32_t, 12> want_b = {0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(v, want_b);

  // Set c through an update template: the storage buffer, all of block 2, and 8 bytes of block 1.
  struct Data {
    VkDescriptorBufferInfo buffer;
    uint32_t block2[4];
    uint32_t block1_part[2];
  } data{{out.buffer, 0, VK_WHOLE_SIZE}, {21, 22, 23, 24}, {31, 32}};
  const VkDescriptorUpdateTemplateEntry entries[] = {
      {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(Data, buffer), sizeof(VkDescriptorBufferInfo)},
      {2, 0, kBlock2Bytes, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, offsetof(Data, block2), 0},
      {1, 8, 8, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, offsetof(Data, block1_part), 0}};
  VkDescriptorUpdateTemplateCreateInfo tci{};
  tci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO;
  tci.descriptorUpdateEntryCount = 3;
  tci.pDescriptorUpdateEntries = entries;
  tci.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
  tci.descriptorSetLayout = p->set_layouts[0];
  VkDescriptorUpdateTemplate t;
  VK_OK(vkCreateDescriptorUpdateTemplate(dev, &tci, nullptr, &t));
  vkUpdateDescriptorSetWithTemplate(dev, c, t, &data);
  vkDestroyDescriptorUpdateTemplate(dev, t, nullptr);
  v = run(*ctx, *p, c, out);
  const std::array<uint32_t, 12> want_c = {0, 0, 31, 32, 0, 0, 0, 0, 21, 22, 23, 24};
  EXPECT_EQ(v, want_c);

  // Sets own their bytes: a is unchanged by everything done to b and c.
  v = run(*ctx, *p, a, out);
  EXPECT_EQ(v, want_a);
  ctx->destroy(out);
}

TEST(VkInlineUniformBlock, PoolAccountsForBlocksAndBytes) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = inline_pipeline(dev);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  {
    // Room for the bytes of two sets, but only three block bindings: the second set does not fit.
    InlinePool pool(dev, 2, 3, 2);
    VkDescriptorSet s1, s2;
    ASSERT_EQ(pool.allocate(p->set_layouts[0], &s1), VK_SUCCESS);
    EXPECT_EQ(pool.allocate(p->set_layouts[0], &s2), VK_ERROR_OUT_OF_POOL_MEMORY);
    // Freeing the first set gives its blocks and bytes back.
    VK_OK(vkFreeDescriptorSets(dev, pool.pool, 1, &s1));
    EXPECT_EQ(pool.allocate(p->set_layouts[0], &s2), VK_SUCCESS);
    VK_OK(vkResetDescriptorPool(dev, pool.pool, 0));
    EXPECT_EQ(pool.allocate(p->set_layouts[0], &s1), VK_SUCCESS);
  }
  {
    // Sets and block bindings for two, bytes for one.
    InlinePool pool(dev, 2, 4, 1);
    VkDescriptorSet s1, s2;
    ASSERT_EQ(pool.allocate(p->set_layouts[0], &s1), VK_SUCCESS);
    EXPECT_EQ(pool.allocate(p->set_layouts[0], &s2), VK_ERROR_OUT_OF_POOL_MEMORY);
  }
}

}  // namespace
