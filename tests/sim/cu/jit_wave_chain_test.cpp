// SPDX-License-Identifier: MIT
// Wave chains (Worker::chain_next, jit/wave_chain.h): a program whose waves always end within
// their first scheduling quantum and that has no barrier runs a compute unit's waves one after
// another in one Wave object, the translated code launching the next wave at s_endpgm. That must
// be invisible: every result, fault field, cycle and counter equals the interpreter's, which runs
// the scheduler's round-robin over a Wave object per slot. The cases are where the chain does
// something the scheduler does differently: wave slots whose local-ID rows differ in X, Y or Z
// (one object holds each slot's rows in turn), a program that overwrites a local-ID row, the
// watchdog's limit moving with each workgroup, a fault in the last wave of a workgroup of the
// other compute unit's share, and the kill flag's instruction landing inside a chain. (Shared
// accesses' memos across a chain: jit_ds_memo_test.cpp, CuJitDsMemoKept.NotIntoTheNextWaveOfAChain.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Workgroups of 96 invocations (3 waves) in one of three shapes, on a 5 x 3 x 2 grid.
struct Shape {
	uint32_t x, y, z;
};
constexpr Shape kShapes[] = {{96, 1, 1}, {16, 6, 1}, {8, 4, 3}};
constexpr uint32_t kGroups[3] = {5, 3, 2};
constexpr uint32_t kSlice = 0x1000; // bytes of output per workgroup (96 words used)

// Per invocation one word out at data + flat group * s2 + linear local index * 4: a hash of both
// indices and the wave slot, the slot added only on lanes whose local index is below 40 (an EXEC
// mask and a branch around an empty region: waves 1 and 2 skip). User data: s2 the slice stride,
// s3/s4 the grid's X and Y sizes, s5/s6 the workgroup's X and Y sizes. 'touch_id_row': the
// program overwrites the local-ID X row (v0) and the user-data SGPR s2, which the next launch of
// the Wave object restores (launch_wave skips both when the object still holds them).
Asm chain_program(bool touch_id_row)
{
	Asm p;
	p.nop(3); // SEC_WAVE_START_TLB: no memory access in the wave's first cycles
	p.alu(MICA_OP_S_MUL_U32, S(21), S(MICA_ABI_S_WORKGROUP_ID_Z), S(4));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), S(MICA_ABI_S_WORKGROUP_ID_Y));
	p.alu(MICA_OP_S_MUL_U32, S(21), S(21), S(3));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(21), S(2));
	if (touch_id_row)
		p.alu(MICA_OP_S_ADD_U32, S(2), S(2), K(4));
	p.nop(1);
	// v_mad_u32 is the vmul unit's: its result is read 4 cycles later (VALU_LONG_RAW).
	p.alu(MICA_OP_V_MAD_U32, V(10), V(2), S(5), V(1));
	p.nop(2);
	p.alu(MICA_OP_V_MAD_U32, V(10), V(10), S(6), V(0));
	p.nop(2);
	if (touch_id_row)
		p.alu(MICA_OP_V_XOR_B32, V(0), V(0), L(0x5a5a));
	p.alu(MICA_OP_V_SHL_B32, V(11), V(10), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), S(20));
	p.alu(MICA_OP_V_MAD_U32, V(12), V(10), L(0x01000193), S(21));
	p.nop(2);
	if (touch_id_row)
		p.alu(MICA_OP_V_ADD_U32, V(12), V(12), V(0));
	p.alu(MICA_OP_V_CMP_LT_U32, VCC, V(10), L(40));
	p.nop(2);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(23), VCC);
	p.nop(2);
	const int skip = p.label();
	p.branch(MICA_OP_S_CBRANCH_EXECZ, skip);
	p.alu(MICA_OP_V_ADD_U32, V(12), V(12), S(MICA_ABI_S_WAVE_IN_GROUP));
	p.bind(skip);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(23));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(12));
	p.end();
	return p;
}

void set_up(Rig &rig, const Shape &s, uint32_t slice)
{
	rig.st.wg_size[0] = s.x;
	rig.st.wg_size[1] = s.y;
	rig.st.wg_size[2] = s.z;
	for (unsigned k = 0; k < 3; k++)
		rig.st.groups[k] = kGroups[k];
	rig.st.user_data[2] = slice;
	rig.st.user_data[3] = kGroups[0];
	rig.st.user_data[4] = kGroups[1];
	rig.st.user_data[5] = s.y;
	rig.st.user_data[6] = s.x;
}

// The program's translation is made at level 1 (the code with the chain's launch), proven
// hazard-free, and chains.
void translate(const Asm &prog)
{
	translate_at_level1(prog);
	Rig r;
	r.load(prog);
	r.st.groups[0] = 1024; // a dispatch of fewer than 1024 invocations is always interpreted
	std::shared_ptr<const cu::jit::Program> p = cu::jit::program_for(r.mmu, r.st);
	ASSERT_TRUE(p);
	EXPECT_EQ(p->level(), 1u);
	EXPECT_TRUE(p->chains());
}

