// SPDX-License-Identifier: MIT
// Wave launch clears registers: everything but the launch ABI starts at zero (isa.md section 3),
// also after earlier waves of the same compute unit wrote other registers, in an earlier dispatch
// or in an earlier workgroup of the same dispatch (launch clears only the rows an instruction
// decoded or translated so far can have written, so these cases are regression tests for that
// range). The launch ABI's local-ID rows are copied only when a wave does not hold them from its
// last launch (same slot, same workgroup shape, rows no instruction can write): the last two
// tests are that guard's.
#include <gtest/gtest.h>

#include <string>

#include "cu_test_support.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Stores v[reg] of every lane to data[(wg * 32 + lane) * 4].
void store_row(Asm &p, unsigned reg)
{
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(128));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(reg));
	p.wait_all();
}

// Runs 'reader' (which stores one row with store_row) over poisoned output and expects the row
// it stored to be zero in every lane.
void expect_zero_row(Rig &rig, const Asm &reader, const char *what)
{
	for (unsigned l = 0; l < 32; l++)
		rig.put<uint32_t>(l * 4, 0xdeadbeef);
	ASSERT_EQ(rig.run(reader).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(rig.get<uint32_t>(l * 4), 0u) << what << " lane " << l;
}

// Launch clears the registers any program run on the compute unit so far can write (a range,
// the union over programs): above and below the next program's own (v4 and s19 lie below
// every register a reader writes, v10.. and s20..).
TEST(CuLaunch, RegistersWrittenByAnEarlierDispatchStartAtZero)
{
	Rig rig(1);
	Asm writer;
	writer.alu(MICA_OP_V_MOV_B32, V(200), L(0x1234));
	writer.alu(MICA_OP_V_MOV_B32, V(255), L(0x5678));
	writer.alu(MICA_OP_V_MOV_B32, V(4), L(0x9abc));
	writer.alu(MICA_OP_S_MOV_B32, S(19), L(0xdef0));
	writer.end();
	ASSERT_EQ(rig.run(writer).fault, MICA_FAULT_NONE);
	for (unsigned reg : {200u, 255u, 4u}) {
		Asm reader;
		store_row(reader, reg);
		reader.end();
		expect_zero_row(rig, reader, ("v" + std::to_string(reg)).c_str());
	}
	Asm reader;
	reader.alu(MICA_OP_V_MOV_B32, V(21), S(19));
	reader.nop(4);
	store_row(reader, 21);
	reader.end();
	expect_zero_row(rig, reader, "s19");
}

TEST(CuLaunch, RegistersWrittenByAnEarlierWorkgroupStartAtZero)
{
	// Workgroup 0 reads v200 (zero), then takes a path that writes it; workgroup 1, on the same
	// compute unit, must read zero again. The writing instruction is first decoded while
	// workgroup 0 runs.
	Rig rig(1);
	rig.st.groups[0] = 3;
	Asm p;
	store_row(p, 200);
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(16), K(0));
	p.nop(1);
	int skip = p.label();
	p.branch(MICA_OP_S_CBRANCH_SCC0, skip);
	p.alu(MICA_OP_V_MOV_B32, V(200), L(0x77));
	p.alu(MICA_OP_V_MOV_B32, V(201), L(0x78));
	p.bind(skip);
	p.end();
	for (unsigned i = 0; i < 3 * 32; i++)
		rig.put<uint32_t>(i * 4, 0xdeadbeef);
	ASSERT_EQ(rig.run(p).fault, MICA_FAULT_NONE);
	for (unsigned i = 0; i < 3 * 32; i++)
		EXPECT_EQ(rig.get<uint32_t>(i * 4), 0u) << "workgroup " << i / 32 << " lane " << i % 32;
}

TEST(CuLaunch, PipelineRecordsOfAnEarlierDispatchDoNotLeak)
{
	// Dispatch 1 ends right after an SALU write of s100 (visible to the vector path only two
	// cycles later, previous value 5). Dispatch 2 reads s100 in its first instruction: it must see
	// zero and count no hazard (a stale record would make it read the previous value, 5).
	Rig rig(1);
	Asm writer;
	writer.alu(MICA_OP_S_MOV_B32, S(100), K(5));
	writer.nop(4);
	writer.alu(MICA_OP_S_MOV_B32, S(100), L(0x1234));
	writer.end();
	ASSERT_EQ(rig.run(writer).fault, MICA_FAULT_NONE);
	Asm reader;
	reader.alu(MICA_OP_V_MOV_B32, V(20), S(100));
	reader.nop(4);
	store_row(reader, 20);
	reader.end();
	for (unsigned l = 0; l < 32; l++)
		rig.put<uint32_t>(l * 4, 0xdeadbeef);
	DispatchResult r = rig.run(reader);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.hazard_violations, 0u);
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(rig.get<uint32_t>(l * 4), 0u) << "lane " << l;
}

// Stores v0 (local ID x) to data[(wg * 32 + lane) * 4] and v1 (local ID y) 32 words later, with
// the lane's linear index computed from both (8 * y + x: the 8-wide shapes below and 1-D).
void store_local_ids(Asm &p)
{
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(256));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(1), K(3));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), V(0));
	p.nop(2);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(10), K(2));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), L(128));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(0));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(1));
	p.wait_all();
}

// Runs p over poisoned output and expects every workgroup to have stored its lanes' local IDs
// for workgroups 'width' invocations wide (width * (32 / width)).
void expect_local_ids(Rig &rig, const Asm &p, unsigned width, const char *what)
{
	const unsigned groups = rig.st.groups[0];
	for (unsigned i = 0; i < groups * 64; i++)
		rig.put<uint32_t>(i * 4, 0xdeadbeef);
	ASSERT_EQ(rig.run(p).fault, MICA_FAULT_NONE);
	for (unsigned g = 0; g < groups; g++)
		for (unsigned l = 0; l < 32; l++) {
			EXPECT_EQ(rig.get<uint32_t>((g * 64 + l) * 4), l % width) << what << " wg " << g << " lane " << l;
			EXPECT_EQ(rig.get<uint32_t>((g * 64 + 32 + l) * 4), l / width) << what << " wg " << g << " lane " << l;
		}
}

TEST(CuLaunch, LocalIdRowsAfterTheProgramOverwroteThem)
{
	// Every workgroup stores its local IDs, then overwrites v0 and v1: the next workgroup's
	// waves, on the same compute unit, must get the launch ABI's values again.
	Rig rig(1);
	rig.st.groups[0] = 3;
	Asm p;
	store_local_ids(p);
	p.alu(MICA_OP_V_MOV_B32, V(0), L(0x77));
	p.alu(MICA_OP_V_MOV_B32, V(1), L(0x78));
	p.end();
	expect_local_ids(rig, p, 32, "1-D");
}

TEST(CuLaunch, LocalIdRowsFollowTheWorkgroupShape)
{
	// The same program (which never writes v0..v2) on the same compute unit with 32x1 and then
	// 8x4 workgroups, and 32x1 again: each dispatch's waves get its own shape's rows.
	Rig rig(1);
	rig.st.groups[0] = 2;
	Asm p;
	store_local_ids(p);
	p.end();
	expect_local_ids(rig, p, 32, "32x1");
	rig.st.wg_size[0] = 8;
	rig.st.wg_size[1] = 4;
	expect_local_ids(rig, p, 8, "8x4");
	rig.st.wg_size[0] = 32;
	rig.st.wg_size[1] = 1;
	expect_local_ids(rig, p, 32, "32x1 again");
}

} // namespace
