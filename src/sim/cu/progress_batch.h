// SPDX-License-Identifier: MIT
// CTX_PROGRESS from a compute unit's host thread (Engine::run): the workgroups it retires, added
// to the context's counter in batches.
//
// Why batches: one shared atomic add per retired workgroup kept the counter's cache line moving
// between the host threads at every workgroup (SAXPY 16M: 256K adds from two threads; the add
// held three quarters of the samples of the compute units' dispatch loop, docs/performance.md).
// How big: the batch doubles while batches retire within kFast (up to kMaxBatch workgroups) and
// drops back to one workgroup after a batch that took longer than kSlow. So the counter a reader
// (the kernel's no-progress timeout, docs/kernel.md) sees trails the retired workgroups by about
// a millisecond of work at most, or by one workgroup when a single workgroup takes longer than
// that, and is exact once the compute unit's share of the dispatch is done (the destructor
// publishes the rest). The clock is read once per batch, not at construction: a one-workgroup
// dispatch (the empty dispatch's path) reads it once; the first batch only starts the clock.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace mica::sim::cu {

template <class Clock = std::chrono::steady_clock> class ProgressBatch {
public:
	static constexpr uint32_t kMaxBatch = 64;
	static constexpr std::chrono::microseconds kFast{100}, kSlow{1000};

	explicit ProgressBatch(std::atomic<uint32_t> *counter) : counter_(counter) {}
	~ProgressBatch() { publish(); }
	ProgressBatch(const ProgressBatch &) = delete;
	ProgressBatch &operator=(const ProgressBatch &) = delete;

	// One more workgroup retired.
	void retired()
	{
		if (++pending_ < batch_)
			return;
		const auto now = Clock::now();
		if (last_ != typename Clock::time_point{}) { // the first batch has no time to be judged by
			if (now - last_ < kFast)
				batch_ = std::min(batch_ * 2, kMaxBatch);
			else if (now - last_ > kSlow)
				batch_ = 1;
		}
		last_ = now;
		publish();
	}
	void publish()
	{
		if (pending_)
			counter_->fetch_add(pending_, std::memory_order_relaxed);
		pending_ = 0;
	}
	uint32_t batch() const { return batch_; }

private:
	std::atomic<uint32_t> *counter_;
	uint32_t pending_ = 0, batch_ = 1;
	typename Clock::time_point last_{}; // when the last batch was published; {}: none yet
};

} // namespace mica::sim::cu
