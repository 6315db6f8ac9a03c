// VK_KHR_external_memory_fd + VK_EXT_external_memory_dma_buf: VkDeviceMemory exported as a dma-buf
// fd and imported by a second VkDevice, in this process and (ImportInAnotherProcess) in a child
// process. On the drm backend (the real module, tests/vm/) the fd is a real dma-buf and the child
// imports it; in process each process has its own simulated device, so the child's import is
// refused with VK_ERROR_INVALID_EXTERNAL_HANDLE, as the driver documents.
// Raw Vulkan through the loader (no helpers): each device enables the two extensions itself.
#include <gtest/gtest.h>
#include <vulkan/vulkan.h>

#include "vk_mica_instance.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

#define VK_OK(expr) ASSERT_EQ((expr), VK_SUCCESS) << #expr

constexpr VkDeviceSize kSize = 64 * 1024;
constexpr uint32_t kPattern = 0x5eed1234, kFill = 0xf111f111;
constexpr VkExternalMemoryHandleTypeFlags kTypes =
    VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT | VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;

struct Vk {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice phys = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  PFN_vkGetMemoryFdKHR get_memory_fd = nullptr;
  PFN_vkGetMemoryFdPropertiesKHR get_memory_fd_properties = nullptr;
  uint32_t host_visible_type = 0;

  ~Vk() {
    if (device) vkDestroyDevice(device, nullptr);
    if (instance) vkDestroyInstance(instance, nullptr);
  }

