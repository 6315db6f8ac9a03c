// VkAllocationCallbacks through the loader: objects created with pAllocator take their host memory
// from it, children of a device created with an allocator fall back to the device's, every
// allocation is freed by the matching destroy, and an allocator that returns NULL makes the call
// fail with VK_ERROR_OUT_OF_HOST_MEMORY (never a crash or a leak).
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace {

// Counts live allocations; can be told to fail every allocation from the n-th on.
struct CountingAllocator {
  std::mutex mutex;
  std::map<void*, size_t> live;
  uint64_t allocations = 0;
  uint64_t fail_from = UINT64_MAX;  // allocation index from which pfnAllocation returns NULL
  bool misaligned = false;
  VkAllocationCallbacks callbacks{};

  CountingAllocator() {
    callbacks.pUserData = this;
    callbacks.pfnAllocation = [](void* user, size_t size, size_t align, VkSystemAllocationScope) -> void* {
      return static_cast<CountingAllocator*>(user)->alloc(size, align);
    };
    callbacks.pfnReallocation = [](void* user, void* old, size_t size, size_t align,
                                   VkSystemAllocationScope) -> void* {
      auto* self = static_cast<CountingAllocator*>(user);
      if (!old) return self->alloc(size, align);
      if (size == 0) {
        self->release(old);
        return nullptr;
      }
      void* fresh = self->alloc(size, align);
      if (!fresh) return nullptr;
      std::lock_guard lock(self->mutex);
      std::memcpy(fresh, old, std::min(size, self->live.at(old)));
      self->live.erase(old);
      std::free(old);
      return fresh;
    };
    callbacks.pfnFree = [](void* user, void* p) { static_cast<CountingAllocator*>(user)->release(p); };
  }
  void* alloc(size_t size, size_t align) {
    std::lock_guard lock(mutex);
    if (allocations++ >= fail_from) return nullptr;
    void* p = std::aligned_alloc(align, (size + align - 1) / align * align);
    if (reinterpret_cast<uintptr_t>(p) % align) misaligned = true;
    live[p] = size;
    return p;
  }
  void release(void* p) {
    if (!p) return;
    std::lock_guard lock(mutex);
    EXPECT_EQ(live.erase(p), 1u) << "freed memory that was not allocated by these callbacks";
    std::free(p);
  }
  size_t live_count() {
    std::lock_guard lock(mutex);
    return live.size();
  }
};

VkInstance create_instance(const VkAllocationCallbacks* alloc, VkResult* result = nullptr) {
  VkInstance inst;
  const VkResult r = vktest::create_instance(&inst, {}, VK_API_VERSION_1_3, alloc);
  if (result) *result = r;
  else EXPECT_EQ(r, VK_SUCCESS);
  return inst;
}

VkResult create_device(VkPhysicalDevice pd, const VkAllocationCallbacks* alloc, VkDevice* dev) {
  VkPhysicalDeviceVulkan13Features f13{};  // every_object_kind makes a private data slot
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.privateData = VK_TRUE;
  return vktest::create_device(pd, dev, &f13, {}, nullptr, alloc);
}

// Creates and destroys one object of every kind with 'alloc' on 'dev'; each creation must take
// memory from 'counter' (whose callbacks are 'alloc', or the device's when alloc is null) and
// each destroy must give it back.
void every_object_kind(VkDevice dev, VkPhysicalDevice pd, const VkAllocationCallbacks* alloc, CountingAllocator& counter) {
  auto grows = [&](size_t before, const char* what) {
    EXPECT_GT(counter.live_count(), before) << what << " took no memory from the allocator";
  };
  size_t n = counter.live_count();
  const size_t start = n;

  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 256;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer;
  ASSERT_EQ(vkCreateBuffer(dev, &bci, alloc, &buffer), VK_SUCCESS);
  grows(n, "vkCreateBuffer"), n = counter.live_count();

  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, buffer, &req);
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(pd, &mp);
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = uint32_t(__builtin_ctz(req.memoryTypeBits));
  VkDeviceMemory memory;
  ASSERT_EQ(vkAllocateMemory(dev, &mai, alloc, &memory), VK_SUCCESS);
  grows(n, "vkAllocateMemory"), n = counter.live_count();
  ASSERT_EQ(vkBindBufferMemory(dev, buffer, memory, 0), VK_SUCCESS);

  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  ASSERT_EQ(vkCreateFence(dev, &fci, alloc, &fence), VK_SUCCESS);
  grows(n, "vkCreateFence"), n = counter.live_count();

  VkSemaphoreCreateInfo sci{};
  sci.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
  VkSemaphore semaphore;
  ASSERT_EQ(vkCreateSemaphore(dev, &sci, alloc, &semaphore), VK_SUCCESS);
  grows(n, "vkCreateSemaphore"), n = counter.live_count();

  VkEventCreateInfo eci{};
  eci.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO;
  VkEvent event;
  ASSERT_EQ(vkCreateEvent(dev, &eci, alloc, &event), VK_SUCCESS);
  grows(n, "vkCreateEvent"), n = counter.live_count();

  VkQueryPoolCreateInfo qci{};
  qci.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
  qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  qci.queryCount = 4;
  VkQueryPool query_pool;
  ASSERT_EQ(vkCreateQueryPool(dev, &qci, alloc, &query_pool), VK_SUCCESS);
  grows(n, "vkCreateQueryPool"), n = counter.live_count();

  VkCommandPoolCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  VkCommandPool cmd_pool;
  ASSERT_EQ(vkCreateCommandPool(dev, &cpci, alloc, &cmd_pool), VK_SUCCESS);
  grows(n, "vkCreateCommandPool"), n = counter.live_count();
  VkCommandBufferAllocateInfo cbai{};
  cbai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cbai.commandPool = cmd_pool;
  cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cbai.commandBufferCount = 1;
  VkCommandBuffer cb;
  ASSERT_EQ(vkAllocateCommandBuffers(dev, &cbai, &cb), VK_SUCCESS);
  grows(n, "vkAllocateCommandBuffers (the pool's allocator)"), n = counter.live_count();

  VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo dslci{};
  dslci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  dslci.bindingCount = 1;
  dslci.pBindings = &binding;
  VkDescriptorSetLayout set_layout;
  ASSERT_EQ(vkCreateDescriptorSetLayout(dev, &dslci, alloc, &set_layout), VK_SUCCESS);
  grows(n, "vkCreateDescriptorSetLayout"), n = counter.live_count();

  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_layout;
  VkPipelineLayout layout;
  ASSERT_EQ(vkCreatePipelineLayout(dev, &plci, alloc, &layout), VK_SUCCESS);
  grows(n, "vkCreatePipelineLayout"), n = counter.live_count();

  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1};
  VkDescriptorPoolCreateInfo dpci{};
  dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dpci.maxSets = 1;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = &ps;
  VkDescriptorPool desc_pool;
  ASSERT_EQ(vkCreateDescriptorPool(dev, &dpci, alloc, &desc_pool), VK_SUCCESS);
  grows(n, "vkCreateDescriptorPool"), n = counter.live_count();
  VkDescriptorSetAllocateInfo dsai{};
  dsai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  dsai.descriptorPool = desc_pool;
  dsai.descriptorSetCount = 1;
  dsai.pSetLayouts = &set_layout;
  VkDescriptorSet set;
  ASSERT_EQ(vkAllocateDescriptorSets(dev, &dsai, &set), VK_SUCCESS);
  grows(n, "vkAllocateDescriptorSets (the pool's allocator)"), n = counter.live_count();

  VkDescriptorUpdateTemplateEntry entry{0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, sizeof(VkDescriptorBufferInfo)};
  VkDescriptorUpdateTemplateCreateInfo tci{};
  tci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO;
  tci.descriptorUpdateEntryCount = 1;
  tci.pDescriptorUpdateEntries = &entry;
  tci.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
  tci.descriptorSetLayout = set_layout;
  VkDescriptorUpdateTemplate update_template;
  ASSERT_EQ(vkCreateDescriptorUpdateTemplate(dev, &tci, alloc, &update_template), VK_SUCCESS);
  grows(n, "vkCreateDescriptorUpdateTemplate"), n = counter.live_count();

  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("num_groups.spv"));
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = spirv.size() * 4;
  smci.pCode = spirv.data();
  VkShaderModule module;
  ASSERT_EQ(vkCreateShaderModule(dev, &smci, alloc, &module), VK_SUCCESS);
  grows(n, "vkCreateShaderModule"), n = counter.live_count();

  VkPipelineCacheCreateInfo pcci{};
  pcci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  VkPipelineCache cache;
  ASSERT_EQ(vkCreatePipelineCache(dev, &pcci, alloc, &cache), VK_SUCCESS);
  grows(n, "vkCreatePipelineCache"), n = counter.live_count();

  VkComputePipelineCreateInfo cpi{};
  cpi.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpi.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpi.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpi.stage.module = module;
  cpi.stage.pName = "main";
  cpi.layout = layout;
  VkPipeline pipeline;
  ASSERT_EQ(vkCreateComputePipelines(dev, cache, 1, &cpi, alloc, &pipeline), VK_SUCCESS);
  grows(n, "vkCreateComputePipelines"), n = counter.live_count();

  VkPrivateDataSlotCreateInfo pdci{};
  pdci.sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO;
  VkPrivateDataSlot slot;
  ASSERT_EQ(vkCreatePrivateDataSlot(dev, &pdci, alloc, &slot), VK_SUCCESS);
  grows(n, "vkCreatePrivateDataSlot"), n = counter.live_count();

  vkDestroyPrivateDataSlot(dev, slot, alloc);
  vkDestroyPipeline(dev, pipeline, alloc);
  vkDestroyPipelineCache(dev, cache, alloc);
  vkDestroyShaderModule(dev, module, alloc);
  vkDestroyDescriptorUpdateTemplate(dev, update_template, alloc);
  vkDestroyDescriptorPool(dev, desc_pool, alloc);
  vkDestroyPipelineLayout(dev, layout, alloc);
  vkDestroyDescriptorSetLayout(dev, set_layout, alloc);
  vkFreeCommandBuffers(dev, cmd_pool, 1, &cb);
  vkDestroyCommandPool(dev, cmd_pool, alloc);
  vkDestroyQueryPool(dev, query_pool, alloc);
  vkDestroyEvent(dev, event, alloc);
  vkDestroySemaphore(dev, semaphore, alloc);
  vkDestroyFence(dev, fence, alloc);
  vkDestroyBuffer(dev, buffer, alloc);
  vkFreeMemory(dev, memory, alloc);
  EXPECT_EQ(counter.live_count(), start) << "destroying the objects did not free all their host memory";
}

