// SPDX-License-Identifier: MIT
// The pipeline model against every hazard and erratum of mica.toml: a violating sequence is
// reported by checked mode (rule, operand, distances) and shows a stale value in faithful mode;
// correctly spaced sequences pass; rules limited to a revision or power profile do not fire
// elsewhere. Distances come from the generated tables, never from numbers in this file.
#include <algorithm>
#include <gtest/gtest.h>

#include "cu_test_support.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Pads so that the next instruction issues 'distance' cycles after the previous one.
void space(Asm &p, unsigned distance)
{
	if (distance >= 2)
		p.nop(distance - 2);
}

uint32_t field(uint32_t info, unsigned shift, unsigned bits) { return (info >> shift) & ((1u << bits) - 1); }

struct Expect {
	uint8_t hazard;
	unsigned reg;
	unsigned required, actual;
};

void expect_hazard_fault(const DispatchResult &r, const Expect &e, const std::string &text)
{
	ASSERT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
	EXPECT_EQ(field(r.fault_info, 0, 8), e.hazard) << r.report;
	EXPECT_EQ(field(r.fault_info, 8, 9), e.reg) << r.report;
	EXPECT_EQ(field(r.fault_info, 17, 7), e.required) << r.report;
	EXPECT_EQ(field(r.fault_info, 24, 8), e.actual) << r.report;
	EXPECT_NE(r.report.find(std::string("rule ") + mica_hazard_name[e.hazard]), std::string::npos) << r.report;
	EXPECT_NE(r.report.find(text), std::string::npos) << r.report;
	EXPECT_GE(r.hazard_violations, 1u);
}

// Stores v[reg] of lane 0 to data + off (EXEC must include lane 0).
void store(Asm &p, unsigned reg, int32_t off)
{
	unsigned clear = 0; // clear of every ALU latency
	for (unsigned u = 0; u < MICA_UNIT_COUNT; u++)
		if (!mica_unit_table[u].counter)
			clear = std::max<unsigned>(clear, std::max(mica_unit_table[u].latency, mica_unit_table[u].lowpower_latency));
	p.nop(clear);
	p.alu(MICA_OP_V_MOV_B32, V(250), K(0));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(250), S(0), V(reg), off);
}

unsigned latency(unsigned unit) { return mica_unit_table[unit].latency; }

struct LongCase {
	unsigned op, unit;
	bool wide; // 64-bit destination
};
const LongCase kLong[] = {
	{MICA_OP_V_MUL_LO_U32, MICA_UNIT_VMUL, false},
	{MICA_OP_V_DIV_U32, MICA_UNIT_VDIV, false},
	{MICA_OP_V_ADD_U64, MICA_UNIT_V64, true},
	{MICA_OP_V_RCP_F32, MICA_UNIT_VTRANS, false},
};

// v7 = 1 (old), then the long op writes v7 = 6 (mul 2*3, div 12/2, add 2+4 (low half), rcp...)
void long_producer(Asm &p, const LongCase &c)
{
	p.alu(MICA_OP_V_MOV_B32, V(7), K(1));
	p.alu(MICA_OP_V_MOV_B32, V(8), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(2), K(2));
	p.alu(MICA_OP_V_MOV_B32, V(3), K(0));
	p.nop(2);
	switch (c.op) {
	case MICA_OP_V_MUL_LO_U32: p.alu(c.op, V(7), V(2), K(3)); break;
	case MICA_OP_V_DIV_U32: p.alu(c.op, V(7), K(12), V(2)); break;
	case MICA_OP_V_ADD_U64: p.alu(MICA_OP_V_MOV_B32, V(6), K(0)); p.nop(1); p.alu(c.op, V(6), V(2), K(4)); break;
	default: p.alu(c.op, V(7), Opnd{MICA_OPND_FLOAT_FIRST + 0, 0}); break; // rcp(0.5) = 2.0
	}
}
uint32_t long_result(const LongCase &c)
{
	if (c.op == MICA_OP_V_RCP_F32)
		return 0x40000000u;
	return c.op == MICA_OP_V_ADD_U64 ? 0u : 6u; // add_u64 writes v7 = high half 0
}

} // namespace

class HazardProfiles : public testing::TestWithParam<std::tuple<uint32_t, uint32_t>> {
protected:
	void configure(Rig &rig, bool checked)
	{
		rig.st.revision = std::get<0>(GetParam());
		rig.st.power_profile = std::get<1>(GetParam());
		rig.st.checked = checked;
	}
	bool lowpower() const { return std::get<1>(GetParam()) == MICA_PROFILE_LOWPOWER; }
};

