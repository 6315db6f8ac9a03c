// SPDX-License-Identifier: MIT
// The opcodes a dispatch executed (cu::executed_opcodes, which the semantics coverage test reads)
// as the translated code marks them: it leaves out the mark of an opcode that an instruction
// earlier in the same fall-through run already made (codegen.cpp, ops_run_continues), and a
// branch target starts a new run. Here an opcode appears first in an instruction every wave
// branches over, then at the branch's target: the translated dispatch must report it executed,
// as the interpreter does, along with every other opcode, result and counter.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "cu_engine.h"
#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x100000; // 256 bytes per workgroup: one row of 64 lanes

Asm skipped_then_target_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(0), K(3)); // opcodes repeated inside one run
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), K(1));
	int over = p.label();
	// Always taken, but a conditional branch: the instruction after it is part of the program
	// the translator walks (one after an unconditional branch is not) and never executed.
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WORKGROUP_ID_X), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.branch(MICA_OP_S_CBRANCH_SCC1, over);
	p.alu(MICA_OP_V_XOR_B32, V(5), V(5), K(31)); // never executed
	p.bind(over);
	p.alu(MICA_OP_V_XOR_B32, V(5), V(5), K(5)); // the branch's target: the opcode's first execution
	// A loop whose top repeats an opcode of the run before it.
	p.alu(MICA_OP_S_MOV_B32, S(21), K(3));
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), V(0));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(5));
	p.end();
	return p;
}

TEST(CuJitExecutedOps, AnOpcodeFirstRunAtABranchTargetIsReported)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: translated at the dispatch's start
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Compared c;
	std::array<bool, MICA_OPCODE_SPACE> executed[2];
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		Rig rig(2, 1, 4u << 20);
		rig.engine = make_compute_engine(rig.mmu, 2, 1, e);
		rig.st.wg_size[0] = 64;
		rig.st.groups[0] = groups;
		DispatchResult r = rig.run(skipped_then_target_program());
		const bool jit = e == CuEngine::Jit;
		(jit ? c.jit : c.interp) = r;
		(jit ? c.jit_data : c.interp_data).assign(rig.data, rig.data + rig.data_bytes);
		executed[jit] = cu::executed_opcodes(*rig.engine);
	}
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_TRUE(executed[0][MICA_OP_V_XOR_B32]);
	for (unsigned op = 0; op < MICA_OPCODE_SPACE; op++)
		EXPECT_EQ(executed[1][op], executed[0][op]) << "opcode " << op;
	// lane 3 of workgroup 7: ((3 + 3 + 1) ^ 5) + 3 * 3
	uint32_t v;
	std::memcpy(&v, c.interp_data.data() + kOut + 7 * 256 + 3 * 4, 4);
	EXPECT_EQ(v, ((3u + 3u + 1u) ^ 5u) + 9u);
}

} // namespace
