// What a command buffer records: the device layer's command list (mica::device::CommandList), in
// which every Vulkan object is already resolved to GPU addresses and device-layer programs. Turning
// the list into Mica packets happens in the device layer at submit time, because a power-profile
// change can move a pipeline's program to a new binary between submissions.
#pragma once

#include "binding_model.h"
#include "object.h"

#include "mica/device/commands.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace mica::vk {

class ComputePipeline;

// A dispatch as Vulkan describes it; CommandBuffer::record turns it into a device::Dispatch with
// the binding model's user data (binding_model.h): the set table, the push constants, the group
// counts and the base group.
struct OpDispatch {
  std::shared_ptr<ComputePipeline> pipeline;
  // The set table: each set's GPU address, 0 for a set not bound. Sets with dynamic descriptors
  // are copied with the bind's offsets applied; the copy is uploaded with the submission and its
  // address patched into the table.
  std::vector<uint64_t> sets;
  struct SetCopy {
    uint32_t set;
    std::vector<uint8_t> memory;
  };
  std::vector<SetCopy> set_copies;
  std::vector<uint8_t> push_constants;                  // the layout's push-constant bytes
  std::array<uint32_t, 3> base{};                       // vkCmdDispatchBase
  std::array<uint32_t, 3> groups{};                     // direct dispatch
  uint64_t indirect_va = 0;                             // non-zero: VkDispatchIndirectCommand here
};

// The other commands are the device layer's as they are.
using OpCopy = device::Copy;
using OpFill = device::Fill;
using OpWriteData = device::WriteData;  // vkCmdUpdateBuffer, event set/reset, query availability/reset
using OpBarrier = device::Barrier;
using OpWaitMem = device::WaitMemory;   // vkCmdWaitEvents: wait until the 64-bit value at addr equals ref
using OpTimestamp = device::Timestamp;

// The device-layer dispatch of a Vulkan dispatch.
device::Dispatch to_device_dispatch(const OpDispatch& d);

}  // namespace mica::vk
