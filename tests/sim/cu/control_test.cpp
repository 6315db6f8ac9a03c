// SPDX-License-Identifier: MIT
// Control flow, EXEC-masked divergence, barriers, hardware registers, the launch ABI and the
// instruction-level faults (privileged, illegal, fetch, watchdog).
#include <gtest/gtest.h>

#include "cu_test_support.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Stores v[reg] of every lane to data + lane*4 + base (EXEC must be all lanes).
void store_lanes(Asm &p, unsigned reg, int32_t base = 0)
{
	p.alu(MICA_OP_V_SHL_B32, V(250), LANE, K(2));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(250), S(0), V(reg), base);
}

} // namespace

TEST(CuControl, LaunchAbi)
{
	Rig rig(2, 1);
	rig.st.wg_size[0] = 4;
	rig.st.wg_size[1] = 3;
	rig.st.wg_size[2] = 4; // 48 invocations: 2 waves, the 2nd with 16 lanes
	rig.st.groups[0] = 2;
	rig.st.groups[1] = 2;
	rig.st.user_data[5] = 0xabcd;
	Asm p;
	// index = ((wg_linear * 2 + wave) * 32 + lane) * 32 bytes
	p.alu(MICA_OP_S_MUL_U32, S(30), S(17), K(2));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), S(16));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(30), K(2));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), S(19));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(30), L(32 * 32));
	p.alu(MICA_OP_S_MOV_B32, S(31), EXEC);
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(5));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));
	p.alu(MICA_OP_V_MOV_B32, V(3), S(31));
	p.alu(MICA_OP_V_MOV_B32, V(4), S(5));
	p.alu(MICA_OP_V_MOV_B32, V(5), S(18));
	p.alu(MICA_OP_V_MOV_B32, V(6), L(0x5a5a));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(10), S(0), V(0));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(10), S(0), V(4), 16);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.waves, 8u);
	for (unsigned wg = 0; wg < 4; wg++)
		for (unsigned wave = 0; wave < 2; wave++)
			for (unsigned lane = 0; lane < 32; lane++) {
				size_t off = ((wg * 2 + wave) * 32 + lane) * 32;
				unsigned inv = wave * 32 + lane;
				bool exists = inv < 48;
				SCOPED_TRACE(testing::Message() << "wg " << wg << " wave " << wave << " lane " << lane);
				EXPECT_EQ(rig.get<uint32_t>(off + 24), exists ? 0x5a5au : 0u);
				if (!exists)
					continue;
				EXPECT_EQ(rig.get<uint32_t>(off + 0), inv % 4);
				EXPECT_EQ(rig.get<uint32_t>(off + 4), (inv / 4) % 3);
				EXPECT_EQ(rig.get<uint32_t>(off + 8), inv / 12);
				EXPECT_EQ(rig.get<uint32_t>(off + 12), wave ? 0x0000ffffu : 0xffffffffu);
				EXPECT_EQ(rig.get<uint32_t>(off + 16), 0xabcdu);
				EXPECT_EQ(rig.get<uint32_t>(off + 20), 0u);
			}
}

// Workgroup IDs of a 3-D grid (the launch derives them from the linear index without division
// in the first row): every workgroup writes its (x, y, z) at its own linear index.
TEST(CuControl, WorkgroupIdsOfAThreeDimensionalGrid)
{
	constexpr uint32_t gx = 3, gy = 2, gz = 4;
	Rig rig(2, 1);
	rig.st.groups[0] = gx;
	rig.st.groups[1] = gy;
	rig.st.groups[2] = gz;
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(30), S(18), K(gy));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), S(17));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(30), K(gx));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), S(16));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(30), K(16));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(4), S(16));
	p.alu(MICA_OP_V_MOV_B32, V(5), S(17));
	p.alu(MICA_OP_V_MOV_B32, V(6), S(18));
	p.alu(MICA_OP_V_MOV_B32, V(7), L(0x5a5a));
	p.alu(MICA_OP_V_MOV_B32, V(10), S(30));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(10), S(0), V(4));
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (uint32_t l = 0; l < gx * gy * gz; l++) {
		SCOPED_TRACE(testing::Message() << "workgroup " << l);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 0), l % gx);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 4), (l / gx) % gy);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 8), l / (gx * gy));
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 12), 0x5a5au);
	}
}

