// SPDX-License-Identifier: MIT
// The translating engine in the ordinary test run (the differential mode, tests/difftest/engines,
// compares everything else): a hot program is translated at its first big enough dispatch and
// the JIT engine's results, faults and counters equal the interpreter's.
#include <gtest/gtest.h>

#include "cu_test_support.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Per invocation: a data-dependent scalar/vector loop, then one word out.
Asm loop_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(64));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(0), S(20));      // global index
	p.alu(MICA_OP_V_AND_B32, V(11), V(10), K(7));
	p.alu(MICA_OP_V_CVT_F32_U32, V(12), V(10));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(9));
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_FMA_F32, V(12), V(12), LF(0.5f), V(11));
	p.alu(MICA_OP_V_XOR_B32, V(11), V(11), V(10));
	p.alu(MICA_OP_V_MAX_U32, V(11), V(11), K(3));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.alu(MICA_OP_V_CMP_LT_F32, VCC, V(12), LF(100.0f));
	p.nop(1);
	p.alu(MICA_OP_V_CNDMASK_B32, V(13), V(11), V(12), VCC);
	p.alu(MICA_OP_V_SHL_B32, V(14), V(10), K(2));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(14), S(0), V(13));
	p.end();
	return p;
}

struct Outcome {
	DispatchResult r;
	std::vector<uint32_t> data;
};

Outcome run(CuEngine engine, uint32_t groups)
{
	Rig rig(2, 1, 4u << 20);
	rig.engine = make_compute_engine(rig.mmu, 2, 1, engine);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = groups;
	Outcome o;
	o.r = rig.run(loop_program());
	for (uint32_t i = 0; i < groups * 64; i++)
		o.data.push_back(rig.get<uint32_t>(4 * i));
	return o;
}

TEST(CuJit, HotProgramIsTranslatedAndAgreesWithTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 512; // 32768 invocations: over the default hot threshold
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Outcome j = run(CuEngine::Jit, groups);
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before);
	Outcome i = run(CuEngine::Interp, groups);
	ASSERT_EQ(i.r.fault, MICA_FAULT_NONE) << i.r.report;
	EXPECT_EQ(j.r.fault, i.r.fault);
	EXPECT_EQ(j.r.cycles, i.r.cycles);
	EXPECT_EQ(j.r.instructions, i.r.instructions);
	EXPECT_EQ(j.r.lane_instructions, i.r.lane_instructions);
	EXPECT_EQ(j.r.mem_ops, i.r.mem_ops);
	EXPECT_EQ(j.r.stall_cycles, i.r.stall_cycles);
	EXPECT_EQ(j.r.waves, i.r.waves);
	EXPECT_EQ(j.r.hazard_violations, i.r.hazard_violations);
	EXPECT_EQ(j.data, i.data);
}

TEST(CuJit, EngineSelection)
{
	EXPECT_EQ(resolve_cu_engine(CuEngine::Interp), CuEngine::Interp);
	EXPECT_EQ(resolve_cu_engine(static_cast<CuEngine>(77)), CuEngine::Interp); // unknown: the reference
	if (cu::jit::available()) {
		EXPECT_EQ(resolve_cu_engine(CuEngine::Jit), CuEngine::Jit);
	}
}

} // namespace
