// SPDX-License-Identifier: MIT
// The JIT's inline vector-memory paths against the interpreter: a wave whose active lanes are
// contiguous (lane l at a0 + l * size) loads or stores one masked block, any other wave gathers or
// scatters lane by lane, and a wave whose lanes leave the page (or the shared allocation) takes
// the interpreter's own access code (jit/codegen.cpp, emit_lanes and emit_vmem). Every access size
// of global and shared memory runs under lane patterns at each of those edges, twice (the second
// pass finds the pages in the CU's TLB), and results, faults, counters and every data byte must
// equal the interpreter's.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cu_test_support.h"
#include "jit_compare.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Lane x of the workgroup (0..63; waves of 32) accesses an access of 'size' bytes at
//   slice(wg) + start + (x' - lane_shift) * (size * mult + extra) + byte_offset + g   (global)
//   256 + max(-g, 0) + (x' - lane_shift) * (size * mult + extra) + byte_offset + g     (shared)
// with EXEC = exec for every access; mult -1 reverses the lanes: (63 - x) instead of x. The
// upper half of each wave (lanes 16-31) adds g = half_gap, and with half_repeat uses the lower
// half's lanes (x' = x - 16) instead of its own (x' = x).
struct Pattern {
	const char *name;
	int mult;
	uint32_t extra, byte_offset, start, lane_shift, exec;
	int32_t half_gap;
	bool half_repeat;
};
void PrintTo(const Pattern &p, std::ostream *os) { *os << p.name; }

constexpr uint32_t kSlice = 12288; // three pages per workgroup
constexpr uint32_t kResult = 8192; // the folded load results, 4 bytes per lane
constexpr uint32_t kGroups = 320;  // 20480 invocations: over the tests' hot threshold (jit_compare.h)

struct Access {
	unsigned store, load, load_signed, size;
};
const Access kGlobal[] = {
    {MICA_OP_GLOBAL_STORE_B8, MICA_OP_GLOBAL_LOAD_U8, MICA_OP_GLOBAL_LOAD_I8, 1},
    {MICA_OP_GLOBAL_STORE_B16, MICA_OP_GLOBAL_LOAD_U16, MICA_OP_GLOBAL_LOAD_I16, 2},
    {MICA_OP_GLOBAL_STORE_B32, MICA_OP_GLOBAL_LOAD_B32, 0, 4},
    {MICA_OP_GLOBAL_STORE_B64, MICA_OP_GLOBAL_LOAD_B64, 0, 8},
    {MICA_OP_GLOBAL_STORE_B96, MICA_OP_GLOBAL_LOAD_B96, 0, 12},
    {MICA_OP_GLOBAL_STORE_B128, MICA_OP_GLOBAL_LOAD_B128, 0, 16},
};
const Access kShared[] = {
    {MICA_OP_DS_STORE_B8, MICA_OP_DS_LOAD_U8, MICA_OP_DS_LOAD_I8, 1},
    {MICA_OP_DS_STORE_B16, MICA_OP_DS_LOAD_U16, MICA_OP_DS_LOAD_I16, 2},
    {MICA_OP_DS_STORE_B32, MICA_OP_DS_LOAD_B32, 0, 4},
    {MICA_OP_DS_STORE_B64, MICA_OP_DS_LOAD_B64, 0, 8},
    {MICA_OP_DS_STORE_B128, MICA_OP_DS_LOAD_B128, 0, 16},
};

