// VK_KHR_external_semaphore_fd and VK_KHR_external_fence_fd over the kernel's DRM sync objects
// (drm backend only; the
// in-process device's sync objects have no fds, so there the extension is not advertised and
// vkGetPhysicalDeviceExternalSemaphoreProperties reports nothing).
//
// What is shared, per semaphore type:
//   timeline + OPAQUE_FD  the DRM sync object itself: both sides see the same timeline points.
//   binary   + SYNC_FD    the fence of the semaphore's pending signal (export), or a fence that
//                         signals the semaphore's next point (import; always temporary in Vulkan).
// A binary semaphore is a timeline whose points this VkSemaphore numbers itself (sync.h), so its
// sync object means nothing to another process: binary OPAQUE_FD is not offered, and a timeline
// has no single fence to put in a sync file: timeline SYNC_FD neither. Fences are timelines whose
// points the VkFence numbers too: SYNC_FD only (export: the fence of its last submission's point;
// import, always temporary: a fence that signals its next point, which the next reset leaves).
#include "external_semaphore.h"
#include "device.h"
#include "entrypoints.h"
#include "instance.h"
#include "sync.h"

#include <unistd.h>

namespace mica::vk {

VkExternalSemaphoreHandleTypeFlags external_semaphore_types(const device::Screen& screen, bool timeline) {
  if (!screen.external_sync()) return 0;
  return timeline ? VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT : VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceExternalSemaphoreProperties(VkPhysicalDevice physicalDevice,
                                                                        const VkPhysicalDeviceExternalSemaphoreInfo* pInfo,
                                                                        VkExternalSemaphoreProperties* p) {
  bool timeline = false;
  if (const auto* t = find_in_chain<VkSemaphoreTypeCreateInfo>(pInfo->pNext, VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO))
    timeline = t->semaphoreType == VK_SEMAPHORE_TYPE_TIMELINE;
  const VkExternalSemaphoreHandleTypeFlags types =
      external_semaphore_types(*PhysicalDevice::from(physicalDevice)->screen(), timeline);
  const bool ok = (types & pInfo->handleType) != 0;
  p->exportFromImportedHandleTypes = ok ? pInfo->handleType : 0;
  p->compatibleHandleTypes = ok ? pInfo->handleType : 0;
  p->externalSemaphoreFeatures =
      ok ? VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT : 0;
}

VKAPI_ATTR VkResult VKAPI_CALL GetSemaphoreFdKHR(VkDevice device, const VkSemaphoreGetFdInfoKHR* pInfo, int* pFd) {
  return guarded([&] {
    auto* sem = from_handle<Semaphore>(pInfo->semaphore);
    const auto types = external_semaphore_types(Device::from(device)->screen(), sem->timeline());
    if (!(types & pInfo->handleType)) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    const device::Timeline& t = sem->sync().timeline();
    if (pInfo->handleType == VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT) return to_vk(t.export_fd(*pFd));
    // SYNC_FD export has wait semantics: the pending signal is consumed (the next wait of this
    // semaphore needs a new signal), which the binary point numbering already gives.
    return to_vk(t.export_sync_file(sem->binary_wait_point(), *pFd));
  });
}

VKAPI_ATTR VkResult VKAPI_CALL ImportSemaphoreFdKHR(VkDevice device, const VkImportSemaphoreFdInfoKHR* pInfo) {
  return guarded([&] {
    auto* dev = Device::from(device);
    auto* sem = from_handle<Semaphore>(pInfo->semaphore);
    const auto types = external_semaphore_types(dev->screen(), sem->timeline());
    if (!(types & pInfo->handleType)) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    if (pInfo->handleType == VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT) {
      // The semaphore's payload becomes the imported sync object (a temporary import is made
      // permanent: the payload is never restored).
      std::unique_ptr<device::Timeline> t;
      device::Status s = dev->screen().import_timeline(pInfo->fd, t);
      if (s == device::Status::invalid_argument) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      if (s != device::Status::ok) return to_vk(s);
      std::unique_ptr<SyncObject> obj;
      VkResult r = SyncObject::adopt(*dev, std::move(t), obj);
      if (r != VK_SUCCESS) return r;
      sem->replace_sync(std::move(obj));
      close(pInfo->fd);  // a successful import owns the fd
      return VK_SUCCESS;
    }
    // SYNC_FD: the fence signals the semaphore's next point; -1 means already signalled.
    const uint64_t point = sem->next_binary_point();
    device::Timeline& t = sem->sync().timeline();
    const device::Status s = pInfo->fd < 0 ? t.signal(point) : t.import_sync_file(pInfo->fd, point);
    if (s == device::Status::invalid_argument) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    if (s != device::Status::ok) return to_vk(s);
    if (pInfo->fd >= 0) close(pInfo->fd);
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceExternalFenceProperties(VkPhysicalDevice physicalDevice,
                                                                    const VkPhysicalDeviceExternalFenceInfo* pInfo,
                                                                    VkExternalFenceProperties* p) {
  const bool ok = PhysicalDevice::from(physicalDevice)->screen()->external_sync() &&
                  pInfo->handleType == VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
  p->exportFromImportedHandleTypes = ok ? pInfo->handleType : 0;
  p->compatibleHandleTypes = ok ? pInfo->handleType : 0;
  p->externalFenceFeatures = ok ? VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_FENCE_FEATURE_IMPORTABLE_BIT : 0;
}

VKAPI_ATTR VkResult VKAPI_CALL GetFenceFdKHR(VkDevice device, const VkFenceGetFdInfoKHR* pInfo, int* pFd) {
  return guarded([&] {
    if (!Device::from(device)->screen().external_sync() || pInfo->handleType != VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT)
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    auto* f = from_handle<Fence>(pInfo->fence);
    return to_vk(f->sync().timeline().export_sync_file(f->target(), *pFd));
  });
}

VKAPI_ATTR VkResult VKAPI_CALL ImportFenceFdKHR(VkDevice device, const VkImportFenceFdInfoKHR* pInfo) {
  return guarded([&] {
    if (!Device::from(device)->screen().external_sync() || pInfo->handleType != VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT)
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    auto* f = from_handle<Fence>(pInfo->fence);
    // The import signals the point the fence's next arm() targets; a refused import leaves the
    // fence as it was.
    const uint64_t point = f->next_arm_point();
    device::Timeline& t = f->sync().timeline();
    const device::Status s = pInfo->fd < 0 ? t.signal(point) : t.import_sync_file(pInfo->fd, point);
    if (s == device::Status::invalid_argument) return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    if (s != device::Status::ok) return to_vk(s);
    f->arm();
    if (pInfo->fd >= 0) close(pInfo->fd);
    return VK_SUCCESS;
  });
}

}  // namespace mica::vk
