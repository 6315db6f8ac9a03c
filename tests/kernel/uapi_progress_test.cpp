// SPDX-License-Identifier: MIT
// Issue 13: the kernel's hang clock counts retired workgroups as progress. The device counts,
// per context, the workgroups its dispatches ran to their end (CTX_PROGRESS, MMIO, kernel only);
// the kernel kills the oldest job only when that count has not moved for job_timeout_ns, or when
// the job has been the oldest for job_max_ns however steadily it progresses.
//
// The jobs here are paced by the test, not by the host's speed: workgroup i spins on a flag in
// memory until the test has raised it past i, so "each workgroup shorter than the timeout, all
// together longer" holds on a loaded 2-core machine under sanitizers as on an idle one.
#include "uapi_fixture.h"

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include <mica/sim/test_hooks.h>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t FLAG_VA = 0x20000000;
constexpr uint64_t OUT_VA = 0x21000000;
constexpr uint64_t OUT_BYTES = 256 * 1024; // room for 2048 workgroups of 32 lanes
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;
constexpr uint32_t RX = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;
// Out of reach for the spinning: the tests' limits are the kernel's, not the device watchdog's.
constexpr uint64_t NO_WATCHDOG = 0xffffffffull;

using Clock = std::chrono::steady_clock;

// Workgroup g (s16) waits until the dword at s[0:1] is at least g + 1, then each lane stores
// g + s4 + lane at s[2:3] + (g * 32 + lane) * 4.
Program paced_program()
{
	Program p;
	p.nop(3);                                              // 0: SEC_WAVE_START_TLB
	p.op(MICA_OP_S_ADD_U32, {S(20), S(16), IC(1)});        // 8: s20 = g + 1
	p.op(MICA_OP_S_LOAD_B32, {S(21), NONE, S(0)});         // 16: loop: s21 = flag
	p.op(MICA_OP_S_WAITCNT, {}, 0);                        // 24
	p.op(MICA_OP_S_CMP_GE_U32, {NONE, S(21), S(20)});      // 32
	p.op(MICA_OP_S_CBRANCH_SCC0, {}, -32);                 // 40: back to 16
	p.op(MICA_OP_S_SHL_B32, {S(22), S(16), IC(7)});        // s22 = g * 128 (bytes per workgroup)
	p.op(MICA_OP_S_ADD_U32, {S(23), S(16), S(4)});         // s23 = g + add
	p.nop(1);                                              // SALU -> VALU
	p.op(MICA_OP_V_SHL_B32, {V(1), LANE_ID, IC(2)});
	p.op(MICA_OP_V_ADD_U32, {V(2), LANE_ID, S(23)});
	p.nop(1);                                              // VALU -> VALU (both profiles)
	p.op(MICA_OP_V_ADD_U32, {V(1), V(1), S(22)});
	p.nop(1);
	p.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(2), V(2)});
	p.op(MICA_OP_S_WAITCNT, {}, 0);
	p.end();
	return p;
}

std::vector<uint32_t> paced_dispatch(uint32_t groups, uint32_t add, uint64_t out_va = OUT_VA)
{
	return {
		pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA), hi32(CODE_VA), 16, 32,
		pkt(MICA_PKT_SET_USER_DATA, 6), 0, lo32(FLAG_VA), hi32(FLAG_VA), lo32(out_va), hi32(out_va), add,
		pkt(MICA_PKT_SET_SHARED_SIZE, 1), 0,
		pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
		pkt(MICA_PKT_DISPATCH, 3), groups, 1, 1,
	};
}

struct Paced {
	std::unique_ptr<Client> c;
	uint32_t ctx = 0;
	volatile uint32_t *flag = nullptr;
	volatile uint32_t *out = nullptr;

	void set_flag(uint32_t v)
	{
		*flag = v;
		std::atomic_thread_fence(std::memory_order_seq_cst); // out of a WC mapping, too
	}
};