// v0: local id x. v24..v27: data (lane- and workgroup-dependent, every byte distinct enough that a
// lane written to or read from the wrong place changes the result). v30: the loads folded.
void lane_address(Asm &p, unsigned reg, const Pattern &pt, unsigned size, bool shared)
{
	const uint32_t stride = static_cast<uint32_t>(static_cast<int>(size) * (pt.mult < 0 ? 1 : pt.mult)) + pt.extra;
	p.alu(MICA_OP_V_AND_B32, V(38), V(0), K(16)); // 16 in the upper half of a wave
	if (pt.mult < 0)
		p.alu(MICA_OP_V_SUB_U32, V(reg), L(63), V(0));
	else
		p.alu(MICA_OP_V_MOV_B32, V(reg), V(0));
	if (pt.half_repeat)
		p.alu(MICA_OP_V_SUB_U32, V(reg), V(reg), V(38));
	p.alu(MICA_OP_V_MUL_LO_U32, V(reg), V(reg), L(stride));
	// (Shared addresses start late enough that an upper half before the lower one stays >= 0.)
	const uint32_t shared_start = 256u + static_cast<uint32_t>(pt.half_gap < 0 ? -pt.half_gap : 0);
	const uint32_t base = (shared ? shared_start : pt.start) + pt.byte_offset - pt.lane_shift * stride;
	p.alu(MICA_OP_V_ADD_U32, V(reg), V(reg), L(base));
	if (pt.half_gap) {
		p.alu(MICA_OP_V_SHR_U32, V(39), V(38), K(4));
		p.alu(MICA_OP_V_MUL_LO_U32, V(39), V(39), L(static_cast<uint32_t>(pt.half_gap)));
		p.alu(MICA_OP_V_ADD_U32, V(reg), V(reg), V(39));
	}
	if (!shared)
		p.alu(MICA_OP_V_ADD_U32, V(reg), V(reg), S(20));
}

void fold(Asm &p, unsigned rows)
{
	for (unsigned k = 0; k < rows; k++)
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4 + k));
}

Asm pattern_program(const Pattern &pt)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kSlice));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(2));
	p.nop(1);
	p.alu(MICA_OP_V_MUL_LO_U32, V(24), V(0), L(0x01030507));
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), S(20));
	p.alu(MICA_OP_V_XOR_B32, V(25), V(24), L(0x80f17f80));
	p.alu(MICA_OP_V_MUL_LO_U32, V(26), V(24), L(0x9e3779b9));
	p.alu(MICA_OP_V_SUB_U32, V(27), V(26), V(0));
	p.alu(MICA_OP_V_MOV_B32, V(30), V(0));
	for (size_t i = 0; i < std::size(kGlobal); i++)
		lane_address(p, 40 + static_cast<unsigned>(i), pt, kGlobal[i].size, false);
	for (size_t i = 0; i < std::size(kShared); i++)
		lane_address(p, 50 + static_cast<unsigned>(i), pt, kShared[i].size, true);
	p.alu(MICA_OP_V_SHL_B32, V(60), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(60), V(60), S(20));
	p.nop(2);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(22), L(pt.exec));
	p.nop(2);
	int top = p.label();
	p.bind(top);
	for (size_t i = 0; i < std::size(kGlobal); i++) {
		const Access &a = kGlobal[i];
		const unsigned addr = 40 + static_cast<unsigned>(i), rows = a.size < 4 ? 1 : a.size / 4;
		p.mem(a.store, NONE, V(addr), S(0), V(24));
		p.mem(a.load, V(4), V(addr), S(0), NONE);
		p.wait_all();
		fold(p, rows);
		if (a.load_signed) {
			p.mem(a.load_signed, V(4), V(addr), S(0), NONE);
			p.wait_all();
			fold(p, 1);
		}
	}
	for (size_t i = 0; i < std::size(kShared); i++) {
		const Access &a = kShared[i];
		const unsigned addr = 50 + static_cast<unsigned>(i), rows = a.size < 4 ? 1 : a.size / 4;
		p.mem(a.store, NONE, V(addr), NONE, V(24));
		p.mem(a.load, V(4), V(addr), NONE, NONE);
		p.wait_all();
		fold(p, rows);
		if (a.load_signed) {
			p.mem(a.load_signed, V(4), V(addr), NONE, NONE);
			p.wait_all();
			fold(p, 1);
		}
	}
	// The data changes between the passes (so the second pass's stores are not no-ops).
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), V(30));
	p.alu(MICA_OP_V_XOR_B32, V(25), V(25), V(30));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(60), S(0), V(30), static_cast<int32_t>(kResult));
	p.end();
	return p;
}

