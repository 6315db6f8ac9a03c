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

}  // namespace mica::vk
