// Internal to the device layer: CommandLists -> Mica command-processor packets, packed with the
// winsys CommandBuilder (which checks every packet against the generated packet table).
//
// Dispatches also need memory the program reads (their inline data). It goes to an upload area
// whose GPU address must be known while packing, so encoding runs twice: once to measure the upload
// area and the scratch memory, then, once memory of that size exists, for real.
#pragma once

#include "mica/device/commands.h"
#include "mica/device/status.h"
#include "mica/winsys/winsys.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mica::device {

struct LoadedCode;

struct EncodedStream {
  std::vector<uint8_t> upload;     // contents of the upload area
  winsys::CommandBuilder packets;  // addressed with the upload area at the given base VA
  uint32_t scratch_bytes = 0;      // the largest per-lane scratch size of the stream's programs
  // Dword offsets in 'packets' where the stream may be cut into separate kernel jobs: after each
  // self-contained group of packets (a dispatch re-sends all the state it needs), ascending.
  std::vector<uint32_t> boundaries;
  // The boundaries (a subset, ascending) where a job must end: before a direct dispatch that would
  // take the job's invocations past kMaxJobInvocations, and after one that reaches it (commands.h
  // says why). Direct dispatches of at most that many each give jobs of at most that many.
  std::vector<uint32_t> job_ends;
  // The loaded programs the packets jump to: kept alive until the jobs retired.
  std::vector<std::shared_ptr<const LoadedCode>> code;
  std::string log;  // why encoding failed (a program's compile error)
};

// power_profile selects each dispatch's program variant. scratch_va is the scratch buffer given
// to programs that spill (0 while measuring). copy_only refuses dispatches (invalid_argument).
Status encode_stream(std::span<const CommandList* const> lists, uint32_t power_profile, uint64_t upload_va,
                     uint64_t scratch_va, bool copy_only, EncodedStream& out);

// Cuts 'enc' at its boundaries into pieces of at most max_dwords that end at least at every one of
// its job_ends (at least one piece). Fails with
// out_of_device_memory only if one indivisible group is larger than a job may be.
Status split_stream(const EncodedStream& enc, uint32_t max_dwords, std::vector<std::span<const uint32_t>>& pieces);

// Bytes of scratch a program with 'scratch_bytes' per lane needs: one region per wave slot of every
// CU (mica.toml [launch_abi]).
uint64_t scratch_buffer_bytes(uint32_t scratch_bytes_per_lane, uint32_t cu_count);
constexpr uint64_t kScratchAlignment = 256;

}  // namespace mica::device
