// SPDX-License-Identifier: MIT
// The instructions the JIT runs inline beyond plain ALU and vector memory (scalar loads, the
// 64-bit and EXEC-writing scalar operations, barriers, fences, s_endpgm), the atomics, programs
// over the optimising tier's size limit, and the tier-up: each compared with the interpreter on
// results, faults and every counter (jit_compare.h). Every program runs hot enough to be
// translated and loops or spans enough workgroups that both the inline path (a TLB hit) and its
// fallback (a miss, two pages, a fault) run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x100000; // outputs: 4 KiB per workgroup from here

// Pseudo-random input words (some zero: s_ff1/s_flbit/s_bfe edge cases).
void fill_inputs(Rig &rig, uint32_t bytes)
{
	uint32_t x = 0x9e3779b9u;
	for (uint32_t i = 0; i < bytes / 4; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		rig.put<uint32_t>(4 * i, i % 7 == 3 ? 0u : x);
	}
}

// Stores s[first .. first+n) of every wave to out + wg * 4096 + k * 256 + lane * 4.
void store_sgprs(Asm &p, unsigned first, unsigned n)
{
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(4096));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), L(kOut));
	p.nop(2);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));
	for (unsigned k = 0; k < n; k++)
		p.alu(MICA_OP_V_MOV_B32, V(20 + k), S(first + k));
	for (unsigned k = 0; k < n; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(20 + k), static_cast<int32_t>(k * 256));
}

// Scalar loads (within a page, across a page boundary, at varying alignment) feeding the 64-bit
// and EXEC-writing scalar operations; run twice per wave so the second pass finds the pages in
// the compute unit's TLB.
Asm scalar_program(unsigned variant = 0)
{
	Asm p;
	p.nop(variant); // another program, for the process-wide translation cache
	p.alu(MICA_OP_S_MUL_U32, S(21), S(MICA_ABI_S_WORKGROUP_ID_X), K(60)); // 60-byte steps: some cross pages
	p.alu(MICA_OP_S_MOV_B64, S(2), S(0));
	p.alu(MICA_OP_S_MOV_B32, S(6), L(4096 - 8));
	p.alu(MICA_OP_S_MOV_B32, S(7), K(0));
	p.alu(MICA_OP_S_MOV_B32, S(24), K(2));
	p.nop(2);
	p.alu(MICA_OP_S_ADD_U64, S(4), S(2), S(6)); // data + 4088: every b128 from here crosses a page
	int top = p.label();
	p.bind(top);
	p.nop(2);
	p.mem(MICA_OP_S_LOAD_B256, S(40), S(21), S(0), NONE, 0);
	p.mem(MICA_OP_S_LOAD_B128, S(48), NONE, S(4), NONE, 0);
	p.mem(MICA_OP_S_LOAD_B64, S(52), S(21), S(0), NONE, 8192 + 4);
	p.mem(MICA_OP_S_LOAD_B32, S(54), S(21), S(2), NONE, 12288 - 4);
	p.wait_all();
	p.alu(MICA_OP_S_BCNT1_B32, S(60), S(42));
	p.alu(MICA_OP_S_FF1_B32, S(61), S(43));
	p.alu(MICA_OP_S_FLBIT_B32, S(62), S(44));
	p.alu(MICA_OP_S_BFE_U32, S(63), S(45), S(46), S(47));
	p.alu(MICA_OP_S_CMP_EQ_U64, NONE, S(40), S(52));
	p.alu(MICA_OP_S_CSELECT_B64, S(64), S(40), S(48));
	p.alu(MICA_OP_S_MUL_U64, S(66), S(42), S(50));
	p.alu(MICA_OP_S_ADD_U64, S(68), S(66), S(44));
	p.alu(MICA_OP_S_CMP_NE_U64, NONE, S(68), S(46));
	p.alu(MICA_OP_S_CSELECT_B32, S(70), S(54), S(49));
	p.alu(MICA_OP_S_BFE_U32, S(71), S(52), K(28), K(7)); // field past bit 31
	p.alu(MICA_OP_S_BFE_U32, S(72), S(53), K(5), K(0));  // width 0
	// A data-dependent EXEC: lanes of the loaded mask.
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(73), S(41));
	p.alu(MICA_OP_S_CSELECT_B32, S(74), K(1), K(0));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), S(41));
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(73));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), K(4));
	p.alu(MICA_OP_S_SUB_U32, S(24), S(24), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(24), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.nop(2);
	store_sgprs(p, 60, 15);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(5), 15 * 256);
	p.end();
	return p;
}

