// SPDX-License-Identifier: MIT
// A 32-bit global access through a scalar base whose 32 lanes are all active, at offsets x0 + 4 l
// in one page the TLB holds, is one unmasked vector load or store in the translated code
// (codegen.cpp, emit_dense_global); every other shape takes the general path. Here the dense
// case and its near misses: lanes in reverse order, one lane inactive, 128 bytes straddling a
// page, and offsets that wrap past 2^32 within the wave (x0 = 0xffffff90: 28 lanes near 4 GiB
// above the base, 4 lanes at the base itself, each range mapped to different data). Results
// against the host's expectations and everything against the interpreter. A dense row whose page
// misses the TLB takes the translation the general path would make and stays dense; one whose
// page does not translate for its access (unmapped, or a store to a read-only page) faults as
// the interpreter faults.
#include <gtest/gtest.h>

#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x10000, kGroupBytes = 2048; // per workgroup, offsets from the data base
constexpr uint64_t kSplitPages = 0x300000000ull;        // two pages mapped apart (two host buffers)
constexpr uint64_t kWrapBase = 0x100000800ull;          // s[30:31]: the base of the wrapping offsets
constexpr uint64_t kLowPage = 0x100000000ull, kHighPage = 0x200000000ull;
constexpr uint32_t kWrapX0 = 0xffffff90u;

Asm dense_program()
{
	Asm p;
	// s20 = this workgroup's output slice; s[30:31] = the wrapping base.
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kGroupBytes));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.alu(MICA_OP_S_MOV_B32, S(30), L(static_cast<uint32_t>(kWrapBase)));
	p.alu(MICA_OP_S_MOV_B32, S(31), L(static_cast<uint32_t>(kWrapBase >> 32)));
	p.nop(4);
	// v1 = slice + local id * 4 (dense); v2 = local id * 3 + wg (the values).
	p.alu(MICA_OP_V_SHL_B32, V(1), V(0), K(2));
	p.alu(MICA_OP_V_MUL_LO_U32, V(2), V(0), K(3));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(1), V(1), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(2), V(2), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.nop(4);
	// Dense: store, load back, store the loaded row 256 bytes on.
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(2));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(3), V(1), S(0), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(3), 256);
	// Reversed lanes (local id ^ 31: contiguous, not in lane order) at +512.
	p.alu(MICA_OP_V_XOR_B32, V(4), V(0), K(31));
	p.nop(4);
	p.alu(MICA_OP_V_SHL_B32, V(4), V(4), K(2));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), S(20));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(4), S(0), V(2), 512);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(5), V(4), S(0), NONE, 512);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(5), 768);
	// Lane 31 inactive: a store of v2 + 1 at +1024, then the whole row loaded back to +1280.
	p.alu(MICA_OP_V_ADD_U32, V(6), V(2), K(1));
	p.alu(MICA_OP_S_MOV_B32, EXEC, L(0x7fffffffu));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(6), 1024);
	p.alu(MICA_OP_S_MOV_B32, EXEC, K(-1));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(7), V(1), S(0), NONE, 1024);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(7), 1280);
	// Over a page end: the wave's 128 bytes at kSplitPages + 4096 - 64 (+ 128 for wave 1, which
	// lies in the second page), through s[32:33]; the two pages are separate host buffers.
	p.alu(MICA_OP_S_MOV_B32, S(32), L(static_cast<uint32_t>(kSplitPages)));
	p.alu(MICA_OP_S_MOV_B32, S(33), L(static_cast<uint32_t>(kSplitPages >> 32)));
	p.alu(MICA_OP_V_SHL_B32, V(8), V(0), K(2));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(8), V(8), L(MICA_PAGE_SIZE - 64));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(8), S(32), V(2));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(9), V(8), S(32), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(9), 1536);
	// Offsets wrapping within the wave: (local id & 31) * 4 + x0 through s[30:31].
	p.alu(MICA_OP_V_AND_B32, V(10), V(0), K(31));
	p.nop(4);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(10), K(2));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), L(kWrapX0));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(11), V(10), S(30), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(11), 1792);
	p.end();
	return p;
}

// The two split pages, and the two pages the wrapping offsets reach: word k of the low page holds
// 0x10000 + k, of the high page 0x20000 + k.
void map_pages(Rig &rig)
{
	rig.mmu.map(Rig::kCtx, kSplitPages, MICA_PAGE_SIZE, kRW);
	rig.mmu.map(Rig::kCtx, kSplitPages + MICA_PAGE_SIZE, MICA_PAGE_SIZE, kRW);
	for (uint64_t va : {kLowPage, kHighPage}) {
		uint8_t *m = rig.mmu.map(Rig::kCtx, va, MICA_PAGE_SIZE, kRW);
		for (uint32_t k = 0; k < MICA_PAGE_SIZE / 4; k++) {
			const uint32_t v = (va == kLowPage ? 0x10000u : 0x20000u) + k;
			std::memcpy(m + 4 * k, &v, 4);
		}
	}
}

