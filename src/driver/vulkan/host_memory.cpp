// Object storage from VkAllocationCallbacks or the C++ runtime heap (host_memory.h).
#include "host_memory.h"

#include <new>

namespace mica::vk {
namespace {

// In front of every object. Its size is a multiple of the strictest fundamental alignment, so
// the object after it is as aligned as the allocation.
struct alignas(alignof(std::max_align_t)) Header {
  VkAllocationCallbacks callbacks;
  bool from_callbacks;
};
constexpr std::size_t kHeaderBytes = sizeof(Header);
static_assert(kHeaderBytes % alignof(std::max_align_t) == 0);

Header* header_of(void* object) { return reinterpret_cast<Header*>(static_cast<char*>(object) - kHeaderBytes); }

}  // namespace

void* HostAllocated::operator new(std::size_t size) {
  void* raw = ::operator new(kHeaderBytes + size);
  auto* h = new (raw) Header{};
  h->from_callbacks = false;
  return static_cast<char*>(raw) + kHeaderBytes;
}

void* HostAllocated::operator new(std::size_t size, const HostAllocation& where) {
  if (!where.callbacks) return operator new(size);
  const VkAllocationCallbacks& cb = *where.callbacks;
  void* raw = cb.pfnAllocation(cb.pUserData, kHeaderBytes + size, alignof(std::max_align_t), where.scope);
  if (!raw) throw std::bad_alloc();
  auto* h = new (raw) Header{};
  h->callbacks = cb;
  h->from_callbacks = true;
  return static_cast<char*>(raw) + kHeaderBytes;
}

void HostAllocated::operator delete(void* object) noexcept {
  if (!object) return;
  Header* h = header_of(object);
  if (h->from_callbacks) {
    const VkAllocationCallbacks cb = h->callbacks;
    cb.pfnFree(cb.pUserData, h);
  } else {
    ::operator delete(h);
  }
}

void HostAllocated::operator delete(void* object, const HostAllocation&) noexcept { operator delete(object); }

}  // namespace mica::vk
