// SPDX-License-Identifier: MIT
// A shared or global load keeps its destinations' previous rows (read by a stale read before the load's
// result is visible) unless the translator proves nothing can read them (codegen.cpp,
// prev_unread): no instruction names the register before a wait that covers the load, along
// the instructions every wave executes next. Here three loads whose results are read stale, each
// one step short of that proof: a read before any wait, a wait that does not cover the load
// (s_waitcnt ls(2) with one shared access after it), and a covering wait a branch skips. The
// stale reads must see the previous values, as the interpreter's do. And a global load whose
// wait, s_waitcnt gm(1), is one short: the shared access after it is on the other counter.
#include <gtest/gtest.h>

#include <cstring>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kOut = 0x100000; // 4 rows of 64 lanes per workgroup
constexpr unsigned kRows = 4;

Asm stale_loads_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kRows * 256));
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(kOut));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(0), L(1000));
	p.alu(MICA_OP_V_ADD_U32, V(20), V(10), S(20));
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11)); // shared[lane] = lane + 1000
	p.wait_all();
	// The registers' values before the loads (plain VALU results: no previous row kept).
	p.alu(MICA_OP_V_ADD_U32, V(5), V(0), K(7));
	p.alu(MICA_OP_V_ADD_U32, V(6), V(0), K(9));
	p.alu(MICA_OP_V_ADD_U32, V(7), V(0), K(11));
	p.nop(4);
	// Read before any wait.
	p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE);
	p.alu(MICA_OP_V_ADD_U32, V(12), V(5), K(1));
	p.wait_all();
	// A wait that leaves the load outstanding: one shared access after it, ls(2).
	p.mem(MICA_OP_DS_LOAD_B32, V(6), V(10), NONE, NONE);
	p.mem(MICA_OP_DS_LOAD_B32, V(8), V(10), NONE, NONE, 256);
	p.waitcnt(MICA_WAITCNT_NOWAIT, 2);
	p.alu(MICA_OP_V_ADD_U32, V(13), V(6), K(1));
	p.wait_all();
	// A covering wait on the fall-through path only: every wave branches past it.
	p.mem(MICA_OP_DS_LOAD_B32, V(7), V(10), NONE, NONE);
	p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WORKGROUP_ID_X), S(MICA_ABI_S_WORKGROUP_ID_X));
	int past = p.label();
	p.branch(MICA_OP_S_CBRANCH_SCC1, past);
	p.wait_all();
	p.bind(past);
	p.alu(MICA_OP_V_ADD_U32, V(14), V(7), K(1));
	p.wait_all();
	// A global load followed by a shared one: s_waitcnt gm(1) leaves the global load outstanding
	// (the shared access is on the other counter).
	p.alu(MICA_OP_V_ADD_U32, V(9), V(0), K(13));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(9), V(20), S(0), NONE, 768);
	p.mem(MICA_OP_DS_LOAD_B32, V(16), V(10), NONE, NONE);
	p.waitcnt(1, 0);
	p.alu(MICA_OP_V_ADD_U32, V(17), V(9), K(1));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(20), S(0), V(12));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(20), S(0), V(13), 256);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(20), S(0), V(14), 512);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(20), S(0), V(17), 768);
	p.end();
	return p;
}

TEST(CuJitPrevRows, StaleReadsOfLoadResultsSeeThePreviousRows)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: translated at the dispatch's start
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Compared c = run_both(stale_loads_program(), groups, [](Rig &) {});
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// The reads were stale (the program tests what it means to): the values before the loads.
	EXPECT_GE(c.interp.hazard_violations, uint64_t(groups) * 2 * 4);
	auto out = [&](uint32_t wg, unsigned row, unsigned lane) {
		uint32_t v;
		std::memcpy(&v, c.interp_data.data() + kOut + wg * kRows * 256 + row * 256 + lane * 4, 4);
		return v;
	};
	EXPECT_EQ(out(9, 0, 5), 5u + 7u + 1u);
	EXPECT_EQ(out(9, 1, 5), 5u + 9u + 1u);
	EXPECT_EQ(out(9, 2, 5), 5u + 11u + 1u);
	EXPECT_EQ(out(9, 3, 5), 5u + 13u + 1u);
}

} // namespace