TEST(VkAllocator, EveryObjectUsesTheCallbacksAndFreesEverything) {
  CountingAllocator counter;
  {
    VkInstance inst = create_instance(&counter.callbacks);
    ASSERT_NE(inst, VK_NULL_HANDLE);
    VkPhysicalDevice pd = vktest::find_mica_device(inst);
    ASSERT_NE(pd, VK_NULL_HANDLE);
    const size_t before_device = counter.live_count();
    VkDevice dev;
    ASSERT_EQ(create_device(pd, &counter.callbacks, &dev), VK_SUCCESS);
    EXPECT_GT(counter.live_count(), before_device);
    every_object_kind(dev, pd, &counter.callbacks, counter);
    vkDestroyDevice(dev, &counter.callbacks);
    EXPECT_EQ(counter.live_count(), before_device) << "vkDestroyDevice left host memory behind";
    vkDestroyInstance(inst, &counter.callbacks);
  }
  EXPECT_GT(counter.allocations, 0u);
  EXPECT_EQ(counter.live_count(), 0u);
  EXPECT_FALSE(counter.misaligned);
}

// Children created without pAllocator use the device's allocator; the device without one uses
// the instance's.
TEST(VkAllocator, ChildrenFallBackToTheDeviceAndInstanceAllocators) {
  CountingAllocator device_alloc;
  VkInstance inst = create_instance(nullptr);
  VkPhysicalDevice pd = vktest::find_mica_device(inst);
  ASSERT_NE(pd, VK_NULL_HANDLE);
  VkDevice dev;
  ASSERT_EQ(create_device(pd, &device_alloc.callbacks, &dev), VK_SUCCESS);
  every_object_kind(dev, pd, nullptr, device_alloc);
  vkDestroyDevice(dev, nullptr);
  EXPECT_EQ(device_alloc.live_count(), 0u);
  vkDestroyInstance(inst, nullptr);

  CountingAllocator instance_alloc;
  inst = create_instance(&instance_alloc.callbacks);
  pd = vktest::find_mica_device(inst);
  const size_t before = instance_alloc.live_count();
  ASSERT_EQ(create_device(pd, nullptr, &dev), VK_SUCCESS);
  EXPECT_GT(instance_alloc.live_count(), before) << "the device did not fall back to the instance's allocator";
  every_object_kind(dev, pd, nullptr, instance_alloc);
  vkDestroyDevice(dev, nullptr);
  EXPECT_EQ(instance_alloc.live_count(), before);
  vkDestroyInstance(inst, &instance_alloc.callbacks);
  EXPECT_EQ(instance_alloc.live_count(), 0u);
}

