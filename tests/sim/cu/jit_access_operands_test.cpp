// SPDX-License-Identifier: MIT
// The translated code hands a shared or global access to its kind's access function with the
// operands packed in one word (codegen.cpp, packed_operands): the offset (signed, 16 bits in the
// encoding), the address, data and destination VGPRs by number, a global access's scalar base
// by its first SGPR, and whether a load keeps its destinations' previous rows; the function reads
// the rows and SGPRs from the wave and completes the access (the rows blended into the
// destinations, their records, the counters). Here every field at values the usual programs
// leave at zero or small: negative offsets, VGPRs above v199 (a two-row load into v252..v253),
// a scalar base in a high SGPR pair, a 64-bit VGPR address pair, results checked against
// the values the host computes and everything against the interpreter.
#include <gtest/gtest.h>

#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x100000; // per workgroup: 4 rows of 64 lanes (one dword each), then 64 dword pairs
constexpr uint32_t kGroupBytes = 4 * 256 + 512;

Asm access_operands_program()
{
	Asm p;
	// s20 = this workgroup's region; s[38:39] = the data base (a high pair).
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kGroupBytes));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_S_MOV_B32, S(38), S(0));
	p.alu(MICA_OP_S_MOV_B32, S(39), S(1));
	p.nop(4);
	// v200 = region + lane * 4 + 512 (every access below reaches back with offset -512).
	p.alu(MICA_OP_V_SHL_B32, V(200), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(200), V(200), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(200), V(200), L(512));
	p.alu(MICA_OP_V_MUL_LO_U32, V(201), V(0), L(77));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(201), V(201), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.nop(4);
	// Row 0: lane * 77 + wg, stored and loaded back through the scalar base, offset -512.
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(200), S(38), V(201), -512);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(250), V(200), S(38), NONE, -512);
	p.wait_all();
	// Through shared memory at a negative offset: shared[lane * 4] = row 0 + 5, read back.
	p.alu(MICA_OP_V_SHL_B32, V(210), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(251), V(250), K(5));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(210), V(210), L(96));
	p.nop(4);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(210), NONE, V(251), -96);
	p.wait_all();
	p.mem(MICA_OP_DS_LOAD_B32, V(255), V(210), NONE, NONE, -96);
	p.wait_all();
	// Row 1 through a 64-bit VGPR address pair v[240:241] = &row 1 + 8, offset -8.
	p.alu(MICA_OP_V_ADD_U32, V(240), V(200), L(static_cast<uint32_t>(256 - 512 + 8)));
	p.alu(MICA_OP_V_MOV_B32, V(241), S(1));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(240), V(240), S(0));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(240), NONE, V(255), -8);
	// Two rows: (row 0, row 0 + 5) as a dword pair per lane at region + 1024 + lane * 8, stored
	// from v[250:251] and loaded back into v[252:253], then stored as rows 2 and 3.
	p.alu(MICA_OP_V_SHL_B32, V(242), V(0), K(3));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(242), V(242), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(242), V(242), L(1024 + 100));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(242), S(38), V(250), -100);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B64, V(252), V(242), S(38), NONE, -100);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(200), S(38), V(253), 0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(200), S(38), V(252), 256);
	p.end();
	return p;
}

TEST(CuJitAccessOperands, HighRegistersNegativeOffsetsAndAHighScalarBase)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: translated at the dispatch's start
	const uint64_t before = translations_so_far();
	Compared c = run_both(access_operands_program(), groups, [](Rig &) {});
	EXPECT_GT(translations_so_far(), before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_EQ(c.interp.hazard_violations, 0u);
	expect_same(c);
	auto out = [&](uint32_t wg, unsigned off) { return jit_word(c, kOut + wg * kGroupBytes + off); };
	for (uint32_t wg : {0u, 7u, groups - 1})
		for (unsigned lane : {0u, 31u, 32u, 63u}) {
			const uint32_t row0 = lane * 77 + wg;
			EXPECT_EQ(out(wg, lane * 4), row0) << wg << " " << lane;
			EXPECT_EQ(out(wg, 256 + lane * 4), row0 + 5) << wg << " " << lane;
			EXPECT_EQ(out(wg, 512 + lane * 4), row0 + 5) << wg << " " << lane;
			EXPECT_EQ(out(wg, 768 + lane * 4), row0) << wg << " " << lane;
			EXPECT_EQ(out(wg, 1024 + lane * 8), row0) << wg << " " << lane;
			EXPECT_EQ(out(wg, 1024 + lane * 8 + 4), row0 + 5) << wg << " " << lane;
		}
}

} // namespace