TEST(CuControl, DivergentIfElseWithExecMasks)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 32;
	Asm p;
	int else_l = p.label(), join = p.label();
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));
	p.alu(MICA_OP_V_CMP_LT_U32, VCC, LANE, K(10));        // lanes 0..9
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(20), VCC);        // s20 = old exec
	p.alu(MICA_OP_S_XOR_B32, S(21), S(20), EXEC);          // else lanes
	p.branch(MICA_OP_S_CBRANCH_EXECZ, else_l);
	p.alu(MICA_OP_V_ADD_U32, V(5), LANE, L(1000));        // then: 1000 + lane
	p.bind(else_l);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(21));
	p.nop(1);
	p.branch(MICA_OP_S_CBRANCH_EXECZ, join);
	p.alu(MICA_OP_V_SUB_U32, V(5), K(0), LANE);           // else: -lane
	p.bind(join);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(20));
	p.nop(1);
	store_lanes(p, 5);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(rig.get<uint32_t>(l * 4), l < 10 ? 1000 + l : static_cast<uint32_t>(-static_cast<int32_t>(l))) << l;
}

TEST(CuControl, LoopWithScalarCounterAndBranches)
{
	Rig rig(1, 1);
	Asm p;
	int top = p.label();
	p.alu(MICA_OP_S_MOV_B32, S(20), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));
	p.bind(top);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), LANE);
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_LT_U32, NONE, S(20), K(10));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	// scc0 not taken path and vccnz/vccz/execnz coverage
	int skip = p.label();
	p.alu(MICA_OP_V_CMP_EQ_U32, VCC, LANE, K(40));        // no lane: VCC = 0
	p.nop(3);
	p.branch(MICA_OP_S_CBRANCH_VCCNZ, skip);
	p.branch(MICA_OP_S_CBRANCH_EXECNZ, skip);
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));                 // skipped
	p.bind(skip);
	int skip2 = p.label();
	p.branch(MICA_OP_S_CBRANCH_VCCZ, skip2);
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));                 // skipped
	p.bind(skip2);
	int skip3 = p.label();
	p.branch(MICA_OP_S_CBRANCH_SCC0, skip3);              // SCC is 0 after the loop
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));
	p.bind(skip3);
	int skip4 = p.label();
	p.branch(MICA_OP_S_BRANCH, skip4);
	p.alu(MICA_OP_V_MOV_B32, V(5), K(0));
	p.bind(skip4);
	store_lanes(p, 5);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(rig.get<uint32_t>(l * 4), 10 * l);
}

TEST(CuControl, BarrierOrdersSharedMemoryBetweenWaves)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 128; // 4 waves
	rig.st.shared_bytes = 512;
	Asm p;
	// Each invocation writes id*3 to shared[id], barrier, then reads shared[127 - id].
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_MUL_LO_U32, V(11), V(0), K(3));
	p.nop(4);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11));
	p.waitcnt(63, 0);
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_V_SUB_U32, V(12), L(127), V(0));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(12), K(2));
	p.mem(MICA_OP_DS_LOAD_B32, V(13), V(12), NONE, NONE);
	p.waitcnt(63, 0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(13));
	p.end();
	// Wave 0 gets a long head start so a missing barrier would read zeros.
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned i = 0; i < 128; i++)
		EXPECT_EQ(rig.get<uint32_t>(i * 4), (127 - i) * 3) << i;
}

TEST(CuControl, BarrierAfterWaveEndsDoesNotHang)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 64; // 2 waves
	Asm p;
	int done = p.label();
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(19), K(1));
	p.branch(MICA_OP_S_CBRANCH_SCC1, done);   // wave 1 ends without reaching the barrier
	p.ctrl(MICA_OP_S_BARRIER);
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_V_MOV_B32, V(5), L(77));
	p.nop(1);
	store_lanes(p, 5);
	p.bind(done);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<uint32_t>(0), 77u);
}