// Both engines on 'prog' with shape 's' and 'extra' set up after the shape; asserts the JIT's run
// chained at least 'min_chained' waves.
template <class Extra> Compared run_chained(const Asm &prog, const Shape &s, uint64_t min_chained, Extra &&extra)
{
	const uint64_t before = cu::jit::counters().chained_launches;
	Compared c = run_both(prog, kGroups[0], [&](Rig &rig) {
		set_up(rig, s, kSlice);
		extra(rig);
	});
	EXPECT_GE(cu::jit::counters().chained_launches - before, min_chained);
	return c;
}

class CuWaveChain : public testing::Test {
protected:
	void SetUp() override
	{
		if (!cu::jit::available())
			GTEST_SKIP() << "no LLVM JIT on this host";
	}
};

TEST_F(CuWaveChain, EverySlotShapeAgreesWithTheScheduler)
{
	for (bool touch : {false, true}) {
		const Asm prog = chain_program(touch);
		translate(prog);
		for (const Shape &s : kShapes) {
			SCOPED_TRACE("shape " + std::to_string(s.x) + "x" + std::to_string(s.y) + "x" + std::to_string(s.z) +
			             (touch ? ", the X row and s2 overwritten" : ""));
			// 30 workgroups of 3 waves on 2 compute units: each chain launches all but its first.
			Compared c = run_chained(prog, s, 30 * 3 - 2, [](Rig &) {});
			ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
			expect_same(c);
			// The values are the program's, not only equal (both engines launch waves the same
			// way): every invocation's word.
			for (uint32_t flat = 0; flat < 30; flat++)
				for (uint32_t local = 0; local < 96; local++) {
					const uint32_t x = local % s.x, slot = local / 32;
					const uint32_t want = local * 0x01000193u + flat + (touch ? (x ^ 0x5a5au) : 0u) + (local < 40 ? slot : 0u);
					ASSERT_EQ(jit_word(c, flat * kSlice + local * 4), want) << "workgroup " << flat << ", invocation " << local;
				}
		}
	}
}

