// SPDX-License-Identifier: MIT
// Programs the static hazard verifier proves hazard-free are translated without operand tests and
// pipeline records (jit/hazard_proof.h). That is sound only if the verifier is at least as strict
// as the interpreter's pipeline model on every rule: a program it accepts must never make the
// interpreter read a stale operand or drop a write. Random programs with random spacing around
// each rule's distance (long-latency VALU results, SALU results read by the vector unit, loads
// read before or after their waits, VALU results in SGPRs, a loop whose back edge carries a result
// to its top, both power profiles and both revisions) run on both engines: every result, counter and violation count
// agrees, a proven program counts no violation in the interpreter, and both kinds occur; a third
// of them are compared again at level 1 (its inlined dense global rows and shared blocks). A run in
// which nothing names EXEC has a copy for EXEC all ones (jit/codegen.cpp, FastRun): it must give
// what the interpreter gives, and only be entered with EXEC all ones.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kIn = 0x1000;    // 64 input words, one per lane of a workgroup
constexpr uint32_t kOut = 0x10000;  // kRows rows of 64 words per workgroup
constexpr uint32_t kCounters = 0x800; // one word per workgroup (long_runs_program)
constexpr unsigned kValues = 8;     // v20..v27
constexpr unsigned kScalars = 4;    // s30..s33
constexpr unsigned kRows = kValues + kScalars;

