// SPDX-License-Identifier: MIT
// The float min/max atomics (global/ds_atomic_min/max_f32/f64; the image forms are in
// texture_test.cpp): the semantics docs/hw/isa.md "Atomics" gives them (IEEE-754 2008
// minNum/maxNum as SPIR-V's OpAtomicFMinEXT/FMaxEXT allow: a NaN operand yields the other
// operand, two NaNs the canonical quiet NaN, -0 < +0, denormals as they are), the old value
// returned, lanes in lane order, checked hazard mode, contention across host threads, and the
// JIT (which hands these to the interpreter) against the interpreter.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kQNaN32 = 0x7fc00000u;
constexpr uint64_t kQNaN64 = 0x7ff8000000000000ull;

uint32_t b32(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t b64(double d) { return std::bit_cast<uint64_t>(d); }

// The test's own reading of the rules (not the model's helper): on bit patterns of width W.
template <class F, class B> B ref_minmax(B old, B v, bool max)
{
	const F a = std::bit_cast<F>(old), b = std::bit_cast<F>(v);
	if (std::isnan(a) && std::isnan(b))
		return sizeof(B) == 4 ? B(kQNaN32) : B(kQNaN64);
	if (std::isnan(a))
		return v;
	if (std::isnan(b))
		return old;
	if (a == 0 && b == 0) // -0 < +0
		return (std::signbit(a) != max) ? old : v;
	if (max)
		return a > b ? old : v;
	return a < b ? old : v;
}

struct Case {
	const char *what;
	uint64_t init, data, want_min, want_max;
};

// f32 cases as bit patterns (the expectations written out, not computed).
const Case kCases32[] = {
    {"ordinary", b32(1.5f), b32(-2.0f), b32(-2.0f), b32(1.5f)},
    {"equal", b32(7.0f), b32(7.0f), b32(7.0f), b32(7.0f)},
    {"-0 in memory, +0", 0x80000000u, 0x00000000u, 0x80000000u, 0x00000000u},
    {"+0 in memory, -0", 0x00000000u, 0x80000000u, 0x80000000u, 0x00000000u},
    {"quiet NaN in memory", kQNaN32, b32(3.0f), b32(3.0f), b32(3.0f)},
    {"quiet NaN operand", b32(3.0f), 0xffc00001u, b32(3.0f), b32(3.0f)},
    {"signalling NaN in memory", 0x7f800001u, b32(-3.0f), b32(-3.0f), b32(-3.0f)},
    {"signalling NaN operand", b32(-3.0f), 0xff800005u, b32(-3.0f), b32(-3.0f)},
    {"two NaNs", 0x7fc00123u, 0xff800001u, kQNaN32, kQNaN32},
    {"denormals", 0x00000001u, 0x00000002u, 0x00000001u, 0x00000002u},
    {"negative denormal and +0", 0x80000001u, 0x00000000u, 0x80000001u, 0x00000000u},
    {"denormal and -0", 0x00000003u, 0x80000000u, 0x80000000u, 0x00000003u},
    {"infinities", 0x7f800000u, b32(1e30f), b32(1e30f), 0x7f800000u},
    {"-inf and NaN", 0xff800000u, kQNaN32, 0xff800000u, 0xff800000u},
};

const Case kCases64[] = {
    {"ordinary", b64(1.5), b64(-2.0), b64(-2.0), b64(1.5)},
    {"-0 in memory, +0", 0x8000000000000000ull, 0, 0x8000000000000000ull, 0},
    {"+0 in memory, -0", 0, 0x8000000000000000ull, 0x8000000000000000ull, 0},
    {"quiet NaN in memory", kQNaN64, b64(3.0), b64(3.0), b64(3.0)},
    {"signalling NaN operand", b64(-3.0), 0xfff0000000000001ull, b64(-3.0), b64(-3.0)},
    {"two NaNs", 0x7ff8000000000123ull, 0x7ff0000000000001ull, kQNaN64, kQNaN64},
    {"denormals", 1, 2, 1, 2},
    {"negative denormal and +0", 0x8000000000000001ull, 0, 0x8000000000000001ull, 0},
    {"beyond f32's range", b64(1e300), b64(-1e300), b64(-1e300), b64(1e300)},
    {"values f32 rounding would merge", b64(1.0 + 0x1p-40), b64(1.0), b64(1.0), b64(1.0 + 0x1p-40)},
};

unsigned op_for(bool shared, bool wide, bool max)
{
	if (shared)
		return wide ? (max ? MICA_OP_DS_ATOMIC_MAX_F64 : MICA_OP_DS_ATOMIC_MIN_F64)
		            : (max ? MICA_OP_DS_ATOMIC_MAX_F32 : MICA_OP_DS_ATOMIC_MIN_F32);
	return wide ? (max ? MICA_OP_GLOBAL_ATOMIC_MAX_F64 : MICA_OP_GLOBAL_ATOMIC_MIN_F64)
	            : (max ? MICA_OP_GLOBAL_ATOMIC_MAX_F32 : MICA_OP_GLOBAL_ATOMIC_MIN_F32);
}

// One lane applies 'op' with 'data' to a word holding 'init' (global, or shared memory loaded
// from and stored back to global); data + 0 = the word after, data + 16 = the returned value.
DispatchResult run_one(Rig &rig, unsigned op, bool shared, bool wide, uint64_t init, uint64_t data)
{
	rig.st.wg_size[0] = 1;
	rig.st.shared_bytes = 64;
	rig.st.checked = true;
	rig.put<uint64_t>(0, init);
	Asm p;
	p.alu(wide ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, V(4), L(data));
	p.alu(wide ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, V(30), L(init));
	p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	p.nop(4);
	if (shared) {
		p.mem(wide ? MICA_OP_DS_STORE_B64 : MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(30));
		p.mem(op, V(0), V(10), NONE, V(4));
		p.mem(wide ? MICA_OP_DS_LOAD_B64 : MICA_OP_DS_LOAD_B32, V(2), V(10), NONE, NONE);
		p.wait_all();
		p.mem(wide ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(2));
	} else {
		p.mem(op, V(0), V(10), S(0), V(4));
		p.wait_all();
	}
	p.mem(wide ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(0), 16);
	p.end();
	return rig.run(p);
}

} // namespace