class Progress : public UapiTest {
protected:
	void start_with(uint64_t job_timeout_ns, uint64_t job_max_ns)
	{
		DeviceOptions o;
		o.watchdog_cycles = NO_WATCHDOG;
		o.job_timeout_ns = job_timeout_ns;
		o.params.job_max_ns = job_max_ns;
		start(o);
	}

	Paced paced_client()
	{
		Paced p;
		p.c = client();
		p.ctx = p.c->ctx();
		p.c->bind(p.c->shader(make_binary(paced_program())), CODE_VA, MICA_PAGE_SIZE, RX);
		uint32_t f = p.c->bo(4096);
		p.c->bind(f, FLAG_VA, 4096, RW);
		p.flag = static_cast<volatile uint32_t *>(p.c->map(f, 4096));
		uint32_t o = p.c->bo(OUT_BYTES);
		p.c->bind(o, OUT_VA, OUT_BYTES, RW);
		p.out = static_cast<volatile uint32_t *>(p.c->map(o, OUT_BYTES));
		return p;
	}

	// Raises p's flag by one every 'period' until it reaches 'last' or the job's fence signals;
	// returns the job's error (1: the wait itself failed).
	static int32_t pace(Paced &p, uint64_t seqno, uint32_t last, std::chrono::milliseconds period)
	{
		int32_t err = 1;
		for (uint32_t v = 1; v <= last; v++) {
			p.set_flag(v);
			if (p.c->wait(p.ctx, seqno, std::chrono::nanoseconds(period).count(), &err) == 0)
				return err;
		}
		return p.c->wait(p.ctx, seqno, 60'000'000'000, &err) == 0 ? err : 1;
	}
};

// Each workgroup is released 40 ms after the previous one (at most two releases between two
// retirements, whichever compute unit runs what), far inside the 800 ms no-progress timeout,
// while the job as a whole takes 40 x 40 ms, twice the timeout: it survives and its results are
// right. Before issue 13 the kernel killed it at 800 ms.
TEST_F(Progress, ManyShortWorkgroupsOutlastTheTimeoutAndComplete)
{
	const auto timeout = std::chrono::milliseconds(800);
	start_with(std::chrono::nanoseconds(timeout).count(), 60'000'000'000);
	Paced p = paced_client();
	const uint32_t groups = 40;
	uint64_t seqno = 0;
	const auto t0 = Clock::now();
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(groups, 1000), &seqno), 0);
	EXPECT_EQ(pace(p, seqno, groups, std::chrono::milliseconds(40)), 0) << log();
	const auto elapsed = Clock::now() - t0;
	EXPECT_GT(elapsed, timeout * 3 / 2) << "the job must outlast the timeout for the case to mean anything";
	for (uint32_t g = 0; g < groups; g++)
		for (uint32_t lane = 0; lane < 32; lane++)
			ASSERT_EQ(p.out[g * 32 + lane], 1000 + g + lane) << "workgroup " << g << " lane " << lane;
	EXPECT_EQ(p.c->query(p.ctx).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
	EXPECT_EQ(log().find("timed out"), std::string::npos) << log();
}

// Progress that stops: six workgroups retire, the seventh spins forever. The job is killed about
// one timeout after the last retirement (not at the cap), and the log says which limit it hit.
TEST_F(Progress, AWorkgroupThatNeverEndsIsKilledAfterTheTimeout)
{
	const auto timeout = std::chrono::milliseconds(300);
	start_with(std::chrono::nanoseconds(timeout).count(), 60'000'000'000);
	Paced p = paced_client();
	uint64_t seqno = 0;
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(64, 0), &seqno), 0);
	int32_t err = 1;
	for (uint32_t v = 1; v <= 6; v++) {
		p.set_flag(v);
		std::this_thread::sleep_for(std::chrono::milliseconds(30));
	}
	const auto stopped = Clock::now();
	ASSERT_EQ(p.c->wait(p.ctx, seqno, 30'000'000'000, &err), 0);
	const auto elapsed = Clock::now() - stopped;
	EXPECT_EQ(err, -EIO);
	EXPECT_GE(elapsed, timeout / 2) << "killed before any limit passed";
	EXPECT_LT(elapsed, std::chrono::seconds(20)) << "the timeout ends it, not the 60 s cap";
	auto q = p.c->query(p.ctx);
	EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_KILLED));
	// The device always runs the workgroups before the one that was stopped (docs/hw/isa.md).
	for (uint32_t g = 0; g < 6; g++)
		EXPECT_EQ(p.out[g * 32], g) << "workgroup " << g;
	const std::string l = log();
	EXPECT_NE(l.find("retired no workgroup for job_timeout_ns"), std::string::npos) << l;
	EXPECT_EQ(l.find("job_max_ns"), std::string::npos) << l;
}

