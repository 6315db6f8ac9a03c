// SPDX-License-Identifier: MIT
// The in-code wave switch at s_barrier (jit::Frame::round_rest, codegen's emit_barrier_switch):
// where a wave of a level-1 program reaches a barrier and a later wave of the scheduler's round
// is left, the translated code records the arrival and runs that wave itself instead of
// returning to Worker::run_workgroup. That must be invisible: every result, fault field, cycle,
// stall and counter equals the interpreter's, which returns to the scheduler at every barrier.
// The cases are where the code does something the scheduler did: the release cycle (the latest
// arrival), the next wave's quantum (a wave that needs more than one before the barrier) and its
// kill-poll budget, waves that ended before a barrier, and a fault, a watchdog limit or a kill
// inside a wave the code switched to.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"
#include "reduce_program.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kGroups = 12;

// values[i] = i * 7 + 3 for the first 'n' words of the data region; the total after them.
void set_up(Rig &rig, uint32_t wg_size, uint32_t groups, uint64_t values = Rig::kData)
{
	rig.st.wg_size[0] = wg_size;
	rig.st.groups[0] = groups;
	rig.st.shared_bytes = 2048; // lid + stride stays below 384 for every size used here
	const uint32_t n = wg_size * groups;
	for (uint32_t i = 0; i < n; i++)
		rig.put<uint32_t>(size_t(i) * 4, i * 7u + 3u);
	const uint64_t total = Rig::kData + uint64_t(n) * 4;
	rig.put<uint32_t>(size_t(n) * 4, 0);
	rig.st.user_data[0] = static_cast<uint32_t>(values);
	rig.st.user_data[1] = static_cast<uint32_t>(values >> 32);
	rig.st.user_data[3] = n;
	rig.st.user_data[4] = static_cast<uint32_t>(total);
	rig.st.user_data[5] = static_cast<uint32_t>(total >> 32);
}

uint32_t expected_total(uint32_t n)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += i * 7u + 3u;
	return sum;
}

// Both engines; returns the in-code switches the JIT's run made.
template <class Extra> Compared run_switched(const Asm &prog, uint64_t *switches, Extra &&extra)
{
	const uint64_t before = cu::jit::counters().barrier_switches;
	Compared c = run_both(prog, kGroups, [&](Rig &rig) { extra(rig); });
	*switches = cu::jit::counters().barrier_switches - before;
	return c;
}

} // namespace

class CuBarrierSwitch : public testing::Test {
protected:
	void SetUp() override
	{
		if (!cu::jit::available())
			GTEST_SKIP() << "no LLVM JIT on this host";
	}
};

TEST_F(CuBarrierSwitch, ReductionAgreesWithTheScheduler)
{
	const struct {
		const char *name;
		ReduceVariant v;
	} variants[] = {{"even", {}}, {"uneven", {true, false}}, {"wave 2 ends early", {false, true}}, {"both", {true, true}}};
	for (const auto &[name, v] : variants) {
		SCOPED_TRACE(name);
		const Asm prog = reduce_program(v);
		translate_at_level1(prog);
		uint64_t switches = 0;
		Compared c = run_switched(prog, &switches, [](Rig &rig) { set_up(rig, 256, kGroups); });
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		if (!v.wave2_ends_early) {
			EXPECT_EQ(jit_word(c, size_t(256) * kGroups * 4), expected_total(256 * kGroups));
		}
		// At each of a workgroup's 9 barriers every arrival but the last of a round hands over
		// to the next wave of the round: 7 of the 8 when each wave reaches it in one turn.
		if (!v.uneven && !v.wave2_ends_early) {
			EXPECT_EQ(switches, uint64_t(7) * 9 * kGroups);
		} else if (!v.uneven) {
			// Wave 2 ended before the first barrier: 6 of the other 7.
			EXPECT_EQ(switches, uint64_t(6) * 9 * kGroups);
		} else {
			// Where a round ends with a wave's quantum instead of an arrival, fewer.
			const uint64_t waves = v.wave2_ends_early ? 7 : 8;
			EXPECT_LE(switches, (waves - 1) * 9 * kGroups);
			EXPECT_GT(switches, (waves - 2) * 9 * kGroups);
		}
	}
}

