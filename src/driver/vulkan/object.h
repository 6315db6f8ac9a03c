// Object model of the Mica Vulkan driver: how API handles map to C++ objects.
//
// Dispatchable handles (instance, physical device, device, queue, command buffer) must start with the
// loader's dispatch slot, so those objects derive from DispatchableObject and keep it first.
// Non-dispatchable handles are 64-bit on every platform we build for; they are the object pointers.
#pragma once

#define VK_NO_PROTOTYPES 1
#include <vulkan/vk_icd.h>
#include <vulkan/vulkan_core.h>

#include "host_memory.h"

#include <cstdint>
#include <memory>
#include <new>
#include <iterator>
#include <utility>

namespace mica::vk {

// The VkObjectType of each handle type, so a cast can be checked at compile time (the handle type
// and the class agree) and at run time (the object behind the handle is of that class).
template <typename H> struct HandleObjectType;
#define MICA_VK_HANDLE_TYPE(Handle, Type) \
  template <> struct HandleObjectType<Handle> { static constexpr VkObjectType value = Type; }
MICA_VK_HANDLE_TYPE(VkInstance, VK_OBJECT_TYPE_INSTANCE);
MICA_VK_HANDLE_TYPE(VkPhysicalDevice, VK_OBJECT_TYPE_PHYSICAL_DEVICE);
MICA_VK_HANDLE_TYPE(VkDevice, VK_OBJECT_TYPE_DEVICE);
MICA_VK_HANDLE_TYPE(VkQueue, VK_OBJECT_TYPE_QUEUE);
MICA_VK_HANDLE_TYPE(VkCommandBuffer, VK_OBJECT_TYPE_COMMAND_BUFFER);
MICA_VK_HANDLE_TYPE(VkBuffer, VK_OBJECT_TYPE_BUFFER);
MICA_VK_HANDLE_TYPE(VkBufferView, VK_OBJECT_TYPE_BUFFER_VIEW);
MICA_VK_HANDLE_TYPE(VkImage, VK_OBJECT_TYPE_IMAGE);
MICA_VK_HANDLE_TYPE(VkImageView, VK_OBJECT_TYPE_IMAGE_VIEW);
MICA_VK_HANDLE_TYPE(VkSampler, VK_OBJECT_TYPE_SAMPLER);
MICA_VK_HANDLE_TYPE(VkDeviceMemory, VK_OBJECT_TYPE_DEVICE_MEMORY);
MICA_VK_HANDLE_TYPE(VkCommandPool, VK_OBJECT_TYPE_COMMAND_POOL);
MICA_VK_HANDLE_TYPE(VkShaderModule, VK_OBJECT_TYPE_SHADER_MODULE);
MICA_VK_HANDLE_TYPE(VkPipelineCache, VK_OBJECT_TYPE_PIPELINE_CACHE);
MICA_VK_HANDLE_TYPE(VkPipeline, VK_OBJECT_TYPE_PIPELINE);
MICA_VK_HANDLE_TYPE(VkPipelineLayout, VK_OBJECT_TYPE_PIPELINE_LAYOUT);
MICA_VK_HANDLE_TYPE(VkDescriptorSetLayout, VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT);
MICA_VK_HANDLE_TYPE(VkDescriptorPool, VK_OBJECT_TYPE_DESCRIPTOR_POOL);
MICA_VK_HANDLE_TYPE(VkDescriptorSet, VK_OBJECT_TYPE_DESCRIPTOR_SET);
MICA_VK_HANDLE_TYPE(VkDescriptorUpdateTemplate, VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE);
MICA_VK_HANDLE_TYPE(VkFence, VK_OBJECT_TYPE_FENCE);
MICA_VK_HANDLE_TYPE(VkSemaphore, VK_OBJECT_TYPE_SEMAPHORE);
MICA_VK_HANDLE_TYPE(VkEvent, VK_OBJECT_TYPE_EVENT);
MICA_VK_HANDLE_TYPE(VkQueryPool, VK_OBJECT_TYPE_QUERY_POOL);
MICA_VK_HANDLE_TYPE(VkPrivateDataSlot, VK_OBJECT_TYPE_PRIVATE_DATA_SLOT);
MICA_VK_HANDLE_TYPE(VkDebugUtilsMessengerEXT, VK_OBJECT_TYPE_DEBUG_UTILS_MESSENGER_EXT);
MICA_VK_HANDLE_TYPE(VkDebugReportCallbackEXT, VK_OBJECT_TYPE_DEBUG_REPORT_CALLBACK_EXT);
MICA_VK_HANDLE_TYPE(VkRenderPass, VK_OBJECT_TYPE_RENDER_PASS);
MICA_VK_HANDLE_TYPE(VkFramebuffer, VK_OBJECT_TYPE_FRAMEBUFFER);
#undef MICA_VK_HANDLE_TYPE

// Reports a handle whose object is not of the type the entry point expects, then aborts: the
// application passed a handle of another type, a destroyed handle, or garbage (object.cpp).
[[noreturn]] void handle_type_mismatch(const void* handle, VkObjectType expected, VkObjectType found);

// Base of every dispatchable object. It has no virtual functions, so in every derived class (single,
// non-virtual inheritance) the loader's dispatch slot is the first word of the object, where the
// loader expects it. Dispatchable classes must not add virtual functions either. HostAllocated is
// an empty base (no storage): its header lives in front of the object, not in it.
class DispatchableObject : public HostAllocated {
public:
  explicit DispatchableObject(VkObjectType type) : type_(type) { set_loader_magic_value(&loader_data_); }
  ~DispatchableObject() { type_ = VK_OBJECT_TYPE_UNKNOWN; }
  DispatchableObject(const DispatchableObject&) = delete;
  DispatchableObject& operator=(const DispatchableObject&) = delete;
  VkObjectType object_type() const { return type_; }

private:
  VK_LOADER_DATA loader_data_;
  VkObjectType type_;
};

// Every non-dispatchable object derives from this; no copies, destroyed through unique_ptr. Internal
// objects that are never a handle keep VK_OBJECT_TYPE_UNKNOWN.
class Object : public HostAllocated {
public:
  explicit Object(VkObjectType type = VK_OBJECT_TYPE_UNKNOWN) : type_(type) {}
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  virtual ~Object() { type_ = VK_OBJECT_TYPE_UNKNOWN; }
  VkObjectType object_type() const { return type_; }

private:
  VkObjectType type_;
};

// What a handle class derives from: the object records its VkObjectType, and the class names it
// (kObjectType) so that from_handle<T> can check both.
template <VkObjectType Type> class NonDispatchable : public Object {
public:
  static constexpr VkObjectType kObjectType = Type;
  NonDispatchable() : Object(Type) {}
};
template <VkObjectType Type> class Dispatchable : public DispatchableObject {
public:
  static constexpr VkObjectType kObjectType = Type;
  Dispatchable() : DispatchableObject(Type) {}
};

// The one place a handle becomes an object pointer. The handle type must be T's (compile time); in
// builds with assertions (debug, debugoptimized: the ASan build CI runs) the object's recorded
// type is checked too. Release builds (NDEBUG) compile it to a plain cast.
template <typename T, typename H> T* from_handle(H handle) {
  static_assert(HandleObjectType<H>::value == T::kObjectType, "handle cast to an object of another type");
  T* object = reinterpret_cast<T*>(handle);
#ifndef NDEBUG
  if (object && object->object_type() != T::kObjectType)
    handle_type_mismatch(object, T::kObjectType, object->object_type());
#endif
  return object;
}
template <typename H, typename T> H to_handle(T* object) {
  static_assert(HandleObjectType<H>::value == T::kObjectType, "object turned into a handle of another type");
  return reinterpret_cast<H>(object);
}

// Creates an object owned by its handle; the matching destroy function takes ownership back.
template <typename H, typename T> H release_to_handle(std::unique_ptr<T> object) {
  return to_handle<H>(object.release());
}
template <typename T, typename H> std::unique_ptr<T> take_from_handle(H handle) {
  return std::unique_ptr<T>(from_handle<T>(handle));
}

// Runs an entry point body, turning allocation failures into the Vulkan error code instead of letting
// an exception cross the C ABI.
template <typename F> VkResult guarded(F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return VK_ERROR_OUT_OF_HOST_MEMORY;
  }
}

// Walks a pNext chain for a structure of the given type (const and mutable flavours).
template <typename T> const T* find_in_chain(const void* next, VkStructureType type) {
  for (auto* s = static_cast<const VkBaseInStructure*>(next); s; s = s->pNext)
    if (s->sType == type) return reinterpret_cast<const T*>(s);
  return nullptr;
}
template <typename T> T* find_in_chain_mut(void* next, VkStructureType type) {
  for (auto* s = static_cast<VkBaseOutStructure*>(next); s; s = s->pNext)
    if (s->sType == type) return reinterpret_cast<T*>(s);
  return nullptr;
}

// The common "count + optional array" enumeration protocol.
template <typename T, typename Src>
VkResult enumerate(uint32_t* count, T* out, const Src& items) {
  if (!out) {
    *count = static_cast<uint32_t>(std::size(items));
    return VK_SUCCESS;
  }
  uint32_t n = 0;
  for (const auto& item : items) {
    if (n == *count) return VK_INCOMPLETE;
    out[n++] = item;
  }
  *count = n;
  return VK_SUCCESS;
}

}  // namespace mica::vk