TEST_P(HazardProfiles, ValuLongRaw)
{
	for (const LongCase &c : kLong) {
		SCOPED_TRACE(mica_op_lookup(c.op)->name);
		const unsigned lat = latency(c.unit);
		for (unsigned d = 1; d <= lat; d++) {
			Asm p;
			long_producer(p, c);
			space(p, d);
			const size_t at = p.size_bytes();
			p.alu(MICA_OP_V_ADD_U32, V(9), V(7), K(0));
			store(p, 9, 0);
			p.end();
			for (bool checked : {false, true}) {
				Rig rig;
				configure(rig, checked);
				DispatchResult r = rig.run(p);
				SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
				if (d < lat && checked) {
					expect_hazard_fault(r, {MICA_HAZARD_VALU_LONG_RAW, 7, lat, d},
					                    "v7 read at distance " + std::to_string(d) + ", requires " + std::to_string(lat));
					EXPECT_EQ(r.fault_pc, Rig::kCode + at);
				} else if (d < lat) {
					ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
					EXPECT_EQ(rig.get<uint32_t>(0), 1u) << "stale value expected";
					EXPECT_GE(r.hazard_violations, 1u);
				} else {
					ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
					EXPECT_EQ(rig.get<uint32_t>(0), long_result(c));
					EXPECT_EQ(r.hazard_violations, 0u);
				}
			}
		}
	}
}

TEST_P(HazardProfiles, ValuLongRawThroughMaskAndBranch)
{
	// A 64-bit compare (v64 unit) writes VCC; a branch on it too early sees the old VCC.
	const unsigned lat = latency(MICA_UNIT_V64);
	for (unsigned d = 1; d <= lat; d++) {
		Asm p;
		int taken = p.label();
		p.alu(MICA_OP_V_MOV_B32, V(9), K(1));
		p.alu(MICA_OP_V_CMP_EQ_U64, VCC, K(0), K(0)); // all lanes: VCC != 0
		space(p, d);
		p.branch(MICA_OP_S_CBRANCH_VCCNZ, taken);
		p.alu(MICA_OP_V_MOV_B32, V(9), K(2));
		p.bind(taken);
		store(p, 9, 0);
		p.end();
		for (bool checked : {false, true}) {
			Rig rig;
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
			if (d < lat && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_VALU_LONG_RAW, MICA_OPND_VCC, lat, d}, "vcc read");
			} else {
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				EXPECT_EQ(rig.get<uint32_t>(0), d < lat ? 2u : 1u);
			}
		}
	}
}

TEST_P(HazardProfiles, ValuLongWaw)
{
	for (const LongCase &c : kLong) {
		if (c.wide)
			continue;
		SCOPED_TRACE(mica_op_lookup(c.op)->name);
		const unsigned lat = latency(c.unit);
		for (unsigned d : {1u, lat - 1, lat}) {
			Asm p;
			long_producer(p, c);
			space(p, d);
			const size_t at = p.size_bytes();
			p.alu(MICA_OP_V_MOV_B32, V(7), L(0x55));
			store(p, 7, 0);
			p.end();
			for (bool checked : {false, true}) {
				Rig rig;
				configure(rig, checked);
				DispatchResult r = rig.run(p);
				SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
				if (d < lat && checked) {
					expect_hazard_fault(r, {MICA_HAZARD_VALU_LONG_WAW, 7, lat, d}, "v7 written at distance");
					EXPECT_EQ(r.fault_pc, Rig::kCode + at);
				} else {
					ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
					// Too early, the long result lands last and clobbers the younger write.
					EXPECT_EQ(rig.get<uint32_t>(0), d < lat ? long_result(c) : 0x55u);
					EXPECT_EQ(r.hazard_violations, d < lat ? 1u : 0u);
				}
			}
		}
	}
}

