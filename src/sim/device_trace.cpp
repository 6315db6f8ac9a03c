// SPDX-License-Identifier: MIT
// The submission trace (include/mica/sim/device_trace.h): per-stage timestamps of each round,
// summarised as medians at exit. Lives in the device model because every layer above links it.
#include "mica/sim/device_trace.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace {

constexpr const char *kNames[MICA_TRACE_COUNT] = {
	"vkQueueSubmit",         "stream encoded",      "winsys: SUBMIT ioctl", "kernel: copied+validated",
	"kernel: queued (doorbell)", "winsys: ioctl returned", "device: CP starts", "device: dispatch starts",
	"device: dispatch ends", "device: fence + irq", "kernel: interrupt work", "kernel: job retired",
	"vkQueueSubmit returns", "vkWaitForFences entered", "winsys: wait returned",
	"vkWaitForFences returns",
};

constexpr size_t kMaxRounds = 1u << 16;

struct Trace {
	std::mutex mu;
	std::array<int64_t, MICA_TRACE_COUNT> t{}; // this round's first occurrence of each point, ns
	std::array<bool, MICA_TRACE_COUNT> seen{};
	std::array<std::vector<int64_t>, MICA_TRACE_COUNT> offsets; // ns after vkQueueSubmit, per round
	size_t rounds = 0;

	~Trace()
	{
		if (!mica_trace_on || !rounds)
			return;
		std::fprintf(stderr, "mica submission trace: %zu rounds, median time after vkQueueSubmit (us), "
		                     "and the step from the previous stage\n", rounds);
		double prev = 0;
		for (int p = 0; p < MICA_TRACE_COUNT; p++) {
			std::vector<int64_t> v = offsets[p];
			if (v.empty())
				continue;
			std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
			const double us = v[v.size() / 2] / 1000.0;
			std::fprintf(stderr, "  %-28s %9.2f  %+8.2f  (%zu rounds)\n", kNames[p], us, us - prev, v.size());
			prev = us;
		}
	}
};

Trace &trace()
{
	static Trace t;
	return t;
}

int64_t now_ns()
{
	return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
	        .count();
}

int trace_from_env()
{
	const char *e = std::getenv("MICA_TRACE_SUBMIT");
	if (!e || !*e || std::strcmp(e, "0") == 0)
		return 0;
	trace(); // constructed now, so destroyed after everything constructed later (the devices)
	return 1;
}

} // namespace

extern "C" {

int mica_trace_on = trace_from_env();

void mica_trace_record(enum mica_trace_point point)
{
	const int64_t t = now_ns();
	Trace &tr = trace();
	std::lock_guard lk(tr.mu);
	if (point == MICA_TRACE_VK_SUBMIT) {
		tr.seen.fill(false);
	} else if (!tr.seen[MICA_TRACE_VK_SUBMIT] || tr.seen[point]) {
		return;
	}
	tr.seen[point] = true;
	tr.t[point] = t;
	if (point != MICA_TRACE_VK_WAIT_DONE)
		return;
	if (tr.rounds++ >= kMaxRounds)
		return;
	for (int p = 0; p < MICA_TRACE_COUNT; p++)
		if (tr.seen[p])
			tr.offsets[p].push_back(tr.t[p] - tr.t[MICA_TRACE_VK_SUBMIT]);
	tr.seen.fill(false);
}

} // extern "C"