TEST_F(CuWaveChain, WatchdogLimitFollowsEachWorkgroup)
{
	const Asm prog = chain_program(false);
	translate(prog);
	Compared free_run = run_both(prog, kGroups[0], [](Rig &rig) { set_up(rig, kShapes[2], kSlice); });
	ASSERT_EQ(free_run.interp.fault, MICA_FAULT_NONE);
	// Limits that end the dispatch in a later workgroup of a chain, and one that never does.
	for (uint64_t limit : {free_run.interp.cycles / 2, free_run.interp.cycles * 3 / 4 + 1, free_run.interp.cycles}) {
		SCOPED_TRACE("watchdog " + std::to_string(limit));
		Compared c = run_chained(prog, kShapes[2], 1, [limit](Rig &rig) { rig.st.watchdog_cycles = limit; });
		EXPECT_EQ(c.interp.fault, limit < free_run.interp.cycles ? MICA_FAULT_WATCHDOG : MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
}

TEST_F(CuWaveChain, FaultInALaterWaveOfAWorkgroup)
{
	const Asm prog = chain_program(false);
	translate(prog);
	// Slices 0x7ffdc bytes apart: workgroup 8's slice starts 288 bytes before the end of the
	// 4 MiB data region, so its third wave's lanes 72 and up store past it (unmapped). Workgroup
	// 8 is compute unit 0's fifth; compute unit 1 stops before workgroup 9.
	for (const Shape &s : kShapes) {
		Compared c = run_both(prog, kGroups[0], [&](Rig &rig) { set_up(rig, s, 0x7ffdc); });
		EXPECT_EQ(c.interp.fault, MICA_FAULT_MMU_UNMAPPED) << c.interp.report;
		EXPECT_EQ(c.interp.fault_addr, Rig::kData + (4u << 20)) << c.interp.report;
		expect_same(c);
	}
}

TEST_F(CuWaveChain, KillFlagInsideAChain)
{
	const Asm prog = chain_program(false);
	translate(prog);
	// A flag never raised: every 4096th instruction is the interpreter's, wherever in a chain
	// it falls. A raised flag: the dispatch is killed at that instruction, in the same wave.
	for (bool raised : {false, true}) {
		std::atomic<bool> abort{raised};
		Compared c = run_chained(prog, kShapes[1], raised ? 1 : 30 * 3 - 2, [&](Rig &rig) {
			rig.st.groups[0] = 40; // 240 workgroups: about 5000 instructions per compute unit
			rig.st.user_data[3] = 40;
			rig.st.abort = &abort;
		});
		EXPECT_EQ(c.interp.fault, raised ? MICA_FAULT_KILLED : MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
}

// SEC_WAVE_START_TLB: a memory access right at launch translates with the tables of the context
// that ran on the compute unit before. Under the scheduler every wave of a CU's first workgroup is
// launched before any runs, so all of them read the previous context's memory, and the waves of
// later workgroups this one's. A chain launches the first workgroup's later waves after earlier
// ones ran: they must still get the previous context.
TEST_F(CuWaveChain, FirstWorkgroupKeepsThePreviousContextsTablesForEveryWave)
{
	constexpr uint32_t kOther = 2, kGroupCount = 64;
	// Each lane loads the word at data + 0 at distance 0 from launch and stores it at
	// data + 4096 + its global index * 4.
	Asm p;
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(9), V(100), S(0), NONE); // v100 = 0
	p.alu(MICA_OP_S_SHL_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(8));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(9), 4096);
	p.end();
	std::vector<uint32_t> words[2];
	DispatchResult results[2];
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		Rig rig(2, 1, 1 << 20);
		rig.engine = make_compute_engine(rig.mmu, 2, 1, e);
		uint8_t *other_code = rig.mmu.map(kOther, Rig::kCode, Rig::kCodeBytes, kRX);
		uint8_t *other_data = rig.mmu.map(kOther, Rig::kData, 1 << 20, kRW);
		const uint32_t secret = 0x5ec7e7, own = 0x600d;
		std::memcpy(other_data, &secret, 4);
		rig.put<uint32_t>(0, own);
		const std::vector<uint64_t> code = p.words();
		std::memcpy(other_code, code.data(), code.size() * 8);
		rig.load(p);
		rig.st.wg_size[0] = 64;
		rig.st.groups[0] = kGroupCount;
		// Translated (hot at once) before the two dispatches.
		if (e == CuEngine::Jit)
			translate_at_level1(p, false);
		DispatchState other = rig.st;
		other.ctx = kOther;
		other.groups[0] = 2; // one workgroup on each compute unit
		ASSERT_EQ(rig.engine->run(other).fault, MICA_FAULT_NONE);
		const uint64_t chained = cu::jit::counters().chained_launches;
		results[e == CuEngine::Jit] = rig.engine->run(rig.st);
		ASSERT_EQ(results[e == CuEngine::Jit].fault, MICA_FAULT_NONE) << results[e == CuEngine::Jit].report;
		if (e == CuEngine::Jit) {
			EXPECT_GT(cu::jit::counters().chained_launches, chained);
		}
		for (uint32_t i = 0; i < kGroupCount * 64; i++)
			words[e == CuEngine::Jit].push_back(rig.get<uint32_t>(4096 + 4 * i));
		// Workgroups 0 and 1 (each CU's first) read context 2's word in both waves; later ones
		// their own.
		for (uint32_t i = 0; i < kGroupCount * 64; i++)
			ASSERT_EQ(words[e == CuEngine::Jit][i], i < 128 ? secret : own) << "invocation " << i;
	}
	EXPECT_EQ(results[1].hazard_violations, results[0].hazard_violations);
	EXPECT_EQ(results[1].cycles, results[0].cycles);
	EXPECT_EQ(results[1].instructions, results[0].instructions);
}

// What keeps a program out of chains: a loop, a barrier, more instructions than a quantum.
TEST_F(CuWaveChain, OnlyProgramsThatEndWithinAQuantum)
{
	auto chains = [](const Asm &prog) {
		Rig r;
		r.load(prog);
		r.st.groups[0] = 1024;
		translate_at_level1(prog, false);
		std::shared_ptr<const cu::jit::Program> p = cu::jit::program_for(r.mmu, r.st);
		return p && p->chains();
	};
	EXPECT_TRUE(chains(chain_program(false)));
	Asm loop;
	loop.alu(MICA_OP_S_MOV_B32, S(20), K(2));
	const int top = loop.label();
	loop.bind(top);
	loop.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	loop.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	loop.branch(MICA_OP_S_CBRANCH_SCC1, top);
	loop.end();
	EXPECT_FALSE(chains(loop));
	Asm barrier;
	barrier.alu(MICA_OP_V_MOV_B32, V(10), K(1));
	barrier.ctrl(MICA_OP_S_BARRIER);
	barrier.end();
	EXPECT_FALSE(chains(barrier));
	Asm longer, exact;
	for (unsigned i = 0; i < 32; i++)
		longer.alu(MICA_OP_V_ADD_U32, V(10), V(10), K(1));
	longer.end();
	EXPECT_FALSE(chains(longer)); // 33 instructions
	for (unsigned i = 0; i < 31; i++)
		exact.alu(MICA_OP_V_ADD_U32, V(11), V(11), K(1));
	exact.end();
	EXPECT_TRUE(chains(exact)); // 32
}

} // namespace
