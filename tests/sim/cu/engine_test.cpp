// SPDX-License-Identifier: MIT
// Engine-level behaviour: workgroup-to-CU scheduling, cycle accounting, counters, the first
// fault by workgroup order, and identical results for 1 and 2 host threads.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cu_test_support.h"
#include "env_switch.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// A mixed program: per-invocation ALU work with a data-dependent loop, shared memory, a
// barrier, global loads/stores and atomics. Writes one word per invocation.
Asm mixed_program()
{
	Asm p;
	int top = p.label();
	// global invocation index g = wg * 64 + local id
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(64));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(0), S(20));
	p.alu(MICA_OP_V_AND_B32, V(11), V(10), K(7));        // loop count 0..7 (divergent)
	p.alu(MICA_OP_V_MOV_B32, V(12), V(10));
	p.bind(top);
	p.alu(MICA_OP_V_CMP_GT_U32, VCC, V(11), K(0));
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(30), VCC);
	p.nop(1);
	int done = p.label();
	p.branch(MICA_OP_S_CBRANCH_EXECZ, done);
	p.alu(MICA_OP_V_MUL_LO_U32, V(12), V(12), L(1103515245));
	p.nop(3);
	p.alu(MICA_OP_V_ADD_U32, V(12), V(12), L(12345));
	p.alu(MICA_OP_V_SUB_U32, V(11), V(11), K(1));
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(30));
	p.nop(1);
	p.branch(MICA_OP_S_BRANCH, top);
	p.bind(done);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(30));
	p.nop(1);
	// shared: store, barrier, read the neighbour's value
	p.alu(MICA_OP_V_SHL_B32, V(13), V(0), K(2));
	p.nop(0);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(13), NONE, V(12));
	p.waitcnt(63, 0);
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_V_XOR_B32, V(14), V(13), K(4));
	p.nop(0);
	p.mem(MICA_OP_DS_LOAD_B32, V(15), V(14), NONE, NONE);
	p.waitcnt(63, 0);
	p.alu(MICA_OP_V_XOR_B32, V(16), V(15), V(12));
	p.alu(MICA_OP_V_SHL_B32, V(17), V(10), K(2));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(17), S(0), V(16), 256);
	p.alu(MICA_OP_V_MOV_B32, V(18), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(19), K(1));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, NONE, V(18), S(0), V(19));
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_DEVICE);
	p.end();
	return p;
}

// Runs the mixed program 'dispatches' times on one engine (the atomic counter goes on counting;
// the per-invocation words are rewritten with the same values); out gets the last run's words.
DispatchResult run_mixed(unsigned cus, unsigned threads, std::vector<uint32_t> *out, uint32_t groups = 24,
                         unsigned dispatches = 1)
{
	Rig rig(cus, threads);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = groups;
	rig.st.shared_bytes = 256;
	DispatchResult r;
	for (unsigned i = 0; i < dispatches; i++)
		r = rig.run(mixed_program());
	out->resize(groups * 64 + 1);
	(*out)[0] = rig.get<uint32_t>(0);
	for (unsigned i = 0; i < groups * 64; i++)
		(*out)[i + 1] = rig.get<uint32_t>(256 + 4 * i);
	return r;
}

} // namespace

TEST(CuEngine, IdenticalResultsForOneAndTwoHostThreads)
{
	std::vector<uint32_t> a, b;
	DispatchResult r1 = run_mixed(4, 1, &a);
	DispatchResult r2 = run_mixed(4, 2, &b);
	ASSERT_EQ(r1.fault, MICA_FAULT_NONE) << r1.report;
	ASSERT_EQ(r2.fault, MICA_FAULT_NONE) << r2.report;
	EXPECT_EQ(a, b);
	EXPECT_EQ(a[0], 24u * 64u);
	EXPECT_EQ(r1.cycles, r2.cycles);
	EXPECT_EQ(r1.instructions, r2.instructions);
	EXPECT_EQ(r1.lane_instructions, r2.lane_instructions);
	EXPECT_EQ(r1.mem_ops, r2.mem_ops);
	EXPECT_EQ(r1.stall_cycles, r2.stall_cycles);
	EXPECT_EQ(r1.waves, 48u);
	EXPECT_EQ(r1.hazard_violations, 0u);
	// Spot-check the computation for invocation g: x = g; (g & 7) LCG steps; xor with neighbour.
	auto lcg = [](uint32_t g) {
		uint32_t x = g;
		for (uint32_t k = 0; k < (g & 7); k++)
			x = x * 1103515245u + 12345u;
		return x;
	};
	for (uint32_t g : {0u, 1u, 77u, 1000u, 24u * 64 - 1}) {
		uint32_t n = (g & ~63u) | ((g & 63u) ^ 1u);
		EXPECT_EQ(a[g + 1], lcg(g) ^ lcg(n)) << g;
	}
	// More compute units finish sooner; the result is the same.
	std::vector<uint32_t> c;
	DispatchResult r3 = run_mixed(1, 1, &c);
	EXPECT_EQ(a, c);
	EXPECT_GT(r3.cycles, r1.cycles);
}

