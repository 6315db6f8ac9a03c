// SPDX-License-Identifier: MIT
// A hostile client against the sync-object side of SUBMIT and the DRM_IOCTL_SYNCOBJ_* ioctls:
// handles of another file or freed ones, array counts and strides out of bounds, out-points that
// repeat or go backwards, a point that never arrives followed by close, and SUBMIT racing
// SYNCOBJ_DESTROY / GEM_CLOSE / CTX_DESTROY from a second thread. Every case asserts the
// documented errno (docs/kernel.md "Threat model"), that nothing of another client changed, and
// (in process) that every object the failed or cancelled work held was let go: the OS-side object
// counts (mica_um_live_objects) come back to where they were.
#include "uapi_fixture.h"

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace mica::ktest {
namespace {

constexpr uint64_t DATA_VA = 0x70000000;

class HostileSync : public UapiTest {
protected:
	void SetUp() override
	{
		// Gates hold work back for as long as a case needs; the kernel timeout (2 s) is what
		// ends a gate nobody opens.
		start({MICA_REV_R2, 0xffffffffull, 2'000'000'000});
		ctx_ = a_->ctx();
		data_ = a_->bo(4096);
		cpu_ = static_cast<volatile uint32_t *>(a_->map(data_, 4096));
		a_->bind(data_, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	}
	static std::vector<uint32_t> write(uint32_t slot, uint32_t v)
	{
		const uint64_t va = DATA_VA + 4 * slot;
		return {pkt(MICA_PKT_WRITE_DATA, 3), lo32(va), hi32(va), v};
	}
	// DRM_IOCTL_SYNCOBJ_QUERY with LAST_SUBMITTED: the highest point anything was attached at.
	static uint64_t last_submitted(Client &c, uint32_t sync)
	{
		uint64_t point = ~0ull;
		drm_syncobj_timeline_array a{};
		a.handles = reinterpret_cast<uintptr_t>(&sync);
		a.points = reinterpret_cast<uintptr_t>(&point);
		a.count_handles = 1;
		a.flags = DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED;
		EXPECT_EQ(c.ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), 0);
		return point;
	}
	// SUBMIT of one WRITE_DATA with raw in/out sync arrays.
	int submit_raw(Client &c, uint32_t ctx, drm_mica_obj_array in, drm_mica_obj_array out)
	{
		const std::vector<uint32_t> dw = write(0, 1);
		drm_mica_cmdbuf cb{c.place(dw), static_cast<uint32_t>(dw.size()), 0};
		drm_mica_submit s{};
		s.ctx = ctx;
		s.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
		s.in_syncs = in;
		s.out_syncs = out;
		return c.ioctl(DRM_IOCTL_MICA_SUBMIT, &s);
	}
	// DEV_QUERY_INFO's max_syncs: in- or out-syncs per SUBMIT.
	uint32_t max_syncs()
	{
		drm_mica_dev_info info{};
		drm_mica_dev_query q{DRM_MICA_DEV_QUERY_INFO, sizeof(info), reinterpret_cast<uintptr_t>(&info)};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
		return info.max_syncs;
	}
	uint32_t ctx_ = 0, data_ = 0;
	volatile uint32_t *cpu_ = nullptr;
};

#ifndef MICA_UAPI_OVER_DRM
mica_um_live live()
{
	mica_um_live l{};
	mica_um_live_objects(&l);
	return l;
}
// The leak oracle: every OS-side object is back (jobs retire asynchronously: a bounded wait).
// Fences are compared only when every sync object that could hold one is gone (a live sync
// object legitimately keeps signalled points until its next garbage collection).
void expect_live_back(const mica_um_live &before, bool fences)
{
	mica_um_live now{};
	for (int i = 0; i < 500; i++) {
		now = live();
		if (now.bos == before.bos && now.syncobjs == before.syncobjs &&
		    (!fences || now.fences == before.fences) && now.jobs == before.jobs &&
		    now.contexts == before.contexts)
			return;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	EXPECT_EQ(now.bos, before.bos) << "GEM objects leaked";
	EXPECT_EQ(now.syncobjs, before.syncobjs) << "sync objects leaked";
	if (fences) {
		EXPECT_EQ(now.fences, before.fences) << "fences leaked";
	}
	EXPECT_EQ(now.jobs, before.jobs) << "jobs leaked";
	EXPECT_EQ(now.contexts, before.contexts) << "contexts leaked";
}
#define LIVE_SNAPSHOT(name) const mica_um_live name = live()
#define EXPECT_LIVE_BACK(name) expect_live_back(name, true)
#define EXPECT_LIVE_BACK_NO_FENCES(name) expect_live_back(name, false)
#else
// Over the real module the DRM core owns these objects; kmemleak is the guest's oracle.
#define LIVE_SNAPSHOT(name) do { } while (0)
#define EXPECT_LIVE_BACK(name) do { } while (0)
#define EXPECT_LIVE_BACK_NO_FENCES(name) do { } while (0)
#endif

// Handles are numbers in a per-file table: the same number in another file names that file's
// object (or nothing), never ours; freed handles and pad bits are refused.
TEST_F(HostileSync, ForeignFreedAndMalformedHandles)
{
	const uint32_t mine = a_->sync(3);
	LIVE_SNAPSHOT(before);
	{
		auto b = client();
		const uint32_t bctx = b->ctx(), bdata = b->bo(4096);
		b->bind(bdata, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		// B has no sync object yet: A's number names nothing there.
		EXPECT_EQ(b->submit(bctx, write(0, 1), nullptr, {{mine, 0, 0}}), -ENOENT);
		EXPECT_EQ(b->submit(bctx, write(0, 1), nullptr, {}, {{mine, 0, 9}}), -ENOENT);
		// B's first sync object gets the same number as A's: B's points land on B's object only.
		const uint32_t theirs = b->sync();
		ASSERT_EQ(theirs, mine) << "both files number their first sync object alike";
		uint64_t seq = 0;
		ASSERT_EQ(b->submit(bctx, write(0, 1), &seq, {}, {{theirs, 0, 7}}), 0);
		ASSERT_EQ(b->wait(bctx, seq), 0);
		EXPECT_EQ(last_submitted(*b, theirs), 7u);
		EXPECT_EQ(last_submitted(*a_, mine), 3u) << "another file's SUBMIT moved our timeline";
		EXPECT_EQ(a_->sync_value(mine), 3u);
	}
	// Freed, never allocated, zero and the largest handle; pad bits.
	const uint32_t gone = a_->sync(1);
	drm_syncobj_destroy d{gone, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), 0);
	for (uint32_t h : {gone, 0u, 999u, 0xffffffffu}) {
		EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {{h, 0, 0}}), -ENOENT) << h;
		EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {}, {{h, 0, 5}}), -ENOENT) << h;
	}
	EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {{mine, 1, 0}}), -EINVAL);
	EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {}, {{mine, 0x80000000u, 4}}), -EINVAL);
	// The second in-sync is bad after the first took a fence reference: it is dropped.
	EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {{mine, 0, 3}, {gone, 0, 0}}), -ENOENT);
	EXPECT_EQ(a_->submit(ctx_, write(0, 1), nullptr, {{mine, 0, 3}}, {{mine, 0, 4}, {gone, 0, 5}}), -ENOENT);
	EXPECT_EQ(last_submitted(*a_, mine), 3u) << "a failed SUBMIT attached a point";
	EXPECT_LIVE_BACK(before);
}

