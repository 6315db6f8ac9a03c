// SPDX-License-Identifier: MIT
// A Worker runs the workgroups of one compute unit (CU) for one dispatch: the per-instruction
// interpreter, the hazard model's bookkeeping and the CU's memory paths. One host thread owns a
// worker at a time, so nothing here is shared except guest memory (reached through the Mmu).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "../engine.h"
#include "program.h"
#include "progress_batch.h"
#include "texture.h"
#include "wave.h"
#include "jit/jit.h"

namespace mica::sim::cu {

namespace jit {
class Program;
struct Runtime;
} // namespace jit

enum class Step : uint8_t { Continue, Barrier, Ended, Fault };

// Instructions a wave issues before the next runnable wave of its workgroup gets its turn (the
// round-robin scheduler of Worker::run_workgroup).
constexpr unsigned kQuantum = 32;

// A compute unit's share of a dispatch (Engine::run): workgroups first, first + stride, ... below
// total, in that order, none past *min_fault (the smallest workgroup of the dispatch that faulted
// so far, which the other compute units lower as they find faults).
struct WorkgroupShare {
	uint64_t first = 0, stride = 1, total = 0;
	const std::atomic<uint64_t> *min_fault = nullptr;
	ProgressBatch<> *progress = nullptr; // CTX_PROGRESS: retired workgroups are counted here (or null)
};

constexpr uint32_t kNoContext = ~0u;
// Per access type, direct-mapped (worker_tlb_slot): 512 holds SGEMM 512's two 1 MiB matrices
// (64 missed on nearly every B-tile row: 170 -> 161 ms per dispatch); 8 KiB per type.
constexpr unsigned kWorkerTlbEntries = 512;
// The TLB slot of a page: its place in its 512-page block, rotated by a hash of the block number
// (Fibonacci hashing). Consecutive pages take consecutive slots (a stream and the pages
// translated ahead of it never collide), and two streams in different blocks sit far apart:
// SAXPY's x and y, 64 MiB apart, used to take the same slots and evict each other on every wave.
// The JIT's inline lookup computes the same (codegen.cpp).
constexpr uint64_t kWorkerTlbBlockHash = 0x9E3779B97F4A7C15ull;
constexpr unsigned kWorkerTlbBlockShift = 9, kWorkerTlbHashShift = 55;
static_assert((1u << kWorkerTlbBlockShift) == kWorkerTlbEntries && 64 - kWorkerTlbHashShift == kWorkerTlbBlockShift);
inline uint64_t worker_tlb_slot(uint64_t page)
{
	return (page + (((page >> kWorkerTlbBlockShift) * kWorkerTlbBlockHash) >> kWorkerTlbHashShift)) %
	       kWorkerTlbEntries;
}

// Host locations of one vector memory instruction's lane accesses (a lane may span two pages).
struct LaneAccessSet {
	// Only active lanes are filled and read (no initialisation: this is on the hot path).
	struct Lane {
		uint8_t *p1, *p2;
		unsigned n1;
	} lane[kLanes];
};

// The pipeline record a result gets (Worker::produce_slow), as distances from the producer's
// issue cycle. It depends only on the producing unit, the destination register, the power profile
// and the revision, so the JIT computes it once per instruction at translation time.
struct ProducePlan {
	uint8_t vis[3] = {0, 0, 0};    // per consumer class: cycles until the new value is visible
	uint8_t haz[4] = {0, 0, 0, 0}; // hazard rule per class (kWrite: WAW rule)
	bool waw = false;              // younger writes are dropped until issue + waw_dist
	uint8_t waw_dist = 0;
	bool delayed = false;          // some class sees the value later than the next cycle: the
	                               // previous value must be kept for it
};
ProducePlan produce_plan(unsigned unit, unsigned reg, bool lowpower, bool r1);

struct FaultRecord {
	uint32_t fault = MICA_FAULT_NONE;
	uint64_t addr = 0;
	uint32_t access = 0;
	uint64_t pc = 0;
	uint32_t info = 0;
	std::string report;
};

struct WorkerStats {
	uint64_t instructions = 0, lane_instructions = 0, mem_ops = 0, stall_cycles = 0, waves = 0;
	uint64_t hazard_violations = 0;
	uint64_t cycles = 0; // this CU's summed workgroup cycles
};

class Worker {
public:
	Worker(Mmu &mmu, uint32_t cu_index);
	// 'jit' (may be null: interpret everything) is the dispatch's translated program; it must
	// outlive the dispatch.
	// 'warm' (with no 'jit'): the dispatch's jit::Warmup, which may hand it a translation while it
	// runs.
	void begin_dispatch(const DispatchState &st, uint32_t tlb_prev_ctx, const jit::Program *jit = nullptr,
	                    jit::Warmup *warm = nullptr);
	// Runs workgroup 'index' (linear); returns false if it faulted (fault() has the details).
	bool run_workgroup(uint64_t index);
	// Runs the share's workgroups in order (run_workgroup, or a wave chain: chain_next); returns
	// the workgroup that faulted (fault() has the details) or ~0 if none did. *ran: it ran one.
	uint64_t run_share(const WorkgroupShare &share, bool *ran);
	const FaultRecord &fault() const { return fault_; }
	const WorkerStats &stats() const { return stats_; }
	const std::array<uint8_t, MICA_OPCODE_SPACE> &executed() const { return executed_; }

