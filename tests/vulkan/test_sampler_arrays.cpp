// Arrays of combined image samplers filled by vkUpdateDescriptorSets writes and copies, with a
// dozen samples in one block of one shader (shaders/sampler_arrays.comp), on Mica and on Mesa's
// lavapipe: every sampled value must be the host's and the two devices must agree. Regression test
// of CTS binding_model.descriptor_copy.compute.combined_image_sampler_array2, whose pipeline Mica
// refused (the scheduler's hoisted descriptor loads needed more SGPRs than register allocation
// could find; docs/vulkan.md "Issue-13 samples NR%20==8, 13, 18").
#include "vk_image_helpers.h"
#include "vk_test.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <array>
#include <cstring>
#include <memory>

namespace {

constexpr uint32_t kImages = 12, kInvocations = 4, kArrayA = 4, kArrayB = 8;

// Texel t (row-major in the 2x2 image) of image k: exact in f32 and distinct everywhere.
float texel_value(uint32_t k, uint32_t t) { return float(100 * k + t) + 0.25f; }

// A 2x2 R32_SFLOAT image with its memory and view (vktest::Image), sampled after a transfer upload.
std::unique_ptr<vktest::Image> make_image(vkrun::Context& ctx) {
  vktest::ImageDesc desc;
  desc.format = VK_FORMAT_R32_SFLOAT;
  desc.extent = {2, 2, 1};
  desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  return std::make_unique<vktest::Image>(ctx, desc);
}

void image_barrier(VkCommandBuffer cb, VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src,
                   VkAccessFlags dst, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage) {
  VkImageMemoryBarrier ib{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  ib.srcAccessMask = src;
  ib.dstAccessMask = dst;
  ib.oldLayout = from;
  ib.newLayout = to;
  ib.srcQueueFamilyIndex = ib.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  ib.image = image;
  ib.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(cb, src_stage, dst_stage, 0, 0, nullptr, 0, nullptr, 1, &ib);
}

// Which image each of the shader's 12 samples must see after the writes and copies of run_on():
// a[j] was copied from the source set's b[4 + j] (images 8..11), b[j < 4] from its a[j] (images
// 0..3), b[4 + j] was written directly with image 7 - j.
std::array<uint32_t, kImages> expected_images() {
  std::array<uint32_t, kImages> m{};
  for (uint32_t j = 0; j < 4; j++) {
    m[j] = 8 + j;
    m[4 + j] = j;
    m[8 + j] = 7 - j;
  }
  return m;
}

// The program on one device: 12 images uploaded through a staging buffer, a source set written
// (a[j] = image j, b[j] = image 4 + j), the dispatched set filled by copies from it and writes.
std::vector<float> run_on(vkrun::Context& ctx, const std::vector<uint32_t>& spirv) {
  VkDevice dev = ctx.device();
  std::vector<std::unique_ptr<vktest::Image>> images;
  for (uint32_t k = 0; k < kImages; k++) images.push_back(make_image(ctx));
  vkrun::Buffer staging = ctx.create_buffer(kImages * 16), out = ctx.create_buffer(kInvocations * kImages * 4);
  for (uint32_t k = 0; k < kImages; k++)
    for (uint32_t t = 0; t < 4; t++) staging.data<float>()[k * 4 + t] = texel_value(k, t);
  std::memset(out.mapped, 0xff, out.size);

  const vktest::Sampler sampler(dev, vktest::sampler_info(VK_FILTER_NEAREST, VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE));

  const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kArrayA, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kArrayB, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
  VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 3, bindings};
  VkDescriptorSetLayout set_layout;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &set_layout), "vkCreateDescriptorSetLayout");
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, nullptr, 0, 1, &set_layout};
  VkPipelineLayout layout;
  vkrun::check(vkCreatePipelineLayout(dev, &plci, nullptr, &layout), "vkCreatePipelineLayout");
  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, nullptr, 0, spirv.size() * 4, spirv.data()};
  VkShaderModule module;
  vkrun::check(vkCreateShaderModule(dev, &smci, nullptr, &module), "vkCreateShaderModule");
  VkComputePipelineCreateInfo cpci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  cpci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module, "main"};
  cpci.layout = layout;
  VkPipeline pipeline;
  vkrun::check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline), "vkCreateComputePipelines");

  const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2 * kImages},
                                        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2}};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, nullptr, 0, 2, 2, sizes};
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(dev, &pci, nullptr, &pool), "vkCreateDescriptorPool");
  const VkDescriptorSetLayout two_layouts[] = {set_layout, set_layout};
  VkDescriptorSetAllocateInfo dai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 2, two_layouts};
  VkDescriptorSet sets[2];  // [0]: the source of the copies, [1]: dispatched
  vkrun::check(vkAllocateDescriptorSets(dev, &dai, sets), "vkAllocateDescriptorSets");

  std::vector<VkDescriptorImageInfo> infos(kImages);
  for (uint32_t k = 0; k < kImages; k++)
    infos[k] = {sampler, images[k]->view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  std::array<VkDescriptorImageInfo, 4> reversed{infos[7], infos[6], infos[5], infos[4]};
  const VkDescriptorBufferInfo out_info{out.buffer, 0, VK_WHOLE_SIZE};
  const VkWriteDescriptorSet writes[] = {
      {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, sets[0], 0, 0, kArrayA, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
       &infos[0]},
      {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, sets[0], 1, 0, kArrayB, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
       &infos[4]},
      {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, sets[1], 1, 4, 4, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
       reversed.data()},
      {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, sets[1], 2, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, nullptr,
       &out_info}};
  const VkCopyDescriptorSet copies[] = {
      {VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, nullptr, sets[0], 1, 4, sets[1], 0, 0, 4},   // a[j] = src b[4 + j]
      {VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, nullptr, sets[0], 0, 0, sets[1], 1, 0, 4}};  // b[j] = src a[j]
  vkUpdateDescriptorSets(dev, 4, writes, 2, copies);

  ctx.run([&](VkCommandBuffer cb) {
    for (uint32_t k = 0; k < kImages; k++) {
      image_barrier(cb, images[k]->image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                    VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
      VkBufferImageCopy region{};
      region.bufferOffset = k * 16;
      region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      region.imageExtent = {2, 2, 1};
      vkCmdCopyBufferToImage(cb, staging.buffer, images[k]->image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
      image_barrier(cb, images[k]->image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                    VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    }
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &sets[1], 0, nullptr);
    vkCmdDispatch(cb, 1, 1, 1);
    vkrun::Context::barrier(cb);
  });
  std::vector<float> result(out.data<float>(), out.data<float>() + kInvocations * kImages);

  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyPipeline(dev, pipeline, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyPipelineLayout(dev, layout, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout, nullptr);
  ctx.destroy(staging);
  ctx.destroy(out);
  return result;
}

TEST(SamplerArrays, CopiedAndWrittenDescriptorsTwelveSamplesInOneBlock) {
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("sampler_arrays.spv"));
  ASSERT_FALSE(spirv.empty());
  vkrun::Context mica("Mica");
  const std::vector<float> got = run_on(mica, spirv);
  const std::array<uint32_t, kImages> img = expected_images();
  for (uint32_t i = 0; i < kInvocations; i++)
    for (uint32_t s = 0; s < kImages; s++)
      EXPECT_EQ(got[i * kImages + s], texel_value(img[s], i)) << "invocation " << i << " sample " << s;

  std::unique_ptr<vkrun::Context> lvp;
  try {
    lvp = std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    GTEST_SKIP() << "lavapipe is not available as the reference";
  }
  const std::vector<float> want = run_on(*lvp, spirv);
  for (size_t k = 0; k < want.size(); k++) EXPECT_EQ(got[k], want[k]) << "output " << k << ": Mica vs lavapipe";
}

}  // namespace