TEST_F(CuBarrierSwitch, WorkgroupsOfOtherSizes)
{
	const Asm prog = reduce_program({true, false});
	translate_at_level1(prog);
	// 2 waves; 5 waves, the last with 16 lanes; 3 waves with the second's lanes all past n.
	for (uint32_t size : {64u, 144u, 96u}) {
		SCOPED_TRACE("workgroup of " + std::to_string(size));
		uint64_t switches = cu::jit::counters().barrier_switches;
		// At least 1024 invocations: a smaller dispatch is always interpreted.
		const uint32_t groups = 2048 / size;
		Compared c = run_both(prog, groups, [&](Rig &rig) {
			set_up(rig, size, groups);
			if (size == 96)
				rig.st.user_data[3] = 96 * groups - 40;
		});
		switches = cu::jit::counters().barrier_switches - switches;
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		EXPECT_GT(switches, 0u);
	}
}

TEST_F(CuBarrierSwitch, KillPollBudgetOfTheNextWave)
{
	// A flag never raised: every 4096th instruction is the interpreter's, so the next wave's
	// budget at a switch is often less than a quantum, and at times none (the code returns).
	// 4 x 12 workgroups of ~1000 instructions: the poll falls at many points of the rounds. A
	// raised flag: the dispatch is killed at that instruction, in the same wave.
	for (const bool raised : {false, true}) {
		for (const ReduceVariant v : {ReduceVariant{}, ReduceVariant{true, false}}) {
			SCOPED_TRACE(std::string(raised ? "raised" : "not raised") + (v.uneven ? ", uneven" : ""));
			const Asm prog = reduce_program(v);
			translate_at_level1(prog);
			std::atomic<bool> abort{raised};
			uint64_t switches = 0;
			Compared c = run_switched(prog, &switches, [&](Rig &rig) {
				set_up(rig, 256, kGroups * 4);
				rig.st.abort = &abort;
			});
			EXPECT_EQ(c.interp.fault, raised ? MICA_FAULT_KILLED : MICA_FAULT_NONE) << c.interp.report;
			expect_same(c);
			if (!raised) {
				EXPECT_GT(switches, uint64_t(5) * 9 * kGroups * 4);
			}
		}
	}
}

TEST_F(CuBarrierSwitch, FaultInAWaveTheCodeSwitchedTo)
{
	const Asm prog = reduce_program({true, false});
	translate_at_level1(prog);
	// The values end 16 words into wave 3 of workgroup 5 (the load before the first barrier,
	// which wave 3 runs after waves 0-2 handed over): its lanes 16 and up load unmapped memory.
	const uint64_t end = Rig::kData + (4u << 20);
	const uint64_t values = end - uint64_t(5 * 256 + 3 * 32 + 16) * 4;
	uint64_t switches = 0;
	Compared c = run_switched(prog, &switches, [&](Rig &rig) { set_up(rig, 256, kGroups, values); });
	EXPECT_EQ(c.interp.fault, MICA_FAULT_MMU_UNMAPPED) << c.interp.report;
	EXPECT_EQ(c.interp.fault_addr, end) << c.interp.report;
	expect_same(c);
	EXPECT_GT(switches, 0u);
}

