// Promoted device extensions: an application written against Vulkan 1.0/1.1 enables
// VK_KHR_synchronization2, VK_EXT_private_data, ... by name even on a 1.3 device. Every advertised
// extension can be enabled (alone and all together), its commands are reachable under the
// extension's names on a device that enabled it (and only there), and they work.
// (dEQP-VK: 371 cases failed at vkCreateDevice with VK_ERROR_EXTENSION_NOT_PRESENT.)
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstring>
#include <set>
#include <string>

namespace {

std::vector<std::string> device_extensions(VkPhysicalDevice pd) {
  uint32_t n = 0;
  EXPECT_EQ(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr), VK_SUCCESS);
  std::vector<VkExtensionProperties> props(n);
  EXPECT_EQ(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, props.data()), VK_SUCCESS);
  std::vector<std::string> out;
  for (const auto& p : props) {
    EXPECT_GE(p.specVersion, 1u) << p.extensionName;
    out.emplace_back(p.extensionName);
  }
  return out;
}

// A device with the given extensions and the features the tests below use.
VkDevice make_device(VkPhysicalDevice pd, const std::vector<const char*>& extensions, VkResult* result = nullptr) {
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.synchronization2 = VK_TRUE;
  f13.privateData = VK_TRUE;
  VkPhysicalDeviceVulkan12Features f12{};
  f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  f12.pNext = &f13;
  f12.timelineSemaphore = VK_TRUE;
  f12.hostQueryReset = VK_TRUE;
  VkDevice dev;
  const VkResult r = vktest::create_device(pd, &dev, &f12, extensions);
  if (result) *result = r;
  else EXPECT_EQ(r, VK_SUCCESS);
  return dev;
}

TEST(VkExtensions, PromotedExtensionsAreAdvertised) {
  auto ctx = vktest::make_context();
  const auto ext = device_extensions(ctx->physical());
  const std::set<std::string> have(ext.begin(), ext.end());
  EXPECT_EQ(have.size(), ext.size()) << "an extension is listed twice";
  // Core 1.1-1.3 functionality the driver implements, named in the issue and the CTS.
  for (const char* name : {"VK_KHR_synchronization2", "VK_EXT_private_data", "VK_KHR_timeline_semaphore",
                           "VK_EXT_host_query_reset", "VK_KHR_maintenance3", "VK_KHR_descriptor_update_template",
                           "VK_KHR_shader_float_controls", "VK_KHR_driver_properties", "VK_EXT_subgroup_size_control",
                           "VK_EXT_inline_uniform_block", "VK_KHR_storage_buffer_storage_class",
                           // images (transfer only) made these implementable (issue 13)
                           "VK_KHR_bind_memory2", "VK_KHR_get_memory_requirements2", "VK_KHR_copy_commands2"})
    EXPECT_TRUE(have.count(name)) << name << " is not advertised";
  // Nothing whose functionality is missing: render passes, Y'CbCr samplers, multiview, maintenance4
  // (its maxBufferSize and image requirements queries are not all there), descriptor indexing.
  for (const char* name : {"VK_KHR_maintenance4", "VK_KHR_dynamic_rendering",
                           "VK_KHR_sampler_ycbcr_conversion", "VK_KHR_multiview", "VK_KHR_create_renderpass2",
                           "VK_EXT_descriptor_indexing"})
    EXPECT_FALSE(have.count(name)) << name << " is advertised without its functionality";
}

TEST(VkExtensions, EachExtensionCanBeEnabledAloneAndAllTogether) {
  auto ctx = vktest::make_context();
  const auto ext = device_extensions(ctx->physical());
  ASSERT_FALSE(ext.empty());
  for (const auto& e : ext) {
    VkResult r = VK_SUCCESS;
    // "Alone" with what it requires (vk.xml): VK_EXT_external_memory_dma_buf extends the fd handles
    // of VK_KHR_external_memory_fd, VK_EXT_shader_atomic_float2 requires VK_EXT_shader_atomic_float
    // (enabling either without the other is an application error).
    std::vector<const char*> names{e.c_str()};
    if (e == "VK_EXT_external_memory_dma_buf") names.push_back("VK_KHR_external_memory_fd");
    if (e == "VK_EXT_shader_atomic_float2") names.push_back("VK_EXT_shader_atomic_float");
    VkDevice dev = make_device(ctx->physical(), names, &r);
    EXPECT_EQ(r, VK_SUCCESS) << e;
    if (dev) vkDestroyDevice(dev, nullptr);
  }
  std::vector<const char*> all;
  for (const auto& e : ext) all.push_back(e.c_str());
  VkDevice dev = make_device(ctx->physical(), all);
  if (dev) vkDestroyDevice(dev, nullptr);
}

