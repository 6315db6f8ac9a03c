// Finding the Mica devices of the system (kernel_bridge.cpp).
#pragma once

#include "instance.h"

#include <memory>
#include <vector>

namespace mica::vk {

std::vector<std::unique_ptr<PhysicalDevice>> enumerate_physical_devices(Instance& instance);

}  // namespace mica::vk