TEST(CuJitInline, ScalarLoadsAnd64BitScalarOpsAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(scalar_program(), 320, [](Rig &rig) { fill_inputs(rig, 32768); });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// Something data-dependent was written (not two untouched buffers).
	uint32_t nonzero = 0;
	for (uint32_t i = kOut; i < kOut + 320 * 4096; i += 4)
		nonzero += c.interp_data[i] != 0;
	EXPECT_GT(nonzero, 320u * 64 * 8);
}

// A scalar load of an unmapped page in a late workgroup (after earlier ones filled the TLB and
// ran the inline path), and one of a page that has no read permission: same fault record.
TEST(CuJitInline, ScalarLoadFaultsAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	for (uint64_t bad : {uint64_t(1) << 30, uint64_t(0x3000)}) {
		Asm p;
		p.alu(MICA_OP_S_MUL_U32, S(22), S(MICA_ABI_S_WORKGROUP_ID_X), K(8));
		p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WORKGROUP_ID_X), L(300));
		p.alu(MICA_OP_S_CSELECT_B32, S(21), L(bad), S(22));
		p.nop(2);
		p.mem(MICA_OP_S_LOAD_B64, S(40), S(21), S(0), NONE, 4);
		p.wait_all();
		store_sgprs(p, 40, 2);
		p.end();
		Compared c = run_both(p, 320, [](Rig &rig) {
			fill_inputs(rig, 16384);
			rig.mmu.protect(Rig::kCtx, Rig::kData + 0x3000, 4096, 0);
		});
		ASSERT_NE(c.interp.fault, MICA_FAULT_NONE);
		EXPECT_EQ(c.interp.fault_addr, Rig::kData + bad + 4);
		expect_same(c);
	}
}

// Barriers with divergent waves: four waves exchange values through shared memory between
// barriers; wave 3 ends before the last round (a wave that ended no longer holds the others),
// wave 1 runs its rounds with half of its lanes off. s_fence between rounds.
Asm barrier_program()
{
	Asm p;
	p.alu(MICA_OP_V_SHL_B32, V(12), V(0), K(2));                 // lane's shared slot
	p.alu(MICA_OP_V_ADD_U32, V(13), V(0), K(32));
	p.alu(MICA_OP_V_AND_B32, V(13), V(13), L(127));
	p.alu(MICA_OP_V_SHL_B32, V(13), V(13), K(2));                // the slot one wave up
	p.alu(MICA_OP_V_MUL_LO_U32, V(5), V(0), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.alu(MICA_OP_S_MOV_B32, S(24), K(3));
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WAVE_IN_GROUP), K(1));
	p.alu(MICA_OP_S_CSELECT_B32, S(25), L(0x0f0f0f0f), K(-1));
	p.nop(2);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(26), S(25));
	int top = p.label(), out = p.label();
	p.bind(top);
	p.nop(2);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(12), NONE, V(5));
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_WORKGROUP);
	p.ctrl(MICA_OP_S_BARRIER);
	p.mem(MICA_OP_DS_LOAD_B32, V(6), V(13), NONE, NONE);
	p.wait_all();
	p.alu(MICA_OP_V_MUL_LO_U32, V(5), V(5), K(3));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), V(6));
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_S_SUB_U32, S(24), S(24), K(1));
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(24), K(1));
	p.alu(MICA_OP_S_CSELECT_B32, S(27), S(MICA_ABI_S_WAVE_IN_GROUP), K(0));
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(27), K(3));
	p.branch(MICA_OP_S_CBRANCH_SCC1, out); // wave 3 leaves before the last round
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(24), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.bind(out);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(26));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(512));
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_DEVICE);
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(12), S(30));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(5));
	p.end();
	return p;
}

