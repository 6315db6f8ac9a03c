// Instance, physical-device and device-creation queries through the loader.
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstring>

namespace {

VkInstance make_instance(uint32_t api = VK_API_VERSION_1_3) {
  VkInstance inst;
  EXPECT_EQ(vktest::create_instance(&inst, {}, api), VK_SUCCESS);
  return inst;
}

TEST(VkInstance, EnumeratesOneMicaDevice) {
  VkInstance inst = make_instance();
  uint32_t n = 0;
  ASSERT_EQ(vkEnumeratePhysicalDevices(inst, &n, nullptr), VK_SUCCESS);
  ASSERT_GE(n, 1u);
  // Asking for fewer handles than exist reports VK_INCOMPLETE.
  if (n > 1) {
    uint32_t one = 1;
    VkPhysicalDevice pd;
    EXPECT_EQ(vkEnumeratePhysicalDevices(inst, &one, &pd), VK_INCOMPLETE);
  }
  EXPECT_NE(vktest::find_mica_device(inst), VK_NULL_HANDLE);
  vkDestroyInstance(inst, nullptr);
}

TEST(VkInstance, UnknownExtensionAndLayerAreRefused) {
  const char* ext = "VK_MICA_no_such_extension";
  VkInstanceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ci.enabledExtensionCount = 1;
  ci.ppEnabledExtensionNames = &ext;
  VkInstance inst = VK_NULL_HANDLE;
  EXPECT_EQ(vkCreateInstance(&ci, nullptr, &inst), VK_ERROR_EXTENSION_NOT_PRESENT);
  const char* layer = "VK_LAYER_MICA_no_such_layer";
  ci.enabledExtensionCount = 0;
  ci.enabledLayerCount = 1;
  ci.ppEnabledLayerNames = &layer;
  EXPECT_EQ(vkCreateInstance(&ci, nullptr, &inst), VK_ERROR_LAYER_NOT_PRESENT);
}

TEST(VkPhysicalDevice, PropertiesAreHonest) {
  VkInstance inst = make_instance();
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);

  VkPhysicalDeviceVulkan11Properties p11{};
  p11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
  VkPhysicalDeviceVulkan12Properties p12{};
  p12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES;
  p12.pNext = &p11;
  VkPhysicalDeviceVulkan13Properties p13{};
  p13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;
  p13.pNext = &p12;
  VkPhysicalDeviceProperties2 p{};
  p.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  p.pNext = &p13;
  vkGetPhysicalDeviceProperties2(pd, &p);

  EXPECT_EQ(VK_API_VERSION_MINOR(p.properties.apiVersion), 3u);
  const auto& l = p.properties.limits;
  EXPECT_EQ(l.maxComputeWorkGroupInvocations, 1024u);  // mica.toml max_workgroup_invocations
  EXPECT_EQ(l.maxComputeWorkGroupSize[2], 64u);
  EXPECT_EQ(l.maxComputeSharedMemorySize, 65536u);
  EXPECT_EQ(l.maxBoundDescriptorSets, 32u);  // mica.toml [launch_abi] descriptor_sets_max
  EXPECT_GE(l.maxPushConstantsSize, 128u);
  EXPECT_EQ(p11.subgroupSize, 32u);  // wave size
  EXPECT_EQ(p11.subgroupSupportedStages, VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT));
  EXPECT_EQ(p13.minSubgroupSize, 8u);   // subgroups of 8 and 16 inside the wave (compiler)
  EXPECT_EQ(p13.maxSubgroupSize, 32u);
  EXPECT_STREQ(p12.driverName, "Mica");
  // Not a conformant implementation: the conformance version stays zero.
  EXPECT_EQ(p12.conformanceVersion.major, 0u);
  vkDestroyInstance(inst, nullptr);
}