// The in/out arrays: counts above MICA_MAX_SYNCS, strides out of range, unreadable pointers,
// unknown (non-zero) fields of a longer struct.
TEST_F(HostileSync, SyncArraysOutOfBounds)
{
	const uint32_t s = a_->sync(1);
	const uint32_t max = max_syncs();
	ASSERT_GT(max, 0u);
	std::vector<drm_mica_sync_point> many(max + 1, drm_mica_sync_point{s, 0, 1});
	const uint32_t sz = sizeof(drm_mica_sync_point);
	const uintptr_t p = reinterpret_cast<uintptr_t>(many.data());
	LIVE_SNAPSHOT(before);
	for (bool out : {false, true}) {
		auto go = [&](drm_mica_obj_array arr) {
			return out ? submit_raw(*a_, ctx_, {}, arr) : submit_raw(*a_, ctx_, arr, {});
		};
		EXPECT_EQ(go({sz, max + 1, p}), -EINVAL) << out;
		EXPECT_EQ(go({sz, 0xffffffffu, p}), -EINVAL) << out;
		EXPECT_EQ(go({sz, 0x80000000u, p}), -EINVAL) << out;
		EXPECT_EQ(go({sz - 1, 1, p}), -EINVAL) << "stride below the struct";
		EXPECT_EQ(go({0, 1, p}), -EINVAL);
		EXPECT_EQ(go({1u << 20, 2, p}), -EINVAL) << "stride above the limit";
		EXPECT_EQ(go({sz, 1, 0}), -EFAULT);
		EXPECT_EQ(go({sz, 1, 8}), -EFAULT);
		EXPECT_EQ(go({sz, 2, ~uint64_t{0} - 8}), -EFAULT) << "an array wrapping the address space";
		// A longer struct whose extra field is not zero: refused, whatever the fields before.
		struct {
			drm_mica_sync_point pt;
			uint64_t future;
		} longer{{s, 0, out ? 5u : 1u}, 1};
		EXPECT_EQ(go({sizeof(longer), 1, reinterpret_cast<uintptr_t>(&longer)}), -EINVAL);
		longer.future = 0;
		EXPECT_EQ(go({sizeof(longer), 1, reinterpret_cast<uintptr_t>(&longer)}), 0) << "zero: accepted";
	}
	// The largest legal count: max_syncs in-syncs of one point.
	many.resize(max);
	EXPECT_EQ(submit_raw(*a_, ctx_, {sz, max, p}, {}), 0);
	EXPECT_LIVE_BACK_NO_FENCES(before);
}