	// Instructions executed by the interpreter while a translated program was in use (the
	// instructions the JIT handed back: unsupported entry points, watchdog edges, abort polls).
	uint64_t jit_interpreted() const { return jit_interpreted_; }
	// Waves launched by wave chains (chain_next) since the worker was made.
	uint64_t chained_launches() const { return chain_.launches; }
	// Waves the translated code left at an s_barrier for the next of their round (run_workgroup).
	uint64_t barrier_switches() const { return barrier_switches_; }

private:
	friend struct ValuExec;
	friend struct jit::Runtime;
	// --- scheduling and control (worker.cpp)
	// Launches wave 'slot' of the workgroup wg_id in waves_[object].
	void launch_wave(uint32_t object, uint32_t slot, const uint32_t (&wg_id)[3]);
	// What a workgroup's start does before its waves launch; returns its wave count.
	uint32_t begin_workgroup(uint64_t index, uint32_t (&wg_id)[3]);
	// A workgroup retired: CTX_PROGRESS, unless the context is being killed (the register stands
	// still from then on: device.cpp).
	void retired(const WorkgroupShare &share)
	{
		if (share.progress && !(st_.abort && st_.abort->load(std::memory_order_relaxed)))
			share.progress->retired();
	}
	// Wave chains. A program whose waves always end within their first quantum and that has no
	// barrier (jit::Program::chains) runs its waves one after another, each to its end, in the
	// order run_workgroup's round-robin gives them (wave order, workgroup after workgroup): so the
	// waves of a compute unit's share can run in one Wave object, and the translated code can
	// launch the next wave itself at s_endpgm (jit::Frame::chain) instead of returning to the
	// scheduler (docs/performance.md, "Wave chains").
	bool chains() const;
	uint64_t run_chain(const WorkgroupShare &share, bool *ran);
	// The chain's wave ended (in the translated code or the interpreter): retires it, and its
	// workgroup after its last wave, and launches the next wave of the share in the same Wave
	// object. False when the share is done (or stops at a lower workgroup's fault).
	bool chain_next();
	struct Chain {
		const WorkgroupShare *share = nullptr;
		uint64_t wg = 0;         // the running workgroup
		uint32_t slot = 0;       // the running wave's slot in it
		uint32_t nwaves = 0;     // its waves
		uint32_t wg_id[3] = {0, 0, 0};
		uint64_t wg_cycles = 0;  // the latest end of its waves so far
		uint64_t launches = 0;   // waves launched by chain_next (jit::Counters::chained_launches)
		bool done = false;       // chain_next found the share done
	} chain_;
	Step step(Wave &w);
	// Executes one decoded instruction at pc (everything step() does after the fetch): shared
	// by the interpreter and the translated code's calls back into the reference semantics.
	Step exec_decoded(Wave &w, const DecodedInst &d, uint64_t pc);
	// Runs up to kQuantum instructions of w (translated code where there is some); returns the
	// first non-Continue step, or Continue when the quantum is used up.
	// Both are inlined into run_workgroup, their only caller: a wave switch (every barrier, every
	// quantum) then costs the one indirect call into the translated code.
	[[gnu::always_inline]] Step run_quantum(Wave &w);
	[[gnu::always_inline]] Step run_quantum_body(Wave &w);
	// Runs w's translated code for at most 'limit' instructions, fewer up to the kill flag's next
	// poll: why it returned and how many instructions it ran. Exit::Interp with none run when the
	// poll is due (the interpreter runs that instruction). run_chain's; run_quantum_body does the
	// same written out (worker.cpp says why).
	struct TranslatedRun {
		jit::Exit exit;
		uint32_t executed;
	};
	[[gnu::always_inline]] TranslatedRun run_translated(Wave &w, uint32_t limit);
	// A wave ended: adds its stalls, and its end (once its memory operations complete) to its
	// workgroup's latest end, wg_cycles.
	void retire_wave(const Wave &w, uint64_t &wg_cycles);
	// Switches this dispatch to translated code (jit::Warmup), from the next quantum on.
	void adopt_translation(const jit::Program *p);
	void fill_frame();
	Step exec_ctrl(Wave &w, const DecodedInst &d);
	Step exec_salu(Wave &w, const DecodedInst &d);
	Step exec_valu(Wave &w, const DecodedInst &d);
	Step exec_mem(Wave &w, const DecodedInst &d);
	Step exec_global(Wave &w, const DecodedInst &d);
	Step exec_ds(Wave &w, const DecodedInst &d);
	// The second halves of exec_global / exec_ds, after the operands are read: translation or
	// bounds checks, faults, the accesses and the results (the JIT's fallback when its inline
	// path does not apply).
	Step global_access(Wave &w, const DecodedInst &d, uint32_t exec, const uint32_t (*data)[kLanes],
	                   const bool *keep, const uint64_t *va);
	Step ds_access(Wave &w, const DecodedInst &d, uint32_t exec, const uint32_t (*data)[kLanes],
	               const bool *keep, const uint32_t *addr);
	Step exec_smem(Wave &w, const DecodedInst &d);
	// --- texture unit (texture.cpp, texture_sample.cpp; docs/hw/texture.md)
	Step exec_image(Wave &w, const DecodedInst &d);
	Step exec_image_sample(Wave &w, const DecodedInst &d, tex::ImageOp &op);
	Step image_fault(Wave &w, const DecodedInst &d, uint32_t reason, const std::string &why);
	// Translates the n bytes of a texel at va; on a fault raises it and returns false.
	bool texel_access(Wave &w, const DecodedInst &d, uint64_t va, unsigned n, mica_access acc, bool sec,
	                  tex::TexelPtr &out);
	// Reads texel (x, y, z, layer) of view level 'lvl' (in range) into t, decoded and swizzled.
	bool fetch_texel(Wave &w, const DecodedInst &d, const tex::ImageOp &op, uint32_t lvl, uint32_t x, uint32_t y,
	                 uint32_t z, uint32_t layer, tex::Texel &t);
	Step finish_image(Wave &w, const DecodedInst &d, tex::ImageOp &op);
	void wait_counters(Wave &w, uint32_t gm, uint32_t ls);
	Step raise(Wave &w, const DecodedInst *d, uint32_t fault, uint64_t addr, uint32_t access,
	           const std::string &why);
	Step hazard_fault(Wave &w, const DecodedInst &d);
	Step write_s64_result(Wave &w, const DecodedInst &d, uint64_t v);

