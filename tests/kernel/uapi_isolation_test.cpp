// SPDX-License-Identifier: MIT
// Isolation: two clients cannot read or write each other's memory by any route (handles, mmap
// offsets, dma-buf fds, packet addresses, shader loads and stores, recycled memory), and an MMU fault
// kills only the faulting context, reported with address and access type.
#include "uapi_fixture.h"

#include "mica_dma.h"

#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace mica::ktest;

namespace {

constexpr uint64_t SECRET_VA = 0x50000000;
constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;

class Isolation : public UapiTest {
protected:
	void SetUp() override
	{
		UapiTest::SetUp();
		b_ = client();
		secret_ = a_->bo(4096);
		secret_cpu_ = static_cast<uint32_t *>(a_->map(secret_, 4096));
		for (int i = 0; i < 1024; i++)
			secret_cpu_[i] = 0x5ec2e700u + static_cast<uint32_t>(i);
		a_->bind(secret_, SECRET_VA, 4096, RW);
	}
	void TearDown() override
	{
		b_.reset(); // clients close before the driver is removed
		UapiTest::TearDown();
	}
	std::unique_ptr<Client> b_;
	uint32_t secret_ = 0;
	uint32_t *secret_cpu_ = nullptr;
};

TEST_F(Isolation, HandlesOffsetsAndTokensAreNotShared)
{
	drm_mica_bo_mmap_offset m{secret_, 0, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), 0);
	void *p = nullptr;
	EXPECT_EQ(mica_um_mmap(b_->file(), m.offset, 4096, &p), -EACCES);
	drm_mica_bo_mmap_offset mb{secret_, 0, 0};
	// B's handle with the same number is B's own BO (its command buffer), or nothing.
	if (b_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &mb) == 0) {
		EXPECT_NE(mb.offset, m.offset);
	}
	EXPECT_EQ(b_->try_bind(42, SECRET_VA, 4096, RW), -ENOENT);
	// Sharing needs the dma-buf fd itself: no other fd of the process names the BO.
	drm_prime_handle e{secret_, DRM_CLOEXEC, -1};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &e), 0);
	int pipefd[2];
	ASSERT_EQ(pipe(pipefd), 0);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(devnull, 0);
	for (int guess : {devnull, pipefd[0], pipefd[1]}) {
		drm_prime_handle i{0, 0, guess};
		EXPECT_EQ(b_->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &i), -EINVAL) << "fd " << guess;
	}
	drm_prime_handle closed{0, 0, 1000};
	EXPECT_EQ(b_->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &closed), -EBADF);
	close(devnull);
	close(pipefd[0]);
	close(pipefd[1]);
	close(e.fd);
}

TEST_F(Isolation, PacketsCannotReachAnotherClientsMemory)
{
	uint32_t ctx = b_->ctx();
	// B's VM has nothing at A's address.
	EXPECT_EQ(b_->submit(ctx, {pkt(MICA_PKT_DMA_FILL, 4), lo32(SECRET_VA), hi32(SECRET_VA), 0, 64}), -EACCES);
	uint32_t mine = b_->bo(4096);
	b_->bind(mine, SECRET_VA + 0x100000, 4096, RW);
	EXPECT_EQ(b_->submit(ctx, {pkt(MICA_PKT_DMA_COPY, 5), lo32(SECRET_VA), hi32(SECRET_VA),
				   lo32(SECRET_VA + 0x100000), hi32(SECRET_VA), 64}),
		  -EACCES);
	// The same VA in B's VM is B's own memory.
	uint32_t same = b_->bo(4096);
	b_->bind(same, SECRET_VA, 4096, RW);
	uint64_t seq = 0;
	ASSERT_EQ(b_->submit(ctx, {pkt(MICA_PKT_DMA_FILL, 4), lo32(SECRET_VA), hi32(SECRET_VA), 0, 4096}, &seq), 0);
	ASSERT_EQ(b_->wait(ctx, seq), 0);
	ASSERT_EQ(b_->submit(ctx, {pkt(MICA_PKT_DMA_COPY, 5), lo32(SECRET_VA), hi32(SECRET_VA),
				   lo32(SECRET_VA + 0x100000), hi32(SECRET_VA), 4096}, &seq), 0);
	ASSERT_EQ(b_->wait(ctx, seq), 0);
	auto *got = static_cast<uint32_t *>(b_->map(mine, 4096));
	for (int i = 0; i < 1024; i++) {
		ASSERT_EQ(got[i], 0u);
		ASSERT_EQ(secret_cpu_[i], 0x5ec2e700u + static_cast<uint32_t>(i));
	}
}

