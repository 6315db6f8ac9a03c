// SPDX-License-Identifier: MIT
// Internal interface between the command processor (src/sim/cp*) and the compute units
// (src/sim/cu/). The CP resolves state packets into a DispatchState and calls
// ComputeEngine::run; the engine translates every memory access through the Mmu.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "mica_hw.h"

namespace mica::sim {

// Address translation for any context; implemented by the device's MMU.
class Mmu {
public:
	virtual ~Mmu() = default;
	// Returns a host pointer to the byte at 'va' in context 'ctx', valid to the end of its 4 KiB
	// page, or nullptr with *fault set to MICA_FAULT_MMU_UNMAPPED / MICA_FAULT_MMU_PERMISSION.
	// Context 0 (the kernel) is physically addressed. Thread-safe.
	virtual uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) = 0;
	// A counter that changes whenever ctx's cached translations must be dropped (TLB_INVALIDATE,
	// CTX_PTBASE), for caches in front of translate(); null if translations never change.
	virtual const std::atomic<uint64_t> *generation(uint32_t ctx) const
	{
		(void)ctx;
		return nullptr;
	}
};

struct DispatchState {
	uint32_t ctx = 0;
	bool privileged = false;          // dispatched from the kernel ring itself (ctx 0)
	uint64_t program_va = 0;
	uint32_t vgpr_count = 0, sgpr_count = 0;
	uint32_t user_data[MICA_USER_DATA_SGPRS] = {};
	uint32_t shared_bytes = 0;
	uint32_t wg_size[3] = {1, 1, 1};
	uint32_t groups[3] = {0, 0, 0};
	uint32_t revision = MICA_REV_R2;
	uint32_t power_profile = MICA_PROFILE_PERF;
	bool checked = false;             // HAZARD_MODE: true = violations fault the context
	uint64_t watchdog_cycles = 0;     // 0 = no limit
	// TIMESTAMP when the dispatch starts; s_timestamp_b64 reads it plus the reading wave's position
	// in the dispatch (docs/hw/isa.md). The CP sets it; other callers leave 0 (a dispatch then
	// reads its own elapsed cycles).
	uint64_t start_timestamp = 0;
	// Set by the device when the kernel kills the running context (CTX_STATUS) or resets the
	// CP: the dispatch stops soon after with MICA_FAULT_KILLED. Null: cannot be aborted.
	const std::atomic<bool> *abort = nullptr;
	// CTX_PROGRESS of the dispatch's context: every workgroup that runs to its end without a
	// fault adds 1 unless abort is raised. Null: nothing counts (the diff engine's second run).
	std::atomic<uint32_t> *progress = nullptr;
};

struct DispatchResult {
	uint32_t fault = MICA_FAULT_NONE; // first fault, by workgroup order; the dispatch stops there
	uint64_t fault_addr = 0;
	uint32_t fault_access = 0;        // mica_access
	uint64_t fault_pc = 0;
	uint32_t fault_info = 0;          // layout as CTX_FAULT_INFO
	std::string report;               // human-readable: pc, instruction, register, rule, distances
	uint64_t cycles = 0;              // dispatch duration: max over compute units
	uint64_t instructions = 0, lane_instructions = 0, mem_ops = 0, stall_cycles = 0, waves = 0;
	uint64_t hazard_violations = 0;   // counted in both modes (faithful mode counts, does not fault)
};

class ComputeEngine {
public:
	virtual ~ComputeEngine() = default;
	virtual DispatchResult run(const DispatchState &state) = 0;
};

// How the compute units execute programs. Both engines are the same device (same results,
// faults and counters); the interpreter is the reference and the only one for checked hazard
// mode, the JIT translates hot programs to host code (src/sim/cu/jit/).
enum class CuEngine : uint32_t {
	Default = 0, // MICA_CU_ENGINE=interp|jit if set, else the fastest correct engine (the JIT)
	Interp = 1,
	Jit = 2,
	// Both on every dispatch over private page copies, compared (results, faults, counters,
	// every touched page); a difference aborts. MICA_CU_ENGINE=diff. For tests.
	Diff = 3,
};
// The engine 'requested' resolves to (reads MICA_CU_ENGINE for Default; a JIT that cannot run
// on this host resolves to the interpreter).
CuEngine resolve_cu_engine(CuEngine requested);

// cu_count compute units on host_threads threads, translating through mmu.
std::unique_ptr<ComputeEngine> make_compute_engine(Mmu &mmu, uint32_t cu_count, unsigned host_threads,
                                                   CuEngine engine = CuEngine::Default);

} // namespace mica::sim