TEST(CuControl, BarrierWaitsForSlowestWave)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 64;
	Asm p;
	int fast = p.label();
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(19), K(1));
	p.branch(MICA_OP_S_CBRANCH_SCC1, fast);
	p.nop(500);
	p.bind(fast);
	p.ctrl(MICA_OP_S_BARRIER);
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(30));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(5), S(30));
	p.alu(MICA_OP_V_SHL_B32, V(6), S(19), K(2));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(6), S(0), V(5));
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	uint32_t c0 = rig.get<uint32_t>(0), c1 = rig.get<uint32_t>(4);
	EXPECT_EQ(c0, c1); // both leave the barrier in the same cycle
	EXPECT_GT(c0, 500u);
	EXPECT_GE(r.stall_cycles, 500u);
}

// The scheduler's barrier bookkeeping (a mask of runnable waves, arrivals counted as they
// happen) with the largest workgroup: 32 waves, each working a different time before the first
// barrier, odd waves ending before the second. Every wave leaves a barrier in the same cycle,
// later than any arrival, and the ended waves do not hold the second barrier.
TEST(CuControl, BarriersInAThirtyTwoWaveWorkgroup)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = MICA_MAX_WORKGROUP_INVOCATIONS;
	ASSERT_EQ(MICA_MAX_WORKGROUP_INVOCATIONS / 32u, 32u);
	Asm p;
	int top = p.label(), done = p.label();
	p.alu(MICA_OP_S_ADD_U32, S(20), S(19), K(1)); // wave w loops w + 1 times
	p.bind(top);
	p.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.ctrl(MICA_OP_S_BARRIER);
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(30));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(5), S(30));
	p.alu(MICA_OP_V_SHL_B32, V(6), V(0), K(2));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(6), S(0), V(5));
	p.alu(MICA_OP_S_AND_B32, S(21), S(19), K(1));
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(21), K(1));
	p.branch(MICA_OP_S_CBRANCH_SCC1, done);
	p.nop(20); // the even waves arrive at the second barrier at different times again
	p.ctrl(MICA_OP_S_BARRIER);
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(31));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(7), S(31));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(6), S(0), V(7), 4096);
	p.bind(done);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.waves, 32u);
	const uint32_t first = rig.get<uint32_t>(0), second = rig.get<uint32_t>(4096);
	// Wave 31 loops 32 times (3 instructions each) before the first barrier.
	EXPECT_GT(first, 3u * 32u);
	EXPECT_GT(second, first + 20u);
	for (unsigned i = 0; i < MICA_MAX_WORKGROUP_INVOCATIONS; i++) {
		EXPECT_EQ(rig.get<uint32_t>(i * 4), first) << "invocation " << i;
		const bool odd_wave = (i / 32) % 2;
		EXPECT_EQ(rig.get<uint32_t>(4096 + i * 4), odd_wave ? 0u : second) << "invocation " << i;
	}
	EXPECT_GT(r.stall_cycles, 0u);
}

TEST(CuControl, HardwareRegistersAndPc)
{
	Rig rig(3, 1);
	rig.st.groups[0] = 3;
	rig.st.revision = MICA_REV_R1;
	rig.st.power_profile = MICA_PROFILE_LOWPOWER;
	Asm p;
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_HW_ID, S(30));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_REVISION, S(31));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_POWER_PROFILE, S(32));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(33));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_HI, S(34));
	p.ctrl(MICA_OP_S_GETPC_B64, 0, S(36)); // at byte 40
	p.nop(2);
	p.alu(MICA_OP_V_MOV_B32, V(12), S(30));
	p.alu(MICA_OP_V_MOV_B32, V(13), S(31));
	p.alu(MICA_OP_V_MOV_B32, V(14), S(32));
	p.alu(MICA_OP_V_MOV_B32, V(15), S(33));
	p.alu(MICA_OP_V_MOV_B32, V(16), S(34));
	p.alu(MICA_OP_V_MOV_B32, V(17), S(36));
	p.alu(MICA_OP_V_MOV_B32, V(18), S(37));
	p.alu(MICA_OP_V_MOV_B32, V(19), K(0));
	p.nop(1);
	p.alu(MICA_OP_S_MUL_U32, S(40), S(16), L(32));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(20), S(40));
	p.nop(1); // lowpower: VALU results need distance 2
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(20), S(0), V(12));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(20), S(0), V(16), 16);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (unsigned wg = 0; wg < 3; wg++) {
		size_t o = wg * 32;
		EXPECT_EQ(rig.get<uint32_t>(o), (wg << 8) | (Rig::kCtx << 16)); // slot 0, CU wg, ctx
		EXPECT_EQ(rig.get<uint32_t>(o + 4), MICA_REV_R1);
		EXPECT_EQ(rig.get<uint32_t>(o + 8), MICA_PROFILE_LOWPOWER);
		EXPECT_EQ(rig.get<uint32_t>(o + 12), 3u);  // 4th instruction issues in cycle 3
		EXPECT_EQ(rig.get<uint32_t>(o + 16), 0u);
		EXPECT_EQ(rig.get<uint64_t>(o + 20), Rig::kCode + 48); // address after s_getpc_b64
	}
}