  // false (with a gtest failure) when the Mica device or the extensions are missing
  bool open() {
    if (!vktest::open_mica_instance(instance, phys)) return false;
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(phys, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
      if (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) host_visible_type = i;
    EXPECT_EQ(vktest::create_device(
                  phys, &device, nullptr,
                  {VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME}),
              VK_SUCCESS);
    if (!device) return false;
    vkGetDeviceQueue(device, 0, 0, &queue);
    get_memory_fd = reinterpret_cast<PFN_vkGetMemoryFdKHR>(vkGetDeviceProcAddr(device, "vkGetMemoryFdKHR"));
    get_memory_fd_properties =
        reinterpret_cast<PFN_vkGetMemoryFdPropertiesKHR>(vkGetDeviceProcAddr(device, "vkGetMemoryFdPropertiesKHR"));
    EXPECT_NE(get_memory_fd, nullptr);
    EXPECT_NE(get_memory_fd_properties, nullptr);
    return get_memory_fd && get_memory_fd_properties;
  }

  bool simulated() const { return vktest::is_simulated(phys); }

  VkResult allocate(bool exportable, int import_fd, VkDeviceMemory& mem,
                    VkExternalMemoryHandleTypeFlagBits type = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT) {
    VkExportMemoryAllocateInfo exp{};
    exp.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO;
    exp.handleTypes = kTypes;
    VkImportMemoryFdInfoKHR imp{};
    imp.sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR;
    imp.handleType = type;
    imp.fd = import_fd;
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = kSize;
    ai.memoryTypeIndex = host_visible_type;
    if (import_fd >= 0)
      ai.pNext = &imp;
    else if (exportable)
      ai.pNext = &exp;
    return vkAllocateMemory(device, &ai, nullptr, &mem);
  }

  // vkCmdFillBuffer over the whole memory through this device's queue.
  void fill(VkDeviceMemory mem, uint32_t value) {
    VkBufferCreateInfo bci{};
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.size = kSize;
    bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkExternalMemoryBufferCreateInfo ext{};
    ext.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO;
    ext.handleTypes = kTypes;
    bci.pNext = &ext;
    VkBuffer buf;
    VK_OK(vkCreateBuffer(device, &bci, nullptr, &buf));
    VK_OK(vkBindBufferMemory(device, buf, mem, 0));
    VkCommandPoolCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    VkCommandPool pool;
    VK_OK(vkCreateCommandPool(device, &pci, nullptr, &pool));
    VkCommandBufferAllocateInfo cai{};
    cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    cai.commandPool = pool;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 1;
    VkCommandBuffer cb;
    VK_OK(vkAllocateCommandBuffers(device, &cai, &cb));
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    VK_OK(vkBeginCommandBuffer(cb, &bi));
    vkCmdFillBuffer(cb, buf, 0, VK_WHOLE_SIZE, value);
    VK_OK(vkEndCommandBuffer(cb));
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    VK_OK(vkQueueSubmit(queue, 1, &si, VK_NULL_HANDLE));
    VK_OK(vkQueueWaitIdle(queue));
    vkDestroyCommandPool(device, pool, nullptr);
    vkDestroyBuffer(device, buf, nullptr);
  }
};

TEST(ExternalMemory, AdvertisedForBuffersOnly) {
  Vk vk;
  ASSERT_TRUE(vk.open());
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(vk.phys, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateDeviceExtensionProperties(vk.phys, nullptr, &n, exts.data());
  int found = 0;
  for (const auto& e : exts)
    for (const char* want : {VK_KHR_EXTERNAL_MEMORY_EXTENSION_NAME, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
                             VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME})
      found += std::strcmp(e.extensionName, want) == 0;
  EXPECT_EQ(found, 3);
  for (auto type : {VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT}) {
    const VkExternalMemoryProperties m = vktest::external_buffer_properties(vk.phys, type);
    EXPECT_EQ(m.externalMemoryFeatures,
              VkExternalMemoryFeatureFlags(VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT));
    EXPECT_TRUE(m.compatibleHandleTypes & type);
  }
  // HOST_ALLOCATION is VK_EXT_external_memory_host's (test_external_memory_host.cpp); foreign
  // mappings are not importable at all.
  EXPECT_EQ(vktest::external_buffer_properties(vk.phys, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT)
                .externalMemoryFeatures,
            0u);
}

// Two VkDevices of this process: the second imports, sees the data, and its GPU fill is seen by the first.
TEST(ExternalMemory, ExportImportIntoSecondDevice) {
  Vk a, b;
  ASSERT_TRUE(a.open());
  ASSERT_TRUE(b.open());
  VkDeviceMemory mem_a = VK_NULL_HANDLE, mem_b = VK_NULL_HANDLE;
  VK_OK(a.allocate(true, -1, mem_a));
  uint32_t* pa = nullptr;
  VK_OK(vkMapMemory(a.device, mem_a, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&pa)));
  pa[0] = kPattern;
  VkMemoryGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR;
  gi.memory = mem_a;
  gi.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
  int fd = -1;
  VK_OK(a.get_memory_fd(a.device, &gi, &fd));
  ASSERT_GE(fd, 0);
  VkMemoryFdPropertiesKHR fp{};
  fp.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR;
  VK_OK(b.get_memory_fd_properties(b.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, fd, &fp));
  EXPECT_TRUE(fp.memoryTypeBits & (1u << b.host_visible_type));
  // Memory exported device-local-only imports only as device-local.
  VkMemoryAllocateInfo dl{};
  dl.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  VkExportMemoryAllocateInfo dl_exp{};
  dl_exp.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO;
  dl_exp.handleTypes = kTypes;
  dl.pNext = &dl_exp;
  dl.allocationSize = kSize;
  dl.memoryTypeIndex = b.host_visible_type == 0 ? 1 : 0;
  VkDeviceMemory mem_dl = VK_NULL_HANDLE;
  VK_OK(vkAllocateMemory(a.device, &dl, nullptr, &mem_dl));
  VkMemoryGetFdInfoKHR gdl{};
  gdl.sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR;
  gdl.memory = mem_dl;
  gdl.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
  int fd_dl = -1;
  VK_OK(a.get_memory_fd(a.device, &gdl, &fd_dl));
  VkMemoryFdPropertiesKHR fp_dl{};
  fp_dl.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR;
  VK_OK(b.get_memory_fd_properties(b.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, fd_dl, &fp_dl));
  EXPECT_EQ(fp_dl.memoryTypeBits, 1u << dl.memoryTypeIndex);
  close(fd_dl);
  vkFreeMemory(a.device, mem_dl, nullptr);
  VK_OK(b.allocate(false, fd, mem_b));  // the import owns fd now
  uint32_t* pb = nullptr;
  VK_OK(vkMapMemory(b.device, mem_b, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&pb)));
  EXPECT_EQ(pb[0], kPattern);
  b.fill(mem_b, kFill);
  EXPECT_EQ(pa[0], kFill);
  EXPECT_EQ(pa[kSize / 4 - 1], kFill);
  // The exporter frees first: the importer's memory stays.
  vkUnmapMemory(a.device, mem_a);
  vkFreeMemory(a.device, mem_a, nullptr);
  EXPECT_EQ(pb[1], kFill);
  vkUnmapMemory(b.device, mem_b);
  vkFreeMemory(b.device, mem_b, nullptr);
}

