#include "vk_test.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iterator>

namespace vktest {

void CheckedContextDeleter::operator()(vkrun::Context* ctx) const {
  EXPECT_EQ(ctx->validation_messages(), 0u) << "the validation layer reported problems (see stderr)";
  std::unique_ptr<vkrun::Context> owned(ctx);
}

ContextPtr make_context(bool robust_buffer_access, bool robust_buffer_access2) {
  const char* v = std::getenv("MICA_VK_VALIDATION");
  return ContextPtr(
      std::make_unique<vkrun::Context>("Mica", v && *v == '1', robust_buffer_access, robust_buffer_access2).release());
}

vkrun::Buffer usage_buffer(vkrun::Context& ctx, VkDeviceSize bytes, VkBufferUsageFlags usage, VkDevice dev) {
  if (!dev) dev = ctx.device();
  vkrun::Buffer b;
  b.size = bytes;
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = bytes;
  bci.usage = usage;
  vkrun::check(vkCreateBuffer(dev, &bci, nullptr, &b.buffer), "vkCreateBuffer");
  VkMemoryRequirements mr;
  vkGetBufferMemoryRequirements(dev, b.buffer, &mr);
  VkMemoryAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  ai.allocationSize = mr.size;
  ai.memoryTypeIndex = ctx.host_visible_type(mr.memoryTypeBits);
  vkrun::check(vkAllocateMemory(dev, &ai, nullptr, &b.memory), "vkAllocateMemory");
  vkrun::check(vkBindBufferMemory(dev, b.buffer, b.memory, 0), "vkBindBufferMemory");
  vkrun::check(vkMapMemory(dev, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped), "vkMapMemory");
  return b;
}

Sets::Sets(VkDevice dev, const TestPipeline& p) : device(dev) {
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 16},
                                  {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 16},
                                  {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 16},
                                  {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 16}};
  uint32_t needed[4] = {};
  for (const auto& set : p.bindings)
    for (const auto& b : set)
      for (uint32_t t = 0; t < 4; ++t)
        if (sizes[t].type == b.type) needed[t] += b.count;
  for (uint32_t t = 0; t < 4; ++t) sizes[t].descriptorCount = std::max(sizes[t].descriptorCount, needed[t]);
  std::vector<VkDescriptorPoolSize> all(std::begin(sizes), std::end(sizes));
  // The other types only where the layouts use them (the buffer-only tests' pools stay as they were).
  for (VkDescriptorType type : {VK_DESCRIPTOR_TYPE_SAMPLER, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                                VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
                                VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER}) {
    uint32_t n = 0;
    for (const auto& set : p.bindings)
      for (const auto& b : set) n += b.type == type ? b.count : 0;
    if (n) all.push_back({type, n});
  }
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.maxSets = std::max<uint32_t>(8, uint32_t(p.set_layouts.size()));
  pci.poolSizeCount = uint32_t(all.size());
  pci.pPoolSizes = all.data();
  vkrun::check(vkCreateDescriptorPool(dev, &pci, nullptr, &pool), "vkCreateDescriptorPool");
  sets.resize(p.set_layouts.size());
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = pool;
  ai.descriptorSetCount = uint32_t(sets.size());
  ai.pSetLayouts = p.set_layouts.data();
  vkrun::check(vkAllocateDescriptorSets(dev, &ai, sets.data()), "vkAllocateDescriptorSets");
}

Sets::~Sets() { vkDestroyDescriptorPool(device, pool, nullptr); }

// One descriptor of 'set' at (binding, element), from whichever of the three infos is given.
static void write_one(VkDevice device, VkDescriptorSet set, uint32_t binding, uint32_t element, VkDescriptorType type,
                      const VkDescriptorBufferInfo* buffer, const VkDescriptorImageInfo* image,
                      const VkBufferView* texel_buffer) {
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.dstBinding = binding;
  w.dstArrayElement = element;
  w.descriptorCount = 1;
  w.descriptorType = type;
  w.pBufferInfo = buffer;
  w.pImageInfo = image;
  w.pTexelBufferView = texel_buffer;
  vkUpdateDescriptorSets(device, 1, &w, 0, nullptr);
}

void Sets::write(uint32_t set, uint32_t binding, VkDescriptorType type, const vkrun::Buffer& b, VkDeviceSize offset,
                 VkDeviceSize range, uint32_t element) {
  const VkDescriptorBufferInfo info{b.buffer, offset, range};
  write_one(device, sets[set], binding, element, type, &info, nullptr, nullptr);
}

void Sets::write_image(uint32_t set, uint32_t binding, VkDescriptorType type, VkImageView view, VkSampler sampler,
                       VkImageLayout layout) {
  const VkDescriptorImageInfo info{sampler, view, layout};
  write_one(device, sets[set], binding, 0, type, nullptr, &info, nullptr);
}

