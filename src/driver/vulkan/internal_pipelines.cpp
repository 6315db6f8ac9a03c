#include "internal_pipelines.h"
#include "descriptor_layout.h"
#include "device.h"
#include "pipeline.h"

#include <iterator>

namespace mica::vk {
namespace {

// SPIR-V of shaders/statistics.comp, compiled by glslangValidator at build time.
#include "statistics.spv.h"

}  // namespace

VkResult statistics_pipeline(Device& device, std::shared_ptr<ComputePipeline>& out) {
  std::lock_guard lock(device.internal_mutex);
  if (device.statistics_pipeline) {
    out = device.statistics_pipeline;
    return VK_SUCCESS;
  }
  VkDescriptorSetLayoutBinding bindings[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 2;
  lci.pBindings = bindings;
  std::unique_ptr<DescriptorSetLayout> set_layout;
  VkResult r = DescriptorSetLayout::create(lci, set_layout);
  if (r != VK_SUCCESS) return r;
  DescriptorSetLayoutHandle handle;
  handle.layout = std::move(set_layout);
  VkDescriptorSetLayout set_handle = to_handle<VkDescriptorSetLayout>(&handle);
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(StatisticsPush)};
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_handle;
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  std::unique_ptr<PipelineLayout> layout;
  r = PipelineLayout::create(plci, layout);
  if (r != VK_SUCCESS) return r;
  ComputePipeline::Source src;
  src.spirv.assign(std::begin(mica_statistics_spv), std::end(mica_statistics_spv));
  src.entry_point = "main";
  std::shared_ptr<ComputePipeline> pipeline;
  r = ComputePipeline::create(device, std::move(src), std::move(layout), nullptr, false, pipeline);
  if (r != VK_SUCCESS) return r;
  device.statistics_pipeline = pipeline;
  out = std::move(pipeline);
  return VK_SUCCESS;
}

}  // namespace mica::vk