TEST(CuFloatAtomics, MinMaxSemanticsOneLane)
{
	for (bool wide : {false, true}) {
		for (const Case &c : wide ? std::vector<Case>(std::begin(kCases64), std::end(kCases64))
		                          : std::vector<Case>(std::begin(kCases32), std::end(kCases32))) {
			for (bool shared : {false, true}) {
				for (bool max : {false, true}) {
					const unsigned op = op_for(shared, wide, max);
					SCOPED_TRACE(testing::Message() << mica_op_lookup(op)->name << ": " << c.what);
					const uint64_t mask = wide ? ~0ull : 0xffffffffull;
					const uint64_t want = max ? c.want_max : c.want_min;
					// The reference agrees with the written-out expectation (the table is the spec).
					const uint64_t ref = wide ? ref_minmax<double, uint64_t>(c.init, c.data, max)
					                          : ref_minmax<float, uint32_t>(uint32_t(c.init), uint32_t(c.data), max);
					EXPECT_EQ(ref, want);
					Rig rig;
					DispatchResult r = run_one(rig, op, shared, wide, c.init, c.data);
					ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
					EXPECT_EQ(r.hazard_violations, 0u);
					EXPECT_EQ(rig.get<uint64_t>(0) & mask, want) << std::hex << rig.get<uint64_t>(0);
					EXPECT_EQ(rig.get<uint64_t>(16) & mask, c.init & mask) << "old value";
				}
			}
		}
	}
}