TEST(VkExtensions, CommandsExistUnderTheExtensionNamesOnlyWhenEnabled) {
  auto ctx = vktest::make_context();
  VkDevice plain = make_device(ctx->physical(), {});
  VkDevice with = make_device(ctx->physical(), {"VK_KHR_synchronization2", "VK_EXT_private_data",
                                                "VK_KHR_timeline_semaphore", "VK_EXT_host_query_reset"});
  ASSERT_TRUE(plain && with);
  for (const char* name : {"vkQueueSubmit2KHR", "vkCmdPipelineBarrier2KHR", "vkCreatePrivateDataSlotEXT",
                           "vkSetPrivateDataEXT", "vkGetPrivateDataEXT", "vkWaitSemaphoresKHR", "vkResetQueryPoolEXT"}) {
    EXPECT_NE(vkGetDeviceProcAddr(with, name), nullptr) << name;
    EXPECT_EQ(vkGetDeviceProcAddr(plain, name), nullptr) << name << " without its extension enabled";
  }
  // Core names are there either way; commands of extensions the driver lacks never are.
  EXPECT_NE(vkGetDeviceProcAddr(plain, "vkQueueSubmit2"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(with, "vkCmdCopyBufferToImage2KHR"), nullptr);

  // The EXT private-data commands work like the core ones (they are the same functions).
  auto create = reinterpret_cast<PFN_vkCreatePrivateDataSlotEXT>(vkGetDeviceProcAddr(with, "vkCreatePrivateDataSlotEXT"));
  auto set = reinterpret_cast<PFN_vkSetPrivateDataEXT>(vkGetDeviceProcAddr(with, "vkSetPrivateDataEXT"));
  auto get = reinterpret_cast<PFN_vkGetPrivateDataEXT>(vkGetDeviceProcAddr(with, "vkGetPrivateDataEXT"));
  auto destroy = reinterpret_cast<PFN_vkDestroyPrivateDataSlotEXT>(vkGetDeviceProcAddr(with, "vkDestroyPrivateDataSlotEXT"));
  VkPrivateDataSlotCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO;
  VkPrivateDataSlot slot = VK_NULL_HANDLE;
  ASSERT_EQ(create(with, &pci, nullptr, &slot), VK_SUCCESS);
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  ASSERT_EQ(vkCreateFence(with, &fci, nullptr, &fence), VK_SUCCESS);
  EXPECT_EQ(set(with, VK_OBJECT_TYPE_FENCE, uint64_t(fence), slot, 0x1234abcd), VK_SUCCESS);
  uint64_t value = 0;
  get(with, VK_OBJECT_TYPE_FENCE, uint64_t(fence), slot, &value);
  EXPECT_EQ(value, 0x1234abcdu);

  // vkQueueSubmit2KHR signals a fence like vkQueueSubmit2.
  auto submit2 = reinterpret_cast<PFN_vkQueueSubmit2KHR>(vkGetDeviceProcAddr(with, "vkQueueSubmit2KHR"));
  VkQueue queue;
  vkGetDeviceQueue(with, 0, 0, &queue);
  EXPECT_EQ(submit2(queue, 0, nullptr, fence), VK_SUCCESS);
  EXPECT_EQ(vkWaitForFences(with, 1, &fence, VK_TRUE, 10'000'000'000ull), VK_SUCCESS);

  vkDestroyFence(with, fence, nullptr);
  destroy(with, slot, nullptr);
  vkDestroyDevice(with, nullptr);
  vkDestroyDevice(plain, nullptr);
}

TEST(VkExtensions, PipelineCreationFeedbackIsReported) {
  auto ctx = vktest::make_context();
  const char* spv = "ids.spv";
  VkPipelineCreationFeedback pipeline_fb{}, stage_fb{};
  VkPipelineCreationFeedbackCreateInfo fb{};
  fb.sType = VK_STRUCTURE_TYPE_PIPELINE_CREATION_FEEDBACK_CREATE_INFO;
  fb.pPipelineCreationFeedback = &pipeline_fb;
  fb.pipelineStageCreationFeedbackCount = 1;
  fb.pPipelineStageCreationFeedbacks = &stage_fb;
  auto code = vkrun::read_spirv(vkrun::spv_path(spv));
  VkShaderModuleCreateInfo mci{};
  mci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  mci.codeSize = code.size() * 4;
  mci.pCode = code.data();
  VkShaderModule module;
  ASSERT_EQ(vkCreateShaderModule(ctx->device(), &mci, nullptr, &module), VK_SUCCESS);
  VkDescriptorSetLayoutBinding b{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 1;
  lci.pBindings = &b;
  VkDescriptorSetLayout set_layout;
  ASSERT_EQ(vkCreateDescriptorSetLayout(ctx->device(), &lci, nullptr, &set_layout), VK_SUCCESS);
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_layout;
  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &push;
  VkPipelineLayout layout;
  ASSERT_EQ(vkCreatePipelineLayout(ctx->device(), &plci, nullptr, &layout), VK_SUCCESS);
  VkComputePipelineCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  ci.pNext = &fb;
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = module;
  ci.stage.pName = "main";
  ci.layout = layout;
  VkPipeline pipeline;
  ASSERT_EQ(vkCreateComputePipelines(ctx->device(), VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), VK_SUCCESS);
  EXPECT_TRUE(pipeline_fb.flags & VK_PIPELINE_CREATION_FEEDBACK_VALID_BIT);
  EXPECT_TRUE(stage_fb.flags & VK_PIPELINE_CREATION_FEEDBACK_VALID_BIT);
  EXPECT_GT(pipeline_fb.duration, 0u);
  vkDestroyPipeline(ctx->device(), pipeline, nullptr);
  vkDestroyPipelineLayout(ctx->device(), layout, nullptr);
  vkDestroyDescriptorSetLayout(ctx->device(), set_layout, nullptr);
  vkDestroyShaderModule(ctx->device(), module, nullptr);
}

}  // namespace
