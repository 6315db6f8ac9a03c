// A device-independent list of commands: what a Vulkan command buffer or an OpenCL enqueue records.
// Every operand is a GPU address or a Program; a Context turns lists into Mica command-processor
// packets at submit time (for the power profile active then) and submits them.
//
// Ordering: a context runs its commands in order, but a dispatch's waves and a DMA may overlap the
// next command; barrier() waits for everything before it and flushes/invalidates the caches.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "mica_dma.h"

namespace mica::device {

class Program;

// Bytes uploaded with the submission (into memory the context owns until the job retires) whose GPU
// address the dispatch receives: descriptor tables, push constants, kernel argument blocks, ...
struct InlineData {
  std::vector<uint8_t> bytes;
  uint32_t user_data = UINT32_MAX;  // if not UINT32_MAX: the 64-bit address goes to s[user_data..+1]
  // Addresses of other blocks of the same dispatch written into this one: the 64-bit address of
  // block 'block' (which must come earlier in Dispatch::inline_data) at byte 'offset' of this one.
  struct Patch {
    uint32_t offset;
    uint32_t block;
  };
  std::vector<Patch> patches;
};

struct Dispatch {
  std::shared_ptr<Program> program;
  // User data s0.. (mica.toml [launch_abi]), at most MICA_ABI user-data words; set before the
  // dispatch. Inline-data addresses and, for programs that spill, the scratch buffer's address at
  // s[MICA_ABI_S_SCRATCH_BASE..+1] are written over it.
  std::vector<uint32_t> user_data;
  std::vector<InlineData> inline_data;
  std::array<uint32_t, 3> groups{1, 1, 1};  // workgroups (ignored when indirect)
  // Non-zero: the workgroup counts are three u32 at this GPU address, read when the dispatch runs.
  uint64_t indirect_va = 0;
  // With indirect_va: if not UINT32_MAX, the counts are also loaded into s[indirect_user_data..+2]
  // (after every earlier command, so counts written by earlier GPU work are seen).
  uint32_t indirect_user_data = UINT32_MAX;
  // 0: the binary's workgroup size. Non-zero: this size (it must match what the program was
  // compiled for; OpenCL passes the local size it compiled the variant with).
  std::array<uint32_t, 3> workgroup_size{0, 0, 0};
  // Shared memory in bytes: at least the program's own; more for dynamically sized __local data.
  uint32_t shared_bytes = 0;
};

// How much work one kernel job should hold. The kernel kills a context whose oldest job makes no
// progress for its job timeout (5 s by default), so a job must end well before that even on the
// slow simulated device under CPU contention: the encoder ends a job before a direct dispatch that
// would take it past this many invocations (and after one that reaches it), and an API driver cuts
// a larger direct dispatch into dispatches of at most this many invocations with base workgroup
// offsets (dispatch_pieces.h), so no job holds more.
// (dEQP-VK...zero_initialize_workgroup_memory.max_workgroups.*: 65535 workgroups of 1024
// invocations took ~10 s on the shared machine and were killed.)
constexpr uint64_t kMaxJobInvocations = uint64_t(1) << 20;

struct Copy {  // 'bytes' from src to dst (any size; split into DMA packets as needed)
  uint64_t src, dst, bytes;
};

struct TiledCopy {  // a box of elements between LINEAR / OPTIMAL surfaces (DMA_COPY_TILED, src/hw mica_dma.h);
                    // any number of bytes: split into packets as needed
  mica_dma_tiled box;
};

struct Fill {  // 'bytes' (a multiple of 4) at dst with the 32-bit 'value'
  uint64_t dst, bytes;
  uint32_t value;
};

struct WriteData {  // dwords written at dst when the command runs (split as needed)
  uint64_t dst;
  std::vector<uint32_t> dwords;
};

struct Barrier {};

struct WaitMemory {  // stall the context until the 64-bit value at addr equals ref
  uint64_t addr, ref;
};

struct Timestamp {  // the 64-bit device cycle counter (DeviceInfo::timestamp_hz) at dst, after earlier work
  uint64_t dst;
};

class CommandList;
struct Execute {  // the commands of another list (must outlive every submission of this one)
  const CommandList* list;
};

using Command = std::variant<Dispatch, Copy, TiledCopy, Fill, WriteData, Barrier, WaitMemory, Timestamp, Execute>;

class CommandList {
public:
  void dispatch(Dispatch d) { commands_.emplace_back(std::move(d)); }
  void copy(uint64_t src, uint64_t dst, uint64_t bytes) { commands_.emplace_back(Copy{src, dst, bytes}); }
  void fill(uint64_t dst, uint64_t bytes, uint32_t value) { commands_.emplace_back(Fill{dst, bytes, value}); }
  void write_data(uint64_t dst, std::vector<uint32_t> dwords) { commands_.emplace_back(WriteData{dst, std::move(dwords)}); }
  void barrier() { commands_.emplace_back(Barrier{}); }
  void wait_memory(uint64_t addr, uint64_t ref) { commands_.emplace_back(WaitMemory{addr, ref}); }
  void timestamp(uint64_t dst) { commands_.emplace_back(Timestamp{dst}); }
  void execute(const CommandList& other) { commands_.emplace_back(Execute{&other}); }
  void record(Command c) { commands_.push_back(std::move(c)); }

  const std::vector<Command>& commands() const { return commands_; }
  bool empty() const { return commands_.empty(); }
  void clear() { commands_.clear(); }

private:
  std::vector<Command> commands_;
};

}  // namespace mica::device
