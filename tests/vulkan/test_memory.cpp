// Memory, buffers, descriptor objects.
#include "vk_test.h"

#include <algorithm>
#include <cstring>

namespace {

TEST(VkMemory, AllocateMapWriteReadFree) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkMemoryAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  ai.allocationSize = 3 * 4096 + 100;
  ai.memoryTypeIndex = ctx->host_visible_type(~0u);
  VkDeviceMemory mem;
  VK_OK(vkAllocateMemory(dev, &ai, nullptr, &mem));
  void* p = nullptr;
  VK_OK(vkMapMemory(dev, mem, 128, VK_WHOLE_SIZE, 0, &p));
  ASSERT_NE(p, nullptr);
  std::memset(p, 0xab, ai.allocationSize - 128);
  VkMappedMemoryRange range{};
  range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE;
  range.memory = mem;
  range.offset = 128;  // at or after the mapped offset, a multiple of nonCoherentAtomSize
  range.size = VK_WHOLE_SIZE;
  VK_OK(vkFlushMappedMemoryRanges(dev, 1, &range));
  VK_OK(vkInvalidateMappedMemoryRanges(dev, 1, &range));
  EXPECT_EQ(static_cast<uint8_t*>(p)[ai.allocationSize - 129], 0xab);
  vkUnmapMemory(dev, mem);
  // Re-mapping gives the same contents (at offset 0 now).
  VK_OK(vkMapMemory(dev, mem, 0, VK_WHOLE_SIZE, 0, &p));
  EXPECT_EQ(static_cast<uint8_t*>(p)[0], 0);  // new allocations are zeroed, byte 0 was not written
  EXPECT_EQ(static_cast<uint8_t*>(p)[127], 0);
  EXPECT_EQ(static_cast<uint8_t*>(p)[128], 0xab);
  vkUnmapMemory(dev, mem);
  vkFreeMemory(dev, mem, nullptr);
}

TEST(VkMemory, OutOfDeviceMemory) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(ctx->physical(), &mp);
  VkMemoryAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  ai.allocationSize = mp.memoryHeaps[0].size + 4096;
  ai.memoryTypeIndex = 0;
  VkDeviceMemory mem = VK_NULL_HANDLE;
  EXPECT_EQ(vkAllocateMemory(ctx->device(), &ai, nullptr, &mem), VK_ERROR_OUT_OF_DEVICE_MEMORY);
  // Filling the heap with allocations runs out too, and the device keeps working afterwards.
  std::vector<VkDeviceMemory> all;
  ai.allocationSize = mp.memoryHeaps[0].size / 4;
  VkResult r = VK_SUCCESS;
  for (int i = 0; i < 8 && r == VK_SUCCESS; ++i) {
    r = vkAllocateMemory(ctx->device(), &ai, nullptr, &mem);
    if (r == VK_SUCCESS) all.push_back(mem);
  }
  EXPECT_EQ(r, VK_ERROR_OUT_OF_DEVICE_MEMORY);
  EXPECT_LE(all.size(), 4u);
  for (auto m : all) vkFreeMemory(ctx->device(), m, nullptr);
  vkrun::Buffer b = ctx->create_buffer(4096);
  EXPECT_NE(b.mapped, nullptr);
  ctx->destroy(b);
}

// maxMemoryAllocationSize and maxBufferSize are at least Vulkan's 1 GiB even where the heap is smaller
// (the simulated device: 256 MiB): a buffer of maxBufferSize can be created, memory for it beyond the
// heap is refused with VK_ERROR_OUT_OF_DEVICE_MEMORY, and a buffer larger than maxBufferSize is refused.
TEST(VkMemory, AllocationLimitsAreTheSpecMinimumOrTheHeap) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(ctx->physical(), &mp);
  VkPhysicalDeviceVulkan13Properties p13{};
  p13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;
  VkPhysicalDeviceVulkan11Properties p11{};
  p11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
  p11.pNext = &p13;
  VkPhysicalDeviceProperties2 props{};
  props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  props.pNext = &p11;
  vkGetPhysicalDeviceProperties2(ctx->physical(), &props);
  const VkDeviceSize heap = mp.memoryHeaps[0].size;
  EXPECT_EQ(p11.maxMemoryAllocationSize, std::max<VkDeviceSize>(heap, VkDeviceSize(1) << 30));
  EXPECT_EQ(p13.maxBufferSize, p11.maxMemoryAllocationSize);

  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = p13.maxBufferSize;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buf = VK_NULL_HANDLE;
  ASSERT_EQ(vkCreateBuffer(dev, &bci, nullptr, &buf), VK_SUCCESS);
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, buf, &req);
  EXPECT_GE(req.size, bci.size);
  vkDestroyBuffer(dev, buf, nullptr);
}

