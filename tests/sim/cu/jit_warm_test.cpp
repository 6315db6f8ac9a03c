// SPDX-License-Identifier: MIT
// Hotness by work done (jit.h, Warmup): a dispatch too small to be translated at its start (a few
// workgroups, each a long loop) is translated once it has interpreted warm_threshold() wave
// instructions and finishes on translated code, with the interpreter's results, cycles and
// counters. And the tier-up by work done (count_level0_work): level-0 code that has run
// tierup_work_threshold() wave instructions is re-translated at level 1.
#include <gtest/gtest.h>

#include "cu_test_support.h"
#include "jit_compare.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Per invocation: a loop of 'iterations' data-dependent steps with a shared-memory exchange
// between waves every iteration (barriers), then one word out.
Asm long_loop_program(uint32_t iterations)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.alu(MICA_OP_S_MOV_B32, S(21), L(iterations));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));               // shared slot and output offset
	p.alu(MICA_OP_V_XOR_B32, V(11), V(10), L(252));            // another wave's slot
	p.alu(MICA_OP_V_ADD_U32, V(12), V(0), S(20));
	p.alu(MICA_OP_V_MOV_B32, V(13), K(1));
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_MAD_U32, V(13), V(13), L(0x01000193), V(12));
	p.alu(MICA_OP_V_XOR_B32, V(12), V(12), V(13));
	p.nop(0);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(13));
	p.wait_all();
	p.ctrl(MICA_OP_S_BARRIER);
	p.mem(MICA_OP_DS_LOAD_B32, V(14), V(11), NONE, NONE);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(12), V(12), V(14));
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(13));
	p.end();
	return p;
}

TEST(CuJitWarm, FewLongWorkgroupsMoveToTranslatedCodeWhileRunning)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	// 4 workgroups of 64 invocations: under the 1024 invocations a dispatch needs to be
	// considered at its start. 8 waves x ~13 instructions x 12288 iterations = 1.3M wave
	// instructions, over the tests' warm threshold (16384 x 32 = 524288).
	const uint32_t iterations = 12288;
	const uint64_t warm_before = cu::jit::counters().warm_translations;
	Compared c = run_both(long_loop_program(iterations), 4, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_NE(c.interp_data[4 * 70], 0);
	if (cu::jit::hot_threshold() == 0)
		return; // the differential run translates every program at its first dispatch
	ASSERT_GT(c.interp.instructions, cu::jit::warm_threshold() * 2);
	EXPECT_EQ(cu::jit::counters().warm_translations, warm_before + 1) << "the dispatch did not move to translated code";
}

// Under the threshold nothing is translated while running (the work is counted per dispatch,
// not summed over dispatches).
TEST(CuJitWarm, ShortDispatchesStayInterpreted)
{
	if (!cu::jit::available() || cu::jit::hot_threshold() == 0)
		GTEST_SKIP() << "no LLVM JIT, or every program translated at its first dispatch";
	const uint64_t warm_before = cu::jit::counters().warm_translations;
	for (int rep = 0; rep < 3; rep++) {
		Compared c = run_both(long_loop_program(512), 4, [](Rig &) {});
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		ASSERT_LT(c.interp.instructions, cu::jit::warm_threshold());
		expect_same(c);
	}
	EXPECT_EQ(cu::jit::counters().warm_translations, warm_before);
}

// The tier-up by work done (jit.h, count_level0_work): a dispatch hot enough to start on level-0
// code but far under the tier-up's invocation counts (256 workgroups of 64 invocations) runs
// long loops; once its level-0 code has run tierup_work_threshold() wave instructions the level-1
// translation is queued and the waves switch to it when it is in. Both that dispatch and the
// next (on level-1 code from its start) agree with the interpreter.
bool tier_up_counts_apply()
{
	const char *opt = std::getenv("MICA_CU_JIT_OPT");
	return cu::jit::available() && cu::jit::hot_threshold() > 0 && cu::jit::tierup_threshold() > 0 && !(opt && *opt);
}

TEST(CuJitWarm, LongLevel0DispatchTiersUpByWorkDone)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	// 512 waves x ~13 instructions x 640 iterations = 4.3M wave instructions, twice the tests'
	// work threshold (65536 x 32 = 2M); 16384 invocations: hot at the tests' threshold, under a
	// tier-up by invocations (65536 summed, or 4 x 65536 in one dispatch).
	const uint32_t groups = 256, iterations = 640;
	const cu::jit::Counters before = cu::jit::counters();
	for (int round = 0; round < 2; round++) {
		Compared c = run_both(long_loop_program(iterations), groups, [](Rig &) {});
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		if (round == 0 && tier_up_counts_apply()) {
			ASSERT_GT(c.interp.instructions, 2 * cu::jit::tierup_work_threshold());
		}
	}
	if (!tier_up_counts_apply())
		return; // the differential run tiers every program up at its first dispatch; one level
	const cu::jit::Counters after = cu::jit::counters();
	EXPECT_EQ(after.work_tierups, before.work_tierups + 1) << "the level-0 code's work did not ask for level 1";
	// run_both's engines wait for the tier-ups under way when they go.
	EXPECT_EQ(after.tier_ups, before.tier_ups + 1);
	EXPECT_EQ(after.translations, before.translations + 1) << "the second dispatch found the translation cached";
}

// Level-0 work under the threshold asks for nothing.
TEST(CuJitWarm, ShortLevel0DispatchDoesNotTierUp)
{
	if (!tier_up_counts_apply())
		GTEST_SKIP() << "no LLVM JIT, one level, or every program tiered up at its first dispatch";
	// 512 waves x ~13 instructions x 96 iterations = 0.64M wave instructions, under 2M.
	const cu::jit::Counters before = cu::jit::counters();
	Compared c = run_both(long_loop_program(96), 256, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	ASSERT_LT(c.interp.instructions, cu::jit::tierup_work_threshold());
	expect_same(c);
	const cu::jit::Counters after = cu::jit::counters();
	EXPECT_EQ(after.translations, before.translations + 1);
	EXPECT_EQ(after.work_tierups, before.work_tierups);
	EXPECT_EQ(after.tier_ups, before.tier_ups);
}

} // namespace