const Pattern kPatterns[] = {
    // name, mult, extra, byte_offset, start, lane_shift, exec, half_gap, half_repeat
    {"contiguous", 1, 0, 0, 0, 0, ~0u, 0, false},
    {"contiguous_prefix_exec", 1, 0, 0, 0, 0, 0x0000ffffu, 0, false},
    {"contiguous_odd_lanes", 1, 0, 0, 0, 0, 0xaaaaaaaau, 0, false},
    {"contiguous_unaligned_by_1", 1, 0, 1, 0, 0, ~0u, 0, false},
    {"contiguous_unaligned_by_3_partial", 1, 0, 3, 64, 0, 0x7ffffff0u, 0, false},
    // Lane 0 off and its address in the page before the one lanes 1..31 use.
    {"lane0_off_before_the_page", 1, 0, 0, 4096, 1, 0xfffffffeu, 0, false},
    {"page_boundary_inside_the_wave", 1, 0, 0, 4096 - 40, 0, ~0u, 0, false},
    {"page_boundary_only_inactive_lanes_cross", 1, 0, 0, 4096 - 64, 0, 0xffff0000u, 0, false},
    {"stride_twice_the_size", 2, 0, 0, 0, 0, ~0u, 0, false},
    {"stride_4_bytes_overlapping", 0, 4, 0, 0, 0, ~0u, 0, false},
    {"descending_lanes", -1, 0, 0, 0, 0, ~0u, 0, false},
    {"every_lane_the_same_address", 0, 0, 0, 128, 0, ~0u, 0, false},
    {"one_active_lane", 0, 0, 0, 128, 0, 1u << 5, 0, false},
    // Half-waves: two rows of 16 (SGEMM's tiles), the upper row before the lower one and
    // overlapping it (a store's upper lanes must win), only the upper half active, both halves on
    // the same block (a shared tile read by both rows), and each half contiguous but one of them
    // crossing into the next page.
    {"two_rows_of_16", 1, 0, 0, 0, 0, ~0u, 1024, false},
    {"upper_row_overlapping_the_lower", 1, 0, 0, 1024, 0, ~0u, -512, false},
    {"upper_row_only", 1, 0, 0, 0, 0, 0xffff0000u, 1024, false},
    {"both_rows_one_block", 1, 0, 0, 0, 0, 0xfffffff7u, 0, true},
    {"upper_row_across_the_page", 1, 0, 0, 4096 - 300, 0, ~0u, 64, false},
    // Each half-wave in its own page (global: the lower half of the first wave ends 16 bytes
    // before a page boundary, the upper half starts past it), all lanes and a partial EXEC.
    {"halves_in_two_pages", 1, 0, 0, 4096 - 272, 0, ~0u, 512, false},
    {"halves_in_two_pages_partial", 1, 0, 0, 4096 - 272, 0, 0x0ff0fff0u, 512, false},
    // One address per half-wave (SGEMM's shared row reads), with both halves active, only the
    // lower one, and a partial upper one.
    {"one_address_per_half", 0, 0, 0, 128, 0, ~0u, 512, false},
    {"one_address_lower_half_only", 0, 0, 0, 128, 0, 0x0000ffffu, 512, false},
    {"one_address_per_half_partial", 0, 0, 0, 128, 0, 0x0f0f00f0u, -64, false},
};

class CuJitVmem : public ::testing::TestWithParam<Pattern> {};

TEST_P(CuJitVmem, AgreesWithTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const Pattern &pt = GetParam();
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Compared c = run_both(pattern_program(pt), kGroups, [](Rig &rig) { rig.st.shared_bytes = 4096; });
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// The loads did read what the stores wrote (so equality is not two untouched buffers).
	uint32_t nonzero = 0;
	for (uint32_t x = 0; x < 64; x++)
		nonzero += c.interp_data[kResult + 4 * x] != 0;
	EXPECT_GT(nonzero, 0u);
}

INSTANTIATE_TEST_SUITE_P(Patterns, CuJitVmem, ::testing::ValuesIn(kPatterns),
                         [](const ::testing::TestParamInfo<Pattern> &i) { return std::string(i.param.name); });

// A contiguous block that runs off the mapped range (global) or the shared allocation (ds): the
// first lane outside faults with the interpreter's record; under an EXEC that leaves the lanes
// outside off, nothing faults.
constexpr uint32_t kEdgeSlice = 13120;
// Global: the last workgroup's block (kGroups - 1) ends 64 bytes past the 4 MiB mapped, so its
// second wave's lanes 48..63 are outside; every other workgroup's block is inside. Shared: the
// block starts 192 bytes before the end of the 4 KiB allocation in every workgroup.
constexpr uint32_t kEdgeGlobalStart = (4u << 20) - 192 - (kGroups - 1) * kEdgeSlice;
constexpr uint32_t kEdgeSharedStart = 4096 - 192;
static_assert(kEdgeGlobalStart >= 256 && kEdgeGlobalStart + 256 <= kEdgeSlice);