TEST(VkAllocator, FailingAllocatorGivesOutOfHostMemory) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  CountingAllocator failing;
  failing.fail_from = 0;
  const VkAllocationCallbacks* a = &failing.callbacks;

  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 256;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  EXPECT_EQ(vkCreateBuffer(dev, &bci, a, &buffer), VK_ERROR_OUT_OF_HOST_MEMORY);
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  EXPECT_EQ(vkCreateFence(dev, &fci, a, &fence), VK_ERROR_OUT_OF_HOST_MEMORY);
  VkCommandPoolCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  VkCommandPool pool;
  EXPECT_EQ(vkCreateCommandPool(dev, &cpci, a, &pool), VK_ERROR_OUT_OF_HOST_MEMORY);
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = 4096;
  VkDeviceMemory memory;
  EXPECT_EQ(vkAllocateMemory(dev, &mai, a, &memory), VK_ERROR_OUT_OF_HOST_MEMORY);
  VkEventCreateInfo eci{};
  eci.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO;
  VkEvent event;
  EXPECT_EQ(vkCreateEvent(dev, &eci, a, &event), VK_ERROR_OUT_OF_HOST_MEMORY);
  const std::vector<uint32_t> spirv = vkrun::read_spirv(vkrun::spv_path("num_groups.spv"));
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = spirv.size() * 4;
  smci.pCode = spirv.data();
  VkShaderModule module;
  EXPECT_EQ(vkCreateShaderModule(dev, &smci, a, &module), VK_ERROR_OUT_OF_HOST_MEMORY);
  EXPECT_EQ(failing.live_count(), 0u);
  EXPECT_GT(failing.allocations, 0u);
  // The device is still fine afterwards.
  EXPECT_EQ(vkCreateBuffer(dev, &bci, nullptr, &buffer), VK_SUCCESS);
  vkDestroyBuffer(dev, buffer, nullptr);
}