// Dispatches large enough for the host thread pool (4096 invocations and more): compute units
// are claimed by whichever thread is free and a helper that wakes late skips the round, so
// which thread runs a CU varies from run to run; results and counters must not.
TEST(CuEngine, IdenticalResultsWhenHostThreadsClaimComputeUnits)
{
	constexpr uint32_t kGroups = 96; // 6144 invocations
	constexpr unsigned kDispatches = 6;
	std::vector<uint32_t> ref;
	const DispatchResult r1 = run_mixed(3, 1, &ref, kGroups, kDispatches);
	ASSERT_EQ(r1.fault, MICA_FAULT_NONE) << r1.report;
	EXPECT_EQ(ref[0], kDispatches * kGroups * 64u);
	for (unsigned threads : {2u, 3u, 8u}) {
		std::vector<uint32_t> got;
		const DispatchResult r = run_mixed(3, threads, &got, kGroups, kDispatches);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		EXPECT_EQ(got, ref) << threads << " threads";
		EXPECT_EQ(r.cycles, r1.cycles) << threads << " threads";
		EXPECT_EQ(r.instructions, r1.instructions);
		EXPECT_EQ(r.lane_instructions, r1.lane_instructions);
		EXPECT_EQ(r.mem_ops, r1.mem_ops);
		EXPECT_EQ(r.stall_cycles, r1.stall_cycles);
		EXPECT_EQ(r.waves, kGroups * 2u);
	}
}

TEST(CuEngine, CyclesAreTheLongestComputeUnitTimeline)
{
	Rig rig(2, 2);
	rig.st.groups[0] = 5; // CU0 runs 3 workgroups, CU1 runs 2
	Asm p;
	p.nop(99); // 100 cycles
	p.end();   // 1
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.cycles, 3u * 101u);
	EXPECT_EQ(r.instructions, 10u);
	EXPECT_EQ(r.waves, 5u);
}

TEST(CuEngine, FirstFaultByWorkgroupOrderIsReported)
{
	for (unsigned threads : {1u, 2u}) {
		Rig rig(3, threads);
		rig.st.groups[0] = 12;
		Asm p;
		// Workgroups 4 and 7 read an unmapped address derived from their id.
		int ok = p.label();
		p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(16), K(4));
		p.alu(MICA_OP_S_CSELECT_B32, S(21), K(1), K(0));
		p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(16), K(7));
		p.alu(MICA_OP_S_CSELECT_B32, S(22), K(1), K(0));
		p.alu(MICA_OP_S_OR_B32, S(23), S(21), S(22));
		p.branch(MICA_OP_S_CBRANCH_SCC0, ok);
		p.alu(MICA_OP_S_MUL_U32, S(24), S(16), L(0x1000));
		p.alu(MICA_OP_S_MOV_B32, S(25), K(16)); // VA 0x10_0000_0000 + id * 4096: unmapped
		p.nop(1);
		p.mem(MICA_OP_S_LOAD_B32, S(30), NONE, S(24), NONE);
		p.bind(ok);
		p.nop(200);
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << threads;
		EXPECT_EQ(r.fault_addr, (16ull << 32) + 4 * 0x1000) << threads;
		EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_READ));
	}
}

TEST(CuEngine, CountersAreFilled)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 48; // second wave half full
	Asm p;
	p.alu(MICA_OP_V_ADD_U32, V(1), V(0), K(1));
	p.alu(MICA_OP_S_ADD_U32, S(40), S(40), K(1));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(2), V(4), S(0), NONE);
	p.wait_all();
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.waves, 2u);
	EXPECT_EQ(r.instructions, 12u);
	EXPECT_EQ(r.mem_ops, 2u);
	// VALU and vector memory count active lanes, scalar instructions one each (nop/wait/end
	// count none).
	EXPECT_EQ(r.lane_instructions, (32u + 16u) * 2 + 2);
	EXPECT_GE(r.stall_cycles, 2u * (mica_unit_table[MICA_UNIT_VMEM].latency - 2));
	EXPECT_GE(r.cycles, mica_unit_table[MICA_UNIT_VMEM].latency);
}

// The polling budgets (MICA_SIM_HELPER_SPIN_US, MICA_SIM_IDLE_SPIN_US, MICA_SIM_BORROW_GRACE_US) are
// read by env_duration_ns: whole microseconds from 0 to one second, in nanoseconds; anything else
// (unset, empty, negative, past a second, trailing text) keeps the default.
TEST(EnvDuration, MicrosecondsUpToASecondElseTheDefault)
{
	const char *name = "MICA_TEST_ENV_DURATION_US";
	unsetenv(name);
	EXPECT_EQ(mica::sim::cu::env_duration_ns(name, 7), 7);
	const struct {
		const char *text;
		int64_t ns;
	} cases[] = {{"300", 300'000}, {"0", 0},  {"1000000", 1'000'000'000}, {"1000001", 7}, {"-5", 7}, {"", 7},
		     {"12abc", 7},     {"abc", 7}};
	for (const auto &c : cases) {
		setenv(name, c.text, 1);
		EXPECT_EQ(mica::sim::cu::env_duration_ns(name, 7), c.ns) << '"' << c.text << '"';
	}
	unsetenv(name);
}
