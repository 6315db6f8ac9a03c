// Host memory of API objects and VkAllocationCallbacks.
//
// Every object class derives from HostAllocated, whose class-specific operator new puts a small
// header in front of the object saying where its storage came from: the application's
// callbacks (a copy of them, so destruction does not depend on the pointer the application
// passed) or the C++ runtime heap. operator delete reads the header, so unique_ptr and `delete`
// work the same for both kinds, and a destroy call frees with the allocator the object was
// created with (the spec requires the destroy-time allocator to be compatible anyway).
//
// Which allocator: the create call's pAllocator, else the parent's (the device's for device
// children, itself pAllocator-or-instance's; the instance's for physical devices), else the
// C++ runtime. A callback that returns NULL makes `new (where) T` throw std::bad_alloc, which
// guarded() turns into VK_ERROR_OUT_OF_HOST_MEMORY.
//
// Scope of this: the storage of the objects themselves (instance, physical devices, device,
// queues, and every object a vkCreate*/vkAllocate* call returns). Containers inside objects
// (command lists, descriptor slices, caches) still use the C++ runtime heap.
#pragma once

#define VK_NO_PROTOTYPES 1
#include <vulkan/vulkan_core.h>

#include <cstddef>
#include <memory>
#include <utility>

namespace mica::vk {

struct HostAllocation {
  const VkAllocationCallbacks* callbacks = nullptr;  // null: the C++ runtime heap
  VkSystemAllocationScope scope = VK_SYSTEM_ALLOCATION_SCOPE_OBJECT;
};

// pAllocator if the application gave one, otherwise the parent's allocator (may be null).
inline HostAllocation host_allocation(const VkAllocationCallbacks* given, const VkAllocationCallbacks* parent,
                                      VkSystemAllocationScope scope = VK_SYSTEM_ALLOCATION_SCOPE_OBJECT) {
  return HostAllocation{given ? given : parent, scope};
}

class HostAllocated {
public:
  static void* operator new(std::size_t size);                                // C++ runtime heap
  static void* operator new(std::size_t size, const HostAllocation& where);  // throws std::bad_alloc
  static void operator delete(void* object) noexcept;
  // Used only when a constructor throws after `new (where) T`.
  static void operator delete(void* object, const HostAllocation& where) noexcept;
};

template <typename T, typename... Args> std::unique_ptr<T> host_make(const HostAllocation& where, Args&&... args) {
  return std::unique_ptr<T>(new (where) T(std::forward<Args>(args)...));
}

// A copy of the callbacks an object hands to its children (instance, device, pools).
class AllocatorCopy {
public:
  AllocatorCopy() = default;
  explicit AllocatorCopy(const VkAllocationCallbacks* callbacks) { set(callbacks); }
  void set(const VkAllocationCallbacks* callbacks) {
    present_ = callbacks != nullptr;
    if (present_) callbacks_ = *callbacks;
  }
  const VkAllocationCallbacks* get() const { return present_ ? &callbacks_ : nullptr; }

private:
  VkAllocationCallbacks callbacks_{};
  bool present_ = false;
};

}  // namespace mica::vk