TEST(CuJitInline, BarriersWithDivergentWavesAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(barrier_program(), 160, [](Rig &rig) { rig.st.wg_size[0] = 128; });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_EQ(c.interp.waves, 160u * 4);
	EXPECT_EQ(c.jit.waves, c.interp.waves);
}

// Atomics with contention: lanes of a wave on the same words (the per-lane order decides the
// returned values), waves and workgroups on the same words, every kind of global and shared
// atomic, and partially masked waves whose inactive lanes point at an unmapped page.
Asm atomic_program(bool fault_late)
{
	Asm p;
	p.alu(MICA_OP_V_AND_B32, V(12), V(0), K(3));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(12), K(3));                 // 4 words, 8 bytes apart
	p.alu(MICA_OP_S_AND_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(7));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(20), K(32));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(4096));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), L(kOut));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(12), S(20));                // global: shared by 8 groups' worth
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));                // output slot
	p.alu(MICA_OP_V_ADD_U32, V(1), V(0), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.alu(MICA_OP_V_MOV_B32, V(5), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.alu(MICA_OP_V_CVT_F32_U32, V(2), V(1));
	p.alu(MICA_OP_V_MOV_B32, V(3), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(4), V(1));
	// Odd lanes off; their addresses 1 GiB away (unmapped).
	p.alu(MICA_OP_V_AND_B32, V(15), V(0), K(1));
	p.alu(MICA_OP_V_SHL_B32, V(16), V(15), L(30));
	p.alu(MICA_OP_V_ADD_U32, V(16), V(16), V(11));
	if (fault_late) {
		// In workgroup 300 lane 0's address is unmapped too: the interpreter faults there.
		p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WORKGROUP_ID_X), L(300));
		p.alu(MICA_OP_S_CSELECT_B32, S(31), L(1u << 30), K(0));
		p.nop(2);
		p.alu(MICA_OP_V_ADD_U32, V(16), V(16), S(31));
	}
	p.alu(MICA_OP_V_CMP_EQ_U32, VCC, V(15), K(0));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, V(20), V(11), S(0), V(1));
	p.mem(MICA_OP_GLOBAL_ATOMIC_UMAX_U32, V(21), V(11), S(0), V(1), 4);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, V(22), V(11), S(0), V(2), 256);
	p.mem(MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B32, V(23), V(11), S(0), V(2), 512); // data v2, compare v3 (0)
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U64, V(24), V(11), S(0), V(4), 1024);    // data v4:v5
	p.mem(MICA_OP_DS_ATOMIC_ADD_U32, V(26), V(12), NONE, V(1));
	p.mem(MICA_OP_DS_ATOMIC_XOR_B32, V(27), V(12), NONE, V(1), 4);
	p.mem(MICA_OP_DS_ATOMIC_SMIN_I32, V(28), V(12), NONE, V(3), 64);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(26), VCC);
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_ATOMIC_SUB_U32, V(29), V(16), S(0), V(1), 2048);
	p.mem(MICA_OP_GLOBAL_ATOMIC_SWAP_B32, V(30), V(16), S(0), V(1), 2048 + 4);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(26));
	p.wait_all();
	for (unsigned k = 0; k < 11; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(20 + k), static_cast<int32_t>(k * 256));
	p.end();
	return p;
}

