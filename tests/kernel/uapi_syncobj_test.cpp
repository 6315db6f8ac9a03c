// SPDX-License-Identifier: MIT
// DRM sync objects, the in- and out-syncs of SUBMIT: every DRM_IOCTL_SYNCOBJ_* the driver's
// users call, with the DRM core's errnos, hostile handles, points, flags and pointers. In process
// the DRM core is emulated (kernel/userspace/mica_um_syncobj.c); in the QEMU guest
// (kernel_uapi_test_drm) the same cases run against the real DRM core, so the emulation is
// checked against the kernel it stands in for.
#include "uapi_fixture.h"

#include <chrono>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>
#include <thread>

namespace mica::ktest {
namespace {

constexpr uint64_t DATA_VA = 0x70000000;

int64_t now_ns()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class Syncobj : public UapiTest {
protected:
	void SetUp() override
	{
		// Gates (WAIT_MEM jobs) hold work back for as long as a case needs: no watchdog, no
		// kernel timeout (the guest's default watchdog is 2M cycles).
		start({MICA_REV_R2, 0xffffffffull, 60'000'000'000});
		ctx_ = a_->ctx();
		data_ = a_->bo(4096);
		cpu_ = static_cast<volatile uint32_t *>(a_->map(data_, 4096));
		a_->bind(data_, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	}
	uint32_t create(uint32_t flags = 0)
	{
		drm_syncobj_create c{};
		c.flags = flags;
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c), 0);
		return c.handle;
	}
	// DRM_IOCTL_SYNCOBJ_WAIT (binary) with an absolute timeout.
	int wait(std::vector<uint32_t> handles, uint32_t flags, int64_t abs_timeout, uint32_t *first = nullptr)
	{
		drm_syncobj_wait w{};
		w.handles = reinterpret_cast<uintptr_t>(handles.data());
		w.count_handles = static_cast<uint32_t>(handles.size());
		w.flags = flags;
		w.timeout_nsec = abs_timeout;
		int r = a_->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w);
		if (first)
			*first = w.first_signaled;
		return r;
	}
	int array_op(unsigned long cmd, uint32_t handle, uint32_t pad = 0)
	{
		drm_syncobj_array a{reinterpret_cast<uintptr_t>(&handle), 1, pad};
		return a_->ioctl(cmd, &a);
	}
	int transfer(uint32_t src, uint64_t src_point, uint32_t dst, uint64_t dst_point, uint32_t flags = 0)
	{
		drm_syncobj_transfer t{src, dst, src_point, dst_point, flags, 0};
		return a_->ioctl(DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
	}
	// A job that writes v at DATA_VA + 4 * slot.
	std::vector<uint32_t> write(uint32_t slot, uint32_t v)
	{
		const uint64_t va = DATA_VA + 4 * slot;
		return {pkt(MICA_PKT_WRITE_DATA, 3), lo32(va), hi32(va), v};
	}
	uint32_t ctx_ = 0, data_ = 0;
	volatile uint32_t *cpu_ = nullptr;
};

TEST_F(Syncobj, CreateAndDestroy)
{
	drm_syncobj_create c{};
	c.flags = 2;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c), -EINVAL) << "unknown flag";
	uint32_t s = create(), sig = create(DRM_SYNCOBJ_CREATE_SIGNALED);
	EXPECT_NE(s, 0u);
	EXPECT_NE(s, sig);
	EXPECT_EQ(wait({sig}, 0, 0), 0) << "created signalled";
	EXPECT_EQ(wait({s}, 0, 0), -EINVAL) << "no fence, no WAIT_FOR_SUBMIT";
	EXPECT_EQ(wait({s}, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, 0), -ETIME);
	drm_syncobj_destroy d{s, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), -EINVAL) << "pad";
	d.pad = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), 0);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), -EINVAL) << "twice (the DRM core's errno)";
	for (uint32_t h : {0u, 0xffffffffu, sig + 1000}) {
		d.handle = h;
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), -EINVAL) << h;
	}
	EXPECT_EQ(wait({s}, 0, 0), -ENOENT) << "destroyed";
}

TEST_F(Syncobj, WaitErrors)
{
	uint32_t sig = create(DRM_SYNCOBJ_CREATE_SIGNALED);
	EXPECT_EQ(wait({sig}, 1u << 3, 0), -EINVAL) << "unknown flag";
	EXPECT_EQ(wait({sig}, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, 0), -EINVAL) << "timeline-only flag";
	EXPECT_EQ(wait({}, 0, 0), -EINVAL) << "no handles";
	EXPECT_EQ(wait({sig, 4242}, 0, 0), -ENOENT);
	EXPECT_EQ(wait({0}, 0, 0), -ENOENT);
	drm_syncobj_wait w{};
	w.handles = 8;
	w.count_handles = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w), -EFAULT);

	uint64_t point = 1;
	drm_syncobj_timeline_wait tw{};
	tw.handles = reinterpret_cast<uintptr_t>(&sig);
	tw.points = 8;
	tw.count_handles = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -EFAULT) << "points pointer";
	tw.points = reinterpret_cast<uintptr_t>(&point);
	tw.flags = 1u << 3;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -EINVAL);
	tw.flags = 0;
	tw.count_handles = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -EINVAL);
	tw.count_handles = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -EINVAL) << "a binary fence has no point 1";
	point = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), 0) << "point 0: the fence itself";
}

