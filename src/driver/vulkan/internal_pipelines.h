// Compute programs the driver itself needs, compiled from GLSL by the Mica compiler like any
// application shader and run through the same command stream.
#pragma once

#include "object.h"

#include <memory>

namespace mica::vk {

class ComputePipeline;
class Device;

// Adds to the 64-bit value at binding 0 the push-constant 'add' plus, when 'use_args' is set,
// x * y * z * 'wg' read from the VkDispatchIndirectCommand at binding 1. Used to count compute
// shader invocations of indirect dispatches for pipeline-statistics queries.
// Push constants: { uint64_t add; uint32_t wg; uint32_t use_args; }.
VkResult statistics_pipeline(Device& device, std::shared_ptr<ComputePipeline>& out);

struct StatisticsPush {
  uint64_t add;
  uint32_t wg;
  uint32_t use_args;
};

}  // namespace mica::vk