TEST_P(HazardProfiles, MemResultVector)
{
	for (unsigned variant = 0; variant < 5; variant++) {
		// 0: read before any wait; 1: read after a wait that does not cover it;
		// 2: write before the load lands; 3: correctly waited; 4: waited by an s_fence (it waits
		// for every counter: the compiler emits no s_waitcnt before a fence and relies on this)
		Rig rig;
		rig.put<uint32_t>(64, 0xabc);
		rig.put<uint32_t>(68, 0xdef);
		Asm p;
		p.alu(MICA_OP_V_MOV_B32, V(7), K(1));
		p.alu(MICA_OP_V_MOV_B32, V(10), L(64));
		p.nop(4);
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(7), V(10), S(0), NONE);
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(8), V(10), S(0), NONE, 4);
		size_t at = 0;
		if (variant == 0) {
			at = p.size_bytes();
			p.alu(MICA_OP_V_ADD_U32, V(9), V(7), K(0));
		} else if (variant == 1) {
			p.waitcnt(1, 63); // covers the first load only
			p.alu(MICA_OP_V_ADD_U32, V(9), V(7), K(0));
			at = p.size_bytes();
			p.alu(MICA_OP_V_ADD_U32, V(9), V(8), K(0));
		} else if (variant == 2) {
			at = p.size_bytes();
			p.alu(MICA_OP_V_MOV_B32, V(7), K(5));
			p.wait_all();
			p.alu(MICA_OP_V_MOV_B32, V(9), V(7));
		} else {
			if (variant == 3)
				p.wait_all();
			else
				p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_WORKGROUP);
			p.alu(MICA_OP_V_ADD_U32, V(9), V(8), V(7));
		}
		store(p, 9, 0);
		p.end();
		for (bool checked : {false, true}) {
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			SCOPED_TRACE(testing::Message() << "variant " << variant << (checked ? " checked" : " faithful"));
			if (variant < 3 && checked) {
				const unsigned reg = variant == 1 ? 8 : 7;
				expect_hazard_fault(r, {MICA_HAZARD_MEM_RESULT, reg, latency(MICA_UNIT_VMEM),
				                        variant == 1 ? latency(MICA_UNIT_VMEM) : 2u},
				                    variant == 2 ? "v7 written" : "read");
				EXPECT_EQ(r.fault_pc, Rig::kCode + at);
				continue;
			}
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			// variant 1: loads complete in order, so once the first is waited for the second has
			// landed one cycle later: silicon reads the new value, but the rule is still broken.
			const uint32_t expect[5] = {1u, 0xdefu, 0xabcu /* the load lands last */, 0xabcu + 0xdefu, 0xabcu + 0xdefu};
			EXPECT_EQ(rig.get<uint32_t>(0), expect[variant]);
			EXPECT_EQ(r.hazard_violations, variant < 3 ? 1u : 0u);
		}
	}
}

TEST_P(HazardProfiles, MemResultScalarLoad)
{
	Rig rig;
	rig.put<uint32_t>(0, 0x77);
	for (bool waited : {false, true}) {
		Asm p;
		p.alu(MICA_OP_S_MOV_B32, S(20), K(3));
		p.nop(3);
		p.mem(MICA_OP_S_LOAD_B32, S(20), NONE, S(0), NONE);
		if (waited)
			p.waitcnt(63, 0);
		p.alu(MICA_OP_S_ADD_U32, S(21), S(20), K(0));
		p.nop(1);
		p.alu(MICA_OP_V_MOV_B32, V(9), S(21));
		store(p, 9, 8);
		p.end();
		for (bool checked : {false, true}) {
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			if (!waited && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_MEM_RESULT, MICA_OPND_SGPR_FIRST + 20, latency(MICA_UNIT_SMEM), 1},
				                    "s20 read at distance 1");
				continue;
			}
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			EXPECT_EQ(rig.get<uint32_t>(8), waited ? 0x77u : 3u);
		}
	}
}

TEST_P(HazardProfiles, SaluValuForward)
{
	const unsigned dist = MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
	for (unsigned d = 1; d <= dist; d++) {
		Asm p;
		p.alu(MICA_OP_S_MOV_B32, S(5), K(1));
		p.nop(2);
		p.alu(MICA_OP_S_MOV_B32, S(5), K(9));
		space(p, d);
		const size_t at = p.size_bytes();
		p.alu(MICA_OP_V_MOV_B32, V(9), S(5));
		p.alu(MICA_OP_S_ADD_U32, S(6), S(5), K(0)); // the scalar path sees it at once
		store(p, 9, 0);
		p.alu(MICA_OP_V_MOV_B32, V(9), S(6));
		store(p, 9, 4);
		p.end();
		for (bool checked : {false, true}) {
			Rig rig;
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
			if (d < dist && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_SALU_VALU_FORWARD, MICA_OPND_SGPR_FIRST + 5, dist, d},
				                    "s5 read at distance 1, requires 2");
				EXPECT_EQ(r.fault_pc, Rig::kCode + at);
			} else {
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				EXPECT_EQ(rig.get<uint32_t>(0), d < dist ? 1u : 9u);
				EXPECT_EQ(rig.get<uint32_t>(4), 9u);
				EXPECT_EQ(r.hazard_violations, d < dist ? 1u : 0u);
			}
		}
	}
}

