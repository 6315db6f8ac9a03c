// SPDX-License-Identifier: MIT
// Workgroup scheduling (round-robin waves, barriers), wave launch (the launch ABI), the
// fetch/issue loop, and fault reporting. Control instructions are in control.cpp.
#include "worker.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>

#include "alu_ops.h"
#include "env_switch.h"
#include "jit/jit.h"

namespace mica::sim::cu {

namespace {

// A launch's row copies in the widest vector stores the host has. The translated code reads the
// row back with its widest loads (64 bytes with AVX-512), and a load is served from the store
// buffer only if one store holds all of it. With the baseline's 16-byte stores, a wave chain
// (which copies a local-ID row at nearly every launch, and runs the wave right after) ran
// SAXPY-shaped waves slower than the scheduler did in one set of alternated runs (fastest 74.8
// against 63.8 ns per wave); with these, as fast within the host's spread (docs/performance.md,
// round 22).
using RowHalf = uint32_t __attribute__((vector_size(64), may_alias));
static_assert(sizeof(Row) == 2 * sizeof(RowHalf) && alignof(Row) >= alignof(RowHalf));
[[gnu::target_clones("avx512f", "avx2", "default")]] void copy_row(Row &dst, const Row &src)
{
	auto *d = reinterpret_cast<RowHalf *>(&dst);
	const auto *s = reinterpret_cast<const RowHalf *>(&src);
	d[0] = s[0];
	d[1] = s[1];
}

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

// MICA_CU_BARRIER_SWITCH=0: the translated code returns to run_workgroup at every s_barrier (no
// in-code wave switch, jit::Frame::round_rest), for measurements.
bool barrier_switches_on()
{
	static const bool on = switched_on("MICA_CU_BARRIER_SWITCH");
	return on;
}

} // namespace

Worker::Worker(Mmu &mmu, uint32_t cu_index) : mmu_(mmu), cu_(cu_index) {}

void Worker::begin_dispatch(const DispatchState &st, uint32_t tlb_prev_ctx, const jit::Program *jit, jit::Warmup *warm)
{
	// The previous dispatch's decodes are about to be forgotten: keep their bound.
	vgpr_dirty_.add(code_.vgprs());
	sgpr_dirty_.add(code_.sgprs());
	if (jit) {
		vgpr_dirty_.add(jit->vgprs());
		sgpr_dirty_.add(jit->sgprs());
	}
	st_ = st;
	dispatch_gen_++;
	jit_ = jit;
	frame_ready_ = false; // the frame points at this dispatch's shared memory and TLB generation
	warm_ = !jit && warm && warm->armed() ? warm : nullptr;
	warm_pending_ = 0;
	l0_report_ = jit && jit->level() == 0;
	l0_pending_ = 0;
	jit_interpreted_ = 0;
	const bool lowpower = st.power_profile == MICA_PROFILE_LOWPOWER, r1 = st.revision == MICA_REV_R1;
	if (!plans_ready_ || lowpower != lowpower_ || r1 != r1_) {
		lowpower_ = lowpower;
		r1_ = r1;
		compute_plans();
		plans_ready_ = true;
	}
	code_.reset(&mmu_, st.ctx, st.program_va);
	// The TLB's entries stay valid while the context and its invalidation generation do (as
	// the MMU's own cache): a dispatch after another of the same context starts warm.
	// An Mmu without generations never announces invalidations: its entries last one dispatch.
	static const std::atomic<uint64_t> kNoGeneration{0};
	const std::atomic<uint64_t> *mmu_gen = mmu_.generation(st.ctx);
	const std::atomic<uint64_t> *gen_src = mmu_gen ? mmu_gen : &kNoGeneration;
	const uint64_t gen = gen_src->load(std::memory_order_acquire);
	if (!mmu_gen || st.ctx != tlb_ctx_ || gen_src != tlb_gen_src_ || gen != tlb_gen_) {
		for (auto &t : tlb_)
			t.fill(TlbEntry{});
		tlb_ctx_ = st.ctx;
	}
	tlb_gen_src_ = gen_src;
	tlb_gen_ = gen;
	shared_.assign(st.shared_bytes, 0);
	fault_ = {};
	stats_ = {};
	executed_.fill(0);
	wg_base_ = 0;
	cu_prev_ctx_ = tlb_prev_ctx;
	// Launch rows stay valid for the same workgroup shape.
	launch_rows_ready_ = launch_rows_ready_ && std::equal(st.wg_size, st.wg_size + 3, launch_rows_shape_);
}

// MICA_CU_CLEAN_LAUNCH=0: every launch clears the records (launch_wave), for measurements.
static bool clean_launches()
{
	static const bool on = switched_on("MICA_CU_CLEAN_LAUNCH");
	return on;
}

void Worker::launch_wave(uint32_t object, uint32_t slot, const uint32_t (&wg_id)[3])
{
	Wave &w = *waves_[object];
	// Registers start at zero (isa.md, launch ABI). Only registers an instruction of this CU can
	// have written are cleared (the launch ABI's values are set directly below, not through the
	// pipeline model, so their records stay clear); the previous-value rows (vprev, sprev) are
	// never read before this wave writes the register again (a register is stale only after a
	// delayed write, which saves its previous value first), so they are not cleared at all.
	// The same holds for the SGPR values (EXEC, VCC and SCC are written implicitly), and a record
	// reads as clear once its guards and mem_ctr are (RegMeta): only those are cleared.
	// Records are cleared only if one may have been written since the wave's last launch cleared
	// them all (Wave::records_dirty): the translated code of a hazard-free program writes none,
	// and they were 40% of SAXPY's launch_wave.
	const bool records = w.records_dirty || (jit_ && !jit_->hazard_free()) || !clean_launches();
	auto clear_records = [records](RegMeta *m, RegMeta *end) {
		if (records)
			for (; m < end; m++)
				std::memset(static_cast<void *>(m), 0, kRegMetaClearBytes);
	};
	if (const uint32_t n = vgpr_dirty_.size()) {
		std::memset(w.v + vgpr_dirty_.lo, 0, sizeof(Row) * n);
		clear_records(w.meta + vgpr_dirty_.lo, w.meta + vgpr_dirty_.lo + n);
	}
	if (const uint32_t n = sgpr_dirty_.size()) {
		std::memset(w.s + sgpr_dirty_.lo, 0, sizeof(uint32_t) * n);
		clear_records(w.meta + kSregFirst + sgpr_dirty_.lo, w.meta + kSregFirst + sgpr_dirty_.lo + n);
	}
	std::memset(w.s + (MICA_OPND_EXEC - kSregFirst), 0, sizeof(uint32_t) * (kRegSpace - MICA_OPND_EXEC));
	clear_records(w.meta + MICA_OPND_EXEC, std::end(w.meta));
	w.records_dirty = 0;
	// A counter's done[] slots are read only for sequence numbers below 'issued' (s_waitcnt,
	// the issue stall), which this wave writes before reading: only the counts are reset.
	for (auto &c : w.ctr) {
		c.issued = 0;
		c.waited = 0;
		c.last_done = 0;
	}
	// The user data is the dispatch's: a wave object launched in this dispatch still holds it
	// unless an instruction of this CU can write those SGPRs.
	static_assert(MICA_ABI_S_USER_DATA_FIRST == 0, "the user-data SGPRs are s0.. (sgpr_dirty_ counts from s0)");
	uint64_t &user_data = wave_user_data_[object];
	if (user_data != dispatch_gen_ || sgpr_dirty_.lo < MICA_USER_DATA_SGPRS) {
		for (unsigned i = 0; i < MICA_USER_DATA_SGPRS; i++)
			w.s[MICA_ABI_S_USER_DATA_FIRST + i] = st_.user_data[i];
		user_data = dispatch_gen_;
	}
	w.s[MICA_ABI_S_WORKGROUP_ID_X] = wg_id[0];
	w.s[MICA_ABI_S_WORKGROUP_ID_Y] = wg_id[1];
	w.s[MICA_ABI_S_WORKGROUP_ID_Z] = wg_id[2];
	w.s[MICA_ABI_S_WAVE_IN_GROUP] = slot;
	const LaunchRows &lr = launch_rows_[slot];
	const uint32_t exec = lr.exec;
	// The local-ID rows are the same at every launch of a slot for one workgroup shape: a wave
	// that got this shape's rows for this slot at its last launch still holds them unless an
	// instruction of this CU can write them (then they were cleared above, or the program changed
	// them). The three row copies were a quarter of SAXPY's launch_wave.
	static_assert(MICA_ABI_V_LOCAL_ID_Y == MICA_ABI_V_LOCAL_ID_X + 1 &&
	              MICA_ABI_V_LOCAL_ID_Z == MICA_ABI_V_LOCAL_ID_X + 2);
	const bool id_rows_writable = vgpr_dirty_.lo <= MICA_ABI_V_LOCAL_ID_Z && vgpr_dirty_.hi > MICA_ABI_V_LOCAL_ID_X;
	static_assert(MICA_MAX_WORKGROUP_INVOCATIONS / kLanes <= 64, "a slot fits wave_id_rows_' low 6 bits");
	uint64_t &held = wave_id_rows_[object];
	const uint64_t rows = launch_rows_gen_ * 64 + slot;
	if (held != rows || id_rows_writable) {
		// Another slot's rows of this shape (a wave chain runs every slot in one Wave object):
		// only the rows that differ between slots (a 1-D workgroup's Y and Z rows are zero in
		// every slot).
		const unsigned copy = held / 64 == launch_rows_gen_ && !id_rows_writable ? id_rows_vary_ : 7u;
		for (unsigned k = 0; k < 3; k++)
			if (copy & (1u << k))
				copy_row(w.v[MICA_ABI_V_LOCAL_ID_X + k], lr.local_id[k]);
		held = rows;
	}
	w.sreg(MICA_OPND_EXEC) = exec;
	// w.lanes is left as it is: it is a cache of lanes_for's expansion (Wave::set_lanes), true
	// for whatever EXEC the wave had, and nothing but set_lanes writes either.
	w.pc = st_.program_va;
	w.cycle = 0;
	w.stall = 0;
	w.slot = slot;
	w.tlb_prev_ctx = cu_prev_ctx_;
	w.interpreted = 0;
	w.memo_reset = 1;
}

void Worker::compute_launch_rows(uint32_t nwaves, uint32_t invocations)
{
	launch_rows_.assign(nwaves, LaunchRows{});
	const uint32_t sx = st_.wg_size[0], sy = st_.wg_size[1];
	for (uint32_t slot = 0; slot < nwaves; slot++) {
		LaunchRows &lr = launch_rows_[slot];
		for (unsigned l = 0; l < kLanes; l++) {
			const uint32_t inv = slot * kLanes + l;
			if (inv >= invocations)
				break; // lanes past the workgroup keep local IDs 0, as registers start
			lr.exec |= 1u << l;
			lr.local_id[0].l[l] = inv % sx;
			lr.local_id[1].l[l] = (inv / sx) % sy;
			lr.local_id[2].l[l] = inv / (sx * sy);
		}
	}
	id_rows_vary_ = 0;
	for (uint32_t slot = 1; slot < nwaves; slot++)
		for (unsigned k = 0; k < 3; k++)
			if (std::memcmp(&launch_rows_[slot].local_id[k], &launch_rows_[0].local_id[k], sizeof(Row)) != 0)
				id_rows_vary_ |= 1u << k;
	launch_rows_ready_ = true;
	launch_rows_gen_++;
	std::copy(st_.wg_size, st_.wg_size + 3, launch_rows_shape_);
}

uint32_t Worker::begin_workgroup(uint64_t index, uint32_t (&wg_id)[3])
{
	const uint32_t invocations = st_.wg_size[0] * st_.wg_size[1] * st_.wg_size[2];
	const uint32_t nwaves = (invocations + kLanes - 1) / kLanes;
	while (waves_.size() < nwaves) {
		waves_.push_back(std::make_unique<Wave>());
		wave_ptrs_.push_back(waves_.back().get());
		wave_id_rows_.push_back(0); // a new wave holds no launch rows (its registers are zero)
		wave_user_data_.push_back(0); // nor any dispatch's user data
	}
	// Rows any instruction decoded or translated so far can write (the previous workgroup's
	// waves ran only those; the ABI's rows are set by launch itself).
	vgpr_dirty_.add(code_.vgprs());
	sgpr_dirty_.add(code_.sgprs());
	if (jit_) {
		vgpr_dirty_.add(jit_->vgprs());
		sgpr_dirty_.add(jit_->sgprs());
	}
	if (!shared_.empty())
		std::memset(shared_.data(), 0, shared_.size());
	if (!launch_rows_ready_)
		compute_launch_rows(nwaves, invocations);
	// Workgroup (x, y, z) of the linear index: x fastest. A 1-D grid (and the first row of any)
	// needs no division, which was a third of run_workgroup's time for SAXPY's 2-wave groups.
	const uint64_t gx = st_.groups[0], gy = st_.groups[1];
	wg_id[0] = static_cast<uint32_t>(index);
	wg_id[1] = wg_id[2] = 0;
	if (index >= gx) {
		const uint64_t row = index / gx; // (index / gx) / gy == index / (gx * gy)
		wg_id[0] = static_cast<uint32_t>(index - row * gx);
		wg_id[1] = static_cast<uint32_t>(row % gy);
		wg_id[2] = static_cast<uint32_t>(row / gy);
	}
	stats_.waves += nwaves;
	wd_limit_ = kNever;
	if (st_.watchdog_cycles)
		wd_limit_ = st_.watchdog_cycles > wg_base_ ? st_.watchdog_cycles - wg_base_ : 0;
	// The translated code's frame: everything but the wave, its budget and the watchdog limit is
	// fixed for the dispatch (the code writes only 'executed'), so a later workgroup sets only
	// the limit.
	if (jit_) {
		if (frame_ready_)
			frame_.wd_limit = wd_limit_;
		else
			fill_frame();
	}
	return nwaves;
}

inline void Worker::retire_wave(const Wave &w, uint64_t &wg_cycles)
{
	// The wave retires once its outstanding memory operations complete.
	uint64_t end = w.cycle;
	for (auto &c : w.ctr)
		end = std::max(end, c.last_done);
	wg_cycles = std::max(wg_cycles, end);
	stats_.stall_cycles += w.stall;
}

bool Worker::run_workgroup(uint64_t index)
{
	uint32_t wg_id[3];
	const uint32_t nwaves = begin_workgroup(index, wg_id);
	for (uint32_t i = 0; i < nwaves; i++)
		launch_wave(i, i, wg_id);
	// The CU's TLB now holds this dispatch's context for every later wave.
	cu_prev_ctx_ = st_.ctx;

	// Waves run round-robin, a quantum each, skipping ended waves and waves at a barrier. The
	// barrier is released once every wave still running has reached it (a wave that ended no
	// longer counts, so divergent barriers cannot hang the model), at the cycle after the latest
	// arrival. Which waves may run is a bit mask kept here (the wave objects are 100 KB apart and
	// their flags were a cache miss each), so a round visits only runnable waves, in wave order
	// as before; every wave still running is at the barrier when none is left to run.
	static_assert(MICA_MAX_WORKGROUP_INVOCATIONS / kLanes <= 32, "a workgroup's waves fit a 32-bit mask");
	const uint32_t all = nwaves >= 32 ? ~0u : (1u << nwaves) - 1u;
	uint32_t ready = all;  // neither ended nor at the barrier
	uint32_t ended = 0;
	uint32_t live = nwaves;
	uint64_t release = 0;  // the cycle after the latest arrival
	uint64_t wg_cycles = 0;
	frame_.round_waves = wave_ptrs_.data();
	const uint32_t switchable = barrier_switches_on() ? ~0u : 0u;
	while (live) {
		// Running a wave changes only its own state, so the round's set is known at its start.
		for (uint32_t m = ready; m;) {
			uint32_t i = static_cast<uint32_t>(__builtin_ctz(m));
			m &= m - 1;
			// Translated code may go on to the round's later waves where a wave reaches an
			// s_barrier (jit::Frame::round_rest); it returns for the wave it ran last.
			frame_.round_rest = m & switchable;
			frame_.round_index = i;
			frame_.round_release = release;
			Step s = run_quantum(*waves_[i]);
			if (frame_.round_index != i) {
				// Every wave of the round from i up to the one it returned for reached the barrier.
				const uint32_t c = frame_.round_index;
				const uint32_t arrived = ((1u << c) - 1) & ~((1u << i) - 1) & ready;
				ready &= ~arrived;
				barrier_switches_ += ops::popcount32(arrived);
				release = frame_.round_release;
				m = frame_.round_rest;
				i = c;
			}
			Wave &w = *waves_[i];
			if (s == Step::Continue)
				continue;
			if (s == Step::Fault) {
				// The dispatch ends at the latest cycle any of the workgroup's waves reached
				// (not only the faulting one): no s_timestamp_b64 value a wave read may lie past
				// the TIMESTAMP the CP publishes after the dispatch.
				uint64_t reached = std::max(wg_cycles, w.cycle);
				for (uint32_t k = 0; k < nwaves; k++)
					reached = std::max(reached, waves_[k]->cycle);
				stats_.cycles = wg_base_ + reached;
				return false;
			}
			ready &= ~(1u << i);
			if (s == Step::Ended) {
				retire_wave(w, wg_cycles);
				ended |= 1u << i;
				live--;
			} else {
				release = std::max(release, w.cycle + 1);
			}
		}
		if (live && !ready) {
			ready = all & ~ended;
			for (uint32_t m = ready; m; m &= m - 1) {
				Wave &w = *waves_[static_cast<uint32_t>(__builtin_ctz(m))];
				w.stall += release - (w.cycle + 1);
				w.cycle = release;
			}
			release = 0;
		}
	}
	wg_base_ += wg_cycles;
	stats_.cycles = wg_base_;
	return true;
}

uint64_t Worker::run_share(const WorkgroupShare &share, bool *ran)
{
	*ran = false;
	if (share.first >= share.total)
		return ~0ull;
	if (chains())
		return run_chain(share, ran);
	for (uint64_t i = share.first; i < share.total; i += share.stride) {
		if (i > share.min_fault->load(std::memory_order_acquire))
			break;
		*ran = true;
		if (!run_workgroup(i))
			return i;
		retired(share);
	}
	return ~0ull;
}

// MICA_CU_CHAIN=0: no wave chains (every workgroup through run_workgroup), for measurements.
bool Worker::chains() const
{
	static const bool on = switched_on("MICA_CU_CHAIN");
	// Level-0 code reports its work per quantum (run_quantum) and interpreted dispatches have no
	// translation: both take the scheduler's path.
	return on && jit_ && !warm_ && !l0_report_ && jit_->chains();
}

// Why the order is the scheduler's: run_workgroup launches a workgroup's waves and gives each a
// quantum in wave order; a wave that ends within its quantum never runs again, so wave k runs
// from its launch to its end before wave k + 1 runs at all, and the next workgroup starts once
// the last has ended. jit::Program::chains holds only for programs whose every path is at most a
// quantum long and has no barrier (jit/wave_chain.h); the kill flag's interpreted instruction and
// other instructions handed to the interpreter count in the quantum like any other. Launching
// wave k + 1 after wave k ended instead of before it started changes nothing a wave can see:
// launch writes only the wave's own registers and records, and the TLB's previous context
// (SEC_WAVE_START_TLB) moves to this dispatch's only when the workgroup retires, as run_workgroup
// moves it after its launches.
uint64_t Worker::run_chain(const WorkgroupShare &share, bool *ran)
{
	if (share.first > share.min_fault->load(std::memory_order_acquire))
		return ~0ull;
	*ran = true;
	chain_.share = &share;
	chain_.done = false;
	chain_.wg = share.first;
	chain_.slot = 0;
	chain_.wg_cycles = 0;
	chain_.nwaves = begin_workgroup(share.first, chain_.wg_id);
	launch_wave(0, 0, chain_.wg_id);
	frame_.chain = 1;
	Wave &w = *waves_[0];
	// f.executed is 32 bits wide: the translated code yields after this many instructions.
	constexpr uint32_t kChainBudget = 1u << 24;
	for (;;) {
		// As run_quantum_body, without the quantum (the kill poll counts over all waves as there).
		Step s = Step::Continue;
		switch (run_translated(w, kChainBudget).exit) {
		case jit::Exit::Yield: continue;
		case jit::Exit::Barrier: s = Step::Barrier; break;
		case jit::Exit::Ended: s = Step::Ended; break;
		case jit::Exit::Fault: s = Step::Fault; break;
		case jit::Exit::Interp:
			jit_interpreted_++;
			s = step(w);
			break;
		}
		switch (s) {
		case Step::Continue: break;
		case Step::Barrier:
			// Not in a chaining program (no s_barrier is reachable); were it there, the wave
			// would be the only one to wait for, released at the next cycle.
			w.cycle++;
			break;
		case Step::Ended:
			// The translated code returns Ended when chain_next said the share is done, or when
			// it does not call chain_next (level-0 code).
			if (!chain_.done && chain_next())
				break;
			frame_.chain = 0;
			return ~0ull;
		case Step::Fault:
			// As run_workgroup: the latest cycle any wave of the workgroup reached (the waves
			// not launched yet are at cycle 0).
			stats_.cycles = wg_base_ + std::max(chain_.wg_cycles, w.cycle);
			frame_.chain = 0;
			return chain_.wg;
		}
	}
}

bool Worker::chain_next()
{
	retire_wave(*waves_[0], chain_.wg_cycles);
	// The next slot launches without begin_workgroup's refresh of the rows launch clears: they
	// already hold every row the translation can write (jit_->vgprs/sgprs, added at the share's
	// first workgroup), and a chaining translation is all of the program (wave_chain.h), so the
	// interpreter, running one of its instructions, writes no other.
	if (++chain_.slot < chain_.nwaves) {
		launch_wave(0, chain_.slot, chain_.wg_id);
		chain_.launches++;
		return true;
	}
	wg_base_ += chain_.wg_cycles;
	stats_.cycles = wg_base_;
	const WorkgroupShare &share = *chain_.share;
	retired(share);
	cu_prev_ctx_ = st_.ctx; // the CU's TLB holds this dispatch's context for every later wave
	const uint64_t next = chain_.wg + share.stride;
	if (next >= share.total || next < chain_.wg || next > share.min_fault->load(std::memory_order_acquire)) {
		chain_.done = true;
		return false;
	}
	chain_.wg = next;
	chain_.slot = 0;
	chain_.wg_cycles = 0;
	chain_.nwaves = begin_workgroup(next, chain_.wg_id);
	launch_wave(0, 0, chain_.wg_id);
	chain_.launches++;
	return true;
}

void Worker::fill_frame()
{
	// The kill poll's count goes on across dispatches and translations, as the interpreter's, and
	// a translation adopted inside a scheduler's round (adopt_translation) is in the same round.
	const jit::Frame was = frame_;
	frame_ = jit::Frame{this, nullptr, st_.program_va, wd_limit_, executed_.data(), &stats_.instructions,
	                    &stats_.lane_instructions, 0, 0, &stats_.mem_ops, tlb_[0].data(),
	                    tlb_gen_src_, &tlb_gen_, shared_.data(), shared_.size(), 0, was.abort_poll, st_.abort != nullptr,
	                    wave_ptrs_.data(), was.round_rest, was.round_index, was.round_release};
	frame_ready_ = true;
}

void Worker::adopt_translation(const jit::Program *p)
{
	jit_ = p;
	warm_ = nullptr;
	l0_report_ = false; // Warmup queued its tier-up already
	// Later launches clear what the translation can write (this workgroup's waves were launched
	// with what the interpreter had decoded; the translation writes what it would have).
	vgpr_dirty_.add(p->vgprs());
	sgpr_dirty_.add(p->sgprs());
	fill_frame();
}

inline Step Worker::run_quantum(Wave &w)
{
	if (!warm_ && !l0_report_)
		return run_quantum_body(w);
	const uint64_t before = stats_.instructions;
	const Step s = run_quantum_body(w);
	if (warm_) {
		warm_pending_ += stats_.instructions - before;
		if (warm_pending_ >= kWarmReport) {
			if (const jit::Program *p = warm_->count(warm_pending_))
				adopt_translation(p);
			warm_pending_ = 0;
		}
	} else {
		// Level-0 code: its work may ask for the tier-up (the instructions the interpreter ran
		// for it count too; they are few).
		l0_pending_ += stats_.instructions - before;
		if (l0_pending_ >= kWarmReport) {
			l0_report_ = jit::count_level0_work(*jit_, l0_pending_, mmu_, st_);
			l0_pending_ = 0;
		}
	}
	return s;
}

inline Worker::TranslatedRun Worker::run_translated(Wave &w, uint32_t limit)
{
	// The interpreter reads the kill flag on every 4096th instruction: that instruction is left
	// to it, so kills land exactly where they would without translation.
	uint32_t budget = limit;
	if (st_.abort)
		budget = std::min<uint32_t>(budget, 4095u - (frame_.abort_poll & 4095u));
	if (!budget)
		return {jit::Exit::Interp, 0};
	jit::Frame &f = frame_;
	f.wave = &w;
	f.budget = budget;
	f.executed = 0;
	const jit::Exit e = jit_->run(f);
	frame_.abort_poll += f.executed;
	return {e, f.executed};
}

inline Step Worker::run_quantum_body(Wave &wave)
{
	Wave *w = &wave; // the translated code may switch to a later wave at a barrier (frame_.round_rest)
	unsigned q = 0;
	while (q < kQuantum) {
		if (jit_) {
			// run_translated's work, written out: through the helper (inlined, its result a
			// struct) the scheduler's loop took ~3 host instructions more per wave switch
			// (callgrind, `mica-bench-sim costs s_barrier`), and this loop runs at every barrier.
			uint32_t budget = kQuantum - q;
			if (st_.abort)
				budget = std::min<uint32_t>(budget, 4095u - (frame_.abort_poll & 4095u));
			if (budget) {
				jit::Frame &f = frame_;
				f.wave = w;
				f.budget = budget;
				f.executed = 0;
				const jit::Exit e = jit_->run(f);
				if (f.wave != w) { // switched: the wave's quantum began in the code
					w = f.wave;
					q = 0;
				}
				q += f.executed;
				frame_.abort_poll += f.executed;
				switch (e) {
				case jit::Exit::Yield: continue;
				case jit::Exit::Barrier: return Step::Barrier;
				case jit::Exit::Ended: return Step::Ended;
				case jit::Exit::Fault: return Step::Fault;
				case jit::Exit::Interp: break;
				}
				if (q >= kQuantum)
					break;
			}
			jit_interpreted_++;
		}
		Step s = step(*w);
		q++;
		if (s != Step::Continue)
			return s;
	}
	return Step::Continue;
}

Step Worker::raise(Wave &w, const DecodedInst *d, uint32_t fault, uint64_t addr, uint32_t access,
                   const std::string &why)
{
	if (fault_.fault == MICA_FAULT_NONE) {
		std::string detail = why;
		if ((fault == MICA_FAULT_MMU_UNMAPPED || fault == MICA_FAULT_MMU_PERMISSION) && detail.empty()) {
			static const char *const kAccess[] = {"read", "write", "execute"};
			detail = kAccess[access % 3] + std::string(" at ") + hex(addr);
		}
		fault_.fault = fault;
		fault_.addr = addr;
		fault_.access = access;
		fault_.pc = cur_pc_;
		fault_.info = d ? d->word_lo : 0;
		fault_.report = "pc " + hex(cur_pc_) + ": " + (d ? describe(*d) : std::string("<no instruction>")) +
		                ": " + mica_fault_name[fault] + (detail.empty() ? "" : ": " + detail);
	}
	(void)w;
	return Step::Fault;
}

Step Worker::hazard_fault(Wave &w, const DecodedInst &d)
{
	Step s = raise(w, &d, MICA_FAULT_HAZARD, 0, 0, "");
	const uint64_t req = viol_.required, act = viol_.actual;
	// Distances saturate at their field's maximum (CTX_FAULT_INFO layout in mica.toml [bitfields]).
	fault_.info = MICA_BITFIELD_PUT(FAULT_INFO, HAZARD, viol_.hazard) |
	              MICA_BITFIELD_PUT(FAULT_INFO, OPERAND, viol_.reg) |
	              MICA_BITFIELD_PUT(FAULT_INFO, REQUIRED, std::min<uint64_t>(req, MICA_FAULT_INFO_REQUIRED_MAX)) |
	              MICA_BITFIELD_PUT(FAULT_INFO, ACTUAL, std::min<uint64_t>(act, MICA_FAULT_INFO_ACTUAL_MAX));
	std::string what;
	if (viol_.hazard == MICA_HAZARD_SEC_WAVE_START_TLB)
		what = "memory access at distance " + std::to_string(act) + " from wave launch, requires " +
		       std::to_string(req);
	else
		what = reg_name(viol_.reg) + (viol_.write ? " written" : " read") + " at distance " +
		       std::to_string(act) + ", requires " +
		       (viol_.hazard == MICA_HAZARD_MEM_RESULT ? "an s_waitcnt covering the load"
		                                                : std::to_string(req));
	fault_.report = "pc " + hex(cur_pc_) + ": " + describe(d) + ": rule " +
	                mica_hazard_name[viol_.hazard] + ": " + what;
	return s;
}

Step Worker::step(Wave &w)
{
	cur_pc_ = w.pc;
	w.interpreted = 1;
	if (w.cycle > wd_limit_)
		return raise(w, nullptr, MICA_FAULT_WATCHDOG, 0, 0,
		             "dispatch exceeded " + std::to_string(st_.watchdog_cycles) + " cycles");
	// The kill flag is read every 4096 instructions: cheap, and prompt in host time.
	if (st_.abort && (++frame_.abort_poll & 4095u) == 0 && st_.abort->load(std::memory_order_relaxed))
		return raise(w, nullptr, MICA_FAULT_KILLED, 0, 0, "killed by the kernel while running");
	if (w.pc % MICA_INSTRUCTION_BYTES)
		return raise(w, nullptr, MICA_FAULT_ILLEGAL_INSTRUCTION, w.pc, MICA_ACCESS_EXEC,
		             "misaligned program counter");
	const CodeSlot &slot = code_.fetch(w.pc);
	if (slot.state != SlotState::Ok) {
		bool mmu = slot.fault != MICA_FAULT_ILLEGAL_INSTRUCTION;
		return raise(w, mmu ? nullptr : &slot.inst, slot.fault, slot.fault_addr, MICA_ACCESS_EXEC,
		             mmu ? "instruction fetch at " + hex(slot.fault_addr) : "undecodable instruction");
	}
	return exec_decoded(w, slot.inst, w.pc);
}

Step Worker::exec_decoded(Wave &w, const DecodedInst &d, uint64_t pc)
{
	cur_pc_ = pc;
	if ((d.flags & MICA_OPF_PRIV) && !st_.privileged)
		return raise(w, &d, MICA_FAULT_PRIV_INSTRUCTION, pc, MICA_ACCESS_EXEC,
		             "privileged instruction in a user dispatch");
	executed_[d.op] = 1;
	stats_.instructions++;
	violated_ = false;
	w.pc = pc + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
	Step s;
	switch (d.info->format) {
	case MICA_FMT_CTRL: s = exec_ctrl(w, d); break;
	case MICA_FMT_MEM: s = exec_mem(w, d); break;
	default: s = d.unit == MICA_UNIT_SALU ? exec_salu(w, d) : exec_valu(w, d); break;
	}
	if (s == Step::Continue)
		w.cycle++;
	return s;
}

} // namespace mica::sim::cu
