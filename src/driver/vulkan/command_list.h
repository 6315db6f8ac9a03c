// The device-independent form of a recorded command buffer. Recording resolves every Vulkan object
// to GPU addresses and snapshots the binding state at each dispatch; turning the list into Mica
// packets happens at submit time (command_stream.cpp), because a power-profile change can move a
// pipeline's program to a new binary between submissions.
#pragma once

#include "binding_model.h"
#include "object.h"

#include <array>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

namespace mica::vk {

class ComputePipeline;
class CommandBuffer;

struct OpDispatch {
  std::shared_ptr<ComputePipeline> pipeline;
  // The set table (binding_model.h): each set's GPU address, 0 for a set not bound. Sets with
  // dynamic descriptors are copied with the bind's offsets applied; their address is filled in
  // when the copy is uploaded with the submission.
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

struct OpCopy {
  uint64_t src, dst, bytes;
};

struct OpFill {
  uint64_t dst, bytes;
  uint32_t value;
};

struct OpWriteData {  // vkCmdUpdateBuffer, event set/reset, query availability/reset
  uint64_t dst;
  std::vector<uint32_t> dwords;
};

struct OpBarrier {};

struct OpWaitMem {  // vkCmdWaitEvents: wait until the 64-bit value at addr equals ref
  uint64_t addr, ref;
};

struct OpTimestamp {
  uint64_t dst;
};

struct OpExecute {
  CommandBuffer* secondary;
};

using Command = std::variant<OpDispatch, OpCopy, OpFill, OpWriteData, OpBarrier, OpWaitMem, OpTimestamp,
                             OpExecute>;

}  // namespace mica::vk
