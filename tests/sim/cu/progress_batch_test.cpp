// SPDX-License-Identifier: MIT
// CTX_PROGRESS batching (src/sim/cu/progress_batch.h) against a clock the test moves: the
// counter trails the retired workgroups by at most one batch, batches grow only while they
// retire quickly, shrink to one workgroup after a slow one, and nothing is lost at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "progress_batch.h"

namespace {

struct FakeClock {
	using duration = std::chrono::nanoseconds;
	using rep = duration::rep;
	using period = duration::period;
	using time_point = std::chrono::time_point<FakeClock>;
	static inline time_point t{};
	static time_point now() { return t; }
	static void advance(duration d) { t += d; }
};

using Batch = mica::sim::cu::ProgressBatch<FakeClock>;
using std::chrono::microseconds;

// Retires n workgroups 'each' apart; after each, the counter may trail by less than the batch
// it was counted in.
void retire(Batch &b, std::atomic<uint32_t> &counter, uint32_t &retired, uint32_t n, FakeClock::duration each)
{
	for (uint32_t i = 0; i < n; i++) {
		FakeClock::advance(each);
		const uint32_t batch = b.batch();
		b.retired();
		retired++;
		ASSERT_LE(counter.load(), retired);
		ASSERT_LT(retired - counter.load(), batch) << "after workgroup " << retired;
	}
}

TEST(ProgressBatch, FastWorkgroupsGrowTheBatchToItsMaximum)
{
	std::atomic<uint32_t> counter{0};
	uint32_t retired = 0;
	{
		Batch b(&counter);
		EXPECT_EQ(b.batch(), 1u);
		retire(b, counter, retired, 1000, microseconds(1));
		EXPECT_EQ(b.batch(), Batch::kMaxBatch);
		EXPECT_GT(retired - counter.load(), 0u) << "with this many, some are still pending";
	}
	EXPECT_EQ(counter.load(), retired) << "the rest is published when the compute unit's share ends";
}

TEST(ProgressBatch, ASlowBatchDropsBackToOneWorkgroup)
{
	std::atomic<uint32_t> counter{0};
	uint32_t retired = 0;
	Batch b(&counter);
	retire(b, counter, retired, 500, microseconds(1));
	ASSERT_EQ(b.batch(), Batch::kMaxBatch);
	// Workgroups of 2 ms each: the batch in progress ends slow, and from then on every
	// workgroup is published as it retires (the kernel's no-progress clock sees each one).
	retire(b, counter, retired, Batch::kMaxBatch, std::chrono::milliseconds(2));
	EXPECT_EQ(b.batch(), 1u);
	const uint32_t before = counter.load();
	retire(b, counter, retired, 3, std::chrono::milliseconds(2));
	EXPECT_EQ(counter.load(), before + 3);
	EXPECT_EQ(counter.load(), retired);
}

TEST(ProgressBatch, BetweenFastAndSlowTheBatchStays)
{
	std::atomic<uint32_t> counter{0};
	uint32_t retired = 0;
	Batch b(&counter);
	retire(b, counter, retired, 8, microseconds(1)); // batches of 1 (starts the clock), 1, 2, 4: 8 after them
	const uint32_t grown = b.batch();
	ASSERT_EQ(grown, 8u);
	retire(b, counter, retired, 8, microseconds(50)); // one batch of 400 us
	EXPECT_EQ(b.batch(), grown);
}

TEST(ProgressBatch, TheCountWrapsLikeTheRegister)
{
	std::atomic<uint32_t> counter{~0u - 2};
	{
		Batch b(&counter);
		for (int i = 0; i < 5; i++)
			b.retired();
	}
	EXPECT_EQ(counter.load(), 2u);
}

} // namespace