TEST_P(HazardProfiles, SaluValuForwardImplicitExec)
{
	for (unsigned d = 1; d <= MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE; d++) {
		Asm p;
		p.alu(MICA_OP_V_MOV_B32, V(9), K(0));
		p.alu(MICA_OP_S_MOV_B32, EXEC, K(1)); // only lane 0
		space(p, d);
		p.alu(MICA_OP_V_MOV_B32, V(9), K(7));
		p.alu(MICA_OP_S_MOV_B32, EXEC, K(-1));
		p.nop(1);
		p.alu(MICA_OP_V_SHL_B32, V(250), LANE, K(2));
		p.nop(8);
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(250), S(0), V(9));
		p.end();
		for (bool checked : {false, true}) {
			Rig rig;
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			const bool early = d < MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
			if (early && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_SALU_VALU_FORWARD, MICA_OPND_EXEC, 2, 1}, "exec read");
				continue;
			}
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			// Early, the VALU still sees the old (full) EXEC: every lane is written.
			EXPECT_EQ(rig.get<uint32_t>(4 * 5), early ? 7u : 0u);
			EXPECT_EQ(rig.get<uint32_t>(0), 7u);
		}
	}
}

TEST_P(HazardProfiles, LpValuForward)
{
	const unsigned dist = MICA_HAZARD_LP_VALU_FORWARD_DISTANCE;
	for (unsigned d = 1; d <= dist; d++) {
		Asm p;
		p.alu(MICA_OP_V_MOV_B32, V(7), K(1));
		p.nop(4);
		p.alu(MICA_OP_V_ADD_U32, V(7), V(7), K(5));
		space(p, d);
		const size_t at = p.size_bytes();
		p.alu(MICA_OP_V_ADD_U32, V(9), V(7), K(0));
		store(p, 9, 0);
		p.end();
		for (bool checked : {false, true}) {
			Rig rig;
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			const bool fires = lowpower() && d < dist;
			SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
			if (fires && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_LP_VALU_FORWARD, 7, dist, d}, "v7 read at distance 1, requires 2");
				EXPECT_EQ(r.fault_pc, Rig::kCode + at);
			} else {
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				EXPECT_EQ(rig.get<uint32_t>(0), fires ? 1u : 6u);
				EXPECT_EQ(r.hazard_violations, fires ? 1u : 0u);
			}
		}
	}
}

TEST_P(HazardProfiles, R1VccBranch)
{
	const bool r1 = std::get<0>(GetParam()) == MICA_REV_R1;
	const unsigned dist = MICA_HAZARD_R1_VCC_BRANCH_DISTANCE;
	for (unsigned d = 1; d <= dist; d++) {
		Asm p;
		int taken = p.label();
		p.alu(MICA_OP_V_MOV_B32, V(9), K(1));
		p.alu(MICA_OP_V_CMP_EQ_U32, VCC, LANE, LANE); // VCC: all lanes (was 0)
		space(p, d);
		const size_t at = p.size_bytes();
		p.branch(MICA_OP_S_CBRANCH_VCCNZ, taken);
		p.alu(MICA_OP_V_MOV_B32, V(9), K(2));
		p.bind(taken);
		store(p, 9, 0);
		p.end();
		for (bool checked : {false, true}) {
			Rig rig;
			configure(rig, checked);
			DispatchResult r = rig.run(p);
			// In lowpower every consumer also needs distance 2 (LP_VALU_FORWARD wins at d=1
			// when it is the larger requirement only on r2).
			const bool lp_fires = lowpower() && d < MICA_HAZARD_LP_VALU_FORWARD_DISTANCE;
			const bool fires = (r1 && d < dist) || lp_fires;
			SCOPED_TRACE(testing::Message() << "distance " << d << (checked ? " checked" : " faithful"));
			if (fires && checked) {
				if (r1)
					expect_hazard_fault(r, {MICA_HAZARD_R1_VCC_BRANCH, MICA_OPND_VCC, dist, d}, "vcc read at distance");
				else
					expect_hazard_fault(r, {MICA_HAZARD_LP_VALU_FORWARD, MICA_OPND_VCC, 2, d}, "vcc read");
				EXPECT_EQ(r.fault_pc, Rig::kCode + at);
			} else {
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				EXPECT_EQ(rig.get<uint32_t>(0), fires ? 2u : 1u) << "branch saw the " << (fires ? "old" : "new") << " VCC";
			}
		}
	}
}

