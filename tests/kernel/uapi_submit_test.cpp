// SPDX-License-Identifier: MIT
// IGT-style tests: contexts, SUBMIT, waits, sync objects, and the malicious command-stream
// corpus through the real ioctl path (copy, validate, execute the copy).
#include "uapi_fixture.h"

#include "mica_dma.h"

#include <chrono>
#include <cstring>
#include <thread>

using namespace mica::ktest;

namespace {

constexpr uint64_t DATA_VA = 0x20000000;
constexpr uint64_t CODE_VA = 0x30000000;

class Submit : public UapiTest {
protected:
	void SetUp() override
	{
		UapiTest::SetUp();
		ctx_ = a_->ctx();
		data_ = a_->bo(64 * 1024);
		cpu_ = static_cast<uint32_t *>(a_->map(data_, 64 * 1024));
		a_->bind(data_, DATA_VA, 64 * 1024, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	}
	// Submits, waits, and returns the job's error.
	int32_t run(const std::vector<uint32_t> &dw)
	{
		uint64_t seq = 0;
		EXPECT_EQ(a_->submit(ctx_, dw, &seq), 0);
		int32_t err = 1;
		EXPECT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
		return err;
	}
	uint32_t ctx_ = 0, data_ = 0;
	uint32_t *cpu_ = nullptr;
};

TEST_F(Submit, WriteDataRunsAndSignals)
{
	ASSERT_EQ(run({pkt(MICA_PKT_WRITE_DATA, 4), lo32(DATA_VA + 16), hi32(DATA_VA), 0x11, 0x22}), 0);
	EXPECT_EQ(cpu_[4], 0x11u);
	EXPECT_EQ(cpu_[5], 0x22u);
	auto q = a_->query(ctx_);
	EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
	EXPECT_EQ(q.submitted_seqno, 1u);
	EXPECT_EQ(q.completed_seqno, 1u);
}

TEST_F(Submit, DmaFillCopyTimestampSignal)
{
	ASSERT_EQ(run({
			  pkt(MICA_PKT_DMA_FILL, 4), lo32(DATA_VA), hi32(DATA_VA), 0xabcdabcd, 256,
			  pkt(MICA_PKT_BARRIER, 1), MICA_BARRIER_FLUSH,
			  pkt(MICA_PKT_DMA_COPY, 5), lo32(DATA_VA), hi32(DATA_VA), lo32(DATA_VA + 4096), hi32(DATA_VA), 256,
			  pkt(MICA_PKT_TIMESTAMP, 2), lo32(DATA_VA + 8192), hi32(DATA_VA),
			  pkt(MICA_PKT_SIGNAL, 5), lo32(DATA_VA + 8200), hi32(DATA_VA), 77, 1, 0,
		  }),
		  0);
	EXPECT_EQ(cpu_[0], 0xabcdabcdu);
	EXPECT_EQ(cpu_[1024 + 63], 0xabcdabcdu);
	EXPECT_EQ(cpu_[1024 + 64], 0u);
	EXPECT_EQ(cpu_[2050], 77u);
	EXPECT_EQ(cpu_[2051], 1u);
}

TEST_F(Submit, DispatchRunsAValidatedShader)
{
	uint32_t sh = a_->shader(make_binary(store_lane_program()));
	a_->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	ASSERT_EQ(run(dispatch_stream(CODE_VA, DATA_VA, 1000)), 0);
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(cpu_[lane], 1000 + lane) << lane;
}

TEST_F(Submit, ChainedBuffersRunFlattened)
{
	uint64_t second = a_->place({pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA + 4), hi32(DATA_VA), 0x5555});
	ASSERT_EQ(run({pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), 0x4444,
		       pkt(MICA_PKT_CHAIN, 3), lo32(second), hi32(second), 4,
		       pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA + 8), hi32(DATA_VA), 0x6666}),
		  0);
	EXPECT_EQ(cpu_[0], 0x4444u);
	EXPECT_EQ(cpu_[1], 0x5555u);
	EXPECT_EQ(cpu_[2], 0u) << "the rest of a buffer after CHAIN does not run";
}