// vkAllocateDescriptorSets from a pool whose allocator fails after n allocations, for every n until
// all sets fit: a failure frees what it allocated and leaves every handle VK_NULL_HANDLE (the handles
// of the sets allocated before the failing one were left set: dEQP-VK.api.object_management.
// alloc_callback_fail_multiple.descriptor_set).
TEST(VkAllocator, DescriptorSetAllocationFailureLeavesNoHandles) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkDescriptorSetLayoutBinding b{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 1;
  lci.pBindings = &b;
  VkDescriptorSetLayout layout;
  ASSERT_EQ(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &layout), VK_SUCCESS);
  constexpr uint32_t kSets = 4;
  const VkDescriptorSetLayout layouts[kSets] = {layout, layout, layout, layout};
  bool all_fit = false;
  for (uint64_t n = 1; n < 64 && !all_fit; ++n) {
    CountingAllocator failing;
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSets};
    VkDescriptorPoolCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    pci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pci.maxSets = kSets;
    pci.poolSizeCount = 1;
    pci.pPoolSizes = &size;
    VkDescriptorPool pool;
    ASSERT_EQ(vkCreateDescriptorPool(dev, &pci, &failing.callbacks, &pool), VK_SUCCESS);
    failing.fail_from = failing.allocations + n;  // the pool itself exists; its sets' storage fails
    VkDescriptorSetAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    ai.descriptorPool = pool;
    ai.descriptorSetCount = kSets;
    ai.pSetLayouts = layouts;
    VkDescriptorSet sets[kSets];
    std::memset(sets, 0xab, sizeof sets);
    const VkResult r = vkAllocateDescriptorSets(dev, &ai, sets);
    if (r == VK_SUCCESS) {
      all_fit = true;
    } else {
      EXPECT_EQ(r, VK_ERROR_OUT_OF_HOST_MEMORY) << "n = " << n;
      for (VkDescriptorSet set : sets) EXPECT_EQ(set, VkDescriptorSet(VK_NULL_HANDLE)) << "n = " << n;
    }
    vkDestroyDescriptorPool(dev, pool, &failing.callbacks);
    EXPECT_EQ(failing.live_count(), 0u) << "n = " << n;
  }
  EXPECT_TRUE(all_fit);
  vkDestroyDescriptorSetLayout(dev, layout, nullptr);
}