Asm edge_program(bool shared, unsigned store_op, unsigned load_op, uint32_t exec)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kEdgeSlice));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(13), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(13), V(13), S(20)); // the result slot
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), L(shared ? kEdgeSharedStart : kEdgeGlobalStart));
	if (!shared)
		p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(0), L(0x5a5a0000));
	p.nop(2);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(22), L(exec));
	p.nop(2);
	p.mem(store_op, NONE, V(10), shared ? NONE : S(0), V(11));
	p.mem(load_op, V(12), V(10), shared ? NONE : S(0), NONE);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(12), V(12), K(1));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(13), S(0), V(12));
	p.end();
	return p;
}

// Each edge program with every lane on and with either half of them (the upper half reaches past
// the edge), first as translated when hot, then at level 1, whose inlined paths (a dense global
// row, a shared block without a memo) must send the lanes past the edge to the whole access.
constexpr std::pair<uint32_t, bool> kEdgeRuns[] = {{~0u, false},        {0x0000ffffu, false}, {0xffff0000u, false},
                                                   {0xffff0000u, true}, {0x0000ffffu, true},  {~0u, true}};

TEST(CuJitVmem, ContiguousBlockLeavingTheMappedRangeFaultsLikeTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	for (auto [exec, level1] : kEdgeRuns) {
		SCOPED_TRACE(std::to_string(exec) + (level1 ? " at level 1" : ""));
		const Asm prog = edge_program(false, MICA_OP_GLOBAL_STORE_B32, MICA_OP_GLOBAL_LOAD_B32, exec);
		if (level1 && !tiers_with_counts())
			continue;
		if (level1) {
			ASSERT_NO_FATAL_FAILURE(translate_at_level1(prog, false));
		}
		Compared c = run_both(prog, kGroups, [](Rig &) {});
		if (exec & 0xffff0000u) {
			ASSERT_EQ(c.interp.fault, MICA_FAULT_MMU_UNMAPPED) << c.interp.report;
			EXPECT_EQ(c.interp.fault_addr, Rig::kData + (4u << 20)); // lane 48 of the last workgroup
		} else {
			ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		}
		expect_same(c);
	}
}

TEST(CuJitVmem, ContiguousBlockLeavingSharedMemoryFaultsLikeTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	for (auto [exec, level1] : kEdgeRuns) {
		SCOPED_TRACE(std::to_string(exec) + (level1 ? " at level 1" : ""));
		const Asm prog = edge_program(true, MICA_OP_DS_STORE_B32, MICA_OP_DS_LOAD_B32, exec);
		if (level1 && !tiers_with_counts())
			continue;
		if (level1) {
			ASSERT_NO_FATAL_FAILURE(translate_at_level1(prog, false));
		}
		Compared c = run_both(prog, kGroups, [](Rig &rig) { rig.st.shared_bytes = 4096; });
		if (exec & 0xffff0000u)
			ASSERT_EQ(c.interp.fault, MICA_FAULT_SHARED_OUT_OF_RANGE) << c.interp.report;
		else
			ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
}

// Each half-wave in its own page, the two pages mapped separately (so the host memory behind
// them is not contiguous, as a GPU's pages are not): the inline path tests each half's page in
// the TLB and must access each half through its own page's host address. Lane l of a wave reads
// and writes word l % 16 of page kSplit + (l / 16) * 4096, at an offset per wave.
constexpr uint64_t kSplit = 0x10000000;

Asm split_pages_program()
{
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(24), L(static_cast<uint32_t>(kSplit)));
	p.alu(MICA_OP_S_MOV_B32, S(25), K(0));
	p.alu(MICA_OP_V_AND_B32, V(10), V(0), K(15));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(10), K(2));       // (x % 16) * 4
	p.alu(MICA_OP_V_AND_B32, V(11), V(0), K(16));
	p.alu(MICA_OP_V_SHL_B32, V(11), V(11), K(8));       // the upper half: + 4096
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), V(11));
	p.alu(MICA_OP_V_SHR_U32, V(11), V(0), K(5));
	p.alu(MICA_OP_V_SHL_B32, V(11), V(11), K(6));       // the wave: + 64
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), V(11));
	p.alu(MICA_OP_V_MUL_LO_U32, V(12), V(0), L(0x9e3779b9));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(0));
	p.alu(MICA_OP_V_SHL_B32, V(13), V(0), K(2));        // the result slot (every group the same)
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(4), V(10), S(24), NONE);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(24), V(12), 1024);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(5), V(10), S(24), NONE, 1024);
	p.wait_all();
	p.alu(MICA_OP_V_MAD_U32, V(4), V(4), L(0x01000193), V(5));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(13), S(0), V(4));
	p.end();
	return p;
}