	// --- pipeline model (hazards.cpp)
	bool fresh_slow(Wave &w, unsigned reg, Cls c);
	bool write_slow(Wave &w, unsigned reg);
	void violation(Wave &w, unsigned reg, uint8_t hazard, uint64_t required, uint64_t actual,
	               bool write);
	// Does a consumer of class c at the current cycle see reg's newest value?
	bool fresh(Wave &w, unsigned reg, Cls c)
	{
		return w.cycle >= w.meta[reg].guard[c] || fresh_slow(w, reg, c);
	}
	// May an instruction issuing now write reg (false: faithful WAW, the write is lost)?
	bool writable(Wave &w, unsigned reg)
	{
		return w.cycle >= w.meta[reg].guard[kWrite] || write_slow(w, reg);
	}
	uint32_t read_s(Wave &w, unsigned reg, Cls c)
	{
		return fresh(w, reg, c) ? w.s[reg - kSregFirst] : w.sprev[reg - kSregFirst];
	}
	const Row &read_v(Wave &w, unsigned reg)
	{
		return fresh(w, reg, kVector) ? w.v[reg] : w.vprev[reg];
	}
	// Records the timing of a new value in reg produced by d (ALU or control instruction);
	// returns true if the previous value must be kept for late consumers.
	bool produce(Wave &w, unsigned reg, const DecodedInst &d)
	{
		// Fast path: a perf-profile valu result is visible to everyone at the next cycle, so a
		// register whose previous value is already settled needs no bookkeeping at all.
		RegMeta &m = w.meta[reg];
		if (d.unit == MICA_UNIT_VALU && !lowpower_ && !(r1_ && reg == MICA_OPND_VCC) &&
		    (m.guard[0] | m.guard[1] | m.guard[2] | m.guard[3]) == 0 && m.mem_ctr == 0)
			return false;
		return produce_slow(w, reg, d);
	}
	bool produce_slow(Wave &w, unsigned reg, const DecodedInst &d);
	// produce_plan's answers for this dispatch, by unit and register class: 0 = VGPRs and SCC,
	// 1 = SGPRs and EXEC (SALU results reach the vector path late), 2 = VCC (also the r1 erratum).
	static unsigned plan_class(unsigned reg)
	{
		return reg == MICA_OPND_VCC ? 2 : reg >= MICA_OPND_SGPR_FIRST && reg < MICA_OPND_VCC ? 1 : 0;
	}
	void compute_plans();
	ProducePlan plans_[MICA_UNIT_COUNT][3];
	bool plans_ready_ = false; // plans_ hold lowpower_/r1_'s answers
	void produce_mem(Wave &w, unsigned reg, uint8_t counter, uint32_t seq, uint64_t done, uint8_t lat);
	void write_sreg(Wave &w, unsigned reg, uint32_t value, const DecodedInst &d);
	void write_vrow(Wave &w, unsigned reg, const uint32_t *val, const DecodedInst &d);