TEST(CuControl, NopAndCycleAccounting)
{
	Rig rig(1, 1);
	Asm p;
	p.nop(9);  // 10 cycles
	p.nop(0);  // 1
	p.alu(MICA_OP_S_MOV_B32, S(1), K(1)); // 1
	p.end();   // 1
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.cycles, 13u);
	EXPECT_EQ(r.instructions, 4u);
}

TEST(CuControl, PrivilegedInstructionsFaultInUserDispatch)
{
	const unsigned ops[] = {MICA_OP_S_SETREG_B32, MICA_OP_S_PERFCNT_READ, MICA_OP_S_HALT, MICA_OP_S_TRAP};
	for (unsigned op : ops) {
		Rig rig(1, 1);
		Asm p;
		p.nop(0);
		if (op == MICA_OP_S_SETREG_B32)
			p.ctrl(op, MICA_HWREG_CONFIG, NONE, S(1));
		else if (op == MICA_OP_S_PERFCNT_READ)
			p.ctrl(op, MICA_PERF_CYCLES, S(4));
		else
			p.ctrl(op, op == MICA_OP_S_TRAP ? 5 : 0);
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.fault, MICA_FAULT_PRIV_INSTRUCTION) << mica_op_lookup(op)->name;
		EXPECT_EQ(r.fault_pc, Rig::kCode + 8);
		EXPECT_NE(r.report.find(mica_op_lookup(op)->name), std::string::npos) << r.report;
	}
}

TEST(CuControl, PrivilegedInstructionsRunInKernelDispatch)
{
	Rig rig(1, 1);
	rig.st.privileged = true;
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(5), L(0x1234));
	p.nop(3);
	p.ctrl(MICA_OP_S_SETREG_B32, MICA_HWREG_CONFIG, NONE, S(5));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CONFIG, S(10));
	p.ctrl(MICA_OP_S_PERFCNT_READ, MICA_PERF_INSTRUCTIONS, S(12));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(4), S(10));
	p.alu(MICA_OP_V_MOV_B32, V(5), S(12));
	p.alu(MICA_OP_V_MOV_B32, V(6), K(0));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(6), S(0), V(4));
	p.ctrl(MICA_OP_S_HALT);
	p.alu(MICA_OP_V_MOV_B32, V(4), K(0)); // not reached
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<uint32_t>(0), 0x1234u);
	EXPECT_EQ(rig.get<uint32_t>(4), 5u); // the 5th instruction counts itself
	Asm t;
	t.ctrl(MICA_OP_S_TRAP, 42);
	r = rig.run(t);
	EXPECT_EQ(r.fault, MICA_FAULT_TRAP);
	EXPECT_EQ(r.fault_info, 42u);
}

TEST(CuControl, IllegalInstructionFaults)
{
	Rig rig(1, 1);
	uint64_t words[2] = {0, 0};
	words[0] = mica_field_set(0, MICA_ALU_OP_SHIFT, MICA_ALU_OP_BITS, 0x3ff); // undefined opcode
	std::memcpy(rig.code, words, sizeof words);
	DispatchResult r = rig.engine->run(rig.st);
	EXPECT_EQ(r.fault, MICA_FAULT_ILLEGAL_INSTRUCTION);
	EXPECT_EQ(r.fault_pc, Rig::kCode);
	EXPECT_EQ(r.fault_info, 0x3ffu);

	// An undefined hardware register is illegal too.
	Asm p;
	p.ctrl(MICA_OP_S_GETREG_B32, 99, S(1));
	r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_ILLEGAL_INSTRUCTION);
}

