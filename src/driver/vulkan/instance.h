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

class PhysicalDevice : public Dispatchable<VK_OBJECT_TYPE_PHYSICAL_DEVICE> {
public:
  PhysicalDevice(Instance& instance, std::shared_ptr<device::Screen> screen);
  ~PhysicalDevice();

  Instance& instance() const { return instance_; }
  const driver::DeviceInfo& info() const { return info_; }
  const std::shared_ptr<device::Screen>& screen() const { return screen_; }

  static PhysicalDevice* from(VkPhysicalDevice h) { return from_handle<PhysicalDevice>(h); }
  VkPhysicalDevice handle() { return to_handle<VkPhysicalDevice>(this); }

private:
  Instance& instance_;
  std::shared_ptr<device::Screen> screen_;
  driver::DeviceInfo info_;
};

class Instance : public Dispatchable<VK_OBJECT_TYPE_INSTANCE> {
public:
  Instance(uint32_t api_version, const VkAllocationCallbacks* allocator)
      : api_version_(api_version), allocator_(allocator) {}
  ~Instance();

  // The application's apiVersion (VkApplicationInfo; 1.0 when it gave none).
  uint32_t api_version() const { return api_version_; }
  // Whether the application enabled this instance extension at vkCreateInstance.
  bool extension_enabled(const char* name) const {
    for (const auto& e : enabled_extensions_)
      if (e == name) return true;
    return false;
  }
  void enable_extension(const char* name) { enabled_extensions_.emplace_back(name); }
  // The instance's pAllocator (null: none): physical devices and, by default, devices use it.
  const VkAllocationCallbacks* allocator() const { return allocator_.get(); }
  // Opens the devices on first use; enumeration failures leave the list empty.
  const std::vector<std::unique_ptr<PhysicalDevice>>& physical_devices();

  // VK_EXT_debug_utils messengers / VK_EXT_debug_report callbacks the application created.
  DebugSinks& debug_sinks() { return debug_sinks_; }

  static Instance* from(VkInstance h) { return from_handle<Instance>(h); }
  VkInstance handle() { return to_handle<VkInstance>(this); }

private:
  uint32_t api_version_;
  std::vector<std::string> enabled_extensions_;
  AllocatorCopy allocator_;
  bool enumerated_ = false;
  DebugSinks debug_sinks_;
  std::vector<std::unique_ptr<PhysicalDevice>> physical_devices_;
};

}  // namespace mica::vk