TEST_F(CuBarrierSwitch, WatchdogInsideARound)
{
	const Asm prog = reduce_program({true, false});
	translate_at_level1(prog);
	uint64_t switches = 0;
	Compared free_run = run_switched(prog, &switches, [](Rig &rig) { set_up(rig, 256, kGroups); });
	ASSERT_EQ(free_run.interp.fault, MICA_FAULT_NONE);
	for (uint64_t limit : {free_run.interp.cycles / 3, free_run.interp.cycles / 2 + 7, free_run.interp.cycles}) {
		SCOPED_TRACE("watchdog " + std::to_string(limit));
		Compared c = run_switched(prog, &switches, [limit](Rig &rig) {
			set_up(rig, 256, kGroups);
			rig.st.watchdog_cycles = limit;
		});
		EXPECT_EQ(c.interp.fault, limit < free_run.interp.cycles ? MICA_FAULT_WATCHDOG : MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
}

// A shared access's address memo lives in the Wave object (Wave::memos) across workgroups; a
// wave entered through a switch right after its launch must drop what the object's previous wave
// left there, as an entry from the scheduler does (Wave::memo_reset). Each wave ends with a load
// through v1 = lane address (a block memo) and starts with a load through v1 = 0 (every lane the
// same word): with the stale memo, the next workgroup's waves 1-7, which the code runs after wave
// 0 reached the first barrier, would read their own words instead of word 0.
TEST_F(CuBarrierSwitch, LaunchedWaveDropsItsObjectsMemos)
{
	Asm p;
	p.nop(3);
	p.alu(MICA_OP_V_SHL_B32, V(6), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(0), K(1));
	p.alu(MICA_OP_S_SHL_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(10));
	p.nop(2);
	p.mem(MICA_OP_DS_ATOMIC_ADD_U32, NONE, V(6), NONE, V(5)); // shared[lid] = lid + 1
	p.alu(MICA_OP_V_ADD_U32, V(3), S(20), V(6));
	p.wait_all();
	p.mem(MICA_OP_DS_LOAD_B32, V(2), V(1), NONE, NONE); // v1 is 0 at launch: word 0
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(3), S(0), V(2));
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_V_SHL_B32, V(1), V(0), K(2));
	p.nop(2);
	p.mem(MICA_OP_DS_LOAD_B32, V(4), V(1), NONE, NONE); // a block memo for v1
	p.wait_all();
	p.end();
	translate_at_level1(p);
	uint64_t switches = 0;
	Compared c = run_switched(p, &switches, [](Rig &rig) {
		rig.st.wg_size[0] = 256;
		rig.st.shared_bytes = 1024;
	});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_EQ(switches, uint64_t(7) * kGroups);
	for (uint32_t i = 0; i < 256 * kGroups; i++)
		ASSERT_EQ(jit_word(c, size_t(i) * 4), 1u) << "invocation " << i;
}

