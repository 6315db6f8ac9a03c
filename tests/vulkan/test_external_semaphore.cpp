// VK_KHR_external_semaphore_fd: a timeline semaphore shared as an opaque fd (the kernel's DRM sync
// object) between two VkDevices and with another process, a binary one as a sync file;
// VK_KHR_external_fence_fd: a fence as a sync file. On the drm
// backend (the real module, tests/vm/ runs this in the guest) the fds are real; in process the
// simulated device's sync objects have no fds, so the extension is not advertised and the
// external-semaphore query says so (checked here too).
// Raw Vulkan through the loader (no helpers).
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

struct Vk {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice phys = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  bool has_ext = false;
  PFN_vkGetSemaphoreFdKHR get_fd = nullptr;
  PFN_vkImportSemaphoreFdKHR import_fd = nullptr;

  ~Vk() {
    if (device) vkDestroyDevice(device, nullptr);
    if (instance) vkDestroyInstance(instance, nullptr);
  }

  bool open() {
    if (!vktest::open_mica_instance(instance, phys)) return false;
    uint32_t ne = 0;
    vkEnumerateDeviceExtensionProperties(phys, nullptr, &ne, nullptr);
    std::vector<VkExtensionProperties> exts(ne);
    vkEnumerateDeviceExtensionProperties(phys, nullptr, &ne, exts.data());
    bool fence_ext = false;
    for (const auto& e : exts) {
      has_ext |= std::strcmp(e.extensionName, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME) == 0;
      fence_ext |= std::strcmp(e.extensionName, VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME) == 0;
    }
    EXPECT_EQ(fence_ext, has_ext) << "external fences and semaphores come together";
    VkPhysicalDeviceVulkan12Features f12{};
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    f12.timelineSemaphore = VK_TRUE;
    std::vector<const char*> ext;
    if (has_ext && fence_ext) ext = {VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME, VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME};
    EXPECT_EQ(vktest::create_device(phys, &device, &f12, ext), VK_SUCCESS);
    if (!device) return false;
    vkGetDeviceQueue(device, 0, 0, &queue);
    if (has_ext) {
      get_fd = reinterpret_cast<PFN_vkGetSemaphoreFdKHR>(vkGetDeviceProcAddr(device, "vkGetSemaphoreFdKHR"));
      import_fd = reinterpret_cast<PFN_vkImportSemaphoreFdKHR>(vkGetDeviceProcAddr(device, "vkImportSemaphoreFdKHR"));
      EXPECT_TRUE(get_fd && import_fd);
    }
    return true;
  }

  bool simulated() const { return vktest::is_simulated(phys); }

  VkExternalSemaphoreFeatureFlags features(VkSemaphoreType type, VkExternalSemaphoreHandleTypeFlagBits handle) const {
    VkSemaphoreTypeCreateInfo t{};
    t.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO;
    t.semaphoreType = type;
    VkPhysicalDeviceExternalSemaphoreInfo info{};
    info.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO;
    info.pNext = &t;
    info.handleType = handle;
    VkExternalSemaphoreProperties p{};
    p.sType = VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES;
    vkGetPhysicalDeviceExternalSemaphoreProperties(phys, &info, &p);
    return p.externalSemaphoreFeatures;
  }

  VkSemaphore semaphore(VkSemaphoreType type, VkExternalSemaphoreHandleTypeFlags exportable = 0) {
    VkSemaphoreTypeCreateInfo t{};
    t.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO;
    t.semaphoreType = type;
    VkExportSemaphoreCreateInfo exp{};
    exp.sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO;
    exp.handleTypes = exportable;
    if (exportable) t.pNext = &exp;
    VkSemaphoreCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    ci.pNext = &t;
    VkSemaphore s = VK_NULL_HANDLE;
    EXPECT_EQ(vkCreateSemaphore(device, &ci, nullptr, &s), VK_SUCCESS);
    return s;
  }

  VkResult wait(VkSemaphore s, uint64_t value, uint64_t timeout_ns) {
    VkSemaphoreWaitInfo wi{};
    wi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO;
    wi.semaphoreCount = 1;
    wi.pSemaphores = &s;
    wi.pValues = &value;
    return vkWaitSemaphores(device, &wi, timeout_ns);
  }