TEST(CuControl, FetchFromNonExecutablePageFaults)
{
	Rig rig(1, 1);
	Asm p;
	for (int i = 0; i < 510; i++)
		p.nop(0);
	p.ctrl(MICA_OP_S_BRANCH, 0); // falls through into the next page
	p.nop(0);
	p.nop(0); // first word of the second page
	p.end();
	rig.load(p);
	rig.mmu.protect(Rig::kCtx, Rig::kCode + 4096, 4096, kR);
	DispatchResult r = rig.engine->run(rig.st);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.report;
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_EXEC));
	EXPECT_EQ(r.fault_addr, Rig::kCode + 4096);
	EXPECT_EQ(r.fault_pc, Rig::kCode + 4096);

	// A jump to an unmapped address.
	Asm q;
	q.ctrl(MICA_OP_S_BRANCH, 0x100000);
	r = rig.run(q);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_EXEC));
	EXPECT_EQ(r.fault_pc, Rig::kCode + 8 + 0x100000);
}

TEST(CuControl, WatchdogEndsAnEndlessLoop)
{
	Rig rig(2, 2);
	rig.st.groups[0] = 4;
	rig.st.watchdog_cycles = 100000;
	Asm p;
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_ADD_U32, V(1), V(1), K(1));
	p.branch(MICA_OP_S_BRANCH, top);
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_WATCHDOG);
	EXPECT_GE(r.cycles, 100000u);
	EXPECT_LT(r.cycles, 100100u);
	EXPECT_TRUE(r.fault_pc == Rig::kCode || r.fault_pc == Rig::kCode + 8);
}

TEST(CuControl, WatchdogCountsTheWholeComputeUnitTimeline)
{
	Rig rig(1, 1);
	rig.st.groups[0] = 10;
	rig.st.watchdog_cycles = 2500; // each workgroup takes ~1002 cycles
	Asm p;
	p.nop(1000);
	p.end();
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_WATCHDOG);
	rig.st.watchdog_cycles = 20000;
	r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.cycles, 10u * 1002u);
}

TEST(CuControl, InvalidDispatchStateIsRejected)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 0;
	Asm p;
	p.end();
	DispatchResult r = rig.run(p);
	EXPECT_NE(r.fault, MICA_FAULT_NONE);
	EXPECT_FALSE(r.report.empty());
	rig.st.wg_size[0] = 2048;
	EXPECT_NE(rig.run(p).fault, MICA_FAULT_NONE);
	rig.st.wg_size[0] = 1;
	rig.st.groups[0] = 0; // nothing to do
	r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.waves, 0u);
}

TEST(CuControl, LiteralWordOnANonExecutablePageFaultsAtItsAddress)
{
	Rig rig(1, 1);
	Asm p;
	for (int i = 0; i < 511; i++)
		p.nop(0);
	p.alu(MICA_OP_S_MOV_B32, S(1), L(0x12345)); // word at 4088, literal at 4096
	p.end();
	rig.load(p);
	rig.mmu.protect(Rig::kCtx, Rig::kCode + 4096, 4096, kR);
	DispatchResult r = rig.engine->run(rig.st);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.report;
	EXPECT_EQ(r.fault_pc, Rig::kCode + 4088);
	EXPECT_EQ(r.fault_addr, Rig::kCode + 4096);
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_EXEC));
}

TEST(CuControl, FenceWaitsForOutstandingMemory)
{
	Rig rig(1, 1);
	Asm p;
	p.nop(3);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(1));
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_DEVICE);
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(10));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(2), S(10));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(2), 64);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	// store issued at cycle 4 completes at 4 + vmem latency; the fence's successor issues then
	EXPECT_EQ(rig.get<uint32_t>(64), 4u + mica_unit_table[MICA_UNIT_VMEM].latency);
}

TEST(CuControl, CounterHoldsAtMostMaxOutstandingOperations)
{
	Rig rig(1, 1);
	Asm p;
	p.nop(3);
	for (unsigned i = 0; i < MICA_WAITCNT_NOWAIT + 1; i++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(1));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(10));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(2), S(10));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(2), 64);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	// The 64th store waits until the first (issued at cycle 4) has completed.
	EXPECT_EQ(rig.get<uint32_t>(64), 4u + mica_unit_table[MICA_UNIT_VMEM].latency + 1);
	EXPECT_GT(r.stall_cycles, 0u);
}
