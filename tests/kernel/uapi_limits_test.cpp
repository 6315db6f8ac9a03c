// SPDX-License-Identifier: MIT
// Issue 9 item 4: every client is bounded. Per-client limits (contexts, VRAM, queued jobs, sync
// objects, page-table memory, CPU mappings) with their documented errnos, tunable at run time;
// a client whose contexts keep hanging is banned; a grid whose group-count product overflows
// runs into the watchdog instead of completing with no work.
#include "uapi_fixture.h"

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t DATA_VA = 0x70000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;
constexpr uint32_t RX = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;

class Limits : public UapiTest {
protected:
	void set(const char *name, uint64_t v) { ASSERT_EQ(mica_um_param_set(mdev(), name, v), 0) << name; }
};

TEST_F(Limits, KnobsAreNamedAndValidated)
{
	uint64_t v = 0;
	EXPECT_EQ(mica_um_param_get(mdev(), "client_max_contexts", &v), 0);
	EXPECT_EQ(v, 8u);
	EXPECT_EQ(a_->usage().contexts_limit, 8u);
	set("client_max_contexts", 3);
	EXPECT_EQ(mica_um_param_get(mdev(), "client_max_contexts", &v), 0);
	EXPECT_EQ(v, 3u);
	EXPECT_EQ(a_->usage().contexts_limit, 3u);
	EXPECT_EQ(mica_um_param_set(mdev(), "client_max_contexts", 0), -EINVAL);
	EXPECT_EQ(mica_um_param_set(mdev(), "no_such_knob", 1), -ENOENT);
	EXPECT_EQ(mica_um_param_get(mdev(), "no_such_knob", &v), -ENOENT);
	EXPECT_NE(log().find("parameter client_max_contexts = 3"), std::string::npos);
}

TEST_F(Limits, ContextsPerClient)
{
	set("client_max_contexts", 2);
	auto b = client();
	uint32_t c1 = a_->ctx();
	a_->ctx();
	drm_mica_ctx_create n{};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &n), -ENOSPC);
	EXPECT_EQ(a_->usage().contexts, 2u);
	b->ctx(); // the others still get slots
	drm_mica_ctx_destroy d{c1, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &n), 0);
}

TEST_F(Limits, VramPerClientCountsBosShadersAndCommandCopies)
{
	auto b = client();
	const uint64_t base = a_->usage().vram_bytes; // command BO + page tables
	set("client_max_vram_bytes", base + (1ull << 20));
	drm_mica_bo_create c{};
	c.size = 2ull << 20;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), -ENOMEM);
	c.size = 1ull << 20;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), 0);
	EXPECT_EQ(a_->usage().vram_bytes, base + (1ull << 20));
	uint32_t h = 0;
	EXPECT_EQ(a_->try_shader(make_binary(store_lane_program()), &h), -ENOMEM);
	EXPECT_EQ(a_->submit(a_->ctx(), {pkt(MICA_PKT_NOP, 0)}), -ENOMEM) << "no room for the command copy";
	// B is charged separately and still allocates.
	drm_mica_bo_create cb{};
	cb.size = 512 * 1024;
	EXPECT_EQ(b->ioctl(DRM_IOCTL_MICA_BO_CREATE, &cb), 0);
	// Freeing makes room again.
	ASSERT_EQ(a_->close_bo(c.handle), 0);
	EXPECT_EQ(a_->usage().vram_bytes, base);
	EXPECT_EQ(a_->try_shader(make_binary(store_lane_program()), &h), 0);
}

TEST_F(Limits, QueuedJobsPerClient)
{
	set("client_max_jobs", 3); // the gate's own job is one
	uint32_t ctx = a_->ctx();
	uint32_t gate = a_->gate();
	uint64_t s1 = 0, s2 = 0;
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &s1, {{gate, 0, 1}}), 0);
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &s2, {{gate, 0, 1}}), 0);
	EXPECT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}), -EAGAIN);
	EXPECT_EQ(a_->usage().jobs, 3u);
	a_->open_gate(gate);
	ASSERT_EQ(a_->wait(ctx, s2), 0);
	uint64_t s3 = 0;
	EXPECT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &s3), 0);
	EXPECT_EQ(a_->wait(ctx, s3), 0);
}

TEST_F(Limits, SyncObjectsAndCpuMappingsPerClient)
{
	// Sync objects are the DRM core's (as GEM handles are): the driver neither counts nor
	// limits them, whatever client_max_syncs says.
	set("client_max_syncs", 3);
	for (int i = 0; i < 4; i++)
		a_->sync();
	EXPECT_EQ(a_->usage().syncs, 0u);

	set("client_max_cpu_maps", 2); // the command buffer's mapping is one
	uint32_t h = a_->bo(4096);
	drm_mica_bo_mmap_offset m{h, 0, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), 0);
	void *p = nullptr, *q = nullptr;
	ASSERT_EQ(mica_um_mmap(a_->file(), m.offset, 4096, &p), 0);
	EXPECT_EQ(mica_um_mmap(a_->file(), m.offset, 4096, &q), -ENOMEM);
	ASSERT_EQ(mica_um_munmap(a_->file(), p, 4096), 0);
	EXPECT_EQ(mica_um_mmap(a_->file(), m.offset, 4096, &q), 0);
}