void Sets::write_texel_buffer(uint32_t set, uint32_t binding, VkDescriptorType type, VkBufferView view) {
  write_one(device, sets[set], binding, 0, type, nullptr, nullptr, &view);
}

void bind(VkCommandBuffer cb, const TestPipeline& p, const Sets& s, uint32_t dyn_count, const uint32_t* dyn) {
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
  vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, uint32_t(s.sets.size()), s.sets.data(),
                          dyn_count, dyn);
}

TestPipeline::~TestPipeline() {
  if (!device) return;
  vkDestroyPipeline(device, pipeline, nullptr);
  vkDestroyPipelineLayout(device, layout, nullptr);
  for (auto l : set_layouts) vkDestroyDescriptorSetLayout(device, l, nullptr);
  vkDestroyShaderModule(device, module, nullptr);
}

std::unique_ptr<TestPipeline> make_pipeline(VkDevice device, const std::string& spv,
                                            const std::vector<std::vector<SetBinding>>& sets, uint32_t push_bytes,
                                            const VkSpecializationInfo* spec, VkPipelineCache cache,
                                            const std::vector<uint32_t>* spirv) {
  auto p = std::make_unique<TestPipeline>();
  p->device = device;
  p->bindings = sets;
  auto words = spirv ? *spirv : vkrun::read_spirv(vkrun::spv_path(spv));
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = words.size() * 4;
  smci.pCode = words.data();
  vkrun::check(vkCreateShaderModule(device, &smci, nullptr, &p->module), "vkCreateShaderModule");
  for (const auto& set : sets) {
    std::vector<VkDescriptorSetLayoutBinding> bindings;
    for (const auto& b : set) {
      VkDescriptorSetLayoutBinding lb{};
      lb.binding = b.binding;
      lb.descriptorType = b.type;
      lb.descriptorCount = b.count;
      lb.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
      lb.pImmutableSamplers = b.immutable_samplers;
      bindings.push_back(lb);
    }
    VkDescriptorSetLayoutCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    ci.bindingCount = uint32_t(bindings.size());
    ci.pBindings = bindings.data();
    VkDescriptorSetLayout l;
    vkrun::check(vkCreateDescriptorSetLayout(device, &ci, nullptr, &l), "vkCreateDescriptorSetLayout");
    p->set_layouts.push_back(l);
  }
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = uint32_t(p->set_layouts.size());
  plci.pSetLayouts = p->set_layouts.data();
  plci.pushConstantRangeCount = push_bytes ? 1 : 0;
  plci.pPushConstantRanges = &range;
  vkrun::check(vkCreatePipelineLayout(device, &plci, nullptr, &p->layout), "vkCreatePipelineLayout");
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.flags = VK_PIPELINE_CREATE_DISPATCH_BASE_BIT;  // some tests use vkCmdDispatchBase
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = p->module;
  cpci.stage.pName = "main";
  cpci.stage.pSpecializationInfo = spec;
  cpci.layout = p->layout;
  p->create_result = vkCreateComputePipelines(device, cache, 1, &cpci, nullptr, &p->pipeline);
  return p;
}

std::unique_ptr<TestPipeline> make_pipeline(VkDevice device, const std::vector<uint32_t>& spirv,
                                            const std::vector<std::vector<SetBinding>>& sets, uint32_t push_bytes) {
  auto p = make_pipeline(device, "", sets, push_bytes, nullptr, VK_NULL_HANDLE, &spirv);
  vkrun::check(p->create_result, "vkCreateComputePipelines");
  return p;
}

VkResult submit_and_wait(vkrun::Context& ctx, const std::function<void(VkCommandBuffer)>& record) {
  VkDevice dev = ctx.device();
  VkCommandBufferAllocateInfo cai{};
  cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cai.commandPool = ctx.command_pool();
  cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cai.commandBufferCount = 1;
  VkCommandBuffer cb;
  VkResult r = vkAllocateCommandBuffers(dev, &cai, &cb);
  if (r != VK_SUCCESS) return r;
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(cb, &bi);
  record(cb);
  r = vkEndCommandBuffer(cb);
  VkFence fence = VK_NULL_HANDLE;
  if (r == VK_SUCCESS) {
    VkFenceCreateInfo fci{};
    fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    r = vkCreateFence(dev, &fci, nullptr, &fence);
  }
  if (r == VK_SUCCESS) {
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    r = vkQueueSubmit(ctx.queue(), 1, &si, fence);
  }
  if (r == VK_SUCCESS) r = vkWaitForFences(dev, 1, &fence, VK_TRUE, 10'000'000'000ull);
  if (fence) vkDestroyFence(dev, fence, nullptr);
  vkFreeCommandBuffers(dev, ctx.command_pool(), 1, &cb);
  return r;
}

}  // namespace vktest