TEST(CuJitDenseGlobal, DenseRowsAndTheirNearMissesMatchTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: translated at the dispatch's start
	const uint64_t before = translations_so_far();
	Compared c = run_both(dense_program(), groups, map_pages);
	EXPECT_GT(translations_so_far(), before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_EQ(c.interp.hazard_violations, 0u);
	expect_same(c);
	auto out = [&](uint32_t wg, unsigned off) { return jit_word(c, kOut + wg * kGroupBytes + off); };
	for (uint32_t wg : {0u, 1u, 7u, groups - 1})
		for (unsigned id : {0u, 5u, 27u, 28u, 31u, 32u, 60u, 63u}) {
			const uint32_t v = id * 3 + wg, lane = id % 32;
			EXPECT_EQ(out(wg, id * 4), v) << wg << " " << id;
			EXPECT_EQ(out(wg, 256 + id * 4), v) << wg << " " << id;
			EXPECT_EQ(out(wg, 512 + (id ^ 31) * 4), v) << wg << " " << id; // reversed
			EXPECT_EQ(out(wg, 768 + id * 4), v) << wg << " " << id;
			EXPECT_EQ(out(wg, 1280 + id * 4), lane == 31 ? 0u : v + 1) << wg << " " << id;
			// (the split pages are shared by every workgroup: what a lane reads back there is
			// compared with the interpreter only)
			// kWrapBase + x0 + 4 lane: the high page from 0x790 for lanes 0..27, then the low page
			// from 0x800 (the offsets wrapped to 0..12).
			const uint32_t want = lane < 28 ? 0x20000u + (0x790u + 4 * lane) / 4 : 0x10000u + (0x800u + 4 * (lane - 28)) / 4;
			EXPECT_EQ(out(wg, 1792 + id * 4), want) << wg << " " << id;
		}
}

// v5 = (id % 16) * 4 + (id / 32) * 128 (a lane's offset in its half-row; the second wave 128
// bytes on), v6 = (id / 16) % 2 (its half); both readable by the next instruction.
void half_row_lanes(Asm &p)
{
	p.alu(MICA_OP_V_AND_B32, V(5), V(0), K(15));
	p.alu(MICA_OP_V_SHR_U32, V(6), V(0), K(4));
	p.alu(MICA_OP_V_SHR_U32, V(7), V(0), K(5));
	p.nop(4);
	p.alu(MICA_OP_V_SHL_B32, V(5), V(5), K(2));
	p.alu(MICA_OP_V_AND_B32, V(6), V(6), K(1));
	p.alu(MICA_OP_V_SHL_B32, V(7), V(7), K(7));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), V(7));
	p.nop(4);
}

// Two dense half-rows (emit_dense_halves): lanes 0-15 at x0 + 4 l, lanes 16-31 at x0 + D +
// 4 (l - 16). Each case stores lane values through the half-rows, loads them back the same way
// and stores what it loaded densely: D = 2048 (one page: SGEMM's two tile rows), 4160 (two
// pages), 32 (the halves overlap: lanes 16-23 store over lanes 8-15, and as in lane order the
// upper lanes win) and -256 (the upper half below the lower); then a half over a page end.
constexpr uint32_t kHalfSlice = 8192, kHalfOut = 0x200000, kHalfGroups = 256;
constexpr int32_t kHalfStrides[] = {2048, 4160, 32, -256};

