// SPDX-License-Identifier: MIT
// The translating execution engine: a validated program is translated once to host code through
// LLVM's ORC JIT and then runs on the same wave state as the reference interpreter (worker.h).
// The translation is exact by construction: every instruction either runs inline code that does
// what the interpreter does (operand freshness checks of the pipeline model included, so hazards
// behave identically), or calls the interpreter's own semantics for that one instruction. Control
// returns to the scheduler at the same points as in the interpreter (the wave quantum, barriers,
// s_endpgm, faults), and wherever the translated code cannot go on (an undecodable or unfetchable
// word, a privileged instruction, the watchdog edge, an abort poll) it hands the pc back and the
// interpreter executes that instruction.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "../../engine.h"
#include "../reg_range.h"

namespace mica::sim::cu {
class Worker;
struct Wave;
} // namespace mica::sim::cu

namespace mica::sim::cu::jit {

// Why translated code returned (the generated code returns these numbers).
enum class Exit : uint32_t {
	Yield = 0,   // the instruction budget is used up; w.pc is the next instruction
	Interp = 1,  // the interpreter must execute the instruction at w.pc
	Barrier = 2, // an s_barrier executed
	Ended = 3,   // s_endpgm executed
	Fault = 4,   // an instruction faulted (the worker's fault record is set)
};

// The generated function's argument. Field order is part of the generated code's ABI
// (codegen.cpp reads them by offsetof).
struct Frame {
	Worker *worker;
	Wave *wave;
	uint64_t base_pc;            // the dispatch's program_va (translations are position independent)
	uint64_t wd_limit;           // watchdog limit in wave cycles (the interpreter's wd_limit_)
	uint8_t *executed_ops;       // Worker::executed_
	uint64_t *instructions;      // WorkerStats::instructions
	uint64_t *lane_instructions; // WorkerStats::lane_instructions
	uint32_t budget;             // instructions it may execute before returning Yield
	uint32_t executed;           // out: instructions executed
	// The inline memory path (codegen.cpp emit_vmem):
	uint64_t *mem_ops;                     // WorkerStats::mem_ops
	const void *tlb;                       // Worker::tlb_: [access][kTlbEntries] of {page, host}
	const std::atomic<uint64_t> *tlb_gen;  // the context's invalidation generation ...
	const uint64_t *tlb_gen_seen;          // ... and its value when tlb was last valid
	uint8_t *shared;                       // the workgroup's shared memory
	uint64_t shared_size;
	// Nonzero: the wave runs in a chain (Worker::chain_next); at s_endpgm the code calls
	// Runtime::chain_next and, if it launched the next wave in the same Wave object, goes on at
	// the program's first instruction instead of returning Ended.
	uint32_t chain;
	// The kill poll (Worker): instructions since the kill flag was last read, and nonzero when
	// the dispatch has a flag (every 4096th instruction is then left to the interpreter).
	uint32_t abort_poll;
	uint32_t abort_polled;
	// In-code wave switches at s_barrier (level 1; Worker::run_workgroup). The waves of the
	// scheduler's round after the one running (a bit mask; 0: none, return Barrier as usual).
	// Where a wave reaches an s_barrier and a later wave of the round is left, the code does
	// what the scheduler would: it records the arrival (round_release: the latest arrival's
	// cycle + 1), gives the next wave of the round a new quantum (as the scheduler computes it)
	// and runs that wave, whose index it leaves in round_index and whose Wave in 'wave'.
	Wave *const *round_waves;  // the workgroup's waves by index
	uint32_t round_rest;
	uint32_t round_index;
	uint64_t round_release;
};

class Program {
public:
	virtual ~Program() = default;
	// The code may change between two calls (the tier-up replaces it by code that does exactly
	// the same, entered at any pc), never during one.
	Exit run(Frame &f) const { return static_cast<Exit>(fn_.load(std::memory_order_acquire)(&f)); }
	uint64_t hash() const { return hash_; }
	uint32_t instructions() const { return instructions_; } // decoded instructions translated
	uint32_t inline_instructions() const { return inline_; } // of which run inline
	RegRange vgprs() const { return vgprs_; }                 // VGPR rows it can write
	RegRange sgprs() const { return sgprs_; }                 // SGPRs it can name as destinations
	unsigned level() const { return level_.load(std::memory_order_acquire); } // LLVM code-generator level
	// Translated without operand tests and pipeline records: the static hazard verifier found no
	// violation on any path (hazard_proof.h).
	bool hazard_free() const { return hazard_free_; }
	// Straight runs with a copy entered when EXEC is all ones (codegen.cpp, find_fast_runs).
	uint32_t full_exec_runs() const { return full_exec_runs_; }
	// Every wave of it ends within its first scheduling quantum and none waits at a barrier, so
	// a compute unit may run its waves as a chain (wave_chain.h, Worker::chain_next).
	bool chains() const { return chains_; }
	// The tier-up: from now on run better's code (a translation of the same program at another
	// level), which this program keeps alive. Callers running the old code finish their call
	// with it. At most once per program.
	void adopt(std::shared_ptr<const Program> better)
	{
		successor_ = std::move(better);
		level_.store(successor_->level(), std::memory_order_release);
		fn_.store(successor_->fn_.load(std::memory_order_acquire), std::memory_order_release);
	}
	// The work its level-0 code has done (count_level0_work): adds n wave instructions, returns
	// the total so far.
	uint64_t add_level0_work(uint64_t n) const { return level0_work_.fetch_add(n, std::memory_order_relaxed) + n; }
	// True for the one caller that asks for the tier-up by work done.
	bool claim_work_tierup() const { return !work_tierup_.exchange(true, std::memory_order_relaxed); }

protected:
	std::atomic<uint32_t (*)(Frame *)> fn_{nullptr};
	uint64_t hash_ = 0;
	uint32_t instructions_ = 0, inline_ = 0, full_exec_runs_ = 0;
	bool hazard_free_ = false, chains_ = false;
	RegRange vgprs_, sgprs_;
	std::atomic<unsigned> level_{0};

private:
	std::shared_ptr<const Program> successor_;
	mutable std::atomic<uint64_t> level0_work_{0};
	mutable std::atomic<bool> work_tierup_{false};
};

// Process-wide counters (monotonic; for tests, benchmarks and docs/performance.md).
struct Counters {
	uint64_t translations = 0;      // programs translated
	uint64_t cache_hits = 0;        // dispatches that found their translation in the cache
	uint64_t checked_fallbacks = 0; // dispatches interpreted because of checked hazard mode
	uint64_t cold_dispatches = 0;   // dispatches interpreted because the program was not hot yet
	uint64_t failures = 0;          // translations LLVM could not produce (interpreted instead)
	uint64_t too_large = 0;         // dispatches interpreted because the program is too large
	uint64_t translate_ns = 0;      // host time spent translating (both tiers)
	uint64_t tier_ups = 0;          // level-0 translations replaced by their level-1 translation
	uint64_t warm_translations = 0; // dispatches that started interpreted and moved to translated code (Warmup)
	uint64_t work_tierups = 0;      // tier-ups asked for by the work of a program's level-0 code (count_level0_work)
	uint64_t tierups_queued = 0;    // level-1 translations queued (by either trigger)
	uint64_t hazard_free = 0;       // of 'translations', those without operand tests (Program::hazard_free)
	uint64_t full_exec_runs = 0;    // straight runs translated with a copy for EXEC all ones (level 1, both paths)
	uint64_t chained_launches = 0;  // waves launched by wave chains (Worker::chain_next), counted at dispatch end
	uint64_t barrier_switches = 0;  // waves the translated code left at an s_barrier for the round's next (Frame::round_rest), counted at dispatch end
};
Counters counters();


// Adds to Counters::chained_launches and barrier_switches (a compute engine, once per dispatch
// that had either).
void count_wave_handoffs(uint64_t chained, uint64_t barrier_switches);

// True when the LLVM JIT initialised on this host (else everything is interpreted).
bool available();

// The translation of the program a dispatch runs, or null when this dispatch is to be
// interpreted (checked hazard mode, a program not hot yet, or no JIT on this host). Walks the
// code from st.program_va through mmu (instruction fetches, as the compute units would), hashes
// what it decoded and translates on a cache miss. Thread-safe; the cache is shared by all
// engines, compute units and contexts.
std::shared_ptr<const Program> program_for(Mmu &mmu, const DispatchState &st);

// Invocations a program must have been dispatched with (summed over dispatches of at least 1024
// invocations; smaller dispatches are always interpreted) before it is translated; 0 translates
// every program on first use. MICA_CU_JIT_THRESHOLD overrides the default.
uint64_t hot_threshold();

// Tiers: a hot program is translated at LLVM's code-generator level 0 (fast to translate) and
// runs that. The next dispatch after its level-0 dispatches have had tierup_threshold()
// invocations (or a dispatch of 4 times that alone) re-translates it at level 1 on a thread of
// its own (one for all tier-ups, in the order asked for). A dispatch of at least
// tierup_threshold() invocations that asks for it waits for it (its own program's, not the
// others queued) at its start (level-0 code run meanwhile only costs CPU time on a busy host);
// a shorter one does not wait: its waves run the
// level-0 code until the level-1 code is in and switch to it from their next scheduling quantum
// on (Program::adopt), within a dispatch or between two. A compute engine waits for
// the tier-ups under way when it is destroyed; the thread is joined when the library's statics
// are destroyed (process exit or unload).
// MICA_CU_JIT_TIERUP overrides the default; MICA_CU_JIT_OPT=0|1|2 turns tiers off (one level).
uint64_t tierup_threshold();

// The tier-up by work done: the invocation counts above never tier up a program whose few
// invocations are long (SGEMM 512: one dispatch of 262144 invocations, ~90M wave instructions,
// ran at level 0 in every dispatch of a benchmark's runs). Compute units running a program's
// level-0 code report the wave instructions they run there (Worker::run_quantum); once
// tierup_work_threshold() of them have run, summed over dispatches and compute units, its level-1
// translation is queued as for a tier-up by invocations, and the compute unit that asked waits
// for it (the others switch to it when it is in).
// 'mmu' and 'st' are the reporting dispatch's, to find the code the translation needs. Returns
// whether the caller should go on reporting (false once the program is past level 0, its
// tier-up is asked for, or it cannot have one).
bool count_level0_work(const Program &p, uint64_t n, Mmu &mmu, const DispatchState &st);

// Wave instructions of level-0 code that tier a program up: 32 per invocation of
// tierup_threshold() (32M by default), as warm_threshold() scales hot_threshold().
uint64_t tierup_work_threshold();

// Waits for every level-1 translation queued or under way (compute engines at destruction,
// tests). A dispatch that waits for a tier-up waits for its own program's alone (a future per
// queued translation, translate.cpp), not for the others queued before or after it.
void wait_for_tierups();

// Tests only: the tier-up thread starts at most 'jobs' more level-1 translations until the next
// call (~0: no limit, the default), so a test can hold a queue in a known order. Nothing waiting
// for a held translation returns before it is let through (wait_for_tierups neither).
void hold_tierups_for_tests(uint64_t jobs);

// Hotness by work done: program_for counts invocations at dispatch start, so a dispatch of a few
// long workgroups (the CTS's max_workgroup_memory: 247 invocations per workgroup, 16K loop
// iterations each) ran interpreted from start to end. A dispatch that program_for left to the
// interpreter keeps a Warmup: its compute units report the wave instructions they interpret,
// and once the dispatch has interpreted warm_threshold() of them the program is translated
// (by the compute unit that crossed it, as program_for would, its level-1 translation queued at
// once) and each compute unit switches to the translation at its next report. The translation
// is the same device entered at any pc, so switching between two scheduling quanta changes
// nothing observable.
class Warmup {
public:
	// For the dispatch 'st' (which outlives it): armed unless the dispatch cannot be translated
	// (checked hazard mode, no JIT, translation on first use, which program_for already tried).
	void reset(Mmu *mmu, const DispatchState *st);
	bool armed() const { return armed_; }
	// Adds n interpreted wave instructions; returns the translation once there is one.
	const Program *count(uint64_t n);

private:
	Mmu *mmu_ = nullptr;
	const DispatchState *st_ = nullptr;
	bool armed_ = false;
	std::atomic<uint64_t> work_{0};
	std::atomic<bool> requested_{false};
	std::atomic<const Program *> ready_{nullptr};
	std::shared_ptr<const Program> keep_; // written before ready_ is published
};

// Wave instructions a dispatch interprets before its program is translated while it runs:
// 32 per invocation of the hot threshold (2M by default, about 50 ms of interpretation,
// the order of a translation; MICA_CU_JIT_THRESHOLD scales it).
uint64_t warm_threshold();

} // namespace mica::sim::cu::jit