// vkCreateInstance and vkCreateDevice with an allocator that fails after n allocations, for
// every n until creation succeeds: each attempt either succeeds or reports
// VK_ERROR_OUT_OF_HOST_MEMORY, and nothing leaks.
TEST(VkAllocator, InstanceAndDeviceCreationSurviveEveryAllocationFailure) {
  bool device_created = false;
  // Far more allocations than the loader and the driver make together for one instance and device.
  constexpr uint64_t kMaxAttempts = 20000;
  uint64_t n = 0;
  for (; n < kMaxAttempts && !device_created; ++n) {
    CountingAllocator a;
    a.fail_from = n;
    VkResult r;
    VkInstance inst = create_instance(&a.callbacks, &r);
    ASSERT_TRUE(r == VK_SUCCESS || r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_INITIALIZATION_FAILED)
        << "vkCreateInstance with allocation " << n << " failing: " << r;
    if (r == VK_SUCCESS) {
      uint32_t count = 0;
      r = vkEnumeratePhysicalDevices(inst, &count, nullptr);
      ASSERT_TRUE(r == VK_SUCCESS || r == VK_ERROR_OUT_OF_HOST_MEMORY) << r;
      std::vector<VkPhysicalDevice> pds(count);
      if (r == VK_SUCCESS && count) r = vkEnumeratePhysicalDevices(inst, &count, pds.data());
      VkPhysicalDevice pd = VK_NULL_HANDLE;
      for (uint32_t i = 0; r == VK_SUCCESS && i < count; ++i) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(pds[i], &p);
        if (std::strstr(p.deviceName, "Mica")) pd = pds[i];
      }
      if (pd) {
        VkDevice dev;
        r = create_device(pd, &a.callbacks, &dev);
        ASSERT_TRUE(r == VK_SUCCESS || r == VK_ERROR_OUT_OF_HOST_MEMORY)
            << "vkCreateDevice with allocation " << n << " failing: " << r;
        if (r == VK_SUCCESS) {
          device_created = true;
          vkDestroyDevice(dev, &a.callbacks);
        }
      }
      vkDestroyInstance(inst, &a.callbacks);
    }
    EXPECT_EQ(a.live_count(), 0u) << "leak with allocation " << n << " failing";
  }
  EXPECT_TRUE(device_created);
  RecordProperty("allocations_until_success", std::to_string(n));
}

}  // namespace
