// VkInstance and VkPhysicalDevice.
#pragma once

#include "debug_messenger.h"
#include "object.h"
#include "mica/driver/device_info.h"

#include <memory>
#include <string>
#include <vector>

namespace mica::device { class Screen; }

namespace mica::vk {

class Instance;

class PhysicalDevice : public DispatchableObject {
public:
  PhysicalDevice(Instance& instance, std::shared_ptr<device::Screen> screen);
  ~PhysicalDevice();

  Instance& instance() const { return instance_; }
  const driver::DeviceInfo& info() const { return info_; }
  const std::shared_ptr<device::Screen>& screen() const { return screen_; }

  static PhysicalDevice* from(VkPhysicalDevice h) { return reinterpret_cast<PhysicalDevice*>(h); }
  VkPhysicalDevice handle() { return reinterpret_cast<VkPhysicalDevice>(this); }

private:
  Instance& instance_;
  std::shared_ptr<device::Screen> screen_;
  driver::DeviceInfo info_;
};

class Instance : public DispatchableObject {
public:
  Instance(uint32_t api_version, const VkAllocationCallbacks* allocator)
      : api_version_(api_version), allocator_(allocator) {}
  ~Instance();

  uint32_t api_version() const { return api_version_; }
  // The instance's pAllocator (null: none): physical devices and, by default, devices use it.
  const VkAllocationCallbacks* allocator() const { return allocator_.get(); }
  // Opens the devices on first use; enumeration failures leave the list empty.
  const std::vector<std::unique_ptr<PhysicalDevice>>& physical_devices();

  // VK_EXT_debug_utils messengers / VK_EXT_debug_report callbacks the application created.
  DebugSinks& debug_sinks() { return debug_sinks_; }

  static Instance* from(VkInstance h) { return reinterpret_cast<Instance*>(h); }
  VkInstance handle() { return reinterpret_cast<VkInstance>(this); }

private:
  uint32_t api_version_;
  AllocatorCopy allocator_;
  bool enumerated_ = false;
  DebugSinks debug_sinks_;
  std::vector<std::unique_ptr<PhysicalDevice>> physical_devices_;
};

}  // namespace mica::vk