  VkResult signal(VkSemaphore s, uint64_t value) {
    VkSemaphoreSignalInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
    si.semaphore = s;
    si.value = value;
    return vkSignalSemaphore(device, &si);
  }

  // An empty batch on the queue: waits for 'wait' (binary or timeline at wait_value), signals
  // 'signal' (at signal_value) and the fence.
  VkResult submit(VkSemaphore wait_sem, uint64_t wait_value, VkSemaphore signal_sem, uint64_t signal_value,
                  VkFence fence) {
    VkSemaphoreSubmitInfo w{}, s{};
    w.sType = s.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
    w.semaphore = wait_sem;
    w.value = wait_value;
    w.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    s.semaphore = signal_sem;
    s.value = signal_value;
    s.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    VkSubmitInfo2 si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
    si.waitSemaphoreInfoCount = wait_sem ? 1 : 0;
    si.pWaitSemaphoreInfos = &w;
    si.signalSemaphoreInfoCount = signal_sem ? 1 : 0;
    si.pSignalSemaphoreInfos = &s;
    return vkQueueSubmit2(queue, 1, &si, fence);
  }

  VkFence fence() {
    VkFenceCreateInfo fi{};
    fi.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    VkFence f = VK_NULL_HANDLE;
    EXPECT_EQ(vkCreateFence(device, &fi, nullptr, &f), VK_SUCCESS);
    return f;
  }
};

// What the driver offers is what works: nothing in process, timeline OPAQUE_FD and binary
// SYNC_FD on the kernel's sync objects.
TEST(ExternalSemaphore, QueriesAreHonest) {
  Vk vk;
  ASSERT_TRUE(vk.open());
  const auto both = VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT;
  const bool drm = !vk.simulated();
  EXPECT_EQ(vk.has_ext, drm);
  EXPECT_EQ(vk.features(VK_SEMAPHORE_TYPE_TIMELINE, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT), drm ? both : 0u);
  EXPECT_EQ(vk.features(VK_SEMAPHORE_TYPE_BINARY, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT), drm ? both : 0u);
  EXPECT_EQ(vk.features(VK_SEMAPHORE_TYPE_BINARY, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT), 0u);
  EXPECT_EQ(vk.features(VK_SEMAPHORE_TYPE_TIMELINE, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT), 0u);
  EXPECT_EQ(vk.features(VK_SEMAPHORE_TYPE_BINARY, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_BIT), 0u);
}

TEST(ExternalSemaphore, TimelineOpaqueFdBetweenDevices) {
  Vk a, b;
  ASSERT_TRUE(a.open());
  ASSERT_TRUE(b.open());
  if (!a.has_ext) GTEST_SKIP() << "no VK_KHR_external_semaphore_fd here (in-process device)";
  VkSemaphore sa = a.semaphore(VK_SEMAPHORE_TYPE_TIMELINE, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT);
  VkSemaphore sb = b.semaphore(VK_SEMAPHORE_TYPE_TIMELINE);
  VkSemaphoreGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR;
  gi.semaphore = sa;
  gi.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
  int fd = -1;
  VK_OK(a.get_fd(a.device, &gi, &fd));
  ASSERT_GE(fd, 0);
  VkImportSemaphoreFdInfoKHR ii{};
  ii.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR;
  ii.semaphore = sb;
  ii.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
  ii.fd = fd;
  VK_OK(b.import_fd(b.device, &ii));  // owns fd now
  // Host signal on one side, wait on the other.
  VK_OK(a.signal(sa, 5));
  EXPECT_EQ(b.wait(sb, 5, 5'000'000'000ull), VK_SUCCESS);
  uint64_t v = 0;
  VK_OK(vkGetSemaphoreCounterValue(b.device, sb, &v));
  EXPECT_EQ(v, 5u);
  // B's queue waits for point 7 before anyone submitted it (wait-before-signal, held by B's
  // deferred submission); A's queue signals it.
  VkFence fb = b.fence();
  VK_OK(b.submit(sb, 7, VK_NULL_HANDLE, 0, fb));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 20'000'000ull), VK_TIMEOUT);
  VK_OK(a.submit(VK_NULL_HANDLE, 0, sa, 7, VK_NULL_HANDLE));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  VK_OK(vkQueueWaitIdle(a.queue));
  VK_OK(vkQueueWaitIdle(b.queue));
  vkDestroyFence(b.device, fb, nullptr);
  vkDestroySemaphore(a.device, sa, nullptr);
  vkDestroySemaphore(b.device, sb, nullptr);
}