// One random program. 'careful': every producer is followed by enough spacing or a wait for
// 0 (the verifier should accept it: these programs sit on each rule's exact distance), but for
// the one at 'slip' (if any), whose consumer comes one cycle early or without the wait: a
// program that breaks one rule once. The instruction at the slip is of kind 'slip_kind' (a case
// below; kSlipWaw: a long-latency result overwritten early). Else the spacing is random and short
// (most break several).
constexpr unsigned kSlipWaw = 100;
Asm random_program(std::mt19937 &rng, bool careful, bool loop, int slip, unsigned slip_kind)
{
	auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kRows * 256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_S_MOV_B32, S(34), K(3)); // loop trips
	for (unsigned k = 0; k < kScalars; k++)
		p.alu(MICA_OP_S_MOV_B32, S(30 + k), L(0x1000u * (k + 1) + pick(4096)));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.nop(0); // LP_VALU_FORWARD in lowpower
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), S(20));
	for (unsigned k = 0; k < kValues; k++)
		p.alu(MICA_OP_V_ADD_U32, V(20 + k), V(0), L(17u * k + 1));
	p.nop(1);
	const int top = p.label();
	p.bind(top);
	const unsigned n = 8 + pick(16);
	auto v = [&] { return V(20 + pick(kValues)); };
	auto s = [&] { return S(30 + pick(kScalars)); };
	unsigned i = 0;
	// The next instruction reads 'dst' 'need' cycles after its producer when careful (need - 1
	// at the slip, where a long-latency result may be overwritten instead of read).
	auto space = [&](Opnd dst, unsigned need) {
		if (careful) {
			const unsigned gap = static_cast<int>(i) == slip ? need - 1 : need;
			if (gap > 1)
				p.nop(gap - 2);
			if (static_cast<int>(i) == slip && slip_kind == kSlipWaw) // a long result overwritten early
				p.alu(MICA_OP_V_ADD_U32, dst, V(20 + pick(kValues)), K(1));
			else if (static_cast<int>(i) == slip)
				p.alu(dst.raw >= MICA_OPND_SGPR_FIRST ? MICA_OP_V_XOR_B32 : MICA_OP_V_ADD_U32, V(20 + pick(kValues)),
				      V(20 + pick(kValues)), dst);
		} else if (pick(2)) {
			p.nop(pick(4));
		}
	};
	// A load's destination read after a wait for 0 on its counter when careful (at once, with no
	// wait, at the slip).
	auto wait_for = [&](Opnd dst, bool gm) {
		if (careful && static_cast<int>(i) == slip) {
			p.alu(MICA_OP_V_ADD_U32, V(20 + pick(kValues)), dst, K(1));
		} else if (careful || pick(2)) {
			const unsigned k = careful ? 0 : pick(2);
			p.waitcnt(gm ? k : MICA_WAITCNT_NOWAIT, gm ? MICA_WAITCNT_NOWAIT : k);
		}
	};
	for (i = 0; i < n; i++) {
		const Opnd d = v(), sd = s();
		const unsigned kind = static_cast<int>(i) == slip ? (slip_kind == kSlipWaw ? 2u : slip_kind) : pick(12);
		switch (kind) {
		case 0: p.alu(MICA_OP_V_ADD_U32, d, v(), v()); space(d, 2); break; // LP_VALU_FORWARD in lowpower
		case 1: p.alu(MICA_OP_V_XOR_B32, d, v(), s()); space(d, 2); break;
		case 2: p.alu(MICA_OP_V_MUL_LO_U32, d, v(), v()); space(d, 4); break; // VALU_LONG_RAW/WAW
		case 3: p.alu(MICA_OP_S_ADD_U32, sd, s(), K(static_cast<int>(pick(60)))); space(sd, 2); break; // SALU_VALU_FORWARD
		case 4:
			p.mem(MICA_OP_GLOBAL_LOAD_B32, d, V(10), S(0), NONE, kIn);
			wait_for(d, true);
			break;
		case 5: p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, v()); break;
		case 6:
			p.mem(MICA_OP_DS_LOAD_B32, d, V(10), NONE, NONE);
			wait_for(d, false);
			break;
		case 7: { // a branch on VCC a VALU compare wrote (R1_VCC_BRANCH on r1): skips one add
			p.alu(MICA_OP_V_CMP_LT_U32, VCC, v(), v());
			if (careful)
				p.nop(static_cast<int>(i) == slip ? 0 : 1); // distance 2 at the slip, else 3
			else if (pick(2))
				p.nop(pick(3));
			const int over = p.label();
			p.branch(MICA_OP_S_CBRANCH_VCCZ, over);
			p.alu(MICA_OP_V_ADD_U32, d, d, K(5));
			p.bind(over);
			p.nop(1); // the add's result, for LP_VALU_FORWARD
			break;
		}
		case 8:
			if (!careful)
				p.waitcnt(pick(3), pick(3));
			break;
		case 9: // a VALU compare's mask in an SGPR, read by a VALU select (LP_VALU_FORWARD in lowpower)
			p.alu(MICA_OP_V_CMP_LT_U32, S(40), v(), v());
			space(S(40), 2);
			p.alu(MICA_OP_V_CNDMASK_B32, d, v(), v(), S(40));
			space(d, 2);
			break;
		case 10: p.alu(MICA_OP_V_READFIRSTLANE_B32, sd, v()); space(sd, 2); break; // a VALU result in an SGPR
		default: p.nop(pick(4)); break;
		}
	}
	if (loop) {
		p.alu(MICA_OP_S_SUB_U32, S(34), S(34), K(1));
		p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(34), K(0));
		p.branch(MICA_OP_S_CBRANCH_SCC1, top); // what the body's end produced, read at its top
	}
	p.wait_all();
	p.nop(4);
	for (unsigned k = 0; k < kScalars; k++)
		p.alu(MICA_OP_V_MOV_B32, V(30 + k), S(30 + k));
	p.nop(1);
	for (unsigned k = 0; k < kRows; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(k < kValues ? 20 + k : 30 + k - kValues), static_cast<int32_t>(k * 256));
	p.end();
	return p;
}