	// --- memory paths (memory.cpp)
	uint8_t *translate(Wave &w, uint64_t va, mica_access acc, uint32_t *fault, bool sec_erratum);
	void sync_tlb(); // drops the TLB if the context's invalidation generation moved
	void mem_stall(Wave &w, unsigned counter);
	uint64_t mem_issue(Wave &w, unsigned counter, unsigned unit, uint32_t *seq);
	struct VectorMemOperands {
		uint32_t exec = 0;
		alignas(64) uint32_t data[4][kLanes]; // only the rows of the data operand are filled and read
		bool keep[4] = {false, false, false, false};
	};
	void read_vector_mem_operands(Wave &w, const DecodedInst &d, unsigned counter, VectorMemOperands &ops);
	Step finish_vector_mem(Wave &w, const DecodedInst &d, uint32_t exec, const LaneAccessSet &acc,
	                       const uint32_t (*data)[kLanes], const bool *keep, unsigned counter);

	Mmu &mmu_;
	uint32_t cu_;
	DispatchState st_{};
	bool lowpower_ = false, r1_ = false;
	CodeCache code_;
	std::vector<std::unique_ptr<Wave>> waves_;
	std::vector<Wave *> wave_ptrs_; // the same, for the translated code (jit::Frame::round_waves)
	uint64_t barrier_switches_ = 0;
	std::vector<uint8_t> shared_;
	uint64_t wg_base_ = 0;     // CU time at the start of the running workgroup
	uint64_t wd_limit_ = kNever; // watchdog limit in wave-local cycles for the running workgroup
	uint64_t cur_pc_ = 0;      // address of the instruction being executed
	uint32_t cu_prev_ctx_ = 0; // context whose translations the CU's TLB holds at wave launch
	uint32_t config_ = 0;      // hwreg CONFIG (privileged)
	bool violated_ = false;    // checked mode: the current instruction broke a rule
	struct { uint8_t hazard; unsigned reg; uint64_t required, actual; bool write; } viol_{};
	const jit::Program *jit_ = nullptr; // translated form of this dispatch's program, if any
	jit::Frame frame_{};                // its frame (fill_frame; run_workgroup sets wd_limit)
	bool frame_ready_ = false;          // frame_ holds this dispatch's values (fill_frame)
	jit::Warmup *warm_ = nullptr;       // interpreted so far: reports its work here (jit.h)
	uint64_t warm_pending_ = 0;         // interpreted instructions not reported yet
	static constexpr uint64_t kWarmReport = 4096;
	bool l0_report_ = false;            // jit_ is level-0 code: report its work (jit::count_level0_work)
	uint64_t l0_pending_ = 0;           // its instructions not reported yet (reported every kWarmReport)
	// VGPR rows any wave of this CU may have written since its Wave objects were zeroed (the
	// destinations of every instruction decoded or translated): launch clears only those. Never
	// shrinks (waves not launched in a workgroup keep what they hold).
	RegRange vgpr_dirty_; // new Wave objects are value-initialised (all zero)
	RegRange sgpr_dirty_; // the same for SGPRs and their records (EXEC/VCC/SCC: always)
	uint64_t jit_interpreted_ = 0;
	// The launch ABI's per-wave values, identical for every workgroup of a dispatch: EXEC and
	// the local-ID rows of each wave slot, computed at the dispatch's first workgroup (launching
	// a wave is then copies; the divisions per lane were most of launch_wave's time).
	struct LaunchRows {
		uint32_t exec = 0;
		Row local_id[3];
	};
	std::vector<LaunchRows> launch_rows_;
	bool launch_rows_ready_ = false;
	uint32_t launch_rows_shape_[3] = {0, 0, 0}; // the workgroup size launch_rows_ was made for
	uint64_t launch_rows_gen_ = 0; // counts compute_launch_rows calls (launch_rows_' contents)
	unsigned id_rows_vary_ = 0;    // bit k: local-ID row k differs between two wave slots
	// Per Wave object: the local-ID rows it got at its last launch, as launch_rows_gen_ x 64 +
	// the wave slot they were for (0: none). launch_wave skips the copy when they are still there.
	std::vector<uint64_t> wave_id_rows_;
	// Per Wave object: the dispatch (dispatch_gen_) whose user data it got at its last launch.
	std::vector<uint64_t> wave_user_data_;
	uint64_t dispatch_gen_ = 0; // counts begin_dispatch calls
	void compute_launch_rows(uint32_t nwaves, uint32_t invocations);
	FaultRecord fault_;
	WorkerStats stats_;
	std::array<uint8_t, MICA_OPCODE_SPACE> executed_{};

	struct TlbEntry {
		uint64_t page = ~0ull;
		uint8_t *host = nullptr; // the page's first byte
	};
	static_assert(sizeof(TlbEntry) == 16, "the translated code indexes tlb_ (codegen.cpp)");
	static constexpr unsigned kTlbEntries = kWorkerTlbEntries;
	static constexpr unsigned kTlbPrefetchPages = 3; // pages after a missed one translated with it
	// Per access type (a write entry exists only if the page grants writes: the permission check
	// is part of the entry). The translated code reads these directly (jit::Frame::tlb).
	std::array<TlbEntry, kTlbEntries> tlb_[3];
	static_assert(sizeof(std::array<TlbEntry, kTlbEntries>) == kTlbEntries * sizeof(TlbEntry));
	// The context's invalidation generation (PageTableMmu: bumped by TLB_INVALIDATE and
	// CTX_PTBASE) and its value when tlb_ was last known valid.
	const std::atomic<uint64_t> *tlb_gen_src_ = nullptr;
	uint64_t tlb_gen_ = 0;
	uint32_t tlb_ctx_ = kNoContext; // the context tlb_'s entries belong to
};

} // namespace mica::sim::cu