TEST(CuJitInline, AtomicsWithContentionAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(atomic_program(false), 320, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// The contended words were updated by every workgroup (8 groups per set of 4 words).
	uint32_t w0;
	std::memcpy(&w0, c.interp_data.data(), 4);
	EXPECT_NE(w0, 0u);
}

// global_atomic_add_f32 on NaNs: which NaN payload an addition of two NaNs returns depends on the
// operand order of the interpreter's host addition, so both tiers run the interpreter's code for
// it (level 1 after its own operand tests); every returned value and memory word must agree.
// Own words (NaN + NaN, number + NaN, NaN + number) and one word shared by every lane and
// workgroup.
TEST(CuJitInline, AtomicAddF32NaNPayloadsAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(4096));
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), L(kOut));
	p.nop(2);
	p.alu(MICA_OP_V_SHL_B32, V(11), V(0), K(2));              // lane's own word
	p.alu(MICA_OP_V_MOV_B32, V(12), L(1024));                 // the shared word
	p.alu(MICA_OP_V_ADD_U32, V(10), V(11), S(30));            // output slot
	p.alu(MICA_OP_V_OR_B32, V(2), V(0), L(0x7fc00100));       // quiet NaNs, a payload per lane
	p.alu(MICA_OP_V_CVT_F32_U32, V(3), V(0));                 // numbers
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, V(20), V(11), S(0), V(2));        // NaN data
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, V(21), V(11), S(0), V(3), 256);   // number data
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, V(22), V(12), S(0), V(2));        // shared word
	p.wait_all();
	for (unsigned k = 0; k < 3; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(20 + k), static_cast<int32_t>(k * 256));
	p.end();
	// Six rounds: level 0 first, level 1 after the tier-up (which an engine's end waits for).
	Compared c;
	for (int round = 0; round < 6; round++) {
		c = run_both(p, 320, [](Rig &rig) {
			for (uint32_t i = 0; i < 64; i++) // NaNs of another payload and sign, and numbers
				rig.put<uint32_t>(4 * i, i % 3 == 0 ? 0x3fc00000u : 0xffc0de00u + i);
			for (uint32_t i = 64; i < 128; i++)
				rig.put<uint32_t>(4 * i, i % 2 ? 0x7f800001u + i : 0x40000000u); // a signalling NaN among them
			rig.put<uint32_t>(1024, 0x3f800000u);
		});
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
	uint32_t w0, shared;
	std::memcpy(&w0, c.interp_data.data(), 4);
	std::memcpy(&shared, c.interp_data.data() + 1024, 4);
	EXPECT_EQ(w0 & 0x7f800000u, 0x7f800000u); // a NaN
	EXPECT_NE(w0 & 0x007fffffu, 0u);
	EXPECT_EQ(shared & 0x7f800000u, 0x7f800000u);
}

