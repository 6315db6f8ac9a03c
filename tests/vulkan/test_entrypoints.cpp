// The driver's entry points as the application sees them through the loader: vkGet*ProcAddr
// filtered by the application's apiVersion and the enabled extensions (dEQP-VK.api.version_check.
// entry_points failed before), every core command present (also those that need a queue Mica lacks),
// and the checked handle casts of the object model (a handle of the wrong type stops a debug build
// with a message instead of corrupting memory).
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstring>
#include <string>
#include <vector>

namespace {

struct InstanceAndDevice {
  VkInstance instance = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  ~InstanceAndDevice() {
    if (device) vkDestroyDevice(device, nullptr);
    if (instance) vkDestroyInstance(instance, nullptr);
  }
};

// An instance of the given apiVersion (0: no VkApplicationInfo) and a device on the Mica GPU with
// the given device extensions.
void make(InstanceAndDevice& out, uint32_t api, const std::vector<const char*>& instance_extensions,
          const std::vector<const char*>& device_extensions) {
  ASSERT_EQ(vktest::create_instance(&out.instance, instance_extensions, api), VK_SUCCESS);
  const VkPhysicalDevice mica = vktest::find_mica_device(out.instance);
  ASSERT_NE(mica, VK_NULL_HANDLE);
  ASSERT_EQ(vktest::create_device(mica, &out.device, nullptr, device_extensions), VK_SUCCESS);
}

// Core commands of each version, device level (from the spec's feature lists). Not vkGetDeviceQueue2
// or the debug-utils device commands: the loader answers for those itself.
const char* const kCore10[] = {"vkQueueSubmit", "vkCmdDispatch", "vkCreateImage", "vkCmdDraw", "vkCreateRenderPass",
                               "vkQueueBindSparse", "vkCreateGraphicsPipelines"};
const char* const kCore11[] = {"vkTrimCommandPool", "vkBindBufferMemory2", "vkCmdDispatchBase", "vkCmdSetDeviceMask",
                               "vkGetDescriptorSetLayoutSupport"};
const char* const kCore12[] = {"vkWaitSemaphores", "vkResetQueryPool", "vkGetBufferDeviceAddress",
                               "vkCreateRenderPass2", "vkCmdDrawIndirectCount"};
const char* const kCore13[] = {"vkQueueSubmit2", "vkCmdPipelineBarrier2", "vkCreatePrivateDataSlot",
                               "vkCmdCopyBuffer2", "vkCmdBeginRendering", "vkCmdSetCullMode"};

TEST(VkEntryPoints, CoreCommandsFollowTheApplicationsApiVersion) {
  struct Case {
    uint32_t api;
    int newest_minor;  // core commands up to 1.<newest_minor> exist
  };
  for (Case c : {Case{0, 0}, Case{VK_API_VERSION_1_0, 0}, Case{VK_API_VERSION_1_1, 1}, Case{VK_API_VERSION_1_2, 2},
                 Case{VK_API_VERSION_1_3, 3}, Case{VK_MAKE_API_VERSION(0, 1, 3, 999), 3}}) {
    SCOPED_TRACE("apiVersion minor " + std::to_string(VK_API_VERSION_MINOR(c.api)));
    InstanceAndDevice ctx;
    make(ctx, c.api, {}, {});
    if (!ctx.device) return;
    int minor = 0;
    for (const auto& list : {std::vector<const char*>(std::begin(kCore10), std::end(kCore10)),
                             std::vector<const char*>(std::begin(kCore11), std::end(kCore11)),
                             std::vector<const char*>(std::begin(kCore12), std::end(kCore12)),
                             std::vector<const char*>(std::begin(kCore13), std::end(kCore13))}) {
      for (const char* name : list) {
        if (minor <= c.newest_minor)
          EXPECT_NE(vkGetDeviceProcAddr(ctx.device, name), nullptr) << name;
        else
          EXPECT_EQ(vkGetDeviceProcAddr(ctx.device, name), nullptr) << name << " is newer than the apiVersion";
      }
      ++minor;
    }
    // Instance-level commands never come from vkGetDeviceProcAddr; unknown names never exist.
    EXPECT_EQ(vkGetDeviceProcAddr(ctx.device, "vkGetPhysicalDeviceProperties"), nullptr);
    EXPECT_EQ(vkGetDeviceProcAddr(ctx.device, "vkEnumeratePhysicalDevices"), nullptr);
    EXPECT_EQ(vkGetDeviceProcAddr(ctx.device, "vkSomeName"), nullptr);
    EXPECT_EQ(vkGetDeviceProcAddr(ctx.device, ""), nullptr);
  }
}

TEST(VkEntryPoints, ExtensionCommandsOnlyWhenTheExtensionIsEnabled) {
  // A 1.0 application reaches 1.1-1.3 functionality through the promoted extensions it enables.
  InstanceAndDevice with, without;
  make(with, VK_API_VERSION_1_0, {"VK_EXT_debug_utils"}, {"VK_KHR_maintenance1", "VK_KHR_synchronization2"});
  make(without, VK_API_VERSION_1_0, {}, {});
  ASSERT_TRUE(with.device && without.device);
  for (const char* name : {"vkTrimCommandPoolKHR", "vkQueueSubmit2KHR", "vkCmdPipelineBarrier2KHR"}) {
    EXPECT_NE(vkGetDeviceProcAddr(with.device, name), nullptr) << name;
    EXPECT_EQ(vkGetDeviceProcAddr(without.device, name), nullptr) << name;
  }
  // Their core names stay version-gated.
  EXPECT_EQ(vkGetDeviceProcAddr(with.device, "vkTrimCommandPool"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(with.device, "vkQueueSubmit2"), nullptr);
  // Extensions this device did not enable, or the driver does not have.
  EXPECT_EQ(vkGetDeviceProcAddr(with.device, "vkBindBufferMemory2KHR"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(with.device, "vkCmdPushDescriptorSetKHR"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(with.device, "vkCreateSwapchainKHR"), nullptr);
  // (The device-level commands of VK_EXT_debug_utils are the loader's to answer: it intercepts them.)
}

TEST(VkEntryPoints, InstanceLookupFollowsTheInstance) {
  InstanceAndDevice ctx;
  make(ctx, VK_API_VERSION_1_1, {}, {});
  ASSERT_TRUE(ctx.instance);
  // Global commands come with or without an instance.
  EXPECT_NE(vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance"), nullptr);
  EXPECT_NE(vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"), nullptr);
  EXPECT_NE(vkGetInstanceProcAddr(ctx.instance, "vkGetPhysicalDeviceProperties2"), nullptr);
  EXPECT_EQ(vkGetInstanceProcAddr(ctx.instance, "vkSomeName"), nullptr);
  // A debug-utils command of an instance that did not enable the extension.
  EXPECT_EQ(vkGetInstanceProcAddr(ctx.instance, "vkCreateDebugUtilsMessengerEXT"), nullptr);
}

// Objects a compute device can create although no queue uses them, and the commands that need a
// graphics queue: callable, and harmless.
TEST(VkEntryPoints, RenderPassObjectsAndGraphicsCommandsAreHarmless) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkAttachmentDescription att{};
  att.format = VK_FORMAT_R8G8B8A8_UNORM;
  att.samples = VK_SAMPLE_COUNT_1_BIT;
  att.finalLayout = VK_IMAGE_LAYOUT_GENERAL;
  VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_GENERAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.colorAttachmentCount = 1;
  sub.pColorAttachments = &ref;
  VkRenderPassCreateInfo rp{};
  rp.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO;
  rp.attachmentCount = 1;
  rp.pAttachments = &att;
  rp.subpassCount = 1;
  rp.pSubpasses = &sub;
  VkRenderPass pass = VK_NULL_HANDLE;
  ASSERT_EQ(vkCreateRenderPass(dev, &rp, nullptr, &pass), VK_SUCCESS);
  VkExtent2D granularity{};
  vkGetRenderAreaGranularity(dev, pass, &granularity);
  EXPECT_EQ(granularity.width, 1u);
  EXPECT_EQ(granularity.height, 1u);
  vkDestroyRenderPass(dev, pass, nullptr);
  vkDestroyRenderPass(dev, VK_NULL_HANDLE, nullptr);
}

#ifndef NDEBUG
// The checked cast: a handle of another type (here a buffer passed as an image) stops the driver
// at the entry point with a message naming both types. Release builds compile the check out.
TEST(VkEntryPointsDeathTest, HandleOfTheWrongTypeIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto ctx = vktest::make_context();
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 256;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  ASSERT_EQ(vkCreateBuffer(ctx->device(), &bci, nullptr, &buffer), VK_SUCCESS);
  VkMemoryRequirements req{};
  EXPECT_DEATH(vkGetImageMemoryRequirements(ctx->device(), reinterpret_cast<VkImage>(buffer), &req),
               "should be a VkImage but is VkBuffer");
  vkDestroyBuffer(ctx->device(), buffer, nullptr);
}
#endif

}  // namespace