TEST_F(Limits, PageTableMemoryPerClient)
{
	const uint64_t base = a_->usage().pt_bytes;
	set("client_max_pt_bytes", base + 8 * MICA_PAGE_SIZE);
	uint32_t h = a_->bo(4096);
	int mapped = 0, r = 0;
	for (uint64_t i = 0; i < 64; i++) {
		r = a_->try_bind(h, (1ull << 40) + i * (1ull << 30), 4096, DRM_MICA_BIND_READ);
		if (r)
			break;
		mapped++;
	}
	EXPECT_EQ(r, -ENOMEM);
	EXPECT_GE(mapped, 3);
	EXPECT_LE(a_->usage().pt_bytes, base + 8 * MICA_PAGE_SIZE);
	// The failed bind left nothing behind; unmapping gives everything back.
	for (int i = 0; i < mapped; i++)
		ASSERT_EQ(a_->unbind((1ull << 40) + uint64_t(i) * (1ull << 30), 4096), 0);
	EXPECT_EQ(a_->usage().pt_bytes, base);
}

TEST_F(Limits, GpuMappingsPerClient)
{
	const uint32_t base = a_->usage().mappings; // the command buffer's
	set("client_max_mappings", base + 4);
	uint32_t h = a_->bo(4096);
	for (uint64_t i = 0; i < 4; i++)
		a_->bind(h, 0x40000000 + i * 4096, 4096, DRM_MICA_BIND_READ);
	EXPECT_EQ(a_->try_bind(h, 0x40000000 + 4 * 4096, 4096, DRM_MICA_BIND_READ), -ENOMEM);
	EXPECT_EQ(a_->usage().mappings, base + 4);
	EXPECT_EQ(a_->usage().mappings_limit, base + 4);
	ASSERT_EQ(a_->unbind(0x40000000, 4096), 0);
	EXPECT_EQ(a_->try_bind(h, 0x40000000 + 4 * 4096, 4096, DRM_MICA_BIND_READ), 0);
}

class Hangs : public UapiTest {
protected:
	void SetUp() override
	{
		DeviceOptions o;
		o.watchdog_cycles = 1'000'000;
		o.params.hang_ban_threshold = 2;
		start(o);
	}
};

TEST_F(Hangs, AClientWhoseContextsKeepHangingIsBanned)
{
	auto b = client();
	uint32_t sh = b->shader(make_binary(endless_program()));
	b->bind(sh, CODE_VA, MICA_PAGE_SIZE, RX);
	uint32_t spare = b->ctx();
	for (int round = 0; round < 2; round++) {
		uint32_t ctx = b->ctx();
		uint64_t seq = 0;
		ASSERT_EQ(b->submit(ctx, dispatch_stream(CODE_VA, DATA_VA, 0), &seq), 0);
		int32_t err = 0;
		ASSERT_EQ(b->wait(ctx, seq, 10'000'000'000, &err), 0);
		EXPECT_EQ(err, -EIO);
		EXPECT_EQ(b->query(ctx).fault, static_cast<uint32_t>(MICA_FAULT_WATCHDOG));
		drm_mica_ctx_destroy d{ctx, 0};
		ASSERT_EQ(b->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
	}
	auto u = b->usage();
	EXPECT_EQ(u.hangs, 2u);
	EXPECT_EQ(u.banned, 1u);
	drm_mica_ctx_create n{};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_MICA_CTX_CREATE, &n), -EIO);
	EXPECT_EQ(b->submit(spare, {pkt(MICA_PKT_NOP, 0)}), -EIO) << "even on a context that never hung";
	EXPECT_NE(log().find("banned after 2 hangs"), std::string::npos) << log();
	// Nobody else is affected.
	uint32_t actx = a_->ctx();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(actx, {pkt(MICA_PKT_NOP, 0)}, &seq), 0);
	EXPECT_EQ(a_->wait(actx, seq), 0);
	EXPECT_EQ(a_->usage().banned, 0u);
}

// x * y * z = 2^31 * 2^31 * 4 = 2^64: a 64-bit product wraps to 0 and the model used to finish
// the dispatch at once, with no work and no error.
TEST_F(Hangs, AGridWhoseGroupCountOverflowsRunsIntoTheWatchdog)
{
	uint32_t ctx = a_->ctx();
	a_->bind(a_->shader(make_binary(store_lane_program())), CODE_VA, MICA_PAGE_SIZE, RX);
	uint32_t out = a_->bo(4096);
	a_->bind(out, DATA_VA, 4096, RW);
	std::vector<uint32_t> dw = dispatch_stream(CODE_VA, DATA_VA, 1);
	dw[dw.size() - 3] = 0x80000000u;
	dw[dw.size() - 2] = 0x80000000u;
	dw[dw.size() - 1] = 4;
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx, dw, &seq), 0);
	int32_t err = 0;
	ASSERT_EQ(a_->wait(ctx, seq, 30'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	EXPECT_EQ(a_->query(ctx).fault, static_cast<uint32_t>(MICA_FAULT_WATCHDOG));
	EXPECT_EQ(static_cast<uint32_t *>(a_->map(out, 4096))[3], 4u) << "workgroups did run";
}

} // namespace
