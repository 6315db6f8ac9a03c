// Shared helpers for the Vulkan API tests. Every test goes through the system loader to the ICD
// named by VK_DRIVER_FILES (set by meson test to the build tree's manifest).
#pragma once

#include "vkrun.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vktest {

#define VK_OK(expr) ASSERT_EQ((expr), VK_SUCCESS) << #expr

// Deletes a context and, when it ran under the validation layer, fails the current test if the
// layer reported anything.
struct CheckedContextDeleter {
  void operator()(vkrun::Context* ctx) const;
};
using ContextPtr = std::unique_ptr<vkrun::Context, CheckedContextDeleter>;

// The Mica device through a fresh instance (with robustBufferAccess, and VK_EXT_robustness2's
// robustBufferAccess2, enabled when asked). With MICA_VK_VALIDATION=1 the Khronos validation layer
// is enabled and must stay silent.
ContextPtr make_context(bool robust_buffer_access = false, bool robust_buffer_access2 = false);

// A mapped host-visible buffer of 'bytes' with exactly 'usage' (vkrun's create_buffer makes
// storage/uniform buffers; texel buffers need their own usage bits), on 'dev' (another device of
// the context's physical device) or the context's device. The context's own: destroy with ctx.destroy.
vkrun::Buffer usage_buffer(vkrun::Context& ctx, VkDeviceSize bytes, VkBufferUsageFlags usage,
                           VkDevice dev = VK_NULL_HANDLE);

struct SetBinding {
  uint32_t binding;
  VkDescriptorType type;
  uint32_t count = 1;                           // descriptorCount
  const VkSampler* immutable_samplers = nullptr;  // 'count' of them, or none
};

// A compute pipeline over arbitrary set layouts.
struct TestPipeline {
  VkDevice device = VK_NULL_HANDLE;
  VkShaderModule module = VK_NULL_HANDLE;
  std::vector<VkDescriptorSetLayout> set_layouts;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkResult create_result = VK_SUCCESS;
  std::vector<std::vector<SetBinding>> bindings;  // what the set layouts were made of
  ~TestPipeline();
};

std::unique_ptr<TestPipeline> make_pipeline(VkDevice device, const std::string& spv,
                                            const std::vector<std::vector<SetBinding>>& sets, uint32_t push_bytes,
                                            const VkSpecializationInfo* spec = nullptr,
                                            VkPipelineCache cache = VK_NULL_HANDLE,
                                            const std::vector<uint32_t>* spirv = nullptr);
// The same from SPIR-V words in memory; throws vkrun::Error when vkCreateComputePipelines fails (the
// image tests build each program on Mica and on lavapipe).
std::unique_ptr<TestPipeline> make_pipeline(VkDevice device, const std::vector<uint32_t>& spirv,
                                            const std::vector<std::vector<SetBinding>>& sets, uint32_t push_bytes = 0);

// The create info of a compute pipeline running 'module''s "main" (tests that call
// vkCreateComputePipelines themselves: pipeline caches, creation flags).
inline VkComputePipelineCreateInfo compute_pipeline_info(VkShaderModule module, VkPipelineLayout layout,
                                                         VkPipelineCreateFlags flags = 0,
                                                         const VkSpecializationInfo* spec = nullptr) {
  VkComputePipelineCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  ci.flags = flags;
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = module;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = spec;
  ci.layout = layout;
  return ci;
}

// A descriptor pool and one set per layout of a pipeline (storage/uniform buffers, plain and
// dynamic, 16 of each or as many as the layouts need; image, sampler and texel-buffer descriptors
// as many as the layouts hold).
struct Sets {
  VkDevice device;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  std::vector<VkDescriptorSet> sets;
  Sets(VkDevice dev, const TestPipeline& p);
  ~Sets();
  Sets(const Sets&) = delete;
  Sets& operator=(const Sets&) = delete;
  void write(uint32_t set, uint32_t binding, VkDescriptorType type, const vkrun::Buffer& b, VkDeviceSize offset = 0,
             VkDeviceSize range = VK_WHOLE_SIZE, uint32_t element = 0);
  // An image descriptor (sampler: for COMBINED_IMAGE_SAMPLER and SAMPLER, null where the binding has
  // an immutable one), the image in GENERAL as the image tests keep it.
  void write_image(uint32_t set, uint32_t binding, VkDescriptorType type, VkImageView view,
                   VkSampler sampler = VK_NULL_HANDLE, VkImageLayout layout = VK_IMAGE_LAYOUT_GENERAL);
  void write_texel_buffer(uint32_t set, uint32_t binding, VkDescriptorType type, VkBufferView view);
};

// Binds the pipeline and all of 's' (with 'dyn_count' dynamic offsets).
void bind(VkCommandBuffer cb, const TestPipeline& p, const Sets& s, uint32_t dyn_count = 0,
          const uint32_t* dyn = nullptr);

// Records into a fresh one-time command buffer, submits it with a fence and waits.
VkResult submit_and_wait(vkrun::Context& ctx, const std::function<void(VkCommandBuffer)>& record);

}  // namespace vktest
