// VK_EXT_debug_utils / VK_EXT_debug_report: the driver's messages to the application.
#include "debug_messenger.h"
#include "device.h"
#include "entrypoints.h"
#include "instance.h"

#include <algorithm>

namespace mica::vk {
namespace {

VkDebugReportObjectTypeEXT report_type(VkObjectType t) {
  switch (t) {
  case VK_OBJECT_TYPE_DEVICE: return VK_DEBUG_REPORT_OBJECT_TYPE_DEVICE_EXT;
  case VK_OBJECT_TYPE_SHADER_MODULE: return VK_DEBUG_REPORT_OBJECT_TYPE_SHADER_MODULE_EXT;
  case VK_OBJECT_TYPE_PIPELINE: return VK_DEBUG_REPORT_OBJECT_TYPE_PIPELINE_EXT;
  case VK_OBJECT_TYPE_QUEUE: return VK_DEBUG_REPORT_OBJECT_TYPE_QUEUE_EXT;
  default: return VK_DEBUG_REPORT_OBJECT_TYPE_UNKNOWN_EXT;
  }
}

}  // namespace

void DebugSinks::add(DebugMessenger* m) {
  std::lock_guard lock(mutex_);
  messengers_.push_back(m);
}
void DebugSinks::remove(DebugMessenger* m) {
  std::lock_guard lock(mutex_);
  std::erase(messengers_, m);
}
void DebugSinks::add(DebugReportCallback* c) {
  std::lock_guard lock(mutex_);
  reports_.push_back(c);
}
void DebugSinks::remove(DebugReportCallback* c) {
  std::lock_guard lock(mutex_);
  std::erase(reports_, c);
}

void DebugSinks::error(const char* message_id, VkObjectType type, uint64_t handle, const std::string& message) {
  std::lock_guard lock(mutex_);
  VkDebugUtilsObjectNameInfoEXT object{};
  object.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT;
  object.objectType = type;
  object.objectHandle = handle;
  VkDebugUtilsMessengerCallbackDataEXT data{};
  data.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT;
  data.pMessageIdName = message_id;
  data.pMessage = message.c_str();
  data.objectCount = 1;
  data.pObjects = &object;
  for (auto* m : messengers_)
    if ((m->severities & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) &&
        (m->types & VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT))
      m->callback(VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT, VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT, &data,
                  m->user_data);
  for (auto* c : reports_)
    if (c->flags & VK_DEBUG_REPORT_ERROR_BIT_EXT)
      c->callback(VK_DEBUG_REPORT_ERROR_BIT_EXT, report_type(type), handle, 0, 0, "Mica", message.c_str(),
                  c->user_data);
}

// ---- entry points ---------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateDebugUtilsMessengerEXT(VkInstance instance,
                                                            const VkDebugUtilsMessengerCreateInfoEXT* pCreateInfo,
                                                            const VkAllocationCallbacks* pAllocator,
                                                            VkDebugUtilsMessengerEXT* pMessenger) {
  return guarded([&] {
    auto* inst = Instance::from(instance);
    auto m = host_make<DebugMessenger>(host_allocation(pAllocator, inst->allocator()));
    m->severities = pCreateInfo->messageSeverity;
    m->types = pCreateInfo->messageType;
    m->callback = pCreateInfo->pfnUserCallback;
    m->user_data = pCreateInfo->pUserData;
    inst->debug_sinks().add(m.get());
    *pMessenger = release_to_handle<VkDebugUtilsMessengerEXT>(std::move(m));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDebugUtilsMessengerEXT(VkInstance instance, VkDebugUtilsMessengerEXT messenger,
                                                         const VkAllocationCallbacks*) {
  if (messenger == VK_NULL_HANDLE) return;
  auto m = take_from_handle<DebugMessenger>(messenger);
  Instance::from(instance)->debug_sinks().remove(m.get());
}

VKAPI_ATTR void VKAPI_CALL SubmitDebugUtilsMessageEXT(VkInstance, VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                      VkDebugUtilsMessageTypeFlagsEXT,
                                                      const VkDebugUtilsMessengerCallbackDataEXT*) {
  // Application-injected messages: the loader delivers them to the application's messengers.
}

VKAPI_ATTR VkResult VKAPI_CALL CreateDebugReportCallbackEXT(VkInstance instance,
                                                            const VkDebugReportCallbackCreateInfoEXT* pCreateInfo,
                                                            const VkAllocationCallbacks* pAllocator,
                                                            VkDebugReportCallbackEXT* pCallback) {
  return guarded([&] {
    auto* inst = Instance::from(instance);
    auto c = host_make<DebugReportCallback>(host_allocation(pAllocator, inst->allocator()));
    c->flags = pCreateInfo->flags;
    c->callback = pCreateInfo->pfnCallback;
    c->user_data = pCreateInfo->pUserData;
    inst->debug_sinks().add(c.get());
    *pCallback = release_to_handle<VkDebugReportCallbackEXT>(std::move(c));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDebugReportCallbackEXT(VkInstance instance, VkDebugReportCallbackEXT callback,
                                                         const VkAllocationCallbacks*) {
  if (callback == VK_NULL_HANDLE) return;
  auto c = take_from_handle<DebugReportCallback>(callback);
  Instance::from(instance)->debug_sinks().remove(c.get());
}

VKAPI_ATTR void VKAPI_CALL DebugReportMessageEXT(VkInstance, VkDebugReportFlagsEXT, VkDebugReportObjectTypeEXT,
                                                 uint64_t, size_t, int32_t, const char*, const char*) {
  // Application-injected messages: the loader delivers them to the application's callbacks.
}

// Object names, tags and labels only help the application's tools; the driver keeps none.
VKAPI_ATTR VkResult VKAPI_CALL SetDebugUtilsObjectNameEXT(VkDevice, const VkDebugUtilsObjectNameInfoEXT*) {
  return VK_SUCCESS;
}
VKAPI_ATTR VkResult VKAPI_CALL SetDebugUtilsObjectTagEXT(VkDevice, const VkDebugUtilsObjectTagInfoEXT*) {
  return VK_SUCCESS;
}
VKAPI_ATTR void VKAPI_CALL QueueBeginDebugUtilsLabelEXT(VkQueue, const VkDebugUtilsLabelEXT*) {}
VKAPI_ATTR void VKAPI_CALL QueueEndDebugUtilsLabelEXT(VkQueue) {}
VKAPI_ATTR void VKAPI_CALL QueueInsertDebugUtilsLabelEXT(VkQueue, const VkDebugUtilsLabelEXT*) {}
VKAPI_ATTR void VKAPI_CALL CmdBeginDebugUtilsLabelEXT(VkCommandBuffer, const VkDebugUtilsLabelEXT*) {}
VKAPI_ATTR void VKAPI_CALL CmdEndDebugUtilsLabelEXT(VkCommandBuffer) {}
VKAPI_ATTR void VKAPI_CALL CmdInsertDebugUtilsLabelEXT(VkCommandBuffer, const VkDebugUtilsLabelEXT*) {}

}  // namespace mica::vk