// 32 lanes on one word, in lane order: lane i gets back the fold of the initial value and lanes
// 0..i-1; the word ends as the fold of all. Random bit patterns, a third of them special values.
TEST(CuFloatAtomics, LanesApplyInLaneOrderRandom)
{
	std::mt19937_64 rng(20261205);
	const uint64_t specials[] = {0, 0x80000000u, kQNaN32, 0x7f800001u, 0xffc00000u, 0x7f800000u, 0xff800000u, 1, 0x80000001u};
	const uint64_t specials64[] = {0, 0x8000000000000000ull, kQNaN64, 0x7ff0000000000001ull, 0x7ff0000000000000ull, 1};
	for (unsigned round = 0; round < 24; round++) {
		const bool wide = round & 1, shared = round & 2, max = round & 4;
		const unsigned op = op_for(shared, wide, max);
		SCOPED_TRACE(testing::Message() << mica_op_lookup(op)->name << " round " << round);
		auto draw = [&]() -> uint64_t {
			if (rng() % 3 == 0)
				return wide ? specials64[rng() % std::size(specials64)] : specials[rng() % std::size(specials)];
			return wide ? rng() : rng() & 0xffffffffull;
		};
		uint64_t init = draw(), vals[32];
		for (auto &v : vals)
			v = draw();
		Rig rig;
		rig.st.checked = true;
		rig.st.shared_bytes = 64;
		rig.put<uint64_t>(0, init);
		const unsigned stride = wide ? 8 : 4;
		for (unsigned l = 0; l < 32; l++)
			rig.put<uint64_t>(256 + l * 8, vals[l]);
		Asm p;
		p.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(3));          // lane * 8: its operand
		p.alu(MICA_OP_V_MUL_LO_U32, V(11), LANE, K(int(stride))); // its returned value
		p.alu(MICA_OP_V_MOV_B32, V(12), K(0));
		p.nop(8);
		p.mem(wide ? MICA_OP_GLOBAL_LOAD_B64 : MICA_OP_GLOBAL_LOAD_B32, V(4), V(10), S(0), NONE, 256);
		p.mem(wide ? MICA_OP_GLOBAL_LOAD_B64 : MICA_OP_GLOBAL_LOAD_B32, V(30), V(12), S(0), NONE);
		p.wait_all();
		if (shared) {
			p.mem(wide ? MICA_OP_DS_STORE_B64 : MICA_OP_DS_STORE_B32, NONE, V(12), NONE, V(30));
			p.mem(op, V(0), V(12), NONE, V(4));
			p.mem(wide ? MICA_OP_DS_LOAD_B64 : MICA_OP_DS_LOAD_B32, V(2), V(12), NONE, NONE);
			p.wait_all();
			p.mem(wide ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, NONE, V(12), S(0), V(2));
		} else {
			p.mem(op, V(0), V(12), S(0), V(4));
			p.wait_all();
		}
		p.mem(wide ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(0), 1024);
		p.end();
		DispatchResult r = rig.run(p);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		EXPECT_EQ(r.hazard_violations, 0u);
		const uint64_t mask = wide ? ~0ull : 0xffffffffull;
		uint64_t acc = init & mask;
		for (unsigned l = 0; l < 32; l++) {
			uint64_t got = 0;
			std::memcpy(&got, rig.data + 1024 + l * stride, stride);
			EXPECT_EQ(got, acc) << "lane " << l;
			acc = wide ? ref_minmax<double, uint64_t>(acc, vals[l], max)
			           : ref_minmax<float, uint32_t>(uint32_t(acc), uint32_t(vals[l]), max);
		}
		EXPECT_EQ(rig.get<uint64_t>(0) & mask, acc) << std::hex << init;
	}
}

// Many workgroups on 4 CUs run by 2 host threads race on one f32 and one f64 word; the result
// is the minimum / maximum of everything written whatever the interleaving.
TEST(CuFloatAtomics, ContentionAcrossHostThreads)
{
	Rig rig(4, 2);
	rig.st.checked = true;
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = 128;
	rig.put<float>(0, 0.0f);
	rig.put<float>(4, 0.0f);
	rig.put<double>(8, 0.0);
	rig.put<double>(16, 0.0);
	Asm p;
	// value = (global invocation index - 4000) * 0.25: -1000 .. 1047.75
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(64));
	p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(1), V(0), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_SUB_U32, V(1), V(1), L(4000));
	p.nop(4);
	p.alu(MICA_OP_V_CVT_F32_I32, V(2), V(1));
	p.nop(8);
	p.alu(MICA_OP_V_MUL_F32, V(2), V(2), LF(0.25f));
	p.nop(8);
	p.alu(MICA_OP_V_CVT_F64_F32, V(4), V(2));
	p.nop(8);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MIN_F32, NONE, V(10), S(0), V(2));
	p.mem(MICA_OP_GLOBAL_ATOMIC_MAX_F32, NONE, V(10), S(0), V(2), 4);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MIN_F64, NONE, V(10), S(0), V(4), 8);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MAX_F64, NONE, V(10), S(0), V(4), 16);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<float>(0), -1000.0f);
	EXPECT_EQ(rig.get<float>(4), (128 * 64 - 1 - 4000) * 0.25f);
	EXPECT_EQ(rig.get<double>(8), -1000.0);
	EXPECT_EQ(rig.get<double>(16), (128 * 64 - 1 - 4000) * 0.25);
}