TEST_F(Submit, SeqnosAreATimeline)
{
	uint64_t s1 = 0, s2 = 0;
	ASSERT_EQ(a_->submit(ctx_, {pkt(MICA_PKT_NOP, 0)}, &s1), 0);
	ASSERT_EQ(a_->submit(ctx_, {pkt(MICA_PKT_NOP, 0)}, &s2), 0);
	EXPECT_EQ(s2, s1 + 1);
	EXPECT_EQ(a_->wait(ctx_, s2), 0);
	EXPECT_EQ(a_->wait(ctx_, s1, 0), 0) << "an older point is signalled too";
}

TEST_F(Submit, ContextIoctls)
{
	drm_mica_ctx_create c{};
	c.type = 9;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &c), -EINVAL);
	c = {DRM_MICA_CTX_COPY, 1, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &c), -EINVAL);
	c = {DRM_MICA_CTX_COPY, 0, 0, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &c), -EINVAL);
	drm_mica_ctx_query q{};
	q.handle = 99;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_QUERY, &q), -ENOENT);
	q = {};
	q.handle = ctx_;
	q.fault_flags = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_QUERY, &q), -EINVAL);
	// Every hardware slot but the kernel's can be taken, then -ENOSPC (with the per-client
	// context limit raised above the slot count).
	ASSERT_EQ(mica_um_param_set(mdev(), "client_max_contexts", 64), 0);
	std::vector<uint32_t> ctxs;
	for (;;) {
		drm_mica_ctx_create n{};
		int r = a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &n);
		if (r) {
			EXPECT_EQ(r, -ENOSPC);
			break;
		}
		ctxs.push_back(n.handle);
	}
	EXPECT_EQ(ctxs.size() + 1, MICA_MAX_CONTEXTS - 1);
	drm_mica_ctx_destroy d{ctxs.back(), 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), -ENOENT);
	d = {ctx_, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), -EINVAL);
	drm_mica_ctx_create n{};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &n), 0) << "the slot was freed";
}

TEST_F(Submit, SubmitErrors)
{
	drm_mica_cmdbuf cb{CMD_VA, 1, 0};
	a_->cmd_cpu()[0] = pkt(MICA_PKT_NOP, 0);
	drm_mica_submit s{};
	s.ctx = ctx_;
	s.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &s), 0);

	drm_mica_submit b = s;
	b.ctx = 77;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -ENOENT);
	b = s;
	b.flags = 4;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	b = s;
	b.cmdbufs.count = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	b = s;
	b.cmdbufs.stride = 8;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	b = s;
	b.cmdbufs.array = 32;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EFAULT);
	drm_mica_cmdbuf padded{CMD_VA, 1, 3};
	b = s;
	b.cmdbufs.array = reinterpret_cast<uintptr_t>(&padded);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	// A larger stride from newer user space: accepted when the tail is zero.
	struct {
		drm_mica_cmdbuf cb;
		uint64_t future;
	} wide{{CMD_VA, 1, 0}, 0};
	b = s;
	b.cmdbufs = {sizeof(wide), 1, reinterpret_cast<uintptr_t>(&wide)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), 0);
	wide.future = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);

	drm_mica_bo_ref ref{999, DRM_MICA_BO_REF_READ};
	b = s;
	b.bos = {sizeof(ref), 1, reinterpret_cast<uintptr_t>(&ref)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -ENOENT);
	ref = {data_, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	ref = {data_, DRM_MICA_BO_REF_WRITE};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), 0);

	drm_mica_sync_point sp{999, 0, 1};
	b = s;
	b.in_syncs = {sizeof(sp), 1, reinterpret_cast<uintptr_t>(&sp)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -ENOENT);
	sp = {a_->sync(), 0, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL) << "a point nobody submitted";
	sp.point = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL) << "a sync object without a fence";
	b = s;
	b.out_syncs = {sizeof(sp), 1, reinterpret_cast<uintptr_t>(&sp)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), 0) << "out point 0: the binary fence";
	sp.point = 5;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), 0);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL) << "points must increase";
	sp.pad = 1;
	sp.point = 6;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -EINVAL);
	sp = {999, 0, 6};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SUBMIT, &b), -ENOENT);

	drm_mica_ctx_wait w{};
	w.ctx = ctx_;
	w.seqno = 1000;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w), -EINVAL) << "not submitted yet";
	w.seqno = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w), -EINVAL);
	w.seqno = 1;
	w.timeout_ns = -1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w), -EINVAL);
	w.timeout_ns = 0;
	w.ctx = 1234;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w), -ENOENT);
}