// DMA_COPY_TILED through the whole path (submit, validator, device): a box reading A's address
// from B's VM is refused, whatever the box's shape; B's own tiled copy at the same VA moves B's
// bytes only.
std::vector<uint32_t> tiled_dw(uint64_t src, uint32_t src_tiling, uint64_t dst, uint32_t dst_tiling, uint32_t w,
			       uint32_t h)
{
	mica_dma_tiled c{};
	// Rows of 64 texels: 256 bytes LINEAR, 16 tiles of 64 bytes OPTIMAL.
	c.src = {src, src_tiling == MICA_IMAGE_TILING_LINEAR ? 256u : 1024u, 0, 0, 0, src_tiling};
	c.dst = {dst, dst_tiling == MICA_IMAGE_TILING_LINEAR ? 256u : 1024u, 0, 0, 0, dst_tiling};
	c.width = w;
	c.height = h;
	c.depth = 1;
	c.element_bytes = 4;
	std::vector<uint32_t> v(1 + MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	v[0] = pkt(MICA_PKT_DMA_COPY_TILED, MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	mica_dma_tiled_pack(&c, v.data() + 1);
	return v;
}

TEST_F(Isolation, TiledDmaCannotReachAnotherClientsMemory)
{
	const uint32_t ctx = b_->ctx();
	uint32_t mine = b_->bo(4096);
	b_->bind(mine, SECRET_VA + 0x100000, 4096, RW);
	for (uint32_t t : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		EXPECT_EQ(b_->submit(ctx, tiled_dw(SECRET_VA, t, SECRET_VA + 0x100000, MICA_IMAGE_TILING_OPTIMAL, 64, 16)),
			  -EACCES);
		EXPECT_EQ(b_->submit(ctx, tiled_dw(SECRET_VA + 0x100000, MICA_IMAGE_TILING_LINEAR, SECRET_VA, t, 64, 16)),
			  -EACCES);
	}
	// A box starting in B's page and running past its end (huge height) is refused too.
	EXPECT_EQ(b_->submit(ctx, tiled_dw(SECRET_VA + 0x100000, MICA_IMAGE_TILING_OPTIMAL, SECRET_VA + 0x40000000,
					   MICA_IMAGE_TILING_LINEAR, 64, 1u << 20)),
		  -EACCES);
	// B's own memory at A's VA: the copy runs and touches only B's memory.
	uint32_t same = b_->bo(4096);
	b_->bind(same, SECRET_VA, 4096, RW);
	auto *src = static_cast<uint32_t *>(b_->map(same, 4096));
	for (uint32_t i = 0; i < 1024; i++)
		src[i] = 0xb0b00000u + i;
	uint64_t seq = 0;
	ASSERT_EQ(b_->submit(ctx, tiled_dw(SECRET_VA, MICA_IMAGE_TILING_LINEAR, SECRET_VA + 0x100000,
					   MICA_IMAGE_TILING_OPTIMAL, 64, 16), &seq), 0);
	ASSERT_EQ(b_->wait(ctx, seq), 0);
	auto *got = static_cast<uint32_t *>(b_->map(mine, 4096));
	// Texel (x, y) of the OPTIMAL copy: tile (x / 4, y / 4) of 16 texels, rows of 16 tiles.
	for (uint32_t y = 0; y < 16; y++)
		for (uint32_t x = 0; x < 64; x++)
			ASSERT_EQ(got[((y / 4) * 16 + x / 4) * 16 + (y % 4) * 4 + x % 4], 0xb0b00000u + y * 64 + x);
	for (int i = 0; i < 1024; i++)
		ASSERT_EQ(secret_cpu_[i], 0x5ec2e700u + static_cast<uint32_t>(i));
}

TEST_F(Isolation, ShadersFaultOnAnotherClientsAddressesAndOnlyTheirContextDies)
{
	uint32_t bctx = b_->ctx();
	uint32_t actx = a_->ctx();
	uint32_t sh = b_->shader(make_binary(load_store_program()));
	b_->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	uint32_t out = b_->bo(4096);
	const uint64_t OUT_VA = 0x70000000;
	b_->bind(out, OUT_VA, 4096, RW);
	std::vector<uint32_t> dw = {
		pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA), hi32(CODE_VA), 16, 32,
		pkt(MICA_PKT_SET_USER_DATA, 5), 0, lo32(SECRET_VA), hi32(SECRET_VA), lo32(OUT_VA), hi32(OUT_VA),
		pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
		pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1,
	};
	uint64_t seq = 0;
	ASSERT_EQ(b_->submit(bctx, dw, &seq), 0) << "addresses in registers are the MMU's job";
	int32_t err = 0;
	ASSERT_EQ(b_->wait(bctx, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	auto q = b_->query(bctx);
	EXPECT_EQ(q.status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_GUILTY));
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_MMU_UNMAPPED));
	EXPECT_EQ(q.fault_addr & ~0xfffull, SECRET_VA);
	EXPECT_EQ(q.fault_access, static_cast<uint32_t>(MICA_ACCESS_READ));
	EXPECT_GE(q.fault_pc, CODE_VA);
	EXPECT_EQ(q.reset_count, 1u);
	auto *o = static_cast<uint32_t *>(b_->map(out, 4096));
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(o[i], 0u) << "nothing of A's leaked";
	// The guilty context's later submits are refused; a fresh one works; A never noticed.
	EXPECT_EQ(b_->submit(bctx, {pkt(MICA_PKT_NOP, 0)}), -ECANCELED);
	uint32_t fresh = b_->ctx();
	ASSERT_EQ(b_->submit(fresh, {pkt(MICA_PKT_NOP, 0)}, &seq), 0);
	EXPECT_EQ(b_->wait(fresh, seq), 0);
	ASSERT_EQ(a_->submit(actx, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(SECRET_VA), hi32(SECRET_VA), 7}, &seq), 0);
	EXPECT_EQ(a_->wait(actx, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(secret_cpu_[0], 7u);
	EXPECT_EQ(a_->query(actx).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
	EXPECT_NE(log().find("MMU_UNMAPPED"), std::string::npos) << log();
}

TEST_F(Isolation, WritesToReadOnlyMappingsFaultWithWriteAccess)
{
	uint32_t ctx = a_->ctx();
	uint32_t ro = a_->bo(4096);
	const uint64_t RO_VA = 0x71000000;
	a_->bind(ro, RO_VA, 4096, DRM_MICA_BIND_READ);
	a_->bind(a_->shader(make_binary(store_lane_program())), CODE_VA, MICA_PAGE_SIZE,
		 DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx, dispatch_stream(CODE_VA, RO_VA, 1), &seq), 0);
	int32_t err = 0;
	ASSERT_EQ(a_->wait(ctx, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	auto q = a_->query(ctx);
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_MMU_PERMISSION));
	EXPECT_EQ(q.fault_access, static_cast<uint32_t>(MICA_ACCESS_WRITE));
	EXPECT_EQ(q.fault_addr & ~0xfffull, RO_VA);
	EXPECT_EQ(static_cast<uint32_t *>(a_->map(ro, 4096))[0], 0u);
}

TEST_F(Isolation, FreedMemoryComesBackZeroed)
{
	drm_gem_close c{secret_, 0};
	ASSERT_EQ(a_->unbind(SECRET_VA, 4096), 0);
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	for (int n = 0; n < 4; n++) {
		uint32_t h = b_->bo(4096);
		auto *p = static_cast<uint32_t *>(b_->map(h, 4096));
		for (int i = 0; i < 1024; i++)
			ASSERT_EQ(p[i], 0u);
	}
}

TEST_F(Isolation, UnmappedMemoryIsNoLongerReachable)
{
	uint32_t ctx = a_->ctx();
	ASSERT_EQ(a_->unbind(SECRET_VA, 4096), 0);
	EXPECT_EQ(a_->submit(ctx, {pkt(MICA_PKT_DMA_FILL, 4), lo32(SECRET_VA), hi32(SECRET_VA), 0, 4}), -EACCES);
	EXPECT_EQ(secret_cpu_[0], 0x5ec2e700u);
}

} // namespace