TEST(CuJitHazardFree, RandomProgramsAgreeAndProvenOnesViolateNothing)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	std::mt19937 rng(20261206);
	unsigned proven = 0, unproven = 0, proven_violating = 0, at_level1 = 0;
	const unsigned programs = 72;
	// The slips' kinds in turn, one per rule: a global and a shared load (MEM_RESULT), an SGPR
	// the SALU wrote (SALU_VALU_FORWARD), a VALU result and a VALU mask in an SGPR in lowpower
	// (LP_VALU_FORWARD), a long-latency result read and overwritten (VALU_LONG_RAW, _WAW), a VCC
	// branch on r1 (R1_VCC_BRANCH).
	const unsigned slip_kinds[] = {4, 6, 3, 0, 9, 2, kSlipWaw, 7};
	for (unsigned i = 0; i < programs; i++) {
		// Careful (a third of them), careful but for one slip (a third), careless.
		const bool careful = i % 3 != 2, loop = i % 4 == 0;
		const int slip = i % 3 == 1 ? static_cast<int>(rng() % 8) : -1;
		const unsigned slip_kind = slip_kinds[(i / 3) % std::size(slip_kinds)];
		const bool lp = slip >= 0 ? (slip_kind == 0 || slip_kind == 9) : i % 4 == 1;
		const uint32_t profile = lp ? MICA_PROFILE_LOWPOWER : MICA_PROFILE_PERF;
		const uint32_t revision = (slip >= 0 ? slip_kind == 7 : i % 5 == 2) ? MICA_REV_R1 : MICA_REV_R2;
		const Asm prog = random_program(rng, careful, loop, slip, slip_kind);
		const uint64_t translated = translations_so_far(), free_before = cu::jit::counters().hazard_free;
		Compared c = run_both(prog, 256, [&](Rig &rig) { // 16K invocations: hot
			rig.st.power_profile = profile;
			rig.st.revision = revision;
			for (uint32_t l = 0; l < 64; l++)
				rig.put<uint32_t>(kIn + 4 * l, l * 2654435761u);
		});
		SCOPED_TRACE("program " + std::to_string(i) + (careful ? " (careful)" : "") + (slip >= 0 ? " (slip)" : "") +
		             (loop ? " (loop)" : ""));
		ASSERT_GT(translations_so_far(), translated) << "not translated";
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		const bool is_proven = cu::jit::counters().hazard_free > free_before;
		if (is_proven) {
			proven++;
			proven_violating += c.interp.hazard_violations != 0;
			EXPECT_EQ(c.interp.hazard_violations, 0u) << "the verifier accepted a program the pipeline model faults";
		} else {
			unproven++;
		}
		// A third of them again at level 1, whose code inlines what level 0 calls (the loads'
		// and stores' dense rows, the shared blocks before a memo). Only with the counted
		// tier-up: the differential run's tier-up at every first dispatch has its own levels.
		const bool level1 = i % 3 == 0 && tiers_with_counts();
		if (level1) {
			SCOPED_TRACE("level 1");
			translate_at_level1(prog, is_proven, [&](Rig &rig) {
				rig.st.power_profile = profile;
				rig.st.revision = revision;
			});
			Compared c1 = run_both(prog, 256, [&](Rig &rig) {
				rig.st.power_profile = profile;
				rig.st.revision = revision;
				for (uint32_t l = 0; l < 64; l++)
					rig.put<uint32_t>(kIn + 4 * l, l * 2654435761u);
			});
			ASSERT_EQ(c1.interp.fault, MICA_FAULT_NONE) << c1.interp.report;
			expect_same(c1);
			at_level1++;
		}
	}
	if (tiers_with_counts()) {
		EXPECT_EQ(at_level1, (programs + 2) / 3);
	}
	// Both kinds occur, so both translations were compared with the interpreter.
	EXPECT_GE(proven, programs / 4);
	EXPECT_GE(unproven, programs / 4);
	EXPECT_EQ(proven_violating, 0u);
	std::printf("hazard-free programs: %u proven, %u not\n", proven, unproven);
}

// The proof covers only the code a wave can run: a branch to code outside the translation (before
// the entry, where discovery does not follow) leaves the program with its operand tests, even
// when that branch is never taken and the rest is hazard-free; without the branch the same program
// is proven.
Asm outside_branch_program(bool with_branch)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WAVE_IN_GROUP), L(1000)); // never
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), S(20));
	if (with_branch) // to 8 bytes before the entry
		p.ctrl(MICA_OP_S_CBRANCH_SCC1, -static_cast<int32_t>(p.size_bytes()) - 16);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(20), V(10), S(0), NONE, kIn);
	p.waitcnt(0, MICA_WAITCNT_NOWAIT);
	p.alu(MICA_OP_V_MUL_LO_U32, V(21), V(20), V(20));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(21));
	p.end();
	return p;
}

TEST(CuJitHazardFree, ABranchOutsideTheTranslationKeepsTheOperandTests)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	for (bool with_branch : {false, true}) {
		SCOPED_TRACE(with_branch ? "with the branch" : "without it");
		const uint64_t translated = translations_so_far(), free_before = cu::jit::counters().hazard_free;
		Compared c = run_both(outside_branch_program(with_branch), 256, [](Rig &rig) {
			for (uint32_t l = 0; l < 64; l++)
				rig.put<uint32_t>(kIn + 4 * l, l + 3);
		});
		ASSERT_GT(translations_so_far(), translated) << "not translated";
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		EXPECT_EQ(cu::jit::counters().hazard_free > free_before, !with_branch);
		EXPECT_EQ(jit_word(c, kOut + 5 * 256 + 4 * 7), 10u * 10u); // workgroup 5, lane 7
	}
}

