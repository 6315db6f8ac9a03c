// SPDX-License-Identifier: MIT
// Hang recovery: an endless program in one context is killed within the timeout while another
// context's work completes with correct results; the guilty context is reported and refused.
#include "uapi_fixture.h"

#include <cstdio>

#include <chrono>
#include <thread>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t DATA_VA = 0x20000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;

struct Party {
	std::unique_ptr<Client> c;
	uint32_t ctx = 0;
	uint32_t *data = nullptr;
};

class Recovery : public UapiTest {
protected:
	Party with_program(std::unique_ptr<Client> c, const Program &p)
	{
		Party s;
		s.c = std::move(c);
		s.ctx = s.c->ctx();
		uint32_t sh = s.c->shader(make_binary(p));
		s.c->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
		uint32_t d = s.c->bo(4096);
		s.c->bind(d, DATA_VA, 4096, RW);
		s.data = static_cast<uint32_t *>(s.c->map(d, 4096));
		return s;
	}

	void hang_and_recover(const char *expect_fault_log)
	{
		Party bad = with_program(client(), endless_program());
		Party good = with_program(client(), store_lane_program());
		auto t0 = std::chrono::steady_clock::now();
		uint64_t hang = 0, work = 0;
		ASSERT_EQ(bad.c->submit(bad.ctx, dispatch_stream(CODE_VA, DATA_VA, 0), &hang), 0);
		ASSERT_EQ(good.c->submit(good.ctx, dispatch_stream(CODE_VA, DATA_VA, 500), &work), 0);
		int32_t err = 1;
		ASSERT_EQ(good.c->wait(good.ctx, work, 30'000'000'000, &err), 0);
		EXPECT_EQ(err, 0);
		for (uint32_t lane = 0; lane < 32; lane++)
			EXPECT_EQ(good.data[lane], 500 + lane);
		ASSERT_EQ(bad.c->wait(bad.ctx, hang, 30'000'000'000, &err), 0);
		EXPECT_EQ(err, -EIO);
		auto elapsed = std::chrono::steady_clock::now() - t0;
		EXPECT_LT(elapsed, std::chrono::seconds(20));

		auto q = bad.c->query(bad.ctx);
		EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
		EXPECT_GE(q.reset_count, 1u);
		EXPECT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_NOP, 0)}), -ECANCELED);
		auto g = good.c->query(good.ctx);
		EXPECT_NE(g.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
		EXPECT_NE(log().find(expect_fault_log), std::string::npos) << log();
		// The device is healthy afterwards.
		ASSERT_EQ(good.c->submit(good.ctx, dispatch_stream(CODE_VA, DATA_VA, 9), &work), 0);
		ASSERT_EQ(good.c->wait(good.ctx, work, 30'000'000'000, &err), 0);
		EXPECT_EQ(err, 0);
		EXPECT_EQ(good.data[5], 14u);
	}
};

// The device watchdog faults the endless dispatch; the kernel reports WATCHDOG.
TEST_F(Recovery, WatchdogKillsAnEndlessProgram)
{
	start({MICA_REV_R2, 200000, 10'000'000'000});
	hang_and_recover("WATCHDOG");
}

// With the watchdog set out of reach, the kernel's own job timeout kills the context.
TEST_F(Recovery, KernelTimeoutKillsWhatTheWatchdogMisses)
{
	start({MICA_REV_R2, 0xffffffffull, 300'000'000});
	Party bad = with_program(client(), store_lane_program());
	Party good = with_program(client(), store_lane_program());
	// WAIT_MEM on a value nobody writes: only the kernel can end it.
	uint64_t hang = 0, work = 0;
	ASSERT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_WAIT_MEM, 5), lo32(DATA_VA), hi32(DATA_VA), 1, 0, MICA_WAIT_EQ}, &hang), 0);
	ASSERT_EQ(good.c->submit(good.ctx, dispatch_stream(CODE_VA, DATA_VA, 100), &work), 0);
	int32_t err = 1;
	ASSERT_EQ(good.c->wait(good.ctx, work, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(good.data[lane], 100 + lane);
	ASSERT_EQ(bad.c->wait(bad.ctx, hang, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	auto q = bad.c->query(bad.ctx);
	EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_KILLED));
	EXPECT_NE(log().find("timed out"), std::string::npos) << log();
	// The hang left a devcoredump: the fault, and the stream the device ran (the WAIT_MEM).
	std::string dump = coredump();
	char header[16];
	std::snprintf(header, sizeof(header), "%08x", pkt(MICA_PKT_WAIT_MEM, 5));
	EXPECT_NE(dump.find("Mica devcoredump"), std::string::npos) << dump;
	EXPECT_NE(dump.find(std::string("(") + mica_fault_name[MICA_FAULT_KILLED] + ")"), std::string::npos) << dump;
	EXPECT_NE(dump.find(header), std::string::npos) << dump;
	EXPECT_NE(dump.find("timed out"), std::string::npos) << "the log tail is in the dump\n" << dump;
}

// Jobs queued behind a context's hang are cancelled with -ECANCELED, in order.
TEST_F(Recovery, LaterJobsOfAGuiltyContextAreCancelled)
{
	start({MICA_REV_R2, 200000, 10'000'000'000});
	Party bad = with_program(client(), endless_program());
	uint64_t s1 = 0, s2 = 0;
	ASSERT_EQ(bad.c->submit(bad.ctx, dispatch_stream(CODE_VA, DATA_VA, 0), &s1), 0);
	ASSERT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), 5}, &s2), 0);
	int32_t err = 0;
	ASSERT_EQ(bad.c->wait(bad.ctx, s2, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -ECANCELED);
	ASSERT_EQ(bad.c->wait(bad.ctx, s1, 0, &err), 0);
	EXPECT_EQ(err, -EIO);
	EXPECT_EQ(bad.data[0], 0u) << "the cancelled job never ran";
}

} // namespace

namespace {

// Level 3: a CP reset. The oldest job is guilty; the innocent context's job that was in the ring
// behind it is resubmitted, completes with correct results, and its context is told INNOCENT.
TEST_F(Recovery, ResetResubmitsInnocentWork)
{
	// Neither the watchdog nor the kernel timeout may end the hang before the reset does.
	start({MICA_REV_R2, 0xffffffffull, 60'000'000'000});
	Party bad = with_program(client(), store_lane_program());
	Party good = with_program(client(), store_lane_program());
	uint64_t hang = 0, work = 0;
	ASSERT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_WAIT_MEM, 5), lo32(DATA_VA), hi32(DATA_VA), 1, 0, MICA_WAIT_EQ}, &hang), 0);
	ASSERT_EQ(good.c->submit(good.ctx, dispatch_stream(CODE_VA, DATA_VA, 40), &work), 0);
	int32_t err = 1;
	EXPECT_EQ(good.c->wait(good.ctx, work, 50'000'000), -ETIME) << "stuck behind the hang";
	mica_um_debugfs_gpu_recover(mdev());
	ASSERT_EQ(good.c->wait(good.ctx, work, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(good.data[lane], 40 + lane);
	auto g = good.c->query(good.ctx);
	EXPECT_EQ(g.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_INNOCENT));
	EXPECT_EQ(g.reset_count, 1u);
	ASSERT_EQ(bad.c->wait(bad.ctx, hang, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	EXPECT_EQ(bad.c->query(bad.ctx).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
	EXPECT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_NOP, 0)}), -ECANCELED);
	// The innocent context keeps working.
	ASSERT_EQ(good.c->submit(good.ctx, dispatch_stream(CODE_VA, DATA_VA, 2), &work), 0);
	ASSERT_EQ(good.c->wait(good.ctx, work, 30'000'000'000, &err), 0);
	EXPECT_EQ(good.data[3], 5u);
	std::string l = log();
	EXPECT_NE(l.find("GPU reset 1"), std::string::npos) << l;
	EXPECT_NE(l.find("innocent: job 1 resubmitted"), std::string::npos) << l;
}

} // namespace

namespace {

// A context destroyed while its job sits in the ring behind a hang, then a CP reset: the job is
// lost with the ring and never resubmitted (its context is gone): its fence still signals (the
// sync point is reached, so waiters are released) and it wrote nothing.
TEST_F(Recovery, ResetDroppingADestroyedContextsJobCancelsItsSyncPoint)
{
	start({MICA_REV_R2, 0xffffffffull, 60'000'000'000});
	Party bad = with_program(client(), store_lane_program());
	Party gone = with_program(client(), store_lane_program());
	uint32_t sync = gone.c->sync();
	uint64_t hang = 0, job = 0;
	ASSERT_EQ(bad.c->submit(bad.ctx, {pkt(MICA_PKT_WAIT_MEM, 5), lo32(DATA_VA), hi32(DATA_VA), 1, 0, MICA_WAIT_EQ}, &hang), 0);
	ASSERT_EQ(gone.c->submit(gone.ctx, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), 7}, &job, {},
				 {{sync, 0, 1}}), 0);
	int32_t err = 1;
	EXPECT_EQ(gone.c->wait(gone.ctx, job, 50'000'000, &err), -ETIME) << "stuck behind the hang";
	// CTX_DESTROY waits for the job to leave the ring: from another thread.
	drm_mica_ctx_destroy d{gone.ctx, 0};
	int destroy_ret = 1;
	std::thread destroyer([&] { destroy_ret = gone.c->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d); });
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	mica_um_debugfs_gpu_recover(mdev());
	destroyer.join();
	EXPECT_EQ(destroy_ret, 0);
	// Its fence signalled (waiters are released) without the job running.
	EXPECT_EQ(gone.c->sync_value(sync), 1u);
	EXPECT_EQ(gone.data[0], 0u) << "the job never ran";
	ASSERT_EQ(bad.c->wait(bad.ctx, hang, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
}

} // namespace
