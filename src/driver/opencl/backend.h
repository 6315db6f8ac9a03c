// The frontend's one seam to the device layer (mica::device, src/driver/common/): the shared screen,
// the device context OpenCL commands run on, and Status -> cl_int. Nothing else in the frontend
// includes device-layer headers except memory, program and kernel code that owns device objects.
#pragma once

#include "cl_api.h"

#include <mica/device/commands.h>
#include <mica/device/context.h>
#include <mica/device/screen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mica::cl {

// The process's Mica screen, or null when no device could be opened (then the platform has no device).
device::Screen* screen();
// Why screen() is null.
const std::string& screen_error();

// Submits a command list on the device context every queue's commands run on (they run one at a
// time on the executor thread, event.h) and waits for it. keep_alive: buffers the job uses.
cl_int run_on_device(const device::CommandList& list, std::vector<const device::Buffer*> keep_alive = {});

// The OpenCL code for a device-layer failure (an event's negative status, or an API return).
cl_int cl_error(device::Status s);

}  // namespace mica::cl