// Out-points follow DRM's timeline rule: above the last one, also within one SUBMIT; a SUBMIT
// that fails for any reason (a bad point, a bad stream) attaches nothing; an in-point nobody
// submitted is -EINVAL (wait-before-signal is user space's).
TEST_F(HostileSync, TimelinePointsRepeatingOrGoingBackwards)
{
	const uint32_t t = a_->sync();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, write(0, 1), &seq, {}, {{t, 0, 5}}), 0);
	ASSERT_EQ(a_->wait(ctx_, seq), 0);
	LIVE_SNAPSHOT(before);
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {}, {{t, 0, 5}}), -EINVAL) << "the same point again";
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {}, {{t, 0, 4}}), -EINVAL) << "backwards";
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {}, {{t, 0, 7}, {t, 0, 6}}), -EINVAL);
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {}, {{t, 0, 8}, {t, 0, 8}}), -EINVAL);
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {{t, 0, 6}}), -EINVAL) << "a point nobody submitted";
	EXPECT_EQ(a_->submit(ctx_, write(0, 2), nullptr, {{t, 0, ~uint64_t{0}}}), -EINVAL);
	// A stream the validator refuses, after valid out-points were collected.
	const std::vector<uint32_t> bad = {pkt(MICA_PKT_WRITE_DATA, 3), lo32(0x5000000), hi32(0x5000000), 1};
	EXPECT_EQ(a_->submit(ctx_, bad, nullptr, {{t, 0, 5}}, {{t, 0, 9}}), -EACCES);
	EXPECT_EQ(last_submitted(*a_, t), 5u) << "a failed SUBMIT attached a point";
	EXPECT_LIVE_BACK(before);
	// The largest point, then nothing can follow it.
	ASSERT_EQ(a_->submit(ctx_, write(0, 3), &seq, {{t, 0, 5}}, {{t, 0, ~uint64_t{0}}}), 0);
	EXPECT_EQ(a_->submit(ctx_, write(0, 4), nullptr, {}, {{t, 0, ~uint64_t{0}}}), -EINVAL);
	ASSERT_EQ(a_->wait(ctx_, seq), 0);
	EXPECT_EQ(a_->sync_wait(t, ~uint64_t{0}, 5'000'000'000), 0);
	EXPECT_EQ(cpu_[0], 3u);
}

// A job waits for a point that never arrives (its gate is never opened), a second job and a
// host wait depend on it; then the client closes its file. Close returns once the kernel
// timeout ends the gate, everything the client held is let go, and another client's work and
// memory are untouched.
TEST_F(HostileSync, WaitOnAPointThatNeverArrivesThenClose)
{
	LIVE_SNAPSHOT(before);
	const auto t0 = std::chrono::steady_clock::now();
	{
		auto b = client();
		const uint32_t bctx = b->ctx(), bdata = b->bo(4096);
		b->bind(bdata, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		const uint32_t g = b->gate(), out = b->sync();
		uint64_t seq = 0;
		ASSERT_EQ(b->submit(bctx, write(0, 0xbad), &seq, {{g, 0, 1}}, {{out, 0, 1}}), 0);
		ASSERT_EQ(b->submit(bctx, write(1, 0xbad), nullptr, {{out, 0, 1}}, {{out, 0, 2}}), 0);
		EXPECT_EQ(b->sync_wait(out, 2, 20'000'000), -ETIME) << "held back by the gate";
		EXPECT_EQ(b->sync_wait(out, 3, 20'000'000, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), -ETIME);
		// A's work goes on meanwhile.
		uint64_t aseq = 0;
		ASSERT_EQ(a_->submit(ctx_, write(0, 42), &aseq), 0);
		ASSERT_EQ(a_->wait(ctx_, aseq, 5'000'000'000), 0);
		EXPECT_EQ(cpu_[0], 42u);
	} // B closes with the gate shut
	const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	EXPECT_LT(secs, 20.0) << "close waited far beyond the kernel timeout";
	EXPECT_EQ(cpu_[0], 42u) << "another client's memory changed";
	EXPECT_EQ(cpu_[1], 0u);
	EXPECT_LIVE_BACK(before);
	uint64_t aseq = 0;
	ASSERT_EQ(a_->submit(ctx_, write(2, 43), &aseq), 0);
	ASSERT_EQ(a_->wait(ctx_, aseq, 5'000'000'000), 0);
	EXPECT_EQ(cpu_[2], 43u);
}

// SYNCOBJ_DESTROY while another thread waits on the object: the wait holds its own reference
// and ends by its timeout; the object goes when the wait lets go.
TEST_F(HostileSync, DestroyWhileAnotherThreadWaits)
{
	LIVE_SNAPSHOT(before);
	const uint32_t s = a_->sync();
	std::atomic<int> r{1};
	std::thread waiter([&] { r = a_->sync_wait(s, 3, 300'000'000, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT); });
	std::this_thread::sleep_for(std::chrono::milliseconds(30));
	drm_syncobj_destroy d{s, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), 0);
	waiter.join();
	EXPECT_EQ(r.load(), -ETIME);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), -EINVAL) << "destroyed twice";
	EXPECT_LIVE_BACK(before);
}

// SUBMIT with sync objects and BOs on one thread; SYNCOBJ_DESTROY, GEM_CLOSE and CTX_DESTROY of
// exactly those handles (and re-creation) on another. Every ioctl ends with 0 or a documented
// errno, no WARN_ON fires, nothing leaks, and the other client's memory never changes.
TEST_F(HostileSync, SubmitRacesDestroyCloseAndCtxDestroy)
{
	auto b = client();
	const uint32_t canary = b->bo(4096);
	auto *bcpu = static_cast<volatile uint32_t *>(b->map(canary, 4096));
	for (uint32_t i = 0; i < 1024; i++)
		bcpu[i] = 0xb0b00000u | i;
	b->bind(canary, DATA_VA + 0x100000, 4096, DRM_MICA_BIND_READ);
	LIVE_SNAPSHOT(before);
	const unsigned long warnings = mica_um_warnings();
	{
		auto c = client();
		const uint32_t cdata = c->bo(4096);
		c->bind(cdata, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		std::atomic<uint32_t> ctx{c->ctx()}, in{c->sync(1)}, out{c->sync()}, bo{c->bo(4096)};
		std::atomic<bool> stop{false};
		std::atomic<int> bad{0};
		constexpr int kIters = 300;
		std::thread killer([&] {
			std::mt19937 rng(7);
			for (int i = 0; i < kIters && !stop; i++) {
				switch (rng() % 3) {
				case 0: {
					drm_syncobj_destroy d{rng() % 2 ? in.load() : out.load(), 0};
					c->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d);
					(rng() % 2 ? in : out) = c->sync(rng() % 2 ? 1 : 0);
					break;
				}
				case 1:
					c->close_bo(bo.load());
					bo = c->bo(4096);
					break;
				default: {
					drm_mica_ctx_destroy d{ctx.load(), 0};
					c->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d);
					ctx = c->ctx();
					break;
				}
				}
				std::this_thread::yield();
			}
			stop = true;
		});
		uint64_t point = 1;
		while (!stop) {
			const std::vector<uint32_t> dw = write(0, 7);
			drm_mica_cmdbuf cb{c->place(dw), static_cast<uint32_t>(dw.size()), 0};
			drm_mica_bo_ref ref{bo.load(), DRM_MICA_BO_REF_WRITE};
			drm_mica_sync_point ip{in.load(), 0, 0}, op{out.load(), 0, ++point};
			drm_mica_submit s{};
			s.ctx = ctx.load();
			s.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
			s.bos = {sizeof(ref), 1, reinterpret_cast<uintptr_t>(&ref)};
			s.in_syncs = {sizeof(ip), 1, reinterpret_cast<uintptr_t>(&ip)};
			s.out_syncs = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
			const int r = c->ioctl(DRM_IOCTL_MICA_SUBMIT, &s);
			// -ENOENT a handle was gone, -EINVAL the in-sync had no fence (reset) or a new out
			// object already holds a higher point, -ECANCELED the context died meanwhile, -EAGAIN
			// the client has its limit of jobs in flight.
			if (r != 0 && r != -ENOENT && r != -EINVAL && r != -ECANCELED && r != -EAGAIN && !bad++)
				ADD_FAILURE() << "SUBMIT: " << r;
		}
		killer.join();
		EXPECT_EQ(bad.load(), 0);
	}
	EXPECT_EQ(mica_um_warnings(), warnings) << "a kernel WARN_ON fired";
	for (uint32_t i = 0; i < 1024; i++)
		ASSERT_EQ(bcpu[i], 0xb0b00000u | i) << "another client's memory changed at word " << i;
	EXPECT_LIVE_BACK(before);
}

// A job whose in-fence belongs to a job that gets cancelled runs once the cancellation
// signals that fence (with its error, as a dma_fence does). Here the dependency K waits in its
// context's queue behind a job that hangs; the kernel timeout kills that job, its context turns
// guilty and K is cancelled from the scheduler pass that retires the hung job. That pass used to
// look at the waiter's context first, find K's fence unsignalled, and go on: with the ring then
// idle the waiter stayed queued until the timeout work's next tick (job_timeout_ns / 4 later).
class HostileSyncTimeout : public HostileSync {
protected:
	void SetUp() override
	{
		start({MICA_REV_R2, 0xffffffffull, 1'000'000'000});
		ctx_ = a_->ctx();
		data_ = a_->bo(4096);
		cpu_ = static_cast<volatile uint32_t *>(a_->map(data_, 4096));
		a_->bind(data_, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	}
};

TEST_F(HostileSyncTimeout, ACancelledDependencyReleasesItsWaiterAtOnce)
{
	// Two rounds: the scheduler's round robin start moves, the waiter's context (the lower
	// slot) comes first in almost every pass.
	for (int round = 0; round < 2; round++) {
		const uint32_t waiter = a_->ctx(), doomed = a_->ctx(), s = a_->sync();
		const uint64_t never = DATA_VA + 4 * 100; // stays 0
		const std::vector<uint32_t> hang = {pkt(MICA_PKT_WAIT_MEM, 5), lo32(never), hi32(never), 1, 0, MICA_WAIT_EQ};
		uint64_t hung = 0, seq = 0;
		ASSERT_EQ(a_->submit(doomed, hang, &hung), 0);
		ASSERT_EQ(a_->submit(doomed, write(1, 11), nullptr, {}, {{s, 0, 1}}), 0);
		ASSERT_EQ(a_->submit(waiter, write(2, 22 + round), &seq, {{s, 0, 1}}), 0);
		int32_t err = 0;
		ASSERT_EQ(a_->wait(doomed, hung, 10'000'000'000, &err), 0);
		EXPECT_NE(err, 0) << "premise: the hung job was killed";
		// Well under the timeout work's period (250 ms): only a prompt start passes.
		err = 1;
		EXPECT_EQ(a_->wait(waiter, seq, 100'000'000, &err), 0) << "round " << round << ": still held back";
		EXPECT_EQ(err, 0);
		EXPECT_EQ(a_->wait(waiter, seq, 5'000'000'000), 0);
		EXPECT_EQ(cpu_[2], uint32_t(22 + round));
		EXPECT_EQ(cpu_[1], 0u) << "the cancelled job ran";
		for (uint32_t c : {waiter, doomed}) {
			drm_mica_ctx_destroy d{c, 0};
			ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
		}
	}
}

// The validator's copy buffer is one spare shared by every SUBMIT of the device (taken and given
// back with xchg): two clients submitting from two threads, streams of different lengths each
// time, must each run exactly their own validated stream -- nothing of the other's stream, and
// nothing left over from a longer earlier stream in the same buffer.
TEST_F(HostileSync, ConcurrentSubmitsOfTwoFilesRunOnlyTheirOwnStreams)
{
	auto b = client();
	const uint32_t bctx = b->ctx(), bdata = b->bo(4096);
	auto *bcpu = static_cast<volatile uint32_t *>(b->map(bdata, 4096));
	b->bind(bdata, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	std::atomic<int> bad{0};
	auto run = [&](Client &c, uint32_t ctx, volatile uint32_t *cpu, uint32_t tag) {
		std::mt19937 rng(tag);
		for (uint32_t iter = 1; iter <= 60; iter++) {
			const uint32_t n = 1 + rng() % 200; // WRITE_DATA packets this time
			std::vector<uint32_t> dw;
			for (uint32_t k = 0; k < n; k++) {
				const std::vector<uint32_t> w = write(k, tag | iter << 12 | k);
				dw.insert(dw.end(), w.begin(), w.end());
			}
			uint64_t seq = 0;
			if (c.submit(ctx, dw, &seq) || c.wait(ctx, seq, 10'000'000'000)) {
				bad++;
				return;
			}
			for (uint32_t k = 0; k < 256; k++) {
				const uint32_t v = cpu[k];
				// Slots this stream wrote hold this iteration's value; the others an earlier
				// iteration's of this client (or 0): never the other client's tag.
				if ((k < n && v != (tag | iter << 12 | k)) || (v && (v & 0xff000000u) != tag)) {
					if (!bad++)
						ADD_FAILURE() << std::hex << "tag " << tag << " iter " << iter << " slot " << k << ": " << v;
					return;
				}
			}
		}
	};
	std::thread other([&] { run(*b, bctx, bcpu, 0xb1000000u); });
	run(*a_, ctx_, cpu_, 0xa1000000u);
	other.join();
	EXPECT_EQ(bad.load(), 0);
}

#ifndef MICA_UAPI_OVER_DRM
// DRM_IOCTL_SYNCOBJ_* arrays with absurd counts: the DRM core allocates count-sized arrays with
// kmalloc_array() and fails above KMALLOC_MAX_SIZE (-ENOMEM) before it reads user memory; the
// in-process emulation must fail the same way, not try to allocate and copy gigabytes.
TEST_F(HostileSync, SyncobjIoctlsWithAbsurdCounts)
{
	uint32_t h[2] = {a_->sync(1), a_->sync(1)};
	uint64_t pts[2] = {1, 1};
	const uintptr_t hp = reinterpret_cast<uintptr_t>(h), pp = reinterpret_cast<uintptr_t>(pts);
	LIVE_SNAPSHOT(before);
	for (uint32_t count : {0xffffffffu, 0x40000000u, 1u << 22}) {
		drm_syncobj_wait w{hp, 0, count, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, 0, 0};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w), -ENOMEM) << count;
		drm_syncobj_timeline_wait tw{hp, pp, 0, count, 0, 0, 0};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -ENOMEM) << count;
		drm_syncobj_array arr{hp, count, 0};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_RESET, &arr), -ENOMEM) << count;
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_SIGNAL, &arr), -ENOMEM) << count;
		drm_syncobj_timeline_array ta{hp, pp, count, 0};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta), -ENOMEM) << count;
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &ta), -ENOMEM) << count;
	}
	// A count that fits but runs past what the caller owns: the handles beyond are garbage or
	// unreadable, never a crash. (Two readable entries of a count of two is the control.)
	drm_syncobj_wait ok{hp, 0, 2, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &ok), 0);
	EXPECT_LIVE_BACK(before);
}
#endif

} // namespace
} // namespace mica::ktest