// In- and out-syncs are DRM sync objects: a job waits for the fence of a point, and its own fence
// becomes a point of its out-syncs.
TEST_F(Submit, SyncObjectsAreTimelines)
{
	uint32_t gate = a_->gate(), done = a_->sync();
	uint64_t seq = 0;
	// Waits for gate:1 (a job held in WAIT_MEM), then signals done:10.
	ASSERT_EQ(a_->submit(ctx_, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), 42}, &seq,
			     {{gate, 0, 1}}, {{done, 0, 10}}),
		  0);
	EXPECT_EQ(a_->wait(ctx_, seq, 20'000'000), -ETIME);
	EXPECT_EQ(cpu_[0], 0u) << "must not run before its dependency";
	EXPECT_EQ(a_->sync_wait(done, 10, 10'000'000), -ETIME);
	EXPECT_EQ(a_->sync_wait(done, 10, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), 0) << "submitted";
	EXPECT_EQ(a_->sync_value(done), 0u);
	a_->open_gate(gate);
	ASSERT_EQ(a_->sync_wait(done, 10, 10'000'000'000), 0);
	EXPECT_EQ(cpu_[0], 42u);
	EXPECT_EQ(a_->sync_value(done), 10u);
	EXPECT_EQ(a_->sync_wait(done, 7, 0), 0) << "a point below the last one is covered by it";
	EXPECT_EQ(a_->sync_wait(done, 11, 0), -EINVAL) << "no such point, no WAIT_FOR_SUBMIT";
	EXPECT_EQ(a_->sync_wait(done, 11, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), -ETIME);

	// A later job waits for done:10, already signalled: it runs at once.
	ASSERT_EQ(a_->submit(ctx_, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA + 4), hi32(DATA_VA + 4), 7}, &seq,
			     {{done, 0, 10}}, {{done, 0, 0}}),
		  0);
	ASSERT_EQ(a_->wait(ctx_, seq), 0);
	EXPECT_EQ(cpu_[1], 7u);
	// Out point 0 replaced the timeline with that job's fence: a binary sync object now.
	EXPECT_EQ(a_->sync_value(done), 0u);
	EXPECT_EQ(a_->sync_wait(done, 0, 0), 0);
	EXPECT_EQ(a_->sync_wait(done, 10, 0), -EINVAL) << "a binary fence has no timeline points";
}

// What the device runs is the kernel's copy: rewriting the user buffer after SUBMIT (here while
// the job waits for a dependency) changes nothing.
TEST_F(Submit, NoTimeOfCheckTimeOfUse)
{
	uint32_t gate = a_->gate();
	std::vector<uint32_t> dw = {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), 1};
	uint64_t va = a_->place(dw);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit_va(ctx_, va, 4, &seq, {{gate, 0, 1}}), 0);
	uint32_t *user = a_->cmd_cpu() + (va - CMD_VA) / 4;
	user[0] = pkt(MICA_PKT_SET_PAGE_TABLE, 3); // privileged, would have been refused
	user[3] = 2;
	a_->open_gate(gate);
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(cpu_[0], 1u);
	EXPECT_EQ(a_->query(ctx_).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
}

TEST_F(Submit, CopyQueueRunsCopyPackets)
{
	uint32_t copy = a_->ctx(DRM_MICA_CTX_COPY);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(copy, {pkt(MICA_PKT_DMA_FILL, 4), lo32(DATA_VA), hi32(DATA_VA), 9, 8}, &seq), 0);
	ASSERT_EQ(a_->wait(copy, seq), 0);
	EXPECT_EQ(cpu_[1], 9u);
	EXPECT_EQ(a_->submit(copy, dispatch_stream(CODE_VA, DATA_VA, 0)), -EINVAL);
	EXPECT_EQ(rejects(DRM_MICA_REJECT_CS_QUEUE_TYPE), 1u);
}