TEST(VkPhysicalDevice, FeaturesMatchWhatIsImplemented) {
  VkInstance inst = make_instance();
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  VkPhysicalDeviceVulkan12Features f12{};
  f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.pNext = &f12;
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = &f13;
  vkGetPhysicalDeviceFeatures2(pd, &f);
  EXPECT_TRUE(f13.synchronization2);
  EXPECT_TRUE(f13.maintenance4);
  EXPECT_TRUE(f13.subgroupSizeControl);
  EXPECT_TRUE(f12.timelineSemaphore);
  EXPECT_TRUE(f12.hostQueryReset);
  // Optional graphics features are never advertised; image features are (the texture unit, robust by
  // design). The graphics features the spec requires of every device of a version are (their
  // objects exist; their commands need a graphics queue): multiview, imagelessFramebuffer,
  // separateDepthStencilLayouts, dynamicRendering.
  EXPECT_FALSE(f.features.geometryShader);
  EXPECT_FALSE(f.features.sampleRateShading);
  EXPECT_TRUE(f13.dynamicRendering);
  EXPECT_TRUE(f12.imagelessFramebuffer);
  EXPECT_TRUE(f12.separateDepthStencilLayouts);
  EXPECT_TRUE(f13.robustImageAccess);
  EXPECT_TRUE(f.features.shaderStorageImageWriteWithoutFormat);
  EXPECT_TRUE(f.features.shaderStorageImageMultisample);  // 2, 4, 8 samples (test_image_ms.cpp)
  vkDestroyInstance(inst, nullptr);
}

TEST(VkPhysicalDevice, QueueFamiliesMemoryAndFormats) {
  VkInstance inst = make_instance();
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  ASSERT_EQ(n, 3u);
  std::vector<VkQueueFamilyProperties> qf(n);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, qf.data());
  EXPECT_EQ(qf[0].queueFlags, VkQueueFlags(VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT));
  EXPECT_EQ(qf[1].queueFlags, VkQueueFlags(VK_QUEUE_TRANSFER_BIT));
  EXPECT_EQ(qf[2].queueFlags, VkQueueFlags(VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT));  // asynchronous compute
  EXPECT_EQ(qf[0].timestampValidBits, 64u);

  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(pd, &mp);
  ASSERT_EQ(mp.memoryHeapCount, 1u);
  EXPECT_GT(mp.memoryHeaps[0].size, 0u);
  bool host_coherent = false;
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
    host_coherent |= (mp.memoryTypes[i].propertyFlags & (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                         VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)) ==
                     (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  EXPECT_TRUE(host_coherent);
  // Cached host-visible memory exists (the CTS's zero_initialize_workgroup_memory.repeat_pipeline
  // cases ask for it and failed with "No compatible memory type found").
  bool host_cached = false;
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
    host_cached |= (mp.memoryTypes[i].propertyFlags & (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                       VK_MEMORY_PROPERTY_HOST_CACHED_BIT)) ==
                   (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
  EXPECT_TRUE(host_cached);

  // Images for transfers and the texture unit: storage and sampled images, no attachments.
  VkImageFormatProperties ifp;
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(pd, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D,
                                                     VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_STORAGE_BIT, 0, &ifp),
            VK_SUCCESS);
  // Attachment usage only where the spec's tables make the attachment feature mandatory (OPTIMAL
  // tiling; no Mica queue renders), as the format features say (test_images.cpp checks every format).
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(pd, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D,
                                                     VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0, &ifp),
            VK_SUCCESS);
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(pd, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D,
                                                     VK_IMAGE_TILING_LINEAR, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0, &ifp),
            VK_ERROR_FORMAT_NOT_SUPPORTED);
  VkFormatProperties fp;
  vkGetPhysicalDeviceFormatProperties(pd, VK_FORMAT_R8G8B8A8_UNORM, &fp);
  const VkFormatFeatureFlags device = VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT |
                                      VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT |
                                      VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT | VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT;
  EXPECT_EQ(fp.linearTilingFeatures, device);
  EXPECT_EQ(fp.optimalTilingFeatures,
            device | VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
                VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT);
  vkDestroyInstance(inst, nullptr);
}

VkResult try_create_device(VkPhysicalDevice pd, const void* next, const VkPhysicalDeviceFeatures* f10,
                           const char* ext, VkDevice* out) {
  return vktest::create_device(pd, out, next, ext ? std::vector<const char*>{ext} : std::vector<const char*>{}, f10);
}