// A hazard-free program's level-1 code leaves the budget-and-watchdog test out of a straight run
// when the whole run fits the wave's budget and stays under the watchdog limit (codegen.cpp,
// find_fast_runs). A loop of runs with long s_nops and waits, its body not a multiple of the
// 32-instruction quantum, and watchdog limits that fall at every point of a run: the faults (pc,
// cycles) and counters are the interpreter's. The workgroup's two waves, 7 instructions apart, add
// to one counter with returning atomics and keep what they got, so where each wave yields shows
// in the results.
Asm long_runs_program()
{
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(34), S(2)); // trips: user data 2
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_S_MUL_U32, S(21), S(MICA_ABI_S_WORKGROUP_ID_X), K(4));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), L(kCounters));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.nop(0);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), S(20));
	p.alu(MICA_OP_V_MOV_B32, V(12), S(21));
	p.alu(MICA_OP_V_MOV_B32, V(13), K(1));
	p.alu(MICA_OP_V_ADD_U32, V(14), V(11), L(0x10000));
	// The first wave runs 7 instructions more: the two waves' atomics fall at different points
	// of their quanta, so which one adds first in an iteration depends on where each yields.
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WAVE_IN_GROUP), K(0));
	const int later = p.label();
	p.branch(MICA_OP_S_CBRANCH_SCC0, later);
	for (unsigned k = 0; k < 7; k++)
		p.nop(0);
	p.bind(later);
	p.nop(3);
	const int top = p.label();
	p.bind(top);
	for (unsigned k = 0; k < 5; k++) {
		p.alu(MICA_OP_V_ADD_U32, V(20), V(20), K(1));
		p.nop(37 + 11 * k);
	}
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(21), V(10), S(0), NONE, kIn);
	// A run that ends with the atomic (a branch before it, a branch target after it): a wave
	// whose budget ends there yields before the atomic, whatever the copy does.
	const int after_atomic = p.label();
	p.branch(MICA_OP_S_CBRANCH_EXECZ, after_atomic); // never taken
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), K(3));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, V(22), V(12), S(0), V(13));
	p.bind(after_atomic);
	p.waitcnt(0, MICA_WAITCNT_NOWAIT);
	p.alu(MICA_OP_V_ADD_U32, V(20), V(20), V(21));
	p.alu(MICA_OP_V_ADD_U32, V(23), V(23), V(22));
	p.nop(1);
	p.alu(MICA_OP_S_SUB_U32, S(34), S(34), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(34), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(20));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(14), S(0), V(23));
	p.end();
	return p;
}

TEST(CuJitHazardFree, WatchdogInsideRunsWithoutStopTestsAtLevel1)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const Asm prog = long_runs_program();
	if (tiers_with_counts()) { // the runs without stop tests exist at level 1 only
		ASSERT_NO_FATAL_FAILURE(translate_at_level1(prog));
	}
	unsigned limits = 0, watchdogs = 0;
	for (uint32_t limit = 3000; limit < 3000 + 2 * 260; limit += 13, limits++) {
		Compared c = run_both(prog, 256, [&](Rig &rig) {
			rig.st.watchdog_cycles = limit;
			rig.st.user_data[2] = 100000;
		});
		SCOPED_TRACE("watchdog limit " + std::to_string(limit));
		expect_same(c);
		watchdogs += c.interp.fault == MICA_FAULT_WATCHDOG;
	}
	EXPECT_EQ(watchdogs, limits) << "every limit is reached inside the loop";
	// To the end, no watchdog: the quantum ends at every instruction of the loop in turn.
	Compared c = run_both(prog, 256, [&](Rig &rig) { rig.st.user_data[2] = 50; });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
}

