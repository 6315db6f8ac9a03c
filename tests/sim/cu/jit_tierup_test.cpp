// SPDX-License-Identifier: MIT
// Who waits for a level-1 translation (translate.cpp): a long dispatch that queues its program's
// tier-up waits for that translation alone, not for the others in the queue (the tier-up thread
// is held so the queue's order is known, not left to timing).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "cu_test_support.h"
#include "jit/jit.h"
#include "jit_compare.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// A program of its own for the process-wide translation cache ('variant' tells them apart).
Asm tiny_program(unsigned variant)
{
	Asm p;
	p.nop(variant);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_V_ADD_U32, V(11), V(0), S(MICA_ABI_S_WORKGROUP_ID_X));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(11));
	p.end();
	return p;
}

// Lets every held tier-up through when the test ends, however it ends (before the rigs' engines,
// whose destruction waits for the queue, and the thread that waits for one).
struct TierUpHold {
	TierUpHold() { cu::jit::hold_tierups_for_tests(0); }
	~TierUpHold() { cu::jit::hold_tierups_for_tests(~0ull); }
};

// Queue: B's tier-up (asked by a long dispatch, which waits), then A's (asked by a short one,
// which does not). The thread is let through for one translation: B's. The long dispatch must
// return with B's level-1 code while A's translation is still held; waiting for the whole queue
// (as every waiter did before) it would not return until A's was let through too.
TEST(CuJitTierUp, LongDispatchWaitsForItsOwnProgramsTierUpOnly)
{
	if (!tiers_with_counts())
		GTEST_SKIP() << "no LLVM JIT, one level, or the differential tests' tier-up at every first dispatch";
	cu::jit::wait_for_tierups(); // other tests' translations are out of the queue
	Rig ra(2, 1, 4u << 20), rb(2, 1, 4u << 20);
	ra.load(tiny_program(101));
	rb.load(tiny_program(102));
	for (Rig *r : {&ra, &rb}) {
		r->st.wg_size[0] = 64;
		r->st.groups[0] = static_cast<uint32_t>(cu::jit::tierup_threshold() / 64); // long: waits when it asks
	}
	ASSERT_GE(uint64_t(ra.st.groups[0]) * 64, cu::jit::hot_threshold());
	std::shared_ptr<const cu::jit::Program> a0 = cu::jit::program_for(ra.mmu, ra.st);
	std::shared_ptr<const cu::jit::Program> b0 = cu::jit::program_for(rb.mmu, rb.st);
	ASSERT_TRUE(a0 && b0);
	ASSERT_EQ(a0->level(), 0u);
	ASSERT_EQ(b0->level(), 0u);

	const uint64_t queued = cu::jit::counters().tierups_queued;
	std::future<unsigned> b_level;
	TierUpHold hold;
	// B's second long dispatch queues its tier-up and waits for it.
	b_level = std::async(std::launch::async, [&rb] { return cu::jit::program_for(rb.mmu, rb.st)->level(); });
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
	while (cu::jit::counters().tierups_queued == queued && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	ASSERT_EQ(cu::jit::counters().tierups_queued, queued + 1) << "B's dispatch did not queue its tier-up";
	// A's second dispatch, short (at least the 1024 invocations a dispatch needs to be looked at):
	// its tier-up is due (the first counted), queued behind B's, and nothing waits for it.
	ra.st.groups[0] = 32;
	std::shared_ptr<const cu::jit::Program> a1 = cu::jit::program_for(ra.mmu, ra.st);
	ASSERT_EQ(a1.get(), a0.get());
	ASSERT_EQ(cu::jit::counters().tierups_queued, queued + 2) << "A's dispatch did not queue its tier-up";

	cu::jit::hold_tierups_for_tests(1); // B's translation only
	// Not a timing check: a bound on a wait that must end (a level-1 translation of 6
	// instructions); it fails when the dispatch waits for A's held translation too.
	ASSERT_EQ(b_level.wait_for(std::chrono::seconds(120)), std::future_status::ready)
	    << "the long dispatch waited for another program's tier-up";
	EXPECT_EQ(b_level.get(), 1u) << "the long dispatch returned without its level-1 code";
	EXPECT_EQ(a0->level(), 0u) << "A's held translation ran";

	cu::jit::hold_tierups_for_tests(~0ull);
	cu::jit::wait_for_tierups();
	EXPECT_EQ(a0->level(), 1u);
	// Both programs' level-1 code gives the interpreter's answers.
	for (unsigned variant : {101u, 102u}) {
		Compared c = run_both(tiny_program(variant), 1024, [](Rig &) {});
		ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
		expect_same(c);
	}
}

} // namespace
