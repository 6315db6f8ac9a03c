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

// Base of every dispatchable object. It has no virtual functions, so in every derived class (single,
// non-virtual inheritance) the loader's dispatch slot is the first word of the object, where the
// loader expects it. Dispatchable classes must not add virtual functions either. HostAllocated is
// an empty base (no storage): its header lives in front of the object, not in it.
class DispatchableObject : public HostAllocated {
public:
  DispatchableObject() { set_loader_magic_value(&loader_data_); }
  DispatchableObject(const DispatchableObject&) = delete;
  DispatchableObject& operator=(const DispatchableObject&) = delete;

private:
  VK_LOADER_DATA loader_data_;
};

// Every non-dispatchable object type derives from this; no copies, destroyed through unique_ptr.
class Object : public HostAllocated {
public:
  Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  virtual ~Object() = default;
};

// Converts between non-dispatchable handles and object pointers.
template <typename T, typename H> T* from_handle(H handle) { return reinterpret_cast<T*>(handle); }
template <typename H, typename T> H to_handle(T* object) { return reinterpret_cast<H>(object); }

// Creates an object owned by its handle; the matching destroy function takes ownership back.
template <typename H, typename T> H release_to_handle(std::unique_ptr<T> object) {
  return reinterpret_cast<H>(object.release());
}
template <typename T, typename H> std::unique_ptr<T> take_from_handle(H handle) {
  return std::unique_ptr<T>(reinterpret_cast<T*>(handle));
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