Asm half_rows_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kHalfSlice));
	p.alu(MICA_OP_S_MUL_U32, S(21), S(MICA_ABI_S_WORKGROUP_ID_X), L(2048));
	p.nop(4);
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(256));
	p.alu(MICA_OP_S_ADD_U32, S(21), S(21), L(kHalfOut));
	// v5 = the lane's offset in its half-row + slice; v4 = out + id * 4.
	half_row_lanes(p);
	p.alu(MICA_OP_V_SHL_B32, V(4), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), S(21));
	for (unsigned k = 0; k < 4; k++) {
		// v1 = v5 + v6 * D; v2 = id * 3 + wg + k * 1000.
		p.alu(MICA_OP_V_MUL_LO_U32, V(1), V(6), L(static_cast<uint32_t>(kHalfStrides[k])));
		p.alu(MICA_OP_V_MUL_LO_U32, V(2), V(0), K(3));
		p.nop(4);
		p.alu(MICA_OP_V_ADD_U32, V(1), V(1), V(5));
		p.alu(MICA_OP_V_ADD_U32, V(2), V(2), S(MICA_ABI_S_WORKGROUP_ID_X));
		p.nop(4);
		p.alu(MICA_OP_V_ADD_U32, V(2), V(2), L(k * 1000));
		p.nop(4);
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(2));
		p.wait_all();
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(3), V(1), S(0), NONE);
		p.wait_all();
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(4), S(0), V(3), static_cast<int32_t>(k * 256));
		p.wait_all();
	}
	// A lower half over the end of the first split page (lanes 8-15 in the second, a separate
	// host buffer), the upper half 1 KiB into the second: the general path's case, compared with
	// the interpreter (every workgroup uses these pages).
	p.alu(MICA_OP_S_MOV_B32, S(32), L(static_cast<uint32_t>(kSplitPages)));
	p.alu(MICA_OP_S_MOV_B32, S(33), L(static_cast<uint32_t>(kSplitPages >> 32)));
	p.alu(MICA_OP_V_AND_B32, V(8), V(0), K(15));
	p.nop(4);
	p.alu(MICA_OP_V_SHL_B32, V(8), V(8), K(2));
	p.alu(MICA_OP_V_MUL_LO_U32, V(9), V(6), L(MICA_PAGE_SIZE + 1024 - (MICA_PAGE_SIZE - 32)));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(8), V(8), V(9));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(8), V(8), L(MICA_PAGE_SIZE - 32));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(8), S(32), V(2));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(10), V(8), S(32), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(4), S(0), V(10), 4 * 256);
	p.end();
	return p;
}

TEST(CuJitDenseGlobal, DenseHalfRowsMatchTheInterpreterAndLaneOrder)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint64_t before = translations_so_far();
	Compared c = run_both(half_rows_program(), kHalfGroups, map_pages);
	EXPECT_GT(translations_so_far(), before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_EQ(c.interp.hazard_violations, 0u);
	expect_same(c);
	for (uint32_t wg : {0u, 1u, 77u, kHalfGroups - 1})
		for (unsigned k = 0; k < 4; k++)
			for (unsigned id = 0; id < 64; id++) {
				// Overlapping halves (D = 32): lanes 8-15 read what lanes 16-23 stored over them.
				const unsigned lane = id % 32, from = kHalfStrides[k] == 32 && lane >= 8 && lane < 16 ? id + 8 : id;
				EXPECT_EQ(jit_word(c, kHalfOut + wg * 2048 + k * 256 + id * 4), from * 3 + wg + k * 1000)
					<< "workgroup " << wg << " stride " << kHalfStrides[k] << " id " << id;
			}
}

// Workgroups below kFaultFrom make a store or a load in the data region; the later ones make the
// same access through 'base' (s[32:33]), each workgroup 256 bytes further: the first of them
// faults, in translated code (the program is translated at the dispatch's start). Lane l of a
// wave accesses (l % 16) * 4 + (l / 16) * half_stride: a dense row for a half_stride of 64, two
// half-rows half_stride apart (the general path's two pages) otherwise.
constexpr uint32_t kFaultFrom = 300, kFaultGroups = 320, kFaultOut = 0x80000;
constexpr uint32_t kDense = 64, kSpread = 32 * MICA_PAGE_SIZE;
constexpr uint64_t kReadOnlyPages = 0x400000000ull, kUnmappedPages = 0x500000000ull;
constexpr uint64_t kHalfUnmapped = 0x600000000ull, kHalfReadOnly = 0x700000000ull;

Asm faulting_access_program(uint64_t base, bool store, uint32_t half_stride, bool reversed)
{
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(32), L(static_cast<uint32_t>(base)));
	p.alu(MICA_OP_S_MOV_B32, S(33), L(static_cast<uint32_t>(base >> 32)));
	p.alu(MICA_OP_S_MOV_B32, S(34), S(0));
	p.alu(MICA_OP_S_MOV_B32, S(35), S(1));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(256));
	p.nop(4);
	p.alu(MICA_OP_S_CMP_LT_U32, NONE, S(MICA_ABI_S_WORKGROUP_ID_X), L(kFaultFrom));
	p.alu(MICA_OP_S_CSELECT_B64, S(32), S(34), S(32));
	// v1 = slice + the lane's offset in its half-row (reversed: lane 15 - l % 16's, so neither
	// dense path takes it and the general path does) + its half * half_stride.
	half_row_lanes(p);
	if (reversed) {
		p.alu(MICA_OP_V_XOR_B32, V(5), V(5), L(60));
		p.nop(4);
	}
	p.alu(MICA_OP_V_MUL_LO_U32, V(2), V(0), K(5));
	p.alu(MICA_OP_V_MUL_LO_U32, V(6), V(6), L(half_stride));
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(1), V(5), V(6));
	// v4 = the output row: kFaultOut + slice + id * 4.
	p.alu(MICA_OP_V_SHL_B32, V(4), V(0), K(2));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), L(kFaultOut));
	p.nop(4);
	if (store)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(32), V(2));
	else
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(3), V(1), S(32), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(4), S(0), store ? V(2) : V(3));
	p.end();
	return p;
}

