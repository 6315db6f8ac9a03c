// Status mapping and physical-device enumeration over the device layer.
#include "device_layer.h"
#include "physical_device_enum.h"

#include <cstdio>
#include <cstdlib>

namespace mica::vk {

VkResult to_vk(device::Status s) {
  using device::Status;
  switch (s) {
  case Status::ok: return VK_SUCCESS;
  case Status::timeout: return VK_TIMEOUT;
  case Status::not_ready: return VK_NOT_READY;
  case Status::device_lost: return VK_ERROR_DEVICE_LOST;
  case Status::out_of_device_memory: return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  case Status::out_of_host_memory: return VK_ERROR_OUT_OF_HOST_MEMORY;
  case Status::too_many_objects: return VK_ERROR_TOO_MANY_OBJECTS;
  case Status::cache_miss: return VK_PIPELINE_COMPILE_REQUIRED;
  case Status::stale_shader:
  case Status::compile_failed:
  case Status::invalid_argument:
  case Status::no_device:
  case Status::failed:
    break;
  }
  return VK_ERROR_UNKNOWN;
}

std::vector<std::unique_ptr<PhysicalDevice>> enumerate_physical_devices(Instance& instance) {
  std::vector<std::unique_ptr<PhysicalDevice>> out;
  // One screen per process, shared by every instance (and the OpenCL driver): the simulated
  // device is a whole machine, and sharing it is what lets two VkDevices show per-context fault
  // isolation on one device.
  std::string error;
  std::shared_ptr<device::Screen> screen = device::Screen::shared(error);
  if (!screen) {
    // No Mica device: the instance simply has no physical devices (the loader moves on).
    if (std::getenv("MICA_VK_DEBUG")) std::fprintf(stderr, "mica-vk: no device: %s\n", error.c_str());
    return out;
  }
  out.push_back(host_make<PhysicalDevice>(
      host_allocation(nullptr, instance.allocator(), VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE), instance, std::move(screen)));
  return out;
}

}  // namespace mica::vk
