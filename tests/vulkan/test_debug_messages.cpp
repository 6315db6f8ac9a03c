// A shader the compiler cannot compile: vkCreateComputePipelines fails, and the compiler's reason
// reaches the application through VK_EXT_debug_utils messengers and VK_EXT_debug_report callbacks
// (created through the loader), naming the shader module, besides the driver's stderr log.
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstring>
#include <string>

namespace {

struct Received {
  std::vector<std::string> utils, report;
  std::vector<std::pair<VkObjectType, uint64_t>> utils_objects;
  std::vector<uint64_t> report_objects;
};

VKAPI_ATTR VkBool32 VKAPI_CALL on_utils(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
                                        const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  auto* r = static_cast<Received*>(user);
  if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
    r->utils.emplace_back(data->pMessage);
    for (uint32_t i = 0; i < data->objectCount; ++i)
      r->utils_objects.emplace_back(data->pObjects[i].objectType, data->pObjects[i].objectHandle);
  }
  return VK_FALSE;
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_report(VkDebugReportFlagsEXT flags, VkDebugReportObjectTypeEXT, uint64_t object,
                                         size_t, int32_t, const char*, const char* message, void* user) {
  auto* r = static_cast<Received*>(user);
  if (flags & VK_DEBUG_REPORT_ERROR_BIT_EXT) {
    r->report.emplace_back(message);
    r->report_objects.push_back(object);
  }
  return VK_FALSE;
}

bool contains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

// Valid usage is broken on purpose (the module is not valid SPIR-V): "InvalidSpirv" keeps the test
// out of the validation-layer variant.
TEST(VkDebugMessages, CompileFailureReachesMessengersAndCallbacksInvalidSpirv) {
  VkInstance inst;
  ASSERT_EQ(vktest::create_instance(&inst, {VK_EXT_DEBUG_UTILS_EXTENSION_NAME, VK_EXT_DEBUG_REPORT_EXTENSION_NAME}),
            VK_SUCCESS);

  Received got;
  VkDebugUtilsMessengerCreateInfoEXT mci{};
  mci.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
  mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
  mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
  mci.pfnUserCallback = on_utils;
  mci.pUserData = &got;
  auto create_messenger =
      reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(inst, "vkCreateDebugUtilsMessengerEXT"));
  auto destroy_messenger =
      reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(inst, "vkDestroyDebugUtilsMessengerEXT"));
  auto create_report =
      reinterpret_cast<PFN_vkCreateDebugReportCallbackEXT>(vkGetInstanceProcAddr(inst, "vkCreateDebugReportCallbackEXT"));
  auto destroy_report =
      reinterpret_cast<PFN_vkDestroyDebugReportCallbackEXT>(vkGetInstanceProcAddr(inst, "vkDestroyDebugReportCallbackEXT"));
  ASSERT_TRUE(create_messenger && destroy_messenger && create_report && destroy_report);
  VkDebugUtilsMessengerEXT messenger;
  ASSERT_EQ(create_messenger(inst, &mci, nullptr, &messenger), VK_SUCCESS);
  VkDebugReportCallbackCreateInfoEXT rci{};
  rci.sType = VK_STRUCTURE_TYPE_DEBUG_REPORT_CALLBACK_CREATE_INFO_EXT;
  rci.flags = VK_DEBUG_REPORT_ERROR_BIT_EXT;
  rci.pfnCallback = on_report;
  rci.pUserData = &got;
  VkDebugReportCallbackEXT report;
  ASSERT_EQ(create_report(inst, &rci, nullptr, &report), VK_SUCCESS);

  const VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  VkDevice dev;
  ASSERT_EQ(vktest::create_device(pd, &dev), VK_SUCCESS);

  // ids.spv with one instruction's opcode replaced by one that does not exist.
  auto code = vkrun::read_spirv(vkrun::spv_path("ids.spv"));
  for (size_t i = 5; i < code.size(); i += code[i] >> 16)
    if ((code[i] & 0xffff) == 128 /* OpIAdd */) {
      code[i] = (code[i] & 0xffff0000u) | 0x7ff0u;
      break;
    }
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = code.size() * 4;
  smci.pCode = code.data();
  VkShaderModule module;
  ASSERT_EQ(vkCreateShaderModule(dev, &smci, nullptr, &module), VK_SUCCESS);
  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
  VkDescriptorSetLayoutBinding b{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 1, &b};
  VkDescriptorSetLayout set_layout;
  ASSERT_EQ(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &set_layout), VK_SUCCESS);
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, nullptr, 0, 1, &set_layout, 1, &push};
  VkPipelineLayout layout;
  ASSERT_EQ(vkCreatePipelineLayout(dev, &plci, nullptr, &layout), VK_SUCCESS);
  VkComputePipelineCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module,
              "main", nullptr};
  ci.layout = layout;
  VkPipeline pipeline = VK_NULL_HANDLE;
  EXPECT_NE(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), VK_SUCCESS);
  EXPECT_EQ(pipeline, VK_NULL_HANDLE);

  // The compiler's reason (the validator's, here: the word it stopped at), against the module.
  EXPECT_TRUE(contains(got.utils, "failed to compile")) << (got.utils.empty() ? "no message" : got.utils[0]);
  EXPECT_TRUE(contains(got.utils, "invalid SPIR-V")) << (got.utils.empty() ? "no message" : got.utils[0]);
  EXPECT_TRUE(contains(got.report, "failed to compile"));
  bool module_named = false;
  for (const auto& [type, handle] : got.utils_objects)
    module_named |= type == VK_OBJECT_TYPE_SHADER_MODULE && handle == uint64_t(module);
  EXPECT_TRUE(module_named);
  EXPECT_EQ(got.report_objects.size(), got.report.size());

  // Once destroyed, a messenger hears nothing more.
  const size_t before = got.utils.size() + got.report.size();
  destroy_messenger(inst, messenger, nullptr);
  destroy_report(inst, report, nullptr);
  EXPECT_NE(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline), VK_SUCCESS);
  EXPECT_EQ(got.utils.size() + got.report.size(), before);

  vkDestroyPipelineLayout(dev, layout, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyDevice(dev, nullptr);
  vkDestroyInstance(inst, nullptr);
}

}  // namespace