// The translated atomic loop (emit_atomic_lanes: the set bits of EXEC lowest first, each lane's
// pointer and operands from a copy on the stack) at both tiers: lanes sharing a word in an order
// that shows (swap and compare-and-swap chains: what each lane gets back depends on the lanes
// before it), 64-bit compare-and-swap (four operand rows), EXEC masks of every third lane, lane
// 31 alone and lane 0 alone, and every kind of shared operation. Six rounds: level 0, then level
// 1 after the tier-up.
TEST(CuJitInline, AtomicLanesInOrderAgreeAtBothTiers)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(8192)); // 26 rows of outputs
	p.alu(MICA_OP_S_ADD_U32, S(30), S(30), L(kOut));
	p.alu(MICA_OP_S_AND_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(15));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(20), K(64));
	p.nop(2);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));           // output slot
	p.alu(MICA_OP_V_AND_B32, V(11), V(0), K(1));
	p.alu(MICA_OP_V_SHL_B32, V(11), V(11), K(3));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), S(20));           // two 8-byte words per workgroup set
	p.alu(MICA_OP_V_AND_B32, V(12), V(0), K(1));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(12), K(3));            // two shared 8-byte words
	p.alu(MICA_OP_V_ADD_U32, V(4), V(0), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(0), K(1));              // 64-bit data: v4 (lo), v5 (hi)
	p.alu(MICA_OP_V_SUB_U32, V(6), V(0), K(2));              // 64-bit compare: v6, v7 = lane - 2, lane - 1
	p.alu(MICA_OP_V_SUB_U32, V(7), V(0), K(1));
	p.nop(2);
	// Every lane: swap (each gets the value of the lane before it on its word), 64-bit
	// compare-and-swap (a lane succeeds where the word holds what its compare expects).
	p.mem(MICA_OP_GLOBAL_ATOMIC_SWAP_B32, V(20), V(11), S(0), V(4), 1024);
	p.mem(MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B64, V(22), V(11), S(0), V(4), 2048); // data v4:v5, compare v6:v7
	p.mem(MICA_OP_DS_ATOMIC_CMPSWAP_B64, V(24), V(12), NONE, V(4));
	p.mem(MICA_OP_DS_ATOMIC_SWAP_B32, V(26), V(12), NONE, V(4), 32);
	// Every third lane, then lane 31 alone, then lane 0 alone.
	const uint32_t masks[] = {0x49249249u, 0x80000000u, 0x00000001u};
	for (unsigned k = 0; k < 3; k++) {
		p.alu(MICA_OP_S_MOV_B32, EXEC, L(masks[k]));
		p.nop(2);
		p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, V(27 + k), V(11), S(0), V(4), 3072);
		p.mem(MICA_OP_DS_ATOMIC_SUB_U32, V(30 + k), V(12), NONE, V(4), 64);
	}
	p.alu(MICA_OP_S_MOV_B32, EXEC, K(-1));
	p.nop(2);
	// The shared operations the translated code makes as plain reads and writes (one host thread
	// runs a workgroup), on data of both signs (v6: lane - 2) and 64 bits wide (v4:v5).
	const uint16_t shared_ops[] = {MICA_OP_DS_ATOMIC_AND_B32,  MICA_OP_DS_ATOMIC_OR_B32,   MICA_OP_DS_ATOMIC_SMAX_I32,
	                               MICA_OP_DS_ATOMIC_UMIN_U32, MICA_OP_DS_ATOMIC_UMAX_U32, MICA_OP_DS_ATOMIC_SMIN_I32,
	                               MICA_OP_DS_ATOMIC_ADD_U32};
	for (unsigned k = 0; k < 7; k++)
		p.mem(shared_ops[k], V(33 + k), V(12), NONE, V(6), static_cast<int32_t>(128 + 16 * k));
	p.mem(MICA_OP_DS_ATOMIC_ADD_U64, V(40), V(12), NONE, V(4), 256);
	p.mem(MICA_OP_DS_ATOMIC_SMAX_I64, V(42), V(12), NONE, V(6), 272);
	p.mem(MICA_OP_DS_ATOMIC_UMIN_U64, V(44), V(12), NONE, V(6), 288);
	p.wait_all();
	for (unsigned k = 0; k < 26; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(20 + k), static_cast<int32_t>(k * 256));
	p.end();
	const uint64_t tier_ups = cu::jit::counters().tier_ups;
	for (int round = 0; round < 6; round++) {
		Compared c = run_both(p, 320, [](Rig &rig) {
			for (uint32_t i = 0; i < 1024; i++) // compare values some lanes match
				rig.put<uint32_t>(2048 + 4 * i, i % 5);
		});
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
		// Swap chains: lane l > 1 of workgroup 0 got the value lane l - 2 swapped in (same word).
		EXPECT_EQ(jit_word(c, kOut + 4 * 5), 3u) << "round " << round;
	}
	EXPECT_GT(cu::jit::counters().tier_ups, tier_ups) << "level 1 never ran";
}

TEST(CuJitInline, AtomicFaultWithPartialExecAgrees)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(atomic_program(true), 320, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_MMU_UNMAPPED) << c.interp.report;
	expect_same(c);
}

