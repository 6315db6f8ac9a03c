// SPDX-License-Identifier: MIT
// The translated code's shared-memory address memo (jit/codegen.cpp, emit_ds, ds_helper): the
// pattern of an address register's active lanes (contiguous halves, one address per half,
// scattered) and their lowest and highest address, made at the register's first shared access
// and reused by the next accesses through the same register with other immediate offsets
// (SGEMM's unrolled tile reads), in later calls of the translated code too. Each program here reuses a register
// where the memo must not be believed: the register written in between, EXEC changed, a load
// whose destination is its own address register, an offset that takes the same lanes outside the
// allocation. Results, faults, counters and every data byte must equal the interpreter's.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "cu_test_support.h"
#include "jit_compare.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

constexpr uint32_t kSlice = 1024;  // each workgroup's result slot: 4 bytes per lane
constexpr uint32_t kGroups = 320;  // 20480 invocations: over the tests' hot threshold (jit_compare.h)
constexpr uint32_t kShared = 4096; // bytes of shared memory per workgroup

enum class Reuse { Written, OtherExec, OwnDestination, FartherOffset, NarrowerExec };

// v0: local id x (0..63, two waves). v10: x * 4 (contiguous); v11: data; v13: the result slot;
// v30: the loads folded, stored at the end. Shared addresses stay inside each wave's own 128
// bytes (x ^ 31 reverses the lanes of a wave), so no result depends on how waves interleave.
Asm memo_program(Reuse r)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kSlice));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(2));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_MUL_LO_U32, V(11), V(0), L(0x01030507));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), S(20));
	p.alu(MICA_OP_V_SHL_B32, V(13), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(13), V(13), S(20));
	p.alu(MICA_OP_V_XOR_B32, V(16), V(0), K(31));
	p.alu(MICA_OP_V_SHL_B32, V(16), V(16), K(2)); // the lanes of each wave reversed
	p.alu(MICA_OP_V_ADD_U32, V(12), V(10), L(kShared - 192));
	p.alu(MICA_OP_V_MOV_B32, V(30), V(0));
	p.nop(2);
	int top = p.label();
	p.bind(top);
	switch (r) {
	case Reuse::Written: // the memo of v10 (contiguous) must not survive v10's rewrite
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11));
		p.alu(MICA_OP_V_MOV_B32, V(10), V(16));
		p.nop(1);
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(13), 256);
		p.mem(MICA_OP_DS_LOAD_B32, V(4), V(10), NONE, NONE);
		p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE, 256);
		p.wait_all();
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(5));
		p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2)); // a writer after the readers in the walk
		break;
	case Reuse::OtherExec: // v12 is inside for lanes 0..47 only: the memo made under 0xffff
		p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(22), L(0x0000ffffu));
		p.nop(2);
		p.mem(MICA_OP_DS_LOAD_B32, V(4), V(12), NONE, NONE);
		p.alu(MICA_OP_S_MOV_B32, EXEC, S(22));
		p.nop(2);
		p.mem(MICA_OP_DS_LOAD_B32, V(5), V(12), NONE, NONE); // lane 48 outside: a fault
		p.wait_all();
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(5));
		break;
	case Reuse::OwnDestination: // v14 loads new addresses (reversed) over its contiguous ones
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(16));
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11), 512);
		p.alu(MICA_OP_V_MOV_B32, V(14), V(10));
		p.wait_all();
		p.mem(MICA_OP_DS_LOAD_B32, V(14), V(14), NONE, NONE);
		p.wait_all();
		p.mem(MICA_OP_DS_LOAD_B32, V(4), V(14), NONE, NONE, 512);
		p.wait_all();
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
		break;
	case Reuse::NarrowerExec: // made under the full EXEC, then accesses under parts of it
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11));
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(13), 128);
		p.wait_all();
		p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(22), L(0x0000ff00u));
		p.nop(2);
		p.mem(MICA_OP_DS_LOAD_B32, V(4), V(10), NONE, NONE);
		p.alu(MICA_OP_S_MOV_B32, EXEC, L(0xffff0000u)); // the upper half alone
		p.nop(2);
		p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE, 128);
		p.alu(MICA_OP_S_MOV_B32, EXEC, L(0x80000001u));
		p.nop(2);
		p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE, 4);
		p.alu(MICA_OP_S_MOV_B32, EXEC, S(22));
		p.nop(2);
		p.wait_all();
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(5));
		break;
	case Reuse::FartherOffset: // the same lanes, inside at 0 and at 3840, outside at 3968
		p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11), 3840);
		p.mem(MICA_OP_DS_LOAD_B32, V(4), V(10), NONE, NONE, 3840);
		p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE, kShared - 128);
		p.wait_all();
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
		p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(5));
		break;
	}
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), V(30));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(13), S(0), V(30));
	p.end();
	return p;
}

struct Case {
	const char *name;
	Reuse reuse;
	uint32_t fault; // the interpreter's (a reused memo would miss it or make another)
};
void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

const Case kCases[] = {
    {"an_address_register_rewritten_is_classified_again", Reuse::Written, MICA_FAULT_NONE},
    {"a_memo_made_under_another_exec_is_not_used", Reuse::OtherExec, MICA_FAULT_SHARED_OUT_OF_RANGE},
    {"a_load_into_its_own_address_register_leaves_no_memo", Reuse::OwnDestination, MICA_FAULT_NONE},
    {"each_offset_is_tested_against_the_allocation", Reuse::FartherOffset, MICA_FAULT_SHARED_OUT_OF_RANGE},
    {"narrower_execs_after_the_full_one", Reuse::NarrowerExec, MICA_FAULT_NONE},
};

