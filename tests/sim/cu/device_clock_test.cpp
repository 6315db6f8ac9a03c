// SPDX-License-Identifier: MIT
// s_timestamp_b64, the device clock (docs/hw/isa.md): the dispatch's start TIMESTAMP plus the
// compute unit's elapsed cycles plus the wave's issue cycle; one clock across compute units,
// increasing within a wave and from one workgroup of a compute unit to the next, within the
// dispatch's duration; the same values from the interpreter and the JIT; the SGPR pair follows
// the SALU_VALU_FORWARD rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Just below 2^32: the dispatch's reads carry into the high half.
constexpr uint64_t kStart = 0xfffffff0ull;
constexpr uint32_t kRecord = 32; // bytes per wave: t0, cycle, t1, pad

// Every wave: t0 = s_timestamp_b64 at its first cycle, CYCLE_LO/HI right after, a loop of
// (workgroup id + 1) iterations, t1 = s_timestamp_b64; lane 0's record at
// (workgroup * waves + wave) * kRecord.
Asm clock_program(uint32_t waves_per_group)
{
	Asm p;
	int top = p.label();
	p.ctrl(MICA_OP_S_TIMESTAMP_B64, 0, S(30));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_LO, S(32));
	p.ctrl(MICA_OP_S_GETREG_B32, MICA_HWREG_CYCLE_HI, S(33));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(1));
	p.bind(top);
	p.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.ctrl(MICA_OP_S_TIMESTAMP_B64, 0, S(34));
	p.alu(MICA_OP_S_MUL_U32, S(40), S(MICA_ABI_S_WORKGROUP_ID_X), L(waves_per_group));
	p.alu(MICA_OP_S_ADD_U32, S(40), S(40), S(MICA_ABI_S_WAVE_IN_GROUP));
	p.alu(MICA_OP_S_MUL_U32, S(40), S(40), L(kRecord));
	p.nop(2);
	for (unsigned k = 0; k < 6; k++)
		p.alu(MICA_OP_V_MOV_B32, V(12 + k), S(30 + k));
	p.alu(MICA_OP_V_MOV_B32, V(20), S(40));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(20), S(0), V(12));
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(20), S(0), V(16), 16);
	p.end();
	return p;
}

struct Record {
	uint64_t t0, cycle, t1;
};

Record record(const Rig &rig, uint32_t index)
{
	const size_t o = size_t(index) * kRecord;
	return {rig.get<uint64_t>(o), rig.get<uint64_t>(o + 8), rig.get<uint64_t>(o + 16)};
}

} // namespace

TEST(CuDeviceClock, StartPlusTheComputeUnitsTime)
{
	constexpr uint32_t kCus = 2, kGroups = 6, kWaves = 2;
	Rig rig(kCus, 1);
	rig.st.wg_size[0] = 32 * kWaves;
	rig.st.groups[0] = kGroups;
	rig.st.start_timestamp = kStart;
	DispatchResult r = rig.run(clock_program(kWaves));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (uint32_t g = 0; g < kGroups; g++)
		for (uint32_t w = 0; w < kWaves; w++) {
			SCOPED_TRACE(testing::Message() << "workgroup " << g << " wave " << w);
			const Record a = record(rig, g * kWaves + w);
			// CYCLE_LO/HI (the compute unit's time) are read one and two cycles after t0; the
			// low half does not wrap in this short dispatch.
			EXPECT_EQ(a.t0, kStart + a.cycle - 1);
			EXPECT_GT(a.t1, a.t0 + 3 * (g + 1)); // the loop's 3 instructions per iteration
			EXPECT_GE(a.t0, kStart);
			EXPECT_LE(a.t1, kStart + r.cycles);
			if (g < kCus) { // the first workgroup of each compute unit starts with the dispatch
				EXPECT_EQ(a.t0, kStart);
			} else { // the same compute unit's previous workgroup read earlier values
				for (uint32_t v = 0; v < kWaves; v++) {
					EXPECT_GT(a.t0, record(rig, (g - kCus) * kWaves + v).t1);
				}
			}
		}
	// Some read carried into the high half (the pair is read as one 64-bit value).
	EXPECT_GT(record(rig, (kGroups - 1) * kWaves).t1 >> 32, 0u);
}

// The interpreter and the translated code read the same values (the JIT calls the
// interpreter's semantics for this instruction; its cycle and the compute unit's time must agree).
TEST(CuDeviceClock, InterpreterAndJitAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(clock_program(2), 320, [](Rig &rig) { rig.st.start_timestamp = kStart; });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	uint64_t last = 0;
	for (uint32_t i = 0; i < 320 * 2; i++) {
		uint64_t t1;
		std::memcpy(&t1, c.jit_data.data() + size_t(i) * kRecord + 16, 8);
		last = std::max(last, t1);
	}
	EXPECT_GT(last, kStart);
	EXPECT_LE(last, kStart + c.jit.cycles);
}

// The pair is an SGPR result of the ctrl unit: a VALU reading it at distance 1 breaks
// SALU_VALU_FORWARD (checked mode faults; faithful mode reads the previous value).
TEST(CuDeviceClock, ValuReadFollowsSaluValuForward)
{
	for (bool checked : {false, true}) {
		SCOPED_TRACE(checked ? "checked" : "faithful");
		Rig rig;
		rig.st.checked = checked;
		rig.st.start_timestamp = kStart;
		Asm p;
		p.alu(MICA_OP_S_MOV_B32, S(4), L(0x5a5a5a5a));
		p.nop(2);
		p.ctrl(MICA_OP_S_TIMESTAMP_B64, 0, S(4));
		const size_t at = p.size_bytes();
		p.alu(MICA_OP_V_MOV_B32, V(10), S(4));
		p.alu(MICA_OP_V_MOV_B32, V(11), S(4)); // distance 2: the new value
		p.alu(MICA_OP_V_MOV_B32, V(8), K(0));
		p.nop(2);
		p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(8), S(0), V(10));
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.hazard_violations, 1u);
		if (checked) {
			ASSERT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
			EXPECT_EQ(r.fault_pc, Rig::kCode + at);
			EXPECT_NE(r.report.find("SALU_VALU_FORWARD"), std::string::npos) << r.report;
		} else {
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			EXPECT_EQ(rig.get<uint32_t>(0), 0x5a5a5a5au);
			EXPECT_EQ(rig.get<uint32_t>(4), static_cast<uint32_t>(kStart + 4)); // issued in cycle 4 (s_nop 2 takes 3)
		}
	}
}
