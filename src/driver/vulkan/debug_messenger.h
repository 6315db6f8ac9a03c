// VK_EXT_debug_utils messengers and VK_EXT_debug_report callbacks of an instance: how the driver
// tells an application why a call failed (a shader the compiler cannot compile, ...), besides
// stderr. The loader calls down to them when the application creates its own.
#pragma once

#include "object.h"

#include <mutex>
#include <string>
#include <vector>

namespace mica::vk {

class DebugMessenger : public NonDispatchable<VK_OBJECT_TYPE_DEBUG_UTILS_MESSENGER_EXT> {
public:
  VkDebugUtilsMessageSeverityFlagsEXT severities = 0;
  VkDebugUtilsMessageTypeFlagsEXT types = 0;
  PFN_vkDebugUtilsMessengerCallbackEXT callback = nullptr;
  void* user_data = nullptr;
};

class DebugReportCallback : public NonDispatchable<VK_OBJECT_TYPE_DEBUG_REPORT_CALLBACK_EXT> {
public:
  VkDebugReportFlagsEXT flags = 0;
  PFN_vkDebugReportCallbackEXT callback = nullptr;
  void* user_data = nullptr;
};

// The instance's messengers and callbacks.
class DebugSinks {
public:
  void add(DebugMessenger* m);
  void remove(DebugMessenger* m);
  void add(DebugReportCallback* c);
  void remove(DebugReportCallback* c);
  // An error about one object ('message_id' is a short stable name such as "Mica-compile-failure").
  void error(const char* message_id, VkObjectType type, uint64_t handle, const std::string& message);

private:
  std::mutex mutex_;
  std::vector<DebugMessenger*> messengers_;
  std::vector<DebugReportCallback*> reports_;
};

}  // namespace mica::vk
