// SPDX-License-Identifier: MIT
// Wave state: a structure-of-arrays register file (one 32-lane row per VGPR, so lane loops
// vectorise) plus the pipeline model. Every register remembers when its newest value becomes
// visible to each class of consumer and what the previous value was; a consumer that issues
// earlier sees the previous value (faithful mode) or faults (checked mode). Nothing here is a
// rule table: the visibility times come from the producing unit's latency and path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "mica_hw.h"

namespace mica::sim::cu {

constexpr unsigned kLanes = MICA_WAVE_SIZE;
static_assert(kLanes == 32, "lane masks are 32-bit");

struct alignas(64) Row {
	uint32_t l[kLanes];
};

// Consumer classes: SALU/scalar path, vector path (VALU, vector memory), branch unit, writers.
enum Cls : uint8_t { kScalar = 0, kVector = 1, kBranch = 2, kWrite = 3 };

// Register index space = the operand encoding: 0..255 VGPRs, 256..383 SGPRs, exec, vcc, scc.
constexpr unsigned kRegSpace = MICA_OPND_SCC + 1;
constexpr unsigned kSregFirst = MICA_OPND_SGPR_FIRST;
constexpr unsigned kSregs = kRegSpace - kSregFirst; // s0..s127, exec, vcc, scc
constexpr uint64_t kNever = ~0ull;
// Shared-access memos a wave keeps for the translated code (Wave::memos): a program's first 16
// (address register, size) pairs; any more live for one call of the code.
constexpr unsigned kWaveMemos = 16, kWaveMemoBytes = 32;

// A record whose guards and mem_ctr are 0 reads as clear: every other field is read only when a
// guard is above the cycle or mem_ctr is set, and every producer writes the guards and mem_ctr.
// Those come first, so wave launch clears a record with kRegMetaClearBytes of stores.
struct RegMeta {
	// A consumer of class c issuing at cycle t < guard[c] takes the slow path (possible hazard).
	uint64_t guard[4] = {0, 0, 0, 0};
	uint8_t haz[4] = {0, 0, 0, 0}; // hazard rule per class (kWrite: WAW rule)
	uint8_t mem_ctr = 0;          // MICA_COUNTER_* of a pending load result, 0 if none
	uint8_t mem_lat = 0;          // nominal latency of that load (reported as required distance)
	uint32_t mem_seq = 0;         // its sequence number on that counter
	uint64_t vis[3] = {0, 0, 0};  // cycle from which each class sees the newest value
	uint64_t issue = 0;           // producer issue cycle
};
constexpr size_t kRegMetaClearBytes = 40; // guard, haz, mem_ctr (rounded up to whole words)
static_assert(offsetof(RegMeta, mem_ctr) < kRegMetaClearBytes && offsetof(RegMeta, guard) == 0 &&
              offsetof(RegMeta, vis) >= kRegMetaClearBytes && kRegMetaClearBytes % 8 == 0);

struct MemCounter {
	// Completion cycles of issued ops, in order; ops [retired_seq, issued) may be outstanding.
	std::array<uint64_t, 64> done{};
	uint32_t issued = 0;
	uint32_t waited = 0;          // ops below this were covered by an s_waitcnt
	uint64_t last_done = 0;
	uint64_t at(uint32_t seq) const { return done[seq % done.size()]; }
};

struct Wave {
	Row v[MICA_VGPRS_PER_WAVE];
	Row vprev[MICA_VGPRS_PER_WAVE];
	uint32_t s[kSregs];           // s0..s127, exec, vcc, scc (0/1)
	uint32_t sprev[kSregs];
	RegMeta meta[kRegSpace];
	MemCounter ctr[3];            // indexed by MICA_COUNTER_GM / _LS
	uint64_t pc = 0;
	uint64_t cycle = 0;           // issue cycle of the next instruction (0 = launch)
	uint64_t stall = 0;
	uint32_t slot = 0;            // wave index in its workgroup
	uint32_t tlb_prev_ctx = 0;    // context the CU's TLB held when this wave launched
	// The interpreter executed the wave's last instruction (Worker::step); translated code reads
	// and clears it at entry (jit/codegen.cpp, the straight run's knowledge).
	uint32_t interpreted = 0;
	// The translated code's shared-access memos (jit/codegen.cpp, AddrMemo: the lane pattern of
	// an address register under an EXEC), kept from one of its calls to the next for the same
	// wave: a memo is cleared by every instruction that can write its register, and all of them
	// at entry after a launch (memo_reset) or after the interpreter ran the wave ('interpreted').
	uint32_t memo_reset = 1;
	// Some pipeline record may not be clear: set by every write of one (Worker::produce_slow,
	// produce_mem; the translated code of a program not proven hazard-free writes them without
	// it), cleared by launch_wave when it clears them. A clean wave's launch clears none.
	uint32_t records_dirty = 1;
	alignas(64) uint8_t memos[kWaveMemos][kWaveMemoBytes];
	// Cached expansion of the last EXEC value seen by the vector path.
	uint32_t lanes_for = 0;
	Row lanes;                    // 0 / ~0 per lane

	uint32_t &sreg(unsigned raw) { return s[raw - kSregFirst]; }
	void set_lanes(uint32_t exec)
	{
		if (exec == lanes_for)
			return;
		for (unsigned i = 0; i < kLanes; i++)
			lanes.l[i] = (exec & (1u << i)) ? ~0u : 0u;
		lanes_for = exec;
	}
};

} // namespace mica::sim::cu