TEST_P(HazardProfiles, SecWaveStartTlb)
{
	// Context 2 maps the same VAs with different contents; it runs first on the CU.
	constexpr uint32_t kOther = 2;
	for (unsigned variant = 0; variant < 3; variant++) {
		// 0: global load at launch; 1: s_load at launch; 2: spaced by s_nop 3
		for (bool checked : {false, true}) {
			Rig rig(1, 1);
			configure(rig, checked);
			uint8_t *other_code = rig.mmu.map(kOther, Rig::kCode, Rig::kCodeBytes, kRX);
			uint8_t *other_data = rig.mmu.map(kOther, Rig::kData, 4096, kRW);
			uint32_t secret = 0x5ec7e7;
			std::memcpy(other_data, &secret, 4);
			rig.put<uint32_t>(0, 0x600d);
			Asm q;
			q.end();
			auto words = q.words();
			std::memcpy(other_code, words.data(), words.size() * 8);
			DispatchState other = rig.st;
			other.ctx = kOther;
			other.checked = false;
			ASSERT_EQ(rig.engine->run(other).fault, MICA_FAULT_NONE);

			Asm p;
			if (variant == 2)
				p.nop(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - 1);
			if (variant == 1) {
				p.mem(MICA_OP_S_LOAD_B32, S(20), NONE, S(0), NONE);
				p.waitcnt(63, 0);
				p.alu(MICA_OP_V_MOV_B32, V(9), S(20));
			} else {
				p.mem(MICA_OP_GLOBAL_LOAD_B32, V(9), V(100), S(0), NONE); // v100 = 0
				p.wait_all();
			}
			store(p, 9, 16);
			p.end();
			DispatchResult r = rig.run(p);
			SCOPED_TRACE(testing::Message() << "variant " << variant << (checked ? " checked" : " faithful"));
			if (variant < 2 && checked) {
				expect_hazard_fault(r, {MICA_HAZARD_SEC_WAVE_START_TLB, variant == 1 ? MICA_OPND_SGPR_FIRST : 100u,
				                        MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE, 0},
				                    "memory access at distance 0 from wave launch, requires 4");
				EXPECT_EQ(r.fault_pc, Rig::kCode);
				continue;
			}
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			// The erratum: the access went to the previous context's memory.
			EXPECT_EQ(rig.get<uint32_t>(16), variant < 2 ? secret : 0x600du);
			EXPECT_EQ(r.hazard_violations, variant < 2 ? 1u : 0u);
			// The next dispatch of the same context on that CU is translated correctly even
			// if it is early (the previous context is now its own), but still counted.
			if (variant < 2) {
				rig.put<uint32_t>(16, 0);
				r = rig.run(p);
				ASSERT_EQ(r.fault, MICA_FAULT_NONE);
				EXPECT_EQ(rig.get<uint32_t>(16), 0x600du);
				EXPECT_EQ(r.hazard_violations, 1u);
			}
		}
	}
}

INSTANTIATE_TEST_SUITE_P(AllRevisionsAndProfiles, HazardProfiles,
                         testing::Combine(testing::Values(MICA_REV_R1, MICA_REV_R2),
                                          testing::Values(MICA_PROFILE_PERF, MICA_PROFILE_LOWPOWER)),
                         [](const testing::TestParamInfo<HazardProfiles::ParamType> &pi) {
	                         return std::string(std::get<0>(pi.param) == MICA_REV_R1 ? "r1" : "r2") + "_" +
	                                (std::get<1>(pi.param) == MICA_PROFILE_LOWPOWER ? "lowpower" : "perf");
                         });

TEST(CuHazards, CheckedModeStopsTheDispatchButFaithfulCountsAll)
{
	Rig rig(2, 1);
	rig.st.groups[0] = 4;
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(5), K(1));
	p.alu(MICA_OP_V_MOV_B32, V(9), S(5)); // violation in every wave
	p.alu(MICA_OP_S_MOV_B32, S(6), K(1));
	p.alu(MICA_OP_V_MOV_B32, V(9), S(6)); // and again
	p.end();
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE);
	EXPECT_EQ(r.hazard_violations, 8u);
	rig.st.checked = true;
	r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_HAZARD);
	EXPECT_EQ(r.fault_pc, Rig::kCode + 8);
	EXPECT_LT(r.instructions, 4u * 5u);
}
