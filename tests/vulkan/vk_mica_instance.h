// The Vulkan 1.3 instance and Mica physical device of the standalone test programs that also run
// in the VM guest (they link no test library: only gtest and the loader).
#pragma once

#include <gtest/gtest.h>
#include <vulkan/vulkan.h>

#include <cstring>
#include <vector>

namespace vktest {

// Creates a Vulkan 1.3 instance and finds the physical device whose name starts with "Mica".
// false, with a gtest failure, when either is missing; 'instance' is set whenever it was created.
inline bool open_mica_instance(VkInstance& instance, VkPhysicalDevice& phys) {
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.apiVersion = VK_API_VERSION_1_3;
  VkInstanceCreateInfo ici{};
  ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ici.pApplicationInfo = &app;
  EXPECT_EQ(vkCreateInstance(&ici, nullptr, &instance), VK_SUCCESS);
  if (!instance) return false;
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance, &n, nullptr);
  std::vector<VkPhysicalDevice> all(n);
  vkEnumeratePhysicalDevices(instance, &n, all.data());
  for (VkPhysicalDevice p : all) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(p, &props);
    if (std::strncmp(props.deviceName, "Mica", 4) == 0) phys = p;
  }
  EXPECT_NE(phys, VK_NULL_HANDLE) << "no Mica physical device";
  return phys != VK_NULL_HANDLE;
}

}  // namespace vktest