// A returning float atomic's destination is a memory result (hazard MEM_RESULT) like any
// atomic's: reading it before an s_waitcnt faults in checked mode.
TEST(CuFloatAtomics, ReturnedValueIsAMemResult)
{
	for (unsigned op : {MICA_OP_GLOBAL_ATOMIC_MIN_F32, MICA_OP_DS_ATOMIC_MAX_F64}) {
		SCOPED_TRACE(mica_op_lookup(op)->name);
		const bool shared = op == MICA_OP_DS_ATOMIC_MAX_F64;
		Rig rig;
		rig.st.checked = true;
		rig.st.shared_bytes = 64;
		Asm p;
		p.alu(MICA_OP_V_MOV_B64, V(4), L(b64(1.0)));
		p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
		p.nop(4);
		p.mem(op, V(6), V(10), shared ? NONE : S(0), V(4));
		p.alu(MICA_OP_V_ADD_U32, V(9), V(6), K(0));
		p.end();
		DispatchResult r = rig.run(p);
		ASSERT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
		EXPECT_EQ(r.fault_info & 0xffu, uint32_t(MICA_HAZARD_MEM_RESULT)) << r.report;
	}
}

// The JIT hands these instructions to the interpreter's code; hot programs under both engines
// give identical memory, results and counters.
TEST(CuFloatAtomics, JitAgreesWithInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Asm p;
	p.alu(MICA_OP_V_AND_B32, V(12), V(0), K(3));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(12), K(3)); // 4 words 8 bytes apart, shared by many lanes
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));
	p.alu(MICA_OP_V_ADD_U32, V(1), V(0), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.nop(4);
	p.alu(MICA_OP_V_AND_B32, V(3), V(1), K(7));
	p.nop(4);
	p.alu(MICA_OP_V_CMP_EQ_U32, VCC, V(3), K(5));
	p.alu(MICA_OP_V_CVT_F32_U32, V(2), V(1));
	p.nop(8);
	p.alu(MICA_OP_V_CNDMASK_B32, V(2), V(2), L(kQNaN32), VCC); // some lanes NaN
	p.alu(MICA_OP_V_CVT_F64_U32, V(4), V(1));
	p.nop(8);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MIN_F32, V(20), V(12), S(0), V(2), 4096);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MAX_F32, V(21), V(12), S(0), V(2), 4096 + 64);
	p.mem(MICA_OP_GLOBAL_ATOMIC_MAX_F64, V(22), V(12), S(0), V(4), 4096 + 128);
	p.mem(MICA_OP_DS_ATOMIC_MIN_F32, V(24), V(12), NONE, V(2));
	p.mem(MICA_OP_DS_ATOMIC_MAX_F64, V(26), V(12), NONE, V(4), 64);
	p.wait_all();
	const unsigned results[] = {20, 21, 22, 24, 26}; // the low halves of the f64 ones
	for (unsigned k = 0; k < 5; k++) { // results k at 64K + k * 128K (320 groups x 256 bytes each)
		p.alu(MICA_OP_V_ADD_U32, V(40), V(10), L(65536 + k * 131072));
		p.nop(4);
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(40), S(0), V(results[k]));
	}
	p.end();
	Compared c = run_both(p, 320, [](Rig &rig) {
		rig.st.checked = true;
		rig.put<float>(4096, 1e9f);
		rig.put<float>(4096 + 64, -1e9f);
	});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_EQ(c.interp_data, c.jit_data);
	float lo;
	std::memcpy(&lo, c.interp_data.data() + 4096, 4);
	EXPECT_EQ(lo, 0.0f); // lane 0 of workgroup 0 wrote 0 into word 0
}