// A program over the optimising tier's 512 instructions: translated at level 0 (not interpreted
// as too large), same answers.
TEST(CuJitInline, ProgramOver512InstructionsIsTranslated)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	if (const char *e = std::getenv("MICA_CU_JIT_OPT"); e && *e)
		GTEST_SKIP() << "one optimising level: the 512-instruction limit applies";
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(1), V(0));
	p.alu(MICA_OP_V_MOV_B32, V(2), K(1));
	for (unsigned i = 0; i < 300; i++) {
		p.alu(MICA_OP_V_MAD_U32, V(2), V(2), V(1), L(i * 2654435761u));
		p.alu(MICA_OP_V_XOR_B32, V(1), V(1), V(2));
	}
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_S_MUL_U32, S(30), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(30));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(1));
	p.end();
	const cu::jit::Counters before = cu::jit::counters();
	Compared c = run_both(p, 256, [](Rig &) {});
	const cu::jit::Counters after = cu::jit::counters();
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	EXPECT_EQ(after.too_large, before.too_large);
	EXPECT_GT(after.translations + after.cache_hits, before.translations + before.cache_hits);
}

// The tier-up: a program dispatched often enough is re-translated at level 1 while a dispatch
// runs (whose waves switch to it when it is there); the dispatches before, during and after
// agree with the interpreter.
TEST(CuJitInline, TierUpKeepsTheAnswers)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const bool tiered = !std::getenv("MICA_CU_JIT_OPT") || !*std::getenv("MICA_CU_JIT_OPT");
	const Asm p = scalar_program(1);
	const uint64_t ups = cu::jit::counters().tier_ups;
	const uint64_t per_dispatch = 320 * 64;
	for (int round = 0; round < 6; round++) { // the tier-up starts in round 4 at the default threshold
		Compared c = run_both(p, 320, [](Rig &rig) { fill_inputs(rig, 32768); });
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
	if (tiered && cu::jit::tierup_threshold() <= 4 * per_dispatch) { // rounds 0-3 count
		// No dispatch waits for its tier-up, but an engine's destruction does (run_both's rigs):
		// it is in by now.
		EXPECT_GT(cu::jit::counters().tier_ups, ups);
	}
}

// A dispatch of at least tierup_threshold() invocations that starts its program's tier-up waits
// for the level-1 code and runs it from its start (translate.cpp, queued_tierup); the level-1
// code then agrees with the interpreter.
TEST(CuJitInline, LongDispatchWaitsForItsTierUp)
{
	const char *opt = std::getenv("MICA_CU_JIT_OPT"), *wait = std::getenv("MICA_CU_JIT_TIERUP_WAIT");
	if (!cu::jit::available() || (opt && *opt) || (wait && *wait && *wait != '0') || cu::jit::hot_threshold() == 0 ||
	    cu::jit::tierup_threshold() == 0)
		GTEST_SKIP() << "no LLVM JIT, one level, or the differential tests' tier-up at every first dispatch";
	const Asm p = scalar_program(3);
	Rig rig(2, 1, 4u << 20);
	rig.load(p);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = static_cast<uint32_t>(cu::jit::tierup_threshold() / 64); // 65536 invocations in the tests
	ASSERT_GE(uint64_t(rig.st.groups[0]) * 64, cu::jit::hot_threshold());
	const uint64_t ups = cu::jit::counters().tier_ups;
	// Hot: translated at level 0; its invocations count towards the tier-up (under 4 x the
	// threshold: not due in this dispatch).
	std::shared_ptr<const cu::jit::Program> first = cu::jit::program_for(rig.mmu, rig.st);
	ASSERT_TRUE(first);
	EXPECT_EQ(first->level(), 0u);
	// Due now, and this dispatch is long: level 1 before it starts.
	std::shared_ptr<const cu::jit::Program> second = cu::jit::program_for(rig.mmu, rig.st);
	ASSERT_TRUE(second);
	EXPECT_EQ(second->level(), 1u) << "the long dispatch did not wait for its tier-up";
	EXPECT_EQ(cu::jit::counters().tier_ups, ups + 1);
	Compared c = run_both(p, 320, [](Rig &r) { fill_inputs(r, 32768); });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
}

} // namespace
