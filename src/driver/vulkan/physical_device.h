// Physical-device helpers used by device creation.
#pragma once

#include "object.h"

#include <vector>

namespace mica::vk {

VkPhysicalDeviceFeatures supported_features10();
VkPhysicalDeviceVulkan11Features supported_features11();
VkPhysicalDeviceVulkan12Features supported_features12();
VkPhysicalDeviceVulkan13Features supported_features13();
const std::vector<VkExtensionProperties>& supported_device_extensions();

class PhysicalDevice;
// What this physical device offers: supported_device_extensions() minus what its backend lacks
// (VK_KHR_external_semaphore_fd needs the kernel's sync objects).
std::vector<VkExtensionProperties> device_extensions(const PhysicalDevice& pd);

// Every Vulkan 1.0-1.3 property of the device; each promoted property structure is a view of these.
struct CoreProperties {
  VkPhysicalDeviceProperties p10;
  VkPhysicalDeviceVulkan11Properties p11;
  VkPhysicalDeviceVulkan12Properties p12;
  VkPhysicalDeviceVulkan13Properties p13;
};
CoreProperties core_properties(const PhysicalDevice& pd);

// Fills every property / feature structure of a pNext chain that the driver knows from the
// aggregates (the rest are left as they are: they belong to extensions the device does not have).
void fill_property_chain(const CoreProperties& props, void* pNext);
void fill_feature_chain(void* pNext);

}  // namespace mica::vk
