// SPDX-License-Identifier: MIT
// Issue 9 item 2: memory is recycled only when nothing can reach it. A CPU mapping holds its BO
// (GEM_CLOSE does not free pages the process still maps; munmap does), and VM_BIND unmap gives
// back the page-table pages it emptied, charged to the client meanwhile.
#include "uapi_fixture.h"

#include <chrono>
#include <thread>

using namespace mica::ktest;

namespace {

constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;

class Lifetime : public UapiTest {};

TEST_F(Lifetime, ClosedBoStaysMineWhileMappedAndNeverShowsAnotherClientsData)
{
	auto b = client();
	uint32_t h = a_->bo(4096);
	auto *old = static_cast<volatile uint32_t *>(a_->map(h, 4096));
	for (uint32_t i = 0; i < 1024; i++)
		old[i] = 0xa0000000u + i;
	const uint64_t charged = a_->usage().vram_bytes;
	ASSERT_EQ(a_->close_bo(h), 0);
	EXPECT_EQ(a_->usage().vram_bytes, charged) << "the mapping still holds the BO";

	// B allocates (first fit would hand out A's freed pages first) and fills with its secret.
	std::vector<uint32_t> bos;
	for (int n = 0; n < 8; n++) {
		uint32_t hb = b->bo(4096);
		auto *p = static_cast<uint32_t *>(b->map(hb, 4096));
		for (uint32_t i = 0; i < 1024; i++)
			p[i] = 0xb0000000u + i;
		bos.push_back(hb);
	}
	for (uint32_t i = 0; i < 1024; i++)
		ASSERT_EQ(old[i], 0xa0000000u + i) << "A's old mapping must only ever see A's BO";

	// munmap is the last reference: the memory is returned (and uncharged).
	EXPECT_EQ(mica_um_munmap(a_->file(), const_cast<uint32_t *>(old), 4096), 0);
	EXPECT_EQ(a_->usage().vram_bytes, charged - 4096);
	EXPECT_EQ(mica_um_munmap(a_->file(), const_cast<uint32_t *>(old), 4096), -EINVAL);
	// ... and what comes back from the allocator is zeroed.
	uint32_t again = b->bo(4096);
	auto *z = static_cast<uint32_t *>(b->map(again, 4096));
	for (uint32_t i = 0; i < 1024; i++)
		ASSERT_EQ(z[i], 0u);
}

TEST_F(Lifetime, MunmapNeedsExactlyAMapping)
{
	uint32_t h = a_->bo(8192);
	void *p = a_->map(h, 8192);
	EXPECT_EQ(mica_um_munmap(a_->file(), p, 4096), -EINVAL);
	EXPECT_EQ(mica_um_munmap(a_->file(), static_cast<char *>(p) + 4096, 4096), -EINVAL);
	EXPECT_EQ(a_->usage().cpu_maps, 2u); // the command buffer's and this one
	EXPECT_EQ(mica_um_munmap(a_->file(), p, 8192), 0);
	EXPECT_EQ(a_->usage().cpu_maps, 1u);
	// Two mappings of one BO are two references.
	void *p1 = a_->map(h, 8192);
	void *p2 = a_->map(h, 8192);
	ASSERT_EQ(a_->close_bo(h), 0);
	EXPECT_EQ(mica_um_munmap(a_->file(), p1, 8192), 0);
	EXPECT_EQ(static_cast<uint32_t *>(p2)[0], 0u);
	EXPECT_EQ(mica_um_munmap(a_->file(), p2, 8192), 0);
}

// Each cycle maps a page in a fresh 1 GiB region (new level-2 and level-3 tables), then unmaps
// it. Before the fix every cycle leaked two table pages: 4000 cycles are ~32 MiB of 64.
TEST_F(Lifetime, MapUnmapCyclesDoNotLeakPageTables)
{
	uint32_t h = a_->bo(4096);
	const drm_mica_client_info before = a_->usage();
	for (uint64_t i = 0; i < 4000; i++) {
		const uint64_t va = (1ull << 40) + i * (1ull << 30);
		ASSERT_EQ(a_->try_bind(h, va, 4096, DRM_MICA_BIND_READ), 0) << "cycle " << i;
		const drm_mica_client_info mid = a_->usage();
		ASSERT_GT(mid.pt_bytes, before.pt_bytes) << "the tables are charged to the client";
		ASSERT_EQ(a_->unbind(va, 4096), 0);
	}
	const drm_mica_client_info after = a_->usage();
	EXPECT_EQ(after.pt_bytes, before.pt_bytes);
	EXPECT_EQ(after.vram_bytes, before.vram_bytes);
	// The memory really is back in the allocator: the biggest BO still fits.
	drm_mica_bo_create c{};
	c.size = 32ull << 20;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), 0);
}

// A table emptied while the ring may still walk it is freed only after the ring passed.
TEST_F(Lifetime, EmptiedTablesWaitForTheRing)
{
	// The WAIT_MEM holds the ring for as long as the test needs: no watchdog, no kernel timeout
	// (the guest's default watchdog, 2M cycles, ended it early under a loaded host).
	start({MICA_REV_R2, 0xffffffffull, 60'000'000'000});
	uint32_t ctx = a_->ctx();
	uint32_t flag = a_->bo(4096);
	auto *f = static_cast<volatile uint32_t *>(a_->map(flag, 4096));
	const uint64_t FLAG_VA = 0x71000000;
	a_->bind(flag, FLAG_VA, 4096, RW);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_WAIT_MEM, 5), lo32(FLAG_VA), hi32(FLAG_VA), 1, 0, MICA_WAIT_EQ}, &seq), 0);
	const uint64_t base = a_->usage().pt_bytes;
	uint32_t h = a_->bo(4096);
	const uint64_t FAR_VA = 1ull << 44;
	// Behind the real module the job reaches the ring from drm_sched's thread, after SUBMIT
	// returned: an unmap before that has nothing to wait for and frees at once (correctly). So
	// map and unmap until the job is in the ring, then the tables must stay charged.
	uint64_t mapped = 0, after_unmap = 0;
	for (int i = 0; i < 100; i++) {
		a_->bind(h, FAR_VA, 4096, RW);
		mapped = a_->usage().pt_bytes;
		ASSERT_GT(mapped, base);
		ASSERT_EQ(a_->unbind(FAR_VA, 4096), 0);
		after_unmap = a_->usage().pt_bytes;
		if (after_unmap == mapped)
			break;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	EXPECT_EQ(after_unmap, mapped) << "still charged: the ring has not passed the unmap";
	f[0] = 1;
	ASSERT_EQ(a_->wait(ctx, seq), 0);
	// The deferred release runs in the same retire step, just after the fence is published.
	for (int i = 0; i < 200 && a_->usage().pt_bytes != base; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	EXPECT_EQ(a_->usage().pt_bytes, base);
}

} // namespace