TEST(ExternalMemory, InvalidHandlesAreRefused) {
  Vk vk;
  ASSERT_TRUE(vk.open());
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(devnull, 0);
  VkDeviceMemory mem = VK_NULL_HANDLE;
  EXPECT_EQ(vk.allocate(false, devnull, mem), VK_ERROR_INVALID_EXTERNAL_HANDLE);
  EXPECT_EQ(fcntl(devnull, F_GETFD), FD_CLOEXEC) << "a failed import leaves the fd to the application";
  close(devnull);
  VkMemoryFdPropertiesKHR fp{};
  fp.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR;
  EXPECT_EQ(vk.get_memory_fd_properties(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, 12345, &fp),
            VK_ERROR_INVALID_EXTERNAL_HANDLE);
  int devnull2 = open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(vk.get_memory_fd_properties(vk.device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, devnull2, &fp),
            VK_ERROR_INVALID_EXTERNAL_HANDLE);
  close(devnull2);
}

// The child half of ImportInAnotherProcess (run with MICA_EXT_MEM_FD=<fd> by the parent): imports,
// checks the pattern, fills through its own queue. Exit 0 ok, 3 import refused, else failure.
int child_main(int fd) {
  Vk vk;
  if (!vk.open()) return 1;
  VkDeviceMemory mem = VK_NULL_HANDLE;
  VkResult r = vk.allocate(false, fd, mem, VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT);
  if (r == VK_ERROR_INVALID_EXTERNAL_HANDLE) return 3;
  if (r != VK_SUCCESS) return 4;
  uint32_t* p = nullptr;
  if (vkMapMemory(vk.device, mem, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&p)) != VK_SUCCESS || p[0] != kPattern)
    return 5;
  vk.fill(mem, kFill);
  if (::testing::Test::HasFailure()) return 6;
  vkFreeMemory(vk.device, mem, nullptr);
  return 0;
}

TEST(ExternalMemory, ImportInAnotherProcess) {
  Vk a;
  ASSERT_TRUE(a.open());
  VkDeviceMemory mem = VK_NULL_HANDLE;
  VK_OK(a.allocate(true, -1, mem));
  uint32_t* p = nullptr;
  VK_OK(vkMapMemory(a.device, mem, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&p)));
  p[0] = kPattern;
  VkMemoryGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR;
  gi.memory = mem;
  gi.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
  int fd = -1;
  VK_OK(a.get_memory_fd(a.device, &gi, &fd));
  const pid_t pid = vktest::spawn_child_test("ExternalMemory.Child", "MICA_EXT_MEM_FD", fd);
  close(fd);
  int st = -1;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  if (a.simulated()) {
    // Another process has another in-process device: the fd names nothing there.
    EXPECT_EQ(WEXITSTATUS(st), 3);
    EXPECT_EQ(p[0], kPattern);
  } else {
    EXPECT_EQ(WEXITSTATUS(st), 0);
    EXPECT_EQ(p[0], kFill) << "the other process's fill is in this process's memory";
    EXPECT_EQ(p[kSize / 4 - 1], kFill);
  }
  vkFreeMemory(a.device, mem, nullptr);
}

// Only as the child of ImportInAnotherProcess.
TEST(ExternalMemory, Child) {
  const char* env = std::getenv("MICA_EXT_MEM_FD");
  if (!env) GTEST_SKIP() << "the child half of ImportInAnotherProcess";
  std::exit(child_main(std::atoi(env)));
}

}  // namespace