TEST(CuJitVmem, HalvesInTwoSeparatelyMappedPagesAgree)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(split_pages_program(), kGroups, [](Rig &rig) {
		for (uint64_t page = 0; page < 2; page++) {
			uint8_t *host = rig.mmu.map(Rig::kCtx, kSplit + page * MICA_PAGE_SIZE, MICA_PAGE_SIZE, kRW);
			for (uint32_t i = 0; i < MICA_PAGE_SIZE; i++)
				host[i] = static_cast<uint8_t>(i * 7 + page * 101 + 1);
		}
	});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
}

} // namespace

namespace {

// The translated s_waitcnt clears the pipeline records of the load results it covers (what the
// first access would do through Runtime::checks_ok, jit/codegen.cpp emit_clear_waited). Around it:
// a partial wait that covers the older loads only (the newest is read too early: a hazard
// violation in faithful mode, with the previous value), a pending load result overwritten by a
// VALU result before the wait (a write-after-write violation), scalar and shared loads on the
// LS counter waited together, a load whose wait is in the next loop iteration (the translation's
// walk does not see it), and a register loaded twice. Cycles, stalls and violation counts must
// equal the interpreter's.
Asm waited_loads_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(1024));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(3));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.alu(MICA_OP_V_MUL_LO_U32, V(11), V(0), L(0x00010001));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(0), K(2)); // shared address
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(11));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(10), 256);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(12), NONE, V(11));
	p.wait_all();
	int top = p.label();
	p.bind(top);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(1), V(10), S(0), NONE);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(2), V(10), S(0), NONE, 256);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(3), V(10), S(0), NONE, 4);
	p.waitcnt(1, MICA_WAITCNT_NOWAIT);                   // v1, v2 covered; v3 not
	p.alu(MICA_OP_V_ADD_U32, V(20), V(1), V(2));
	p.alu(MICA_OP_V_ADD_U32, V(21), V(3), V(20));        // too early: the previous v3
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(4), V(10), S(0), NONE, 8);
	p.alu(MICA_OP_V_MOV_B32, V(4), K(7));                // overwrites a pending load result
	p.mem(MICA_OP_S_LOAD_B64, S(30), NONE, S(0), NONE, 16);
	p.mem(MICA_OP_DS_LOAD_B32, V(5), V(12), NONE, NONE);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(1), V(10), S(0), NONE, 12); // v1 loaded again
	p.waitcnt(MICA_WAITCNT_NOWAIT, 0);                   // the LS counter only
	p.alu(MICA_OP_V_ADD_U32, V(22), V(5), S(30));
	p.alu(MICA_OP_V_ADD_U32, V(22), V(22), S(31));
	p.alu(MICA_OP_V_ADD_U32, V(23), V(1), V(22));        // v1 still pending: too early
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(24), V(1), V(4));
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), V(21));
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), V(23));
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(6), V(10), S(0), NONE, 20); // waited in the next iteration
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(24), 512);
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(24), V(24), V(6));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(24), 768);
	p.end();
	return p;
}

TEST(CuJitVmem, WaitsClearTheRecordsTheyCoverLikeFirstAccesses)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Compared c = run_both(waited_loads_program(), kGroups, [](Rig &rig) { rig.st.shared_bytes = 4096; });
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	EXPECT_GT(c.interp.hazard_violations, 0u); // the early reads are counted
	expect_same(c);
}

} // namespace