TEST(VkDevice, UnsupportedFeaturesAndExtensionsAreRefused) {
  VkInstance inst = make_instance();
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  VkDevice dev = VK_NULL_HANDLE;
  VkPhysicalDeviceFeatures f10{};
  f10.geometryShader = VK_TRUE;
  EXPECT_EQ(try_create_device(pd, nullptr, &f10, nullptr, &dev), VK_ERROR_FEATURE_NOT_PRESENT);
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.textureCompressionASTC_HDR = VK_TRUE;
  EXPECT_EQ(try_create_device(pd, &f13, nullptr, nullptr, &dev), VK_ERROR_FEATURE_NOT_PRESENT);
  EXPECT_EQ(try_create_device(pd, nullptr, nullptr, "VK_KHR_swapchain", &dev), VK_ERROR_EXTENSION_NOT_PRESENT);
  // The mandatory 1.3 features can be enabled (dynamicRendering too, although no queue records it).
  f13.textureCompressionASTC_HDR = VK_FALSE;
  f13.dynamicRendering = VK_TRUE;
  f13.synchronization2 = VK_TRUE;
  f13.maintenance4 = VK_TRUE;
  ASSERT_EQ(try_create_device(pd, &f13, nullptr, nullptr, &dev), VK_SUCCESS);
  VkQueue q = VK_NULL_HANDLE;
  vkGetDeviceQueue(dev, 0, 0, &q);
  EXPECT_NE(q, VK_NULL_HANDLE);
  EXPECT_EQ(vkDeviceWaitIdle(dev), VK_SUCCESS);
  // Device-level lookups only return device-level functions; every core one exists, also those
  // (vkCmdDraw) that need a queue Mica does not have (test_entrypoints.cpp).
  EXPECT_NE(vkGetDeviceProcAddr(dev, "vkCmdDispatch"), nullptr);
  EXPECT_NE(vkGetDeviceProcAddr(dev, "vkCmdDraw"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(dev, "vkGetPhysicalDeviceProperties"), nullptr);
  vkDestroyDevice(dev, nullptr);
  vkDestroyInstance(inst, nullptr);
}

// robustBufferAccess can be enabled exactly when it is advertised (the driver compiles with
// bounds checks then); both through VkPhysicalDeviceFeatures and VkPhysicalDeviceFeatures2.
// Inline uniform blocks (Vulkan 1.3) are advertised and can be enabled.
TEST(VkDevice, RobustBufferAccessAndInlineUniformBlocksAsAdvertised) {
  VkInstance inst = make_instance();
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  VkPhysicalDeviceFeatures have;
  vkGetPhysicalDeviceFeatures(pd, &have);
  const VkResult expected = have.robustBufferAccess ? VK_SUCCESS : VK_ERROR_FEATURE_NOT_PRESENT;
  VkDevice dev = VK_NULL_HANDLE;
  VkPhysicalDeviceFeatures f10{};
  f10.robustBufferAccess = VK_TRUE;
  EXPECT_EQ(try_create_device(pd, nullptr, &f10, nullptr, &dev), expected);
  if (dev) vkDestroyDevice(dev, nullptr);
  dev = VK_NULL_HANDLE;
  VkPhysicalDeviceFeatures2 f2{};
  f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f2.features.robustBufferAccess = VK_TRUE;
  EXPECT_EQ(try_create_device(pd, &f2, nullptr, nullptr, &dev), expected);
  if (dev) vkDestroyDevice(dev, nullptr);
  dev = VK_NULL_HANDLE;

  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.inlineUniformBlock = VK_TRUE;
  ASSERT_EQ(try_create_device(pd, &f13, nullptr, nullptr, &dev), VK_SUCCESS);
  vkDestroyDevice(dev, nullptr);
  vkDestroyInstance(inst, nullptr);
}

TEST(VkDevice, PrivateData) {
  auto ctx = vktest::make_context();
  VkPrivateDataSlotCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO;
  VkPrivateDataSlot slot;
  VK_OK(vkCreatePrivateDataSlot(ctx->device(), &ci, nullptr, &slot));
  uint64_t handle = reinterpret_cast<uint64_t>(ctx->queue());
  VK_OK(vkSetPrivateData(ctx->device(), VK_OBJECT_TYPE_QUEUE, handle, slot, 0x1234));
  uint64_t v = 0;
  vkGetPrivateData(ctx->device(), VK_OBJECT_TYPE_QUEUE, handle, slot, &v);
  EXPECT_EQ(v, 0x1234u);
  vkGetPrivateData(ctx->device(), VK_OBJECT_TYPE_DEVICE, reinterpret_cast<uint64_t>(ctx->device()), slot, &v);
  EXPECT_EQ(v, 0u);  // never set for that object
  vkDestroyPrivateDataSlot(ctx->device(), slot, nullptr);
}

}  // namespace
