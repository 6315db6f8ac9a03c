// Finding the Mica devices of the system (device_layer.cpp).
#pragma once

#include "instance.h"

#include <memory>
#include <vector>

namespace mica::vk {

std::vector<std::unique_ptr<PhysicalDevice>> enumerate_physical_devices(Instance& instance);

}  // namespace mica::vk