// At level 1 a dense row or two dense half-rows whose pages the TLB holds are made by code inlined
// into the program (codegen.cpp, global_dense_function), which stalls on the counter itself;
// everything else it hands to the whole access function. 63 64-bit stores (never inlined) issue
// back to back, then 4 stores of two dense half-rows (SGEMM's tile rows); 63 again, then 4 dense
// stores and 8 dense loads: each first access after the counter filled waits for the oldest
// access in flight. The stall cycles, the cycles and the data must be the interpreter's. The first
// access to each page misses the TLB and goes through the whole function. It fails with either
// inlined path's stall left uncounted.
constexpr uint32_t kStallFill = 63, kStallRows = 8, kStallDense = 4, kStallHalves = 4;
constexpr uint32_t kStallRowsAt = kStallFill * 512, kStallHalvesAt = kStallRowsAt + 16 * 256, kStallSlice = 88 * 512;
constexpr uint32_t kStallGroups = 64;

Asm stalling_rows_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kStallSlice));
	p.nop(4);
	// v9 = the half-rows' slice + the lane's offset in its half-row + its half * 256.
	half_row_lanes(p);
	p.alu(MICA_OP_V_MUL_LO_U32, V(9), V(6), L(256));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(9), V(9), V(5));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(9), V(9), S(20));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(9), V(9), L(kStallHalvesAt));
	// v5 = slice + id * 8 (64-bit lanes: 512-byte rows); v1 = the dense rows' slice + id * 4;
	// v2 = id * 7 + wg, also in v6 and v7 (the 64-bit stores' data).
	p.alu(MICA_OP_V_SHL_B32, V(5), V(0), K(3));
	p.alu(MICA_OP_V_SHL_B32, V(1), V(0), K(2));
	p.alu(MICA_OP_V_MUL_LO_U32, V(2), V(0), K(7));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(5), V(5), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(1), V(1), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(2), V(2), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.nop(4);
	p.alu(MICA_OP_V_ADD_U32, V(1), V(1), L(kStallRowsAt));
	p.alu(MICA_OP_V_MOV_B32, V(6), V(2));
	p.alu(MICA_OP_V_MOV_B32, V(7), V(2));
	p.nop(4);
	// Only the first access after a fill stalls (the ones after it wait no longer than it did), so
	// the counter is filled before the half-rows and again before the rows.
	for (uint32_t k = 0; k < kStallFill; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(5), S(0), V(6), static_cast<int32_t>(k * 512));
	for (uint32_t k = 0; k < kStallHalves; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(9), S(0), V(2), static_cast<int32_t>(k * 2048));
	for (uint32_t k = 0; k < kStallFill; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(5), S(0), V(6), static_cast<int32_t>(k * 512));
	for (uint32_t k = 0; k < kStallDense; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(2), static_cast<int32_t>(k * 256));
	// Rows 0-7 of the 64-bit stores' region: lane l gets word l of a row.
	for (uint32_t k = 0; k < kStallRows; k++)
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(20 + k), V(1), S(0), NONE, -static_cast<int32_t>(kStallRowsAt - k * 512));
	p.wait_all();
	for (uint32_t k = 0; k < kStallRows; k++)
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(20 + k), static_cast<int32_t>((kStallRows + k) * 256));
	p.end();
	return p;
}

