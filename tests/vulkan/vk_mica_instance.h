// The Vulkan 1.3 instance and Mica physical device of the standalone test programs that also run
// in the VM guest (they link no test library: only gtest and the loader), and the child process
// their cross-process cases start.
#pragma once

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace vktest {

// vkCreateInstance for 'api' (0: without a VkApplicationInfo, which means Vulkan 1.0) with
// 'extensions' enabled and 'alloc' as its allocator; 'create' is the loader's, or a driver's own.
inline VkResult create_instance(VkInstance* out, const std::vector<const char*>& extensions = {},
                                uint32_t api = VK_API_VERSION_1_3, const VkAllocationCallbacks* alloc = nullptr,
                                PFN_vkCreateInstance create = vkCreateInstance) {
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.apiVersion = api;
  VkInstanceCreateInfo ici{};
  ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ici.pApplicationInfo = api ? &app : nullptr;
  ici.enabledExtensionCount = uint32_t(extensions.size());
  ici.ppEnabledExtensionNames = extensions.data();
  *out = VK_NULL_HANDLE;
  return create(&ici, alloc, out);
}

// vkCreateDevice with one queue of 'family', 'next' as the create info's pNext (feature
// structures), 'extensions' enabled, 'features' as pEnabledFeatures and 'alloc' as its allocator;
// 'create' is the loader's, or a driver's own.
inline VkResult create_device(VkPhysicalDevice phys, VkDevice* out, const void* next = nullptr,
                              const std::vector<const char*>& extensions = {},
                              const VkPhysicalDeviceFeatures* features = nullptr,
                              const VkAllocationCallbacks* alloc = nullptr, uint32_t family = 0,
                              PFN_vkCreateDevice create = vkCreateDevice) {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo q{};
  q.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  q.queueFamilyIndex = family;
  q.queueCount = 1;
  q.pQueuePriorities = &priority;
  VkDeviceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  ci.pNext = next;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &q;
  ci.enabledExtensionCount = uint32_t(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  ci.pEnabledFeatures = features;
  *out = VK_NULL_HANDLE;
  return create(phys, &ci, alloc, out);
}

// The physical device of 'instance' whose name contains "Mica" (lavapipe and others may be listed
// too), or VK_NULL_HANDLE.
inline VkPhysicalDevice find_mica_device(VkInstance instance) {
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance, &n, nullptr);
  std::vector<VkPhysicalDevice> all(n);
  vkEnumeratePhysicalDevices(instance, &n, all.data());
  for (VkPhysicalDevice p : all) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(p, &props);
    if (std::strstr(props.deviceName, "Mica")) return p;
  }
  return VK_NULL_HANDLE;
}

// Creates a Vulkan 1.3 instance and finds the Mica physical device.
// false, with a gtest failure, when either is missing; 'instance' is set whenever it was created.
inline bool open_mica_instance(VkInstance& instance, VkPhysicalDevice& phys) {
  EXPECT_EQ(create_instance(&instance), VK_SUCCESS);
  if (!instance) return false;
  phys = find_mica_device(instance);
  EXPECT_NE(phys, VK_NULL_HANDLE) << "no Mica physical device";
  return phys != VK_NULL_HANDLE;
}

// vkGetPhysicalDeviceExternalBufferProperties of a storage buffer shared as 'type'.
inline VkExternalMemoryProperties external_buffer_properties(VkPhysicalDevice phys,
                                                             VkExternalMemoryHandleTypeFlagBits type) {
  VkPhysicalDeviceExternalBufferInfo info{};
  info.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  info.handleType = type;
  VkExternalBufferProperties props{};
  props.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES;
  vkGetPhysicalDeviceExternalBufferProperties(phys, &info, &props);
  return props.externalMemoryProperties;
}

// Whether 'phys' is the in-process simulated device (the sim winsys reports a virtual GPU), where
// another process has a device of its own and handles do not cross.
inline bool is_simulated(VkPhysicalDevice phys) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(phys, &props);
  return props.deviceType == VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU;
}

// Starts this same program in a child process running only the gtest case 'test' (Suite.Name),
// with 'fd' left open across the exec and its number in the environment variable 'env'; returns
// the child's pid (the caller closes its own copy of fd and waits).
inline pid_t spawn_child_test(const char* test, const char* env, int fd) {
  const std::string filter = std::string("--gtest_filter=") + test, number = std::to_string(fd);
  fcntl(fd, F_SETFD, 0);  // inherited across exec
  const pid_t pid = fork();
  if (pid == 0) {
    setenv(env, number.c_str(), 1);
    execl("/proc/self/exe", "vk_test_child", filter.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

}  // namespace vktest
