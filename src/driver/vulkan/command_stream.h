// Turns recorded command lists into Mica command-processor packets at submit time, packed with the
// winsys CommandBuilder (which checks every packet against the generated packet table).
//
// Dispatches also need memory the program reads: the descriptor table and the push constants.
// Those go to an upload area whose GPU address must be known while packing, so encoding runs
// twice: once to measure the upload area, then, once memory of that size exists, for real.
#pragma once

#include "command_list.h"
#include "object.h"

#include "mica/winsys/winsys.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mica::vk {

class CommandBuffer;

struct EncodedStream {
  std::vector<uint8_t> upload;      // contents of the upload area
  winsys::CommandBuilder packets;   // addressed with the upload area at the given base VA
  uint32_t scratch_bytes = 0;       // the largest per-lane scratch size of the stream's programs
  // Dword offsets in 'packets' where the stream may be cut into separate kernel jobs: after each
  // self-contained group of packets (a dispatch re-sends all the state it needs), ascending.
  std::vector<uint32_t> boundaries;
};

// Cuts 'enc' at its boundaries into pieces of at most max_dwords (at least one piece). Fails with
// VK_ERROR_OUT_OF_DEVICE_MEMORY only if one indivisible group is larger than a job may be.
VkResult split_stream(const EncodedStream& enc, uint32_t max_dwords, std::vector<std::span<const uint32_t>>& pieces);

// power_profile selects which compiled program each dispatch uses. Fails with the pipeline's
// compile/load error if a program for that profile cannot be produced. scratch_va is the scratch
// buffer given to programs that spill (0 while measuring: out.scratch_bytes says how large it must be).
VkResult encode_stream(const std::vector<const CommandBuffer*>& cbs, uint32_t power_profile, uint64_t upload_va,
                       uint64_t scratch_va, EncodedStream& out);

}  // namespace mica::vk