// Beyond the limits (invalid usage, so not under the validation layer): memory larger than the heap
// and buffers larger than maxBufferSize are refused, nothing is created.
TEST(VkMemory, OutOfDeviceMemoryBeyondTheAllocationLimits) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkPhysicalDeviceVulkan13Properties p13{};
  p13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;
  VkPhysicalDeviceProperties2 props{};
  props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  props.pNext = &p13;
  vkGetPhysicalDeviceProperties2(ctx->physical(), &props);
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = p13.maxBufferSize + 1;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buf = VK_NULL_HANDLE;
  EXPECT_EQ(vkCreateBuffer(dev, &bci, nullptr, &buf), VK_ERROR_OUT_OF_DEVICE_MEMORY);
  EXPECT_EQ(buf, VkBuffer(VK_NULL_HANDLE));
  VkMemoryAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  ai.allocationSize = p13.maxBufferSize;  // maxMemoryAllocationSize, more than the simulated heap
  ai.memoryTypeIndex = 0;
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(ctx->physical(), &mp);
  if (ai.allocationSize > mp.memoryHeaps[0].size) {
    VkDeviceMemory mem = VK_NULL_HANDLE;
    EXPECT_EQ(vkAllocateMemory(dev, &ai, nullptr, &mem), VK_ERROR_OUT_OF_DEVICE_MEMORY);
    EXPECT_EQ(mem, VkDeviceMemory(VK_NULL_HANDLE));
  }
}

TEST(VkBuffer, RequirementsAndBinding) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 1000;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buf;
  VK_OK(vkCreateBuffer(dev, &bci, nullptr, &buf));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, buf, &req);
  EXPECT_GE(req.size, 1000u);
  EXPECT_NE(req.memoryTypeBits, 0u);
  EXPECT_EQ(req.alignment & (req.alignment - 1), 0u);
  // maintenance4: the same answer without creating the buffer.
  VkDeviceBufferMemoryRequirements dreq{};
  dreq.sType = VK_STRUCTURE_TYPE_DEVICE_BUFFER_MEMORY_REQUIREMENTS;
  dreq.pCreateInfo = &bci;
  VkMemoryRequirements2 req2{};
  req2.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2;
  vkGetDeviceBufferMemoryRequirements(dev, &dreq, &req2);
  EXPECT_EQ(req2.memoryRequirements.size, req.size);
  vkDestroyBuffer(dev, buf, nullptr);
}

TEST(VkDescriptors, PoolExhaustionFreeAndReset) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkDescriptorSetLayoutBinding b{};
  b.binding = 0;
  b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  b.descriptorCount = 1;
  b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 1;
  lci.pBindings = &b;
  VkDescriptorSetLayout layout;
  VK_OK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &layout));

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pci.maxSets = 2;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &size;
  VkDescriptorPool pool;
  VK_OK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
  VkDescriptorSetLayout layouts[3] = {layout, layout, layout};
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = pool;
  ai.descriptorSetCount = 3;
  ai.pSetLayouts = layouts;
  VkDescriptorSet sets[3];
  EXPECT_EQ(vkAllocateDescriptorSets(dev, &ai, sets), VK_ERROR_OUT_OF_POOL_MEMORY);
  EXPECT_EQ(sets[0], VK_NULL_HANDLE);  // all-or-nothing
  ai.descriptorSetCount = 2;
  VK_OK(vkAllocateDescriptorSets(dev, &ai, sets));
  ai.descriptorSetCount = 1;
  VkDescriptorSet extra;
  EXPECT_EQ(vkAllocateDescriptorSets(dev, &ai, &extra), VK_ERROR_OUT_OF_POOL_MEMORY);
  VK_OK(vkFreeDescriptorSets(dev, pool, 1, &sets[0]));
  VK_OK(vkAllocateDescriptorSets(dev, &ai, &extra));
  VK_OK(vkResetDescriptorPool(dev, pool, 0));
  ai.descriptorSetCount = 2;
  VK_OK(vkAllocateDescriptorSets(dev, &ai, sets));
  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyDescriptorSetLayout(dev, layout, nullptr);
}

TEST(VkDescriptors, LayoutSupportFollowsTheBindingModel) {
  auto ctx = vktest::make_context();
  VkDescriptorSetLayoutBinding b{};
  b.binding = 0;
  b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  b.descriptorCount = 1;
  b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 1;
  lci.pBindings = &b;
  VkDescriptorSetLayoutSupport support{};
  support.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_SUPPORT;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_TRUE(support.supported);
  // Set memory is dense by binding number: numbers up to 2^20 - 1 (docs/vulkan.md).
  b.binding = (1u << 20) - 1;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_TRUE(support.supported);
  b.binding = 1u << 20;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_FALSE(support.supported);
  // Arrays up to maxPerSetDescriptors.
  VkPhysicalDeviceMaintenance3Properties m3{};
  m3.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES;
  VkPhysicalDeviceProperties2 props{};
  props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  props.pNext = &m3;
  vkGetPhysicalDeviceProperties2(ctx->physical(), &props);
  EXPECT_GE(m3.maxPerSetDescriptors, 1024u);  // VK_KHR_maintenance3's minimum
  b.binding = 0;
  b.descriptorCount = m3.maxPerSetDescriptors;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_TRUE(support.supported);
  b.descriptorCount = m3.maxPerSetDescriptors + 1;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_FALSE(support.supported);
  b.descriptorCount = 1;
  b.binding = 0;
  b.descriptorType = VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE;  // images are set elements like buffers
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_TRUE(support.supported);
  // Input attachments have no use in compute shaders, but VK_KHR_maintenance3 promises layouts of
  // maxPerSetDescriptors of every type (dEQP-VK.api.maintenance3_check.descriptor_set).
  b.descriptorType = VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
  b.descriptorCount = m3.maxPerSetDescriptors;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_TRUE(support.supported);
  b.descriptorCount = m3.maxPerSetDescriptors + 1;
  vkGetDescriptorSetLayoutSupport(ctx->device(), &lci, &support);
  EXPECT_FALSE(support.supported);
}

}  // namespace