// A job that never stops making progress (a workgroup released every 40 ms, far more workgroups
// than the cap allows) is killed at job_max_ns, so it cannot hold the ring: another client's job
// queued behind it then runs and completes. The cap ends the job well before the device's own
// watchdog (NO_WATCHDOG, 2^32 cycles of a spinning wave): translated without operand tests (a
// hazard-free program), the spin of a non-sanitizer build reached it in 1.9 s, before a 2 s cap.
TEST_F(Progress, ASteadilyProgressingJobIsKilledAtTheCap)
{
	const auto cap = std::chrono::milliseconds(1000);
	start_with(300'000'000, std::chrono::nanoseconds(cap).count());
	Paced hog = paced_client();
	Paced next = paced_client();
	next.set_flag(1000);
	uint64_t hog_seq = 0, next_seq = 0;
	const auto t0 = Clock::now();
	ASSERT_EQ(hog.c->submit(hog.ctx, paced_dispatch(2000, 0), &hog_seq), 0);
	ASSERT_EQ(next.c->submit(next.ctx, paced_dispatch(4, 7), &next_seq), 0);
	EXPECT_EQ(pace(hog, hog_seq, 2000, std::chrono::milliseconds(40)), -EIO) << log();
	const auto elapsed = Clock::now() - t0;
	EXPECT_GE(elapsed, cap) << "killed before the cap: progress was not counted";
	EXPECT_LT(elapsed, std::chrono::seconds(30));
	EXPECT_EQ(hog.c->query(hog.ctx).fault, static_cast<uint32_t>(MICA_FAULT_KILLED));
	const std::string l = log();
	EXPECT_NE(l.find("ran past job_max_ns"), std::string::npos) << l;
	EXPECT_EQ(l.find("retired no workgroup"), std::string::npos) << l;

	int32_t err = 1;
	ASSERT_EQ(next.c->wait(next.ctx, next_seq, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t g = 0; g < 4; g++)
		EXPECT_EQ(next.out[g * 32 + 5], 7 + g + 5);
	EXPECT_NE(next.c->query(next.ctx).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
}

// The cap is never below the no-progress timeout: an administrator who raised job_timeout_ns for
// long kernels still gets jobs of that length, however the cap is set.
TEST_F(Progress, TheCapIsNeverShorterThanTheTimeout)
{
	start_with(1'500'000'000, 100'000'000);
	Paced p = paced_client();
	uint64_t seqno = 0;
	const auto t0 = Clock::now();
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(12, 3), &seqno), 0);
	EXPECT_EQ(pace(p, seqno, 12, std::chrono::milliseconds(40)), 0) << log();
	EXPECT_GT(Clock::now() - t0, std::chrono::milliseconds(300)) << "longer than the cap asked for";
	EXPECT_EQ(p.out[11 * 32 + 2], 3u + 11 + 2);
}

// DEV_QUERY_INFO reports the two limits the kernel applies, after the clamp: user space (a long
// compute job, a conformance runner) can tell how long a job may run before it plans one.
TEST_F(Progress, DevQueryReportsBothLimitsAsApplied)
{
	struct Want {
		uint64_t timeout, max, want_max;
	};
	for (const Want w : {Want{300'000'000, 9'000'000'000, 9'000'000'000},
			     Want{1'500'000'000, 100'000'000, 1'500'000'000}}) {
		start_with(w.timeout, w.max); // a new device and kernel each time
		drm_mica_dev_info info{};
		drm_mica_dev_query q{DRM_MICA_DEV_QUERY_INFO, sizeof(info), reinterpret_cast<uintptr_t>(&info)};
		ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
		EXPECT_EQ(q.size, sizeof(info));
		EXPECT_EQ(info.job_timeout_ns, w.timeout);
		EXPECT_EQ(info.job_max_ns, w.want_max) << "asked for " << w.max;
	}
}

#ifndef MICA_UAPI_OVER_DRM
// In process only: these read and poke the device model's registers directly (in the guest the
// device is the host's model behind the PCI personality).

std::array<uint32_t, MICA_MAX_CONTEXTS> progress_regs(mica::sim::Device &dev)
{
	std::array<uint32_t, MICA_MAX_CONTEXTS> r{};
	for (uint32_t s = 0; s < MICA_MAX_CONTEXTS; s++)
		r[s] = dev.mmio_read32(MICA_REG_CTX_PROGRESS(s));
	return r;
}

// Only the head job's own context counts: another context's CTX_PROGRESS moving every 20 ms
// (through the device model's test hook: the CP runs one job at a time, so no real dispatch of
// another context can retire while the head runs) does not keep a head that retires nothing
// alive. The same hook on the head's own context does (so the hook is seen at all). The head
// spins for 8 timeouts: they must end well before the device's own watchdog (NO_WATCHDOG, 2^32
// cycles, which the interpreter's 4-instruction spin reached in 2.1 s of a non-sanitizer build on
// an idle host; with a 300 ms timeout the 2.4 s case failed there).
TEST_F(Progress, AnotherContextsProgressDoesNotKeepTheHeadAlive)
{
	const auto timeout = std::chrono::milliseconds(100);
	for (bool own : {false, true}) {
		SCOPED_TRACE(own ? "the head's own context moves" : "another context moves");
		start_with(std::chrono::nanoseconds(timeout).count(), 60'000'000'000);
		Paced head = paced_client();
		Paced other = paced_client();
		// Which slot is whose: a one-workgroup job on each moves exactly its own register.
		auto slot_of = [&](Paced &p) {
			p.set_flag(1);
			const auto before = progress_regs(*dev_);
			uint64_t s = 0;
			int32_t err = 1;
			EXPECT_EQ(p.c->submit(p.ctx, paced_dispatch(1, 0), &s), 0);
			EXPECT_EQ(p.c->wait(p.ctx, s, 30'000'000'000, &err), 0);
			EXPECT_EQ(err, 0);
			const auto after = progress_regs(*dev_);
			uint32_t slot = MICA_MAX_CONTEXTS;
			for (uint32_t i = 0; i < MICA_MAX_CONTEXTS; i++) {
				if (after[i] == before[i])
					continue;
				EXPECT_EQ(after[i] - before[i], 1u) << "slot " << i;
				EXPECT_EQ(slot, MICA_MAX_CONTEXTS) << "one slot moves";
				slot = i;
			}
			p.set_flag(0);
			return slot;
		};
		const uint32_t head_slot = slot_of(head), other_slot = slot_of(other);
		ASSERT_LT(head_slot, MICA_MAX_CONTEXTS);
		ASSERT_LT(other_slot, MICA_MAX_CONTEXTS);
		ASSERT_NE(head_slot, other_slot);

		uint64_t seqno = 0;
		ASSERT_EQ(head.c->submit(head.ctx, paced_dispatch(1, 0), &seqno), 0);
		const auto t0 = Clock::now();
		int32_t err = 1;
		while (head.c->wait(head.ctx, seqno, 20'000'000, &err) != 0 &&
		       Clock::now() - t0 < 8 * timeout)
			mica::sim::bump_context_progress(*dev_, own ? head_slot : other_slot);
		if (own) {
			EXPECT_EQ(head.c->wait(head.ctx, seqno, 0, &err), -ETIME)
				<< "its own count moved: alive after 8 timeouts";
			head.set_flag(1);
			ASSERT_EQ(head.c->wait(head.ctx, seqno, 30'000'000'000, &err), 0);
			EXPECT_EQ(err, 0);
		} else {
			ASSERT_EQ(head.c->wait(head.ctx, seqno, 0, &err), 0) << "still alive after 8 timeouts";
			EXPECT_EQ(err, -EIO);
			EXPECT_NE(log().find("retired no workgroup"), std::string::npos) << log();
		}
	}
}

// The register itself: it counts exactly the workgroups that ran to their end, in the submitting
// context's slot only; a faulting dispatch's context stops counting (frozen while CTX_STATUS is
// non-zero, resumed from the frozen value when the kernel frees the slot); it is read-only, and
// no client can reach it: every packet that could name a register is privileged and refused, and
// shaders only address memory through the context's page tables.
TEST_F(Progress, TheCounterCountsRetiredWorkgroupsAndNoClientCanWriteIt)
{
	start_with(5'000'000'000, 0);
	Paced p = paced_client();
	p.set_flag(1000);
	auto before = progress_regs(*dev_);
	uint64_t s = 0;
	int32_t err = 1;
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(7, 0), &s), 0);
	ASSERT_EQ(p.c->wait(p.ctx, s, 30'000'000'000, &err), 0);
	ASSERT_EQ(err, 0);
	auto after = progress_regs(*dev_);
	uint32_t slot = MICA_MAX_CONTEXTS, moved = 0;
	for (uint32_t i = 0; i < MICA_MAX_CONTEXTS; i++)
		if (after[i] != before[i]) {
			slot = i;
			moved++;
			EXPECT_EQ(after[i] - before[i], 7u);
		}
	ASSERT_EQ(moved, 1u);
	ASSERT_GE(slot, 1u) << "a user context's slot";

	// Read-only, also for the kernel.
	dev_->mmio_write32(MICA_REG_CTX_PROGRESS(slot), 0xdead);
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot)), after[slot]);

	// Privileged packets (the only ones that name device state) are refused from a client.
	const std::vector<std::vector<uint32_t>> privileged = {
		{pkt(MICA_PKT_INDIRECT_BUFFER, 4), lo32(OUT_VA), hi32(OUT_VA), 1, slot},
		{pkt(MICA_PKT_SET_PAGE_TABLE, 3), slot, 0, 0},
		{pkt(MICA_PKT_PERF_CONTROL, 1), 3},
		{pkt(MICA_PKT_SET_POWER_PROFILE, 1), 0},
	};
	for (const auto &dw : privileged)
		EXPECT_EQ(p.c->submit(p.ctx, dw), -EPERM) << std::hex << dw[0];
	EXPECT_EQ(progress_regs(*dev_), after);

	// A wrapping 32-bit count: the hook pushes it to the edge, two workgroups wrap it.
	const uint32_t room = 1;
	mica::sim::bump_context_progress(*dev_, slot, uint32_t(0) - after[slot] - room);
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(2, 0), &s), 0);
	ASSERT_EQ(p.c->wait(p.ctx, s, 30'000'000'000, &err), 0);
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot)), 1u);

	// A fault: the faulting dispatch's workgroups after it do not count once CTX_STATUS is set;
	// the register stands still until the slot is freed, then resumes from where it stood.
	const uint32_t at_fault_start = dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot));
	constexpr uint64_t NOWHERE_VA = 0x50000000; // the store faults (MMU_UNMAPPED)
	ASSERT_EQ(p.c->submit(p.ctx, paced_dispatch(1, 0, NOWHERE_VA), &s), 0);
	ASSERT_EQ(p.c->wait(p.ctx, s, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot)), at_fault_start);
	mica::sim::bump_context_progress(*dev_, slot, 5); // what a racing workgroup would add
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot)), at_fault_start) << "frozen";
	uint32_t ctx_handle = p.ctx;
	drm_mica_ctx_destroy d{ctx_handle, 0};
	ASSERT_EQ(p.c->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_STATUS(slot)), 0u);
	EXPECT_EQ(dev_->mmio_read32(MICA_REG_CTX_PROGRESS(slot)), at_fault_start) << "resumes from the frozen value";
}
#endif

} // namespace
