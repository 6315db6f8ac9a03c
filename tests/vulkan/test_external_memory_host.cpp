// VK_EXT_external_memory_host: the application's own allocation as VkDeviceMemory (the kernel's
// userptr BOs). A compute shader reads and writes the host arrays in place: the results are in the
// application's memory without vkMapMemory, copies or flushes, and CPU writes made between two
// dispatches are what the second one reads. Bad pointers get the spec's
// VK_ERROR_INVALID_EXTERNAL_HANDLE. On a device that cannot reach system memory (the QEMU guest's)
// the extension is not offered, and that is all that is checked.
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <random>

namespace {

constexpr VkDeviceSize kPage = 4096;

bool has_extension(VkPhysicalDevice phys, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(phys, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> all(n);
  vkEnumerateDeviceExtensionProperties(phys, nullptr, &n, all.data());
  for (const auto& e : all)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

// Page-aligned anonymous memory of this process.
struct HostPages {
  explicit HostPages(size_t pages, int prot = PROT_READ | PROT_WRITE) : bytes(pages * kPage) {
    void* p = mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mem = p == MAP_FAILED ? nullptr : p;
    EXPECT_NE(mem, nullptr);
  }
  ~HostPages() {
    if (mem) munmap(mem, bytes);
  }
  uint32_t* words() const { return static_cast<uint32_t*>(mem); }
  size_t bytes;
  void* mem;
};

struct HostVk {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice phys = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  PFN_vkGetMemoryHostPointerPropertiesEXT host_props = nullptr;
  bool offered = false;

  ~HostVk() {
    if (device) vkDestroyDevice(device, nullptr);
    if (instance) vkDestroyInstance(instance, nullptr);
  }
  // false when there is nothing to test: no Mica device, or (a gtest-visible skip) no extension.
  bool open() {
    if (!vktest::open_mica_instance(instance, phys)) return false;
    offered = has_extension(phys, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
    if (!offered) return false;
    EXPECT_EQ(vktest::create_device(phys, &device, nullptr, {VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME}), VK_SUCCESS);
    if (!device) return false;
    vkGetDeviceQueue(device, 0, 0, &queue);
    host_props = reinterpret_cast<PFN_vkGetMemoryHostPointerPropertiesEXT>(
        vkGetDeviceProcAddr(device, "vkGetMemoryHostPointerPropertiesEXT"));
    EXPECT_NE(host_props, nullptr);
    return host_props != nullptr;
  }
  uint32_t type_of(VkMemoryPropertyFlags want, uint32_t bits) const {
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(phys, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
      if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want) return i;
    return UINT32_MAX;
  }
  VkResult import(void* ptr, VkDeviceSize size, uint32_t type, VkDeviceMemory& mem,
                  VkExternalMemoryHandleTypeFlagBits handle = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT) {
    VkImportMemoryHostPointerInfoEXT imp{};
    imp.sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT;
    imp.handleType = handle;
    imp.pHostPointer = ptr;
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.pNext = &imp;
    ai.allocationSize = size;
    ai.memoryTypeIndex = type;
    mem = VK_NULL_HANDLE;
    return vkAllocateMemory(device, &ai, nullptr, &mem);
  }
  // A storage buffer over 'mem' at offset 0 (created with the external-memory info, as the spec
  // asks of buffers bound to imported memory).
  vkrun::Buffer storage(VkDeviceMemory mem, VkDeviceSize size) {
    VkExternalMemoryBufferCreateInfo ext{};
    ext.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO;
    ext.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
    VkBufferCreateInfo bci{};
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.pNext = &ext;
    bci.size = size;
    bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    vkrun::Buffer b;
    b.size = size;
    b.memory = mem;
    EXPECT_EQ(vkCreateBuffer(device, &bci, nullptr, &b.buffer), VK_SUCCESS);
    EXPECT_EQ(vkBindBufferMemory(device, b.buffer, mem, 0), VK_SUCCESS);
    return b;
  }
  // One dispatch of two_sets.spv (values[i] = inputs[i] * 3 + 1, 8 lanes), waited for.
  void run(const vktest::TestPipeline& p, const vktest::Sets& sets) {
    VkCommandPoolCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    VkCommandPool pool;
    ASSERT_EQ(vkCreateCommandPool(device, &pci, nullptr, &pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo cai{};
    cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    cai.commandPool = pool;
    cai.commandBufferCount = 1;
    VkCommandBuffer cb;
    ASSERT_EQ(vkAllocateCommandBuffers(device, &cai, &cb), VK_SUCCESS);
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    vkBeginCommandBuffer(cb, &bi);
    vktest::bind(cb, p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
    vkEndCommandBuffer(cb);
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    EXPECT_EQ(vkQueueSubmit(queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
    EXPECT_EQ(vkQueueWaitIdle(queue), VK_SUCCESS);
    vkDestroyCommandPool(device, pool, nullptr);
  }
};

TEST(ExternalMemoryHost, OfferedWithItsProperties) {
  HostVk vk;
  if (!vk.open()) {
    if (vk.phys && !vk.offered) {
      // Only a device without system DMA may leave it out: nothing is importable then.
      EXPECT_EQ(vktest::external_buffer_properties(vk.phys, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT)
                    .externalMemoryFeatures,
                0u);
      EXPECT_FALSE(vktest::is_simulated(vk.phys)) << "the in-process device reaches host memory";
      GTEST_SKIP() << "VK_EXT_external_memory_host not offered (no system DMA on this device)";
    }
    return;
  }
  VkPhysicalDeviceExternalMemoryHostPropertiesEXT host{};
  host.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT;
  VkPhysicalDeviceProperties2 p2{};
  p2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  p2.pNext = &host;
  vkGetPhysicalDeviceProperties2(vk.phys, &p2);
  EXPECT_EQ(host.minImportedHostPointerAlignment, kPage);
  EXPECT_EQ(host.pNext, nullptr);
  // HOST_ALLOCATION imports (never exports); HOST_MAPPED_FOREIGN_MEMORY is not offered.
  const VkExternalMemoryProperties m =
      vktest::external_buffer_properties(vk.phys, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT);
  EXPECT_EQ(m.externalMemoryFeatures, VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT);
  EXPECT_EQ(m.compatibleHandleTypes, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT);
  EXPECT_EQ(m.exportFromImportedHandleTypes, 0u);
  EXPECT_EQ(vktest::external_buffer_properties(vk.phys, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT)
                .externalMemoryFeatures,
            0u);
  // The command is only reachable on a device that enabled the extension.
  VkDevice plain = VK_NULL_HANDLE;
  ASSERT_EQ(vktest::create_device(vk.phys, &plain), VK_SUCCESS);
  EXPECT_EQ(vkGetDeviceProcAddr(plain, "vkGetMemoryHostPointerPropertiesEXT"), nullptr);
  vkDestroyDevice(plain, nullptr);
}

TEST(ExternalMemoryHost, ComputeReadsAndWritesTheHostArrayInPlace) {
  HostVk vk;
  if (!vk.open()) {
    if (vk.phys && !vk.offered) GTEST_SKIP() << "VK_EXT_external_memory_host not offered";
    return;
  }
  HostPages in(1), out(1);
  VkMemoryHostPointerPropertiesEXT hp{};
  hp.sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT;
  ASSERT_EQ(vk.host_props(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, in.mem, &hp), VK_SUCCESS);
  const uint32_t type = vk.type_of(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                   hp.memoryTypeBits);
  ASSERT_NE(type, UINT32_MAX) << "imported host memory is host visible and coherent";
  VkDeviceMemory in_mem, out_mem;
  ASSERT_EQ(vk.import(in.mem, in.bytes, type, in_mem), VK_SUCCESS);
  ASSERT_EQ(vk.import(out.mem, out.bytes, type, out_mem), VK_SUCCESS);
  // Mapping imported memory gives the application's own pointer back.
  void* mapped = nullptr;
  ASSERT_EQ(vkMapMemory(vk.device, in_mem, 0, VK_WHOLE_SIZE, 0, &mapped), VK_SUCCESS);
  EXPECT_EQ(mapped, in.mem);
  vkUnmapMemory(vk.device, in_mem);

  auto pipe = vktest::make_pipeline(vk.device, "two_sets.spv",
                                    {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}, {{3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(pipe->create_result, VK_SUCCESS);
  vkrun::Buffer in_buf = vk.storage(in_mem, 32), out_buf = vk.storage(out_mem, 32);
  vktest::Sets sets(vk.device, *pipe);
  sets.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out_buf);
  sets.write(1, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, in_buf);
  std::mt19937 rng(1234);
  for (int round = 0; round < 2; ++round) {
    // The CPU writes straight into its arrays; no flush, no map.
    for (uint32_t i = 0; i < 8; ++i) in.words()[i] = rng();
    vk.run(*pipe, sets);
    for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out.words()[i], in.words()[i] * 3u + 1u) << "round " << round << " lane " << i;
  }
  EXPECT_EQ(out.words()[8], 0u) << "nothing beyond the buffer was written";
  vkDestroyBuffer(vk.device, in_buf.buffer, nullptr);
  vkDestroyBuffer(vk.device, out_buf.buffer, nullptr);
  vkFreeMemory(vk.device, in_mem, nullptr);
  vkFreeMemory(vk.device, out_mem, nullptr);
}

TEST(ExternalMemoryHost, BadPointersAreRefused) {
  HostVk vk;
  if (!vk.open()) {
    if (vk.phys && !vk.offered) GTEST_SKIP() << "VK_EXT_external_memory_host not offered";
    return;
  }
  constexpr auto kInvalid = VK_ERROR_INVALID_EXTERNAL_HANDLE;
  HostPages good(3);
  // Two good pages, then a hole.
  ASSERT_EQ(munmap(static_cast<uint8_t*>(good.mem) + 2 * kPage, kPage), 0);
  VkMemoryHostPointerPropertiesEXT hp{};
  hp.sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT;
  ASSERT_EQ(vk.host_props(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, good.mem, &hp), VK_SUCCESS);
  const uint32_t type = vk.type_of(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, hp.memoryTypeBits);
  ASSERT_NE(type, UINT32_MAX);
  auto* base = static_cast<uint8_t*>(good.mem);
  VkDeviceMemory mem;
  // Unaligned pointer or size, the foreign-memory type, a memory type the pointer does not allow.
  EXPECT_EQ(vk.host_props(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, base + 64, &hp), kInvalid);
  EXPECT_EQ(vk.host_props(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT, base, &hp), kInvalid);
  EXPECT_EQ(vk.import(base + 64, kPage, type, mem), kInvalid);
  EXPECT_EQ(vk.import(base, kPage + 16, type, mem), kInvalid);
  EXPECT_EQ(vk.import(base, kPage, type, mem, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT), kInvalid);
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(vk.phys, &mp);
  for (uint32_t t = 0; t < mp.memoryTypeCount; ++t)
    if (!(hp.memoryTypeBits & (1u << t))) {
      EXPECT_EQ(vk.import(base, kPage, t, mem), kInvalid) << "type " << t;
    }
  // Memory the process does not have, or may not write: the kernel refuses to pin it.
  HostPages gone(1);
  void* hole = gone.mem;
  ASSERT_EQ(munmap(gone.mem, gone.bytes), 0);
  gone.mem = nullptr;
  EXPECT_EQ(vk.host_props(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, hole, &hp), kInvalid);
  EXPECT_EQ(vk.import(hole, kPage, type, mem), kInvalid);
  HostPages ro(1, PROT_READ);
  EXPECT_EQ(vk.import(ro.mem, kPage, type, mem), kInvalid);
  // A range running past the end of the mapping.
  EXPECT_EQ(vk.import(base, 3 * kPage, type, mem), kInvalid);
  // The good range still imports after all that.
  ASSERT_EQ(vk.import(base, 2 * kPage, type, mem), VK_SUCCESS);
  vkFreeMemory(vk.device, mem, nullptr);
}

}  // namespace