TEST_F(Syncobj, ResetAndSignal)
{
	uint32_t s = create();
	EXPECT_EQ(array_op(DRM_IOCTL_SYNCOBJ_SIGNAL, s), 0);
	EXPECT_EQ(wait({s}, 0, 0), 0);
	EXPECT_EQ(array_op(DRM_IOCTL_SYNCOBJ_RESET, s), 0);
	EXPECT_EQ(wait({s}, 0, 0), -EINVAL) << "reset: no fence";
	for (unsigned long cmd : {DRM_IOCTL_SYNCOBJ_SIGNAL, DRM_IOCTL_SYNCOBJ_RESET}) {
		EXPECT_EQ(array_op(cmd, s, 1), -EINVAL) << "pad";
		EXPECT_EQ(array_op(cmd, 777), -ENOENT);
		drm_syncobj_array a{reinterpret_cast<uintptr_t>(&s), 0, 0};
		EXPECT_EQ(a_->ioctl(cmd, &a), -EINVAL) << "no handles";
		a = {16, 1, 0};
		EXPECT_EQ(a_->ioctl(cmd, &a), -EFAULT);
	}
}

TEST_F(Syncobj, TimelineSignalQueryAndWait)
{
	uint32_t t = create();
	uint64_t point = 5, value = ~0ull;
	drm_syncobj_timeline_array a{reinterpret_cast<uintptr_t>(&t), reinterpret_cast<uintptr_t>(&point), 1, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a), 0);
	EXPECT_EQ(a_->sync_value(t), 5u);
	a.points = reinterpret_cast<uintptr_t>(&value);
	a.flags = DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), 0);
	EXPECT_EQ(value, 5u);
	EXPECT_EQ(a_->sync_wait(t, 3, 0), 0) << "below the last point";
	EXPECT_EQ(a_->sync_wait(t, 5, 0), 0);
	EXPECT_EQ(a_->sync_wait(t, 6, 0), -EINVAL) << "not submitted";
	EXPECT_EQ(a_->sync_wait(t, 6, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), -ETIME);
	EXPECT_EQ(a_->sync_wait(t, 6, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE),
		  -ETIME);
	// Errors.
	a.flags = 2;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), -EINVAL) << "unknown query flag";
	a.flags = 1;
	a.points = reinterpret_cast<uintptr_t>(&point);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a), -EINVAL) << "signal takes no flags";
	a.flags = 0;
	a.count_handles = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a), -EINVAL);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), -EINVAL);
	a.count_handles = 1;
	a.points = 8;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a), -EFAULT);
	uint32_t bad = 999;
	a.handles = reinterpret_cast<uintptr_t>(&bad);
	a.points = reinterpret_cast<uintptr_t>(&point);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a), -ENOENT);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), -ENOENT);
	// A binary sync object is not a timeline: QUERY says 0.
	EXPECT_EQ(a_->sync_value(create(DRM_SYNCOBJ_CREATE_SIGNALED)), 0u);
}

TEST_F(Syncobj, Transfer)
{
	uint32_t t = create(), b = create(), t2 = create();
	ASSERT_EQ(a_->signal(t, 4), 0);
	drm_syncobj_transfer x{t, b, 4, 0, 0, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_TRANSFER, &x), -EINVAL) << "pad";
	EXPECT_EQ(transfer(777, 4, b, 0), -ENOENT);
	EXPECT_EQ(transfer(t, 4, 777, 0), -ENOENT);
	EXPECT_EQ(transfer(t, 9, b, 0), -EINVAL) << "no such point";
	EXPECT_EQ(transfer(b, 0, t2, 1), -EINVAL) << "no fence to transfer";
	ASSERT_EQ(transfer(t, 4, b, 0), 0) << "timeline point to binary";
	EXPECT_EQ(wait({b}, 0, 0), 0);
	ASSERT_EQ(transfer(b, 0, t2, 2), 0) << "binary to a timeline point";
	EXPECT_EQ(a_->sync_value(t2), 2u);
}