class CuJitDsMemo : public ::testing::TestWithParam<Case> {};

TEST_P(CuJitDsMemo, AgreesWithTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Compared c = run_both(memo_program(GetParam().reuse), kGroups, [](Rig &rig) { rig.st.shared_bytes = kShared; });
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before) << "not translated";
	ASSERT_EQ(c.interp.fault, GetParam().fault) << c.interp.report;
	expect_same(c);
}

INSTANTIATE_TEST_SUITE_P(Reuses, CuJitDsMemo, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case> &i) { return std::string(i.param.name); });

} // namespace

namespace {

// The memos a wave keeps between calls of the translated code (Wave::memos) must go when a call
// cannot know what happened to the registers since the last: a new launch of the wave (launch
// zeroes the registers the program writes) and instructions the interpreter ran for it.

// v10 is 0 at launch (every lane reads shared word 0), then the lanes' own words. A memo of the
// second pattern kept into the next workgroup's first access would read the lanes' words there.
// Without the barrier the program chains (worker.h, Worker::chain_next): the next wave starts in
// the same Wave object without the translated code's entry, at the chain's restart.
Asm launch_program(bool barrier = true)
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kSlice));
	p.nop(1);
	p.alu(MICA_OP_V_MUL_LO_U32, V(11), V(0), L(0x01030507));
	p.alu(MICA_OP_V_SHL_B32, V(12), V(0), K(2));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(13), V(12), S(20));
	p.nop(2);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(12), NONE, V(11));
	p.wait_all();
	if (barrier)
		p.ctrl(MICA_OP_S_BARRIER); // every wave's words are stored before any is read
	p.mem(MICA_OP_DS_LOAD_B32, V(4), V(10), NONE, NONE);
	p.nop(3);
	p.alu(MICA_OP_V_MOV_B32, V(10), V(12));
	p.nop(3);
	p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE);
	p.wait_all();
	p.alu(MICA_OP_V_MAD_U32, V(30), V(4), L(0x01000193), V(5));
	p.nop(3);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(13), S(0), V(30));
	p.end();
	return p;
}

// 'prog' translated and interpreted, 'abort' as the kill flag: no fault, and everything equal.
void expect_translated_and_same(const Asm &prog, const std::atomic<bool> *abort)
{
	const uint64_t before = translations_so_far();
	Compared c = run_both(prog, kGroups, [abort](Rig &rig) {
		rig.st.shared_bytes = kShared;
		rig.st.abort = abort;
	});
	EXPECT_GT(translations_so_far(), before) << "not translated";
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
}

TEST(CuJitDsMemoKept, NotIntoTheNextLaunchOfTheWave)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	expect_translated_and_same(launch_program(), nullptr);
}

TEST(CuJitDsMemoKept, NotIntoTheNextWaveOfAChain)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const Asm prog = launch_program(false);
	translate_at_level1(prog); // the level-1 code is the one that launches the chain's next wave
	const uint64_t before = cu::jit::counters().chained_launches;
	expect_translated_and_same(prog, nullptr);
	EXPECT_GT(cu::jit::counters().chained_launches, before) << "the program did not chain";
}

// With a kill flag to poll (never raised), every 4096th instruction is the interpreter's, and
// after one inside a straight run of ALU instructions the interpreter runs the rest of the run
// (jit/codegen.cpp, line_continues). The run here ends by reversing v10 (x ^ 124), so the
// interpreter rewrites v10 where the translated code's clearing of its memo does not run; the
// loop's next access through v10 must not take the pattern from before.
Asm interp_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(kSlice));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(8));
	p.nop(1);
	p.alu(MICA_OP_V_MUL_LO_U32, V(11), V(0), L(0x01030507));
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_SHL_B32, V(13), V(0), K(2));
	p.alu(MICA_OP_V_MOV_B32, V(30), V(0));
	p.nop(0);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(11), S(20));
	p.alu(MICA_OP_V_ADD_U32, V(13), V(13), S(20));
	p.nop(2);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(11));
	p.wait_all();
	int top = p.label();
	p.bind(top);
	p.mem(MICA_OP_DS_LOAD_B32, V(4), V(10), NONE, NONE);
	for (unsigned k = 0; k < 40; k++) // the straight run
		p.alu(MICA_OP_V_ADD_U32, V(20 + k % 4), V(20 + (k + 1) % 4), K(k % 7));
	p.alu(MICA_OP_V_XOR_B32, V(10), V(10), L(124));
	p.nop(1);
	p.mem(MICA_OP_DS_LOAD_B32, V(5), V(10), NONE, NONE);
	p.wait_all();
	p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(4));
	p.nop(3);
	p.alu(MICA_OP_V_MAD_U32, V(30), V(30), L(0x01000193), V(5));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.nop(1);
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.nop(3);
	p.alu(MICA_OP_V_ADD_U32, V(30), V(30), V(20));
	p.nop(3);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(13), S(0), V(30));
	p.end();
	return p;
}

TEST(CuJitDsMemoKept, NotPastInstructionsTheInterpreterRan)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	static const std::atomic<bool> never{false};
	expect_translated_and_same(interp_program(), &never);
}

} // namespace