TEST(CuJitDenseGlobal, InlinedDenseRowsStallAsTheInterpreterDoesAtLevel1)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	if (!tiers_with_counts())
		GTEST_SKIP() << "needs the counted tier-up";
	const Asm prog = stalling_rows_program();
	ASSERT_NO_FATAL_FAILURE(translate_at_level1(prog, false));
	Compared c = run_both(prog, kStallGroups, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_EQ(c.interp.hazard_violations, 0u);
	EXPECT_GT(c.interp.stall_cycles, 0u) << "the program must stall on the counter";
	expect_same(c);
	for (uint32_t wg : {0u, 1u, kStallGroups - 1})
		for (unsigned id : {0u, 31u, 32u, 63u}) {
			const uint32_t v = id * 7 + wg, slice = wg * kStallSlice;
			for (uint32_t k : {0u, kStallFill - 1}) // the 64-bit stores: v2 twice per lane
				for (unsigned half : {0u, 1u})
					EXPECT_EQ(jit_word(c, slice + k * 512 + id * 8 + half * 4), v) << wg << " " << id << " " << k;
			for (uint32_t k : {0u, kStallDense - 1})
				EXPECT_EQ(jit_word(c, slice + kStallRowsAt + k * 256 + id * 4), v) << wg << " " << id << " " << k;
			for (uint32_t k : {0u, kStallHalves - 1})
				EXPECT_EQ(jit_word(c, slice + kStallHalvesAt + k * 2048 + (id % 16) * 4 + (id / 32) * 128 + (id / 16) % 2 * 256), v)
					<< wg << " " << id << " " << k;
			// Loaded from row k of the 64-bit stores: invocation i gets word i, invocation i / 2's
			// value (the second wave's words are the first wave's: compared with the interpreter only).
			for (uint32_t k : {0u, kStallRows - 1}) {
				if (id < 32) {
					EXPECT_EQ(jit_word(c, slice + kStallRowsAt + (kStallRows + k) * 256 + id * 4), (id / 2) * 7 + wg)
						<< wg << " " << id << " " << k;
				}
			}
		}
}

TEST(CuJitDenseGlobal, AccessesToPagesThatDoNotTranslateFaultAsTheInterpreterDoes)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	struct Case {
		const char *what;
		uint64_t base;
		bool store;
		uint32_t half_stride;
		bool reversed;
		uint32_t fault;
		uint64_t fault_offset; // from base
	};
	const uint64_t first = uint64_t(kFaultFrom) * 256;
	const Case cases[] = {
		{"dense load from an unmapped page", kUnmappedPages, false, kDense, false, MICA_FAULT_MMU_UNMAPPED, first},
		{"dense store to an unmapped page", kUnmappedPages, true, kDense, false, MICA_FAULT_MMU_UNMAPPED, first},
		{"dense store to a read-only page", kReadOnlyPages, true, kDense, false, MICA_FAULT_MMU_PERMISSION, first},
		{"half-rows: a load whose second half's page is unmapped", kHalfUnmapped, false, kSpread, false,
		 MICA_FAULT_MMU_UNMAPPED, first + kSpread},
		{"half-rows: a store whose second half's page is read-only", kHalfReadOnly, true, kSpread, false,
		 MICA_FAULT_MMU_PERMISSION, first + kSpread},
		// Lane 16, the first in lane order on the second half's page, is at its end: + 60.
		{"general path: a load whose second half's page is unmapped", kHalfUnmapped, false, kSpread, true,
		 MICA_FAULT_MMU_UNMAPPED, first + kSpread + 60},
		{"general path: a store whose second half's page is read-only", kHalfReadOnly, true, kSpread, true,
		 MICA_FAULT_MMU_PERMISSION, first + kSpread + 60},
	};
	for (const Case &k : cases) {
		SCOPED_TRACE(k.what);
		const uint64_t before = translations_so_far();
		Compared c = run_both(faulting_access_program(k.base, k.store, k.half_stride, k.reversed), kFaultGroups, [](Rig &rig) {
			// Every faulting workgroup's pages: read-only; for the half-rows, the first half's
			// pages writable and the second half's unmapped or read-only.
			rig.mmu.map(Rig::kCtx, kReadOnlyPages, 32 * MICA_PAGE_SIZE, kR);
			rig.mmu.map(Rig::kCtx, kHalfUnmapped, 32 * MICA_PAGE_SIZE, kRW);
			rig.mmu.map(Rig::kCtx, kHalfReadOnly, 32 * MICA_PAGE_SIZE, kRW);
			rig.mmu.map(Rig::kCtx, kHalfReadOnly + kSpread, 32 * MICA_PAGE_SIZE, kR);
		});
		EXPECT_GT(translations_so_far(), before) << "not translated";
		EXPECT_EQ(c.interp.fault, k.fault) << c.interp.report;
		EXPECT_EQ(c.interp.fault_addr, k.base + k.fault_offset) << c.interp.report;
		expect_same(c);
		// The workgroups before the faulting one ran: their rows are where they belong.
		for (uint32_t wg : {0u, 1u, kFaultFrom / 2})
			for (unsigned id : {0u, 15u, 16u, 31u, 32u, 63u})
				EXPECT_EQ(jit_word(c, kFaultOut + wg * 256 + id * 4), k.store ? id * 5 : 0u) << wg << " " << id;
	}
}

} // namespace
