// VK_KHR_external_semaphore_fd: which handle types a semaphore of a type can be shared as
// (external_semaphore.cpp).
#pragma once

#include "mica/device/screen.h"
#include "object.h"

namespace mica::vk {

// OPAQUE_FD for timelines, SYNC_FD for binary semaphores, on the drm backend; 0 in process.
VkExternalSemaphoreHandleTypeFlags external_semaphore_types(const device::Screen& screen, bool timeline);

}  // namespace mica::vk