namespace {

// A random program of segments between barriers, for workgroups of 'wg_size' invocations (a
// power of two): straight VALU runs on an accumulator, divergent regions under a random EXEC,
// wave-dependent scalar spins (waves reach the next barrier at different cycles, some after more
// than a quantum), one wave of the group ending early, and exchanges through shared memory
// between two barriers (each lane adds another lane's word, so the results depend on every wave
// having run its part before the barrier released). The accumulator goes to the lane's word.
Asm random_barrier_program(std::mt19937 &rng, uint32_t wg_size)
{
	auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
	Asm p;
	const int quit = p.label();
	p.nop(3);
	p.alu(MICA_OP_V_MOV_B32, V(1), V(0));
	p.alu(MICA_OP_V_SHL_B32, V(2), V(0), K(2));
	p.nop(1);
	bool ended = false;
	const uint32_t segments = 3 + pick(6);
	for (uint32_t seg = 0; seg < segments; seg++) {
		const uint32_t ops = 1 + pick(10);
		auto valu_run = [&]() {
			for (uint32_t k = 0; k < ops; k++) {
				p.alu(pick(2) ? MICA_OP_V_ADD_U32 : MICA_OP_V_XOR_B32, V(1), V(1), L(rng()));
				p.nop(0);
			}
		};
		switch (pick(5)) {
		case 0: { // a divergent region
			const int skip = p.label();
			p.alu(MICA_OP_V_CMP_LT_U32, S(21), V(0), L(pick(wg_size)));
			p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(21), S(21));
			p.branch(MICA_OP_S_CBRANCH_EXECZ, skip);
			valu_run();
			p.bind(skip);
			p.alu(MICA_OP_S_MOV_B32, EXEC, S(21));
			break;
		}
		case 1: { // wave k spins (k << s) + 1 times
			const int spin = p.label();
			p.alu(MICA_OP_S_SHL_B32, S(22), S(MICA_ABI_S_WAVE_IN_GROUP), K(static_cast<int>(pick(4))));
			p.alu(MICA_OP_S_ADD_U32, S(22), S(22), K(1));
			p.bind(spin);
			p.alu(MICA_OP_S_SUB_U32, S(22), S(22), K(1));
			p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(22), K(0));
			p.branch(MICA_OP_S_CBRANCH_SCC1, spin);
			valu_run();
			break;
		}
		case 2: // one wave of the group ends here
			if (!ended) {
				p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WAVE_IN_GROUP), K(static_cast<int>(pick(wg_size / 32))));
				p.branch(MICA_OP_S_CBRANCH_SCC1, quit);
				ended = true;
			}
			valu_run();
			break;
		case 3: { // each lane adds the word of the lane 'shift' on, through shared memory
			const uint32_t shift = 1 + pick(wg_size - 1);
			p.mem(MICA_OP_DS_STORE_B32, NONE, V(2), NONE, V(1));
			p.alu(MICA_OP_V_ADD_U32, V(4), V(0), L(shift));
			p.nop(0);
			p.alu(MICA_OP_V_AND_B32, V(4), V(4), L(wg_size - 1));
			p.nop(0);
			p.alu(MICA_OP_V_SHL_B32, V(4), V(4), K(2));
			p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_WORKGROUP);
			p.ctrl(MICA_OP_S_BARRIER);
			p.mem(MICA_OP_DS_LOAD_B32, V(3), V(4), NONE, NONE);
			p.wait_all();
			p.alu(MICA_OP_V_ADD_U32, V(1), V(1), V(3));
			p.nop(0);
			break;
		}
		default:
			valu_run();
			break;
		}
		if (pick(4))
			p.ctrl(MICA_OP_S_BARRIER);
	}
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(wg_size * 4));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(2), S(20));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(5), S(0), V(1));
	p.end();
	p.bind(quit);
	p.end();
	return p;
}

} // namespace

// Generated programs (fixed seeds), each on both engines: every result, fault field, cycle,
// stall and counter equal, and the code switched at the barriers of most of them (not where a
// 2-wave group's one wave ends before every barrier, which leaves no other to switch to).
TEST_F(CuBarrierSwitch, RandomProgramsAgreeWithTheScheduler)
{
	std::mt19937 rng(20261208);
	unsigned switched = 0, killed = 0;
	for (unsigned n = 0; n < 24; n++) {
		const uint32_t wg_size = 64u << (n % 3); // 2, 4 or 8 waves
		const Asm prog = random_barrier_program(rng, wg_size);
		SCOPED_TRACE("program " + std::to_string(n) + ", workgroups of " + std::to_string(wg_size));
		translate_at_level1(prog, false);
		const uint32_t groups = 4096 / wg_size;
		const uint64_t before = cu::jit::counters().barrier_switches;
		// Every second program with a kill flag: never raised (the poll's budgets at switches),
		// or raised (the dispatch is killed at the first poll, which must be the same
		// instruction of the same wave; a compute unit that runs fewer than 4096 instructions
		// never polls).
		const bool raised = n % 4 == 3;
		std::atomic<bool> flag{raised};
		Compared c = run_both(prog, groups, [&](Rig &rig) {
			rig.st.wg_size[0] = wg_size;
			rig.st.shared_bytes = wg_size * 4;
			if (n % 2)
				rig.st.abort = &flag;
		});
		if (raised && c.interp.fault == MICA_FAULT_KILLED)
			killed++;
		else
			ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		switched += cu::jit::counters().barrier_switches > before;
	}
	EXPECT_GE(switched, 18u);
	EXPECT_GE(killed, 3u); // of the 6 with a raised flag
}
