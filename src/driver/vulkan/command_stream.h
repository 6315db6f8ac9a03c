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
#include <vector>

namespace mica::vk {

class CommandBuffer;

struct EncodedStream {
  std::vector<uint8_t> upload;      // contents of the upload area
  winsys::CommandBuilder packets;   // addressed with the upload area at the given base VA
  uint32_t scratch_bytes = 0;       // the largest per-lane scratch size of the stream's programs
};

// power_profile selects which compiled program each dispatch uses. Fails with the pipeline's
// compile/load error if a program for that profile cannot be produced. scratch_va is the scratch
// buffer given to programs that spill (0 while measuring: out.scratch_bytes says how large it must be).
VkResult encode_stream(const std::vector<const CommandBuffer*>& cbs, uint32_t power_profile, uint64_t upload_va,
                       uint64_t scratch_va, EncodedStream& out);

}  // namespace mica::vk
