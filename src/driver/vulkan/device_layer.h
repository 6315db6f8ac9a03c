// The Vulkan driver stands on the device layer (src/driver/common, mica::device): every buffer,
// program, submission, fence and lost-device report goes through it; the driver never builds
// packets or calls the winsys. This header maps the layer's results onto VkResult.
#pragma once

#include "object.h"

#include "mica/device/context.h"
#include "mica/device/program.h"
#include "mica/device/screen.h"

namespace mica::vk {

// ok -> VK_SUCCESS, timeout -> VK_TIMEOUT, not_ready -> VK_NOT_READY, device_lost ->
// VK_ERROR_DEVICE_LOST, out_of_device_memory -> VK_ERROR_OUT_OF_DEVICE_MEMORY, out_of_host_memory
// -> VK_ERROR_OUT_OF_HOST_MEMORY, too_many_objects -> VK_ERROR_TOO_MANY_OBJECTS, cache_miss ->
// VK_PIPELINE_COMPILE_REQUIRED, everything else VK_ERROR_UNKNOWN.
VkResult to_vk(device::Status s);

}  // namespace mica::vk