// Jobs and sync objects: the job's fence goes to its out-syncs, a job's in-syncs hold it back,
// and nothing can wait for a point that does not exist yet (wait-before-signal is user space's).
TEST_F(Syncobj, JobsSignalAndWaitForFences)
{
	uint32_t gate = a_->gate(), bin = create(), tl = create();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, write(0, 11), &seq, {{gate, 0, 1}}, {{bin, 0, 0}, {tl, 0, 3}}), 0);
	EXPECT_EQ(wait({bin}, 0, 0), -ETIME) << "present, not signalled";
	EXPECT_EQ(a_->sync_wait(tl, 3, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), 0) << "available";
	EXPECT_EQ(a_->sync_wait(tl, 3, 0), -ETIME);
	EXPECT_EQ(a_->sync_wait(tl, 2, 0), -ETIME) << "point 2 is covered by point 3";
	// Wait-any: the second is signalled already.
	uint32_t sig = create(DRM_SYNCOBJ_CREATE_SIGNALED), first = 99;
	EXPECT_EQ(wait({bin, sig}, 0, 0, &first), 0);
	EXPECT_EQ(first, 1u);
	EXPECT_EQ(wait({bin, sig}, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, now_ns() + 1'000'000), -ETIME);
	// A job that waits for the first job's point.
	uint64_t seq2 = 0;
	ASSERT_EQ(a_->submit(ctx_, write(1, 22), &seq2, {{tl, 0, 3}}), 0);
	EXPECT_EQ(cpu_[0], 0u);
	EXPECT_EQ(a_->submit(ctx_, write(2, 33), nullptr, {{tl, 0, 4}}), -EINVAL) << "point 4 does not exist";
	a_->open_gate(gate);
	ASSERT_EQ(wait({bin}, 0, now_ns() + 10'000'000'000), 0);
	ASSERT_EQ(a_->wait(ctx_, seq2), 0);
	EXPECT_EQ(cpu_[0], 11u);
	EXPECT_EQ(cpu_[1], 22u);
	EXPECT_EQ(a_->sync_value(tl), 3u);
}

// A host wait with WAIT_FOR_SUBMIT sleeps until a job (or a host signal) adds the point, then
// until it signals.
TEST_F(Syncobj, WaitForSubmitWakesWhenThePointAppears)
{
	uint32_t tl = create();
	std::thread later([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(30));
		EXPECT_EQ(a_->submit(ctx_, write(0, 5), nullptr, {}, {{tl, 0, 2}}), 0);
	});
	EXPECT_EQ(a_->sync_wait(tl, 2, 10'000'000'000, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), 0);
	later.join();
	EXPECT_EQ(cpu_[0], 5u);
}

// Sharing a sync object as an fd (opaque, or its fence as a sync file) is the DRM core's: the
// module's render node does it; the in-process emulation has no fds and says so (-ENOTTY), which
// is why user space offers external semaphores only on the drm backend.
TEST_F(Syncobj, HandleToFdAndBack)
{
	uint32_t s = create(DRM_SYNCOBJ_CREATE_SIGNALED), t = create();
	drm_syncobj_handle h{};
	h.handle = s;
	h.fd = -1;
#ifdef MICA_UAPI_OVER_DRM
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), 0);
	ASSERT_GE(h.fd, 0);
	auto b = client();
	drm_syncobj_handle in{};
	in.fd = h.fd;
	ASSERT_EQ(b->ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &in), 0) << "another file imports it";
	uint32_t bh = in.handle;
	drm_syncobj_wait w{reinterpret_cast<uintptr_t>(&bh), 0, 1, 0, 0, 0};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w), 0) << "the same (signalled) fence";
	close(h.fd);
	// Its fence as a sync file, imported into another sync object.
	h = {s, DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, -1, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), 0);
	in = {t, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, h.fd, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &in), 0);
	EXPECT_EQ(wait({t}, 0, 0), 0);
	close(h.fd);
	// Errors: unknown handle, unknown flags, an fd that is no sync object / sync file.
	h = {777, 0, -1, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), -EINVAL) << "the DRM core's errno, as DESTROY's";
	h = {s, 8, -1, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), -EINVAL);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	in = {0, 0, devnull, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &in), -EINVAL);
	in = {t, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, devnull, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &in), -EINVAL);
	close(devnull);
#else
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), -ENOTTY);
	drm_syncobj_handle in{};
	in.handle = t;
	in.fd = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &in), -ENOTTY);
#endif
}

// Handles are per file: another client's handle names nothing here.
TEST_F(Syncobj, HandlesArePerFile)
{
	uint32_t s = create(DRM_SYNCOBJ_CREATE_SIGNALED);
	auto b = client();
	uint32_t bs = 0;
	{
		drm_syncobj_create c{};
		ASSERT_EQ(b->ioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c), 0);
		bs = c.handle;
	}
	drm_syncobj_destroy d{bs, 0};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d), 0);
	uint32_t h = s;
	drm_syncobj_wait w{reinterpret_cast<uintptr_t>(&h), 0, 1, 0, 0, 0};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w), -ENOENT);
	uint32_t bctx = b->ctx();
	EXPECT_EQ(b->submit(bctx, write(0, 1), nullptr, {{s, 0, 0}}), -ENOENT);
	EXPECT_EQ(wait({s}, 0, 0), 0) << "still ours";
}

} // namespace
} // namespace mica::ktest