TEST(ExternalSemaphore, BinarySyncFdBetweenDevices) {
  Vk a, b;
  ASSERT_TRUE(a.open());
  ASSERT_TRUE(b.open());
  if (!a.has_ext) GTEST_SKIP() << "no VK_KHR_external_semaphore_fd here (in-process device)";
  VkSemaphore sa = a.semaphore(VK_SEMAPHORE_TYPE_BINARY, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT);
  VkSemaphore sb = b.semaphore(VK_SEMAPHORE_TYPE_BINARY);
  VK_OK(a.submit(VK_NULL_HANDLE, 0, sa, 0, VK_NULL_HANDLE));
  VkSemaphoreGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR;
  gi.semaphore = sa;
  gi.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
  int fd = -1;
  VK_OK(a.get_fd(a.device, &gi, &fd));
  VkImportSemaphoreFdInfoKHR ii{};
  ii.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR;
  ii.semaphore = sb;
  ii.flags = VK_SEMAPHORE_IMPORT_TEMPORARY_BIT;
  ii.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
  ii.fd = fd;
  VK_OK(b.import_fd(b.device, &ii));
  VkFence fb = b.fence();
  VK_OK(b.submit(sb, 0, VK_NULL_HANDLE, 0, fb));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  // fd -1: an already signalled payload.
  VK_OK(vkResetFences(b.device, 1, &fb));
  ii.fd = -1;
  VK_OK(b.import_fd(b.device, &ii));
  VK_OK(b.submit(sb, 0, VK_NULL_HANDLE, 0, fb));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  VK_OK(vkQueueWaitIdle(a.queue));
  VK_OK(vkQueueWaitIdle(b.queue));
  vkDestroyFence(b.device, fb, nullptr);
  vkDestroySemaphore(a.device, sa, nullptr);
  vkDestroySemaphore(b.device, sb, nullptr);
}