// The malicious command-stream corpus through SUBMIT: exact errno, counter and log line, and
// nothing reaches the device.
TEST_F(Submit, MaliciousStreamsAreRefusedCountedAndLogged)
{
	uint32_t sh = a_->shader(make_binary(store_lane_program()));
	a_->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	uint32_t ro = a_->bo(4096);
	const uint64_t RO_VA = 0x28000000;
	a_->bind(ro, RO_VA, 4096, DRM_MICA_BIND_READ);
	uint64_t loop = CMD_VA + CMD_BYTES - 64;
	a_->cmd_cpu()[(loop - CMD_VA) / 4 + 0] = pkt(MICA_PKT_CHAIN, 3);
	a_->cmd_cpu()[(loop - CMD_VA) / 4 + 1] = lo32(loop);
	a_->cmd_cpu()[(loop - CMD_VA) / 4 + 2] = hi32(loop);
	a_->cmd_cpu()[(loop - CMD_VA) / 4 + 3] = 4;
	// DMA_COPY_TILED: 16 x 8 RGBA8 texels from DATA into an OPTIMAL image 4 KiB further, edited.
	auto tiled = [&](auto edit) {
		mica_dma_tiled c{};
		c.src = {DATA_VA, 64, 0, 0, 0, MICA_IMAGE_TILING_LINEAR};
		c.dst = {DATA_VA + 4096, 256, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
		c.width = 16;
		c.height = 8;
		c.depth = 1;
		c.element_bytes = 4;
		edit(c);
		std::vector<uint32_t> v(1 + MICA_PKT_DMA_COPY_TILED_LEN_MAX);
		v[0] = pkt(MICA_PKT_DMA_COPY_TILED, MICA_PKT_DMA_COPY_TILED_LEN_MAX);
		mica_dma_tiled_pack(&c, v.data() + 1);
		return v;
	};

	struct Case {
		const char *name;
		std::vector<uint32_t> dw;
		int err;
		uint32_t reason;
	};
	std::vector<Case> cases = {
		{"indirect-buffer", {pkt(MICA_PKT_INDIRECT_BUFFER, 4), 0, 0, 4, 0}, -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET},
		{"set-page-table", {pkt(MICA_PKT_SET_PAGE_TABLE, 3), 1, 0x1000, 0}, -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET},
		{"set-power-profile", {pkt(MICA_PKT_SET_POWER_PROFILE, 1), 1}, -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET},
		{"perf-control", {pkt(MICA_PKT_PERF_CONTROL, 1), 1}, -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET},
		{"signal-irq", {pkt(MICA_PKT_SIGNAL, 5), lo32(DATA_VA), hi32(DATA_VA), 0, 0, MICA_SIGNAL_IRQ}, -EPERM, DRM_MICA_REJECT_CS_SIGNAL_IRQ},
		{"unmapped", {pkt(MICA_PKT_WRITE_DATA, 3), lo32(0x7000000), hi32(0x7000000), 1}, -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED},
		{"physical-looking", {pkt(MICA_PKT_DMA_FILL, 4), 0x1000, 0, 0, 4}, -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED},
		{"read-only", {pkt(MICA_PKT_DMA_FILL, 4), lo32(RO_VA), hi32(RO_VA), 0, 4}, -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM},
		{"write-code", {pkt(MICA_PKT_DMA_FILL, 4), lo32(CODE_VA), hi32(CODE_VA), 0, 4}, -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM},
		{"write-cmdbuf", {pkt(MICA_PKT_DMA_FILL, 4), lo32(CMD_VA), hi32(CMD_VA), 0, 4}, -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM},
		{"straddle", {pkt(MICA_PKT_DMA_FILL, 4), lo32(DATA_VA + 0xfff0), hi32(DATA_VA), 0, 32}, -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED},
		{"overflow", {pkt(MICA_PKT_DMA_COPY, 5), 0xfffff000u, 0xffffffffu, lo32(DATA_VA), hi32(DATA_VA), 0x2000}, -EINVAL, DRM_MICA_REJECT_CS_ADDR_OVERFLOW},
		{"overlap", {pkt(MICA_PKT_DMA_COPY, 5), lo32(DATA_VA), hi32(DATA_VA), lo32(DATA_VA + 8), hi32(DATA_VA), 64}, -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP},
		{"chain-loop", {pkt(MICA_PKT_CHAIN, 3), lo32(loop), hi32(loop), 4}, -ELOOP, DRM_MICA_REJECT_CS_CHAIN_LOOP},
		{"tiled-huge", tiled([](mica_dma_tiled &c) { c.width = c.height = 0xffffffffu; }), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD},
		{"tiled-pitch", tiled([](mica_dma_tiled &c) { c.dst.pitch = 200; }), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD},
		{"tiled-overlap", tiled([](mica_dma_tiled &c) { c.dst.addr = DATA_VA + 64; }), -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP},
		{"tiled-read-only", tiled([&](mica_dma_tiled &c) { c.dst.addr = RO_VA; }), -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM},
		{"tiled-unmapped", tiled([](mica_dma_tiled &c) { c.src.addr = 0x7000000; }), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED},
		{"program-in-data", {pkt(MICA_PKT_SET_PROGRAM, 4), lo32(DATA_VA), hi32(DATA_VA), 16, 32}, -EACCES, DRM_MICA_REJECT_CS_NOT_ENTRY},
		{"program-mid-code", {pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA + 256), hi32(CODE_VA), 16, 32}, -EACCES, DRM_MICA_REJECT_CS_NOT_ENTRY},
		{"too-few-registers", {pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA), hi32(CODE_VA), 1, 1}, -EINVAL, DRM_MICA_REJECT_CS_REG_COUNT},
		{"dispatch-no-program", {pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1}, -EINVAL, DRM_MICA_REJECT_CS_NO_PROGRAM},
		// 32 waves of 256 VGPRs: twice the CU's register file, so the chip could never launch it.
		{"workgroup-over-cu", {pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA), hi32(CODE_VA), 256, 128,
		                       pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 1024, 1, 1, pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1},
		 -EINVAL, DRM_MICA_REJECT_CS_CU_RESOURCES},
		{"bad-opcode", {pkt(0x42, 0)}, -EINVAL, DRM_MICA_REJECT_CS_BAD_OPCODE},
		{"bad-length", {pkt(MICA_PKT_SIGNAL, 4), 0, 0, 0, 0}, -EINVAL, DRM_MICA_REJECT_CS_BAD_LENGTH},
		{"truncated", {pkt(MICA_PKT_WRITE_DATA, 10), lo32(DATA_VA), hi32(DATA_VA)}, -EINVAL, DRM_MICA_REJECT_CS_TRUNCATED},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		uint64_t before = rejects(c.reason);
		uint64_t seq = 0;
		EXPECT_EQ(a_->submit(ctx_, c.dw, &seq), c.err);
		EXPECT_EQ(rejects(c.reason), before + 1);
	}
	auto q = a_->query(ctx_);
	EXPECT_EQ(q.submitted_seqno, 0u) << "nothing was queued";
	EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
	std::string l = log();
	EXPECT_NE(l.find("reject CS_PRIV_PACKET"), std::string::npos) << l;
	EXPECT_NE(l.find("SET_PAGE_TABLE is only legal in the kernel ring"), std::string::npos);
	EXPECT_NE(l.find("reject CS_CHAIN_LOOP"), std::string::npos);
	EXPECT_NE(l.find("reject CS_CU_RESOURCES"), std::string::npos);
	EXPECT_NE(l.find("DISPATCH: a workgroup of 1024 invocations with 256 VGPRs, 128 SGPRs, 0 shared bytes exceeds a CU's VGPRs"),
	          std::string::npos) << l;
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(cpu_[i], 0u);
}

TEST_F(Submit, StaleShaderAfterPowerProfileChange)
{
	uint32_t sh = a_->shader(make_binary(store_lane_program()));
	a_->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	ASSERT_EQ(mica_um_power_profile_store(mdev(), MICA_PROFILE_LOWPOWER), 0);
	EXPECT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DATA_VA, 0)), -ENOEXEC);
	EXPECT_EQ(rejects(DRM_MICA_REJECT_CS_STALE_SHADER), 1u);
	EXPECT_EQ(a_->try_shader(make_binary(store_lane_program())), -ENOEXEC);
	// Recompiled for the new profile: runs.
	BinarySpec lp;
	lp.profile = MICA_PROFILE_LOWPOWER;
	uint32_t sh2 = a_->shader(make_binary(store_lane_program(), lp));
	a_->bind(sh2, CODE_VA + 0x10000, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	ASSERT_EQ(run(dispatch_stream(CODE_VA + 0x10000, DATA_VA, 7)), 0);
	EXPECT_EQ(cpu_[31], 7u + 31);
}

} // namespace