// A loop whose body sets EXEC from a table (all lanes, the lower half, odd lanes, one lane, none,
// all lanes again) in a block of its own, then runs a straight run that never names EXEC: VALU
// results, a long-latency multiply, a compare's mask and a select, a lane read into an SGPR,
// shared stores and loads, a global load and a returning atomic. The run's full-EXEC copy
// (entered only with all 32 lanes on) and its general copy must both do what the interpreter does,
// results, lane counts and cycles alike; and the translation must have made the copies (the
// counters' full_exec_runs). It fails with the copy entered whatever EXEC is, and with the copies
// left out (MICA_CU_JIT_FULL_EXEC=0).
constexpr uint32_t kExecTable = 0x2000; // six EXEC values, one per trip
Asm exec_table_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_S_MUL_U32, S(21), S(MICA_ABI_S_WORKGROUP_ID_X), K(4));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), L(kCounters));
	p.alu(MICA_OP_S_MOV_B32, S(34), K(0)); // byte offset into the table
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), S(20));
	p.alu(MICA_OP_V_MOV_B32, V(12), S(21));
	p.alu(MICA_OP_V_MOV_B32, V(13), K(1));
	for (unsigned k = 0; k < 4; k++)
		p.alu(MICA_OP_V_ADD_U32, V(20 + k), V(0), L(7u * k + 3));
	p.nop(3);
	const int top = p.label();
	p.bind(top);
	p.mem(MICA_OP_S_LOAD_B32, S(35), S(34), S(0), NONE, kExecTable); // s35 = table[s34 / 4]
	p.waitcnt(MICA_WAITCNT_NOWAIT, 0);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(35));
	const int run = p.label();
	p.branch(MICA_OP_S_BRANCH, run); // the run starts at a branch target: EXEC is set outside it
	p.bind(run);
	p.nop(3);
	p.alu(MICA_OP_V_ADD_U32, V(20), V(20), V(21));
	p.alu(MICA_OP_V_MUL_LO_U32, V(21), V(21), L(2654435761u));
	p.nop(4);
	p.alu(MICA_OP_V_CMP_LT_U32, S(40), V(20), V(21));
	p.nop(3);
	p.alu(MICA_OP_V_CNDMASK_B32, V(22), V(20), V(21), S(40));
	p.alu(MICA_OP_V_READFIRSTLANE_B32, S(36), V(21));
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(22));
	p.nop(3);
	p.alu(MICA_OP_V_XOR_B32, V(23), V(23), S(36));
	p.mem(MICA_OP_DS_LOAD_B32, V(24), V(10), NONE, NONE, 4);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(25), V(10), S(0), NONE, kIn);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, V(26), V(12), S(0), V(13));
	p.waitcnt(0, 0);
	p.alu(MICA_OP_V_ADD_U32, V(23), V(23), V(24));
	p.alu(MICA_OP_V_ADD_U32, V(22), V(22), V(25));
	p.alu(MICA_OP_V_ADD_U32, V(20), V(20), V(26));
	p.alu(MICA_OP_S_ADD_U32, S(34), S(34), K(4));
	p.alu(MICA_OP_S_CMP_LT_U32, NONE, S(34), K(24));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.alu(MICA_OP_S_MOV_B32, EXEC, L(~0u));
	p.nop(3);
	for (unsigned k = 0; k < 7; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(20 + k), static_cast<int32_t>(k * 256));
	p.end();
	return p;
}

TEST(CuJitHazardFree, FullExecCopiesOnlyWithEveryLaneOn)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const Asm prog = exec_table_program();
	const uint32_t table[] = {~0u, 0x0000ffffu, 0xaaaaaaaau, 1u << 7, 0u, ~0u};
	auto setup = [&](Rig &rig) {
		for (uint32_t l = 0; l < 64; l++)
			rig.put<uint32_t>(kIn + 4 * l, l * 2246822519u);
		for (uint32_t k = 0; k < std::size(table); k++)
			rig.put<uint32_t>(kExecTable + 4 * k, table[k]);
	};
	if (tiers_with_counts()) { // the runs' copies exist at level 1 only
		const uint64_t before = cu::jit::counters().full_exec_runs;
		ASSERT_NO_FATAL_FAILURE(translate_at_level1(prog));
		EXPECT_GE(cu::jit::counters().full_exec_runs, before + 2) << "the loop's two runs have full-EXEC copies";
	}
	Compared c = run_both(prog, 256, setup);
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_EQ(c.interp.hazard_violations, 0u);
	expect_same(c);
}

} // namespace