// VK_KHR_external_fence_fd: a fence's sync file from one VkDevice signals another's fence.
TEST(ExternalFence, SyncFdBetweenDevices) {
  Vk a, b;
  ASSERT_TRUE(a.open());
  ASSERT_TRUE(b.open());
  VkPhysicalDeviceExternalFenceInfo info{};
  info.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_FENCE_INFO;
  info.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
  VkExternalFenceProperties props{};
  props.sType = VK_STRUCTURE_TYPE_EXTERNAL_FENCE_PROPERTIES;
  vkGetPhysicalDeviceExternalFenceProperties(a.phys, &info, &props);
  const auto both = VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_FENCE_FEATURE_IMPORTABLE_BIT;
  EXPECT_EQ(props.externalFenceFeatures, a.has_ext ? both : 0u);
  info.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_OPAQUE_FD_BIT;
  vkGetPhysicalDeviceExternalFenceProperties(a.phys, &info, &props);
  EXPECT_EQ(props.externalFenceFeatures, 0u);
  if (!a.has_ext) GTEST_SKIP() << "no external fences here (in-process device)";
  auto get_fd = reinterpret_cast<PFN_vkGetFenceFdKHR>(vkGetDeviceProcAddr(a.device, "vkGetFenceFdKHR"));
  auto import_fd = reinterpret_cast<PFN_vkImportFenceFdKHR>(vkGetDeviceProcAddr(b.device, "vkImportFenceFdKHR"));
  ASSERT_TRUE(get_fd && import_fd);
  VkFence fa = a.fence(), fb = b.fence();
  VK_OK(a.submit(VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0, fa));
  VkFenceGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_FENCE_GET_FD_INFO_KHR;
  gi.fence = fa;
  gi.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
  int fd = -1;
  VK_OK(get_fd(a.device, &gi, &fd));
  VkImportFenceFdInfoKHR ii{};
  ii.sType = VK_STRUCTURE_TYPE_IMPORT_FENCE_FD_INFO_KHR;
  ii.fence = fb;
  ii.flags = VK_FENCE_IMPORT_TEMPORARY_BIT;
  ii.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
  ii.fd = fd;
  VK_OK(import_fd(b.device, &ii));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  // Reset drops the imported payload; a refused import leaves the fence as it was.
  VK_OK(vkResetFences(b.device, 1, &fb));
  EXPECT_EQ(vkGetFenceStatus(b.device, fb), VK_NOT_READY);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ii.fd = devnull;
  EXPECT_EQ(import_fd(b.device, &ii), VK_ERROR_INVALID_EXTERNAL_HANDLE);
  close(devnull);
  EXPECT_EQ(vkGetFenceStatus(b.device, fb), VK_NOT_READY);
  VK_OK(b.submit(VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0, fb));
  EXPECT_EQ(vkWaitForFences(b.device, 1, &fb, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  vkDestroyFence(a.device, fa, nullptr);
  vkDestroyFence(b.device, fb, nullptr);
}

TEST(ExternalSemaphore, InvalidHandlesAreRefused) {
  Vk vk;
  ASSERT_TRUE(vk.open());
  if (!vk.has_ext) GTEST_SKIP() << "no VK_KHR_external_semaphore_fd here (in-process device)";
  VkSemaphore t = vk.semaphore(VK_SEMAPHORE_TYPE_TIMELINE);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  VkImportSemaphoreFdInfoKHR ii{};
  ii.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR;
  ii.semaphore = t;
  ii.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
  ii.fd = devnull;
  EXPECT_EQ(vk.import_fd(vk.device, &ii), VK_ERROR_INVALID_EXTERNAL_HANDLE);
  EXPECT_EQ(fcntl(devnull, F_GETFD), FD_CLOEXEC) << "a failed import leaves the fd to the application";
  ii.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;  // not for a timeline
  EXPECT_EQ(vk.import_fd(vk.device, &ii), VK_ERROR_INVALID_EXTERNAL_HANDLE);
  close(devnull);
  vkDestroySemaphore(vk.device, t, nullptr);
}

// The child half of TimelineInAnotherProcess (MICA_EXT_SEM_FD=<fd>): imports the timeline, waits
// for point 9 (which the parent signals after starting it), then signals 10.
int child_main(int fd) {
  Vk vk;
  if (!vk.open() || !vk.has_ext) return 1;
  VkSemaphore s = vk.semaphore(VK_SEMAPHORE_TYPE_TIMELINE);
  VkImportSemaphoreFdInfoKHR ii{};
  ii.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR;
  ii.semaphore = s;
  ii.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
  ii.fd = fd;
  if (vk.import_fd(vk.device, &ii) != VK_SUCCESS) return 2;
  if (vk.wait(s, 9, 10'000'000'000ull) != VK_SUCCESS) return 3;
  if (vk.submit(VK_NULL_HANDLE, 0, s, 10, VK_NULL_HANDLE) != VK_SUCCESS) return 4;
  if (vkQueueWaitIdle(vk.queue) != VK_SUCCESS) return 5;
  vkDestroySemaphore(vk.device, s, nullptr);
  return 0;
}

TEST(ExternalSemaphore, TimelineInAnotherProcess) {
  Vk a;
  ASSERT_TRUE(a.open());
  if (!a.has_ext) GTEST_SKIP() << "no VK_KHR_external_semaphore_fd here (in-process device)";
  VkSemaphore s = a.semaphore(VK_SEMAPHORE_TYPE_TIMELINE, VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT);
  VkSemaphoreGetFdInfoKHR gi{};
  gi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR;
  gi.semaphore = s;
  gi.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
  int fd = -1;
  VK_OK(a.get_fd(a.device, &gi, &fd));
  const pid_t pid = vktest::spawn_child_test("ExternalSemaphore.Child", "MICA_EXT_SEM_FD", fd);
  close(fd);
  VK_OK(a.signal(s, 9));
  EXPECT_EQ(a.wait(s, 10, 20'000'000'000ull), VK_SUCCESS) << "the other process's queue signals 10";
  int st = -1;
  waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "child status " << st;
  vkDestroySemaphore(a.device, s, nullptr);
}

// Only as the child of TimelineInAnotherProcess.
TEST(ExternalSemaphore, Child) {
  const char* env = std::getenv("MICA_EXT_SEM_FD");
  if (!env) GTEST_SKIP() << "the child half of TimelineInAnotherProcess";
  _exit(child_main(std::atoi(env)));
}

}  // namespace
