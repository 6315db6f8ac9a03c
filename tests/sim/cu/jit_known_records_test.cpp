// SPDX-License-Identifier: MIT
// The translator's knowledge of pipeline records along a straight run of inline ALU
// instructions (codegen.cpp, line_continues): an operand test whose answer is known is left out,
// but only where it is known. Operands read before their producer's guard has passed (stale in
// faithful mode: the previous value and a counted violation) inside a run and at a loop's top,
// which the run before the loop reaches with the register settled and the loop's back edge
// with it not, and after a write the interpreter dropped: every result, counter and violation as
// the interpreter's.
#include <gtest/gtest.h>

#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x100000; // 2 KiB per workgroup: 8 rows of 64 lanes
constexpr unsigned kOutRows = 8;

Asm known_records_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kOutRows * 256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20)); // s20 three instructions after its write: settled
	// One run: an SGPR read by the vector path one instruction after its SALU write (stale:
	// SALU_VALU_FORWARD), another two after it (settled); a vmul result read at distances 1 and 3
	// (stale: VALU_LONG_RAW, latency 4) and 4 (settled); a VALU result rewritten (its record is
	// already the cleared one).
	p.alu(MICA_OP_V_ADD_U32, V(20), V(0), L(1000));
	p.alu(MICA_OP_S_MOV_B32, S(30), L(7));
	p.alu(MICA_OP_V_MOV_B32, V(11), S(30));
	p.alu(MICA_OP_S_MOV_B32, S(31), L(9));
	p.nop(0);
	p.alu(MICA_OP_V_ADD_U32, V(12), V(20), S(31));
	p.alu(MICA_OP_V_MUL_LO_U32, V(13), V(0), L(3));
	p.alu(MICA_OP_V_ADD_U32, V(14), V(13), K(1));
	p.alu(MICA_OP_V_ADD_U32, V(15), V(20), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(15), V(15), V(13));
	p.alu(MICA_OP_V_ADD_U32, V(16), V(13), V(14));
	// A write the write-after-write guard drops (v21's vmul result is pending: the interpreter
	// executes the add and loses it), then a read of v21 one instruction later: still the
	// vmul's record (stale), not the add's.
	p.alu(MICA_OP_V_MUL_LO_U32, V(21), V(0), L(5));
	p.alu(MICA_OP_V_ADD_U32, V(21), V(21), K(1));
	p.alu(MICA_OP_V_ADD_U32, V(20), V(21), V(20));
	// A loop whose top reads v17: from the run before it settled (a plain VALU write two
	// instructions earlier), from the back edge two instructions after a vmul wrote it (stale).
	p.alu(MICA_OP_S_MOV_B32, S(21), K(4));
	p.alu(MICA_OP_V_MOV_B32, V(18), K(0));
	p.alu(MICA_OP_V_ADD_U32, V(17), V(0), K(1));
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_ADD_U32, V(18), V(18), V(17));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.alu(MICA_OP_V_MUL_LO_U32, V(17), V(17), L(3));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.nop(4);
	const unsigned rows[kOutRows] = {11, 12, 14, 15, 16, 17, 18, 20};
	for (unsigned k = 0; k < kOutRows; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(rows[k]), static_cast<int32_t>(k * 256));
	p.end();
	return p;
}

TEST(CuJitKnownRecords, StaleOperandsInARunAndAtALoopTopAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: hot at the tests' threshold
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Compared c = run_both(known_records_program(), groups, [](Rig &) {});
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// The stale reads happened (the program tests what it means to): v11 = s30's value before
	// its write (0), v14 = v13's before (0) + 1, and every wave counted its violations.
	const uint32_t waves = groups * 2;
	EXPECT_GE(c.interp.hazard_violations, uint64_t(waves) * 4);
	auto out = [&](uint32_t wg, unsigned row, unsigned lane) {
		uint32_t v;
		std::memcpy(&v, c.interp_data.data() + kOut + wg * kOutRows * 256 + row * 256 + lane * 4, 4);
		return v;
	};
	EXPECT_EQ(out(5, 0, 3), 0u);
	EXPECT_EQ(out(5, 1, 3), 1003u + 9u);
	EXPECT_EQ(out(5, 2, 3), 1u);
}

} // namespace
