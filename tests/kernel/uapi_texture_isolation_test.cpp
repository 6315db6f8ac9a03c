// SPDX-License-Identifier: MIT
// Image descriptors through the real kernel: a descriptor is client memory the kernel never
// inspects (SUBMIT validates packets, not the data shaders read), so the texture unit's only
// guard is the MMU with the submitting context's page tables, which the kernel built. A hostile
// client points descriptors at another client's VA, at the top of the VA space, with extents and
// pitches whose texel offsets run past its buffer or wrap; every such access must fault in the
// attacker's context only (CTX_QUERY), read nothing of the victim's and write nothing there.
// tests/sim/texture_isolation_test.cpp does the same on bare page tables; this is the uapi's view.
#include "uapi_fixture.h"

#include <mica/isa/assembler.h>

#include <cstring>

#include "mica_image.h"

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x30000000;
constexpr uint64_t DESC_VA = 0x31000000;
constexpr uint64_t OUT_VA = 0x32000000;
constexpr uint64_t OWN_VA = 0x33000000;   // the attacker's own 4 KiB image memory
constexpr uint64_t SECRET_VA = 0x40000000; // the victim's secret (unmapped for the attacker)

// Loads the descriptor at s[0:1]; each lane reads (or writes 7s to) texel (lane * s4, s5, s6)
// (x, y or layer, z or layer) and stores what it read at s[2:3] + lane * 16.
std::vector<uint8_t> probe_binary(bool store)
{
	std::string src = R"(
.kernel probe
.vgprs 32
.sgprs 32
    s_nop 3
    s_load_b256 s[8:15], off, s[0:1]
    v_mul_lo_u32 v0, lane_id, s4
    v_mov_b32 v1, s5
    v_mov_b32 v2, s6
    v_mov_b32 v3, 0
    v_mov_b32 v12, 7
    v_mov_b32 v13, 7
    v_mov_b32 v14, 7
    v_mov_b32 v15, 7
    v_shl_b32 v20, lane_id, 4
    s_waitcnt ls(0)
)";
	src += store ? "    image_store v[0:3], s[8:15], v[12:15]\n" : "    image_load v[12:15], v[0:3], s[8:15]\n";
	src += R"(    s_waitcnt gm(0)
    global_store_b128 v20, s[2:3], v[12:15]
    s_waitcnt gm(0)
    s_endpgm
)";
	auto r = mica::isa::assemble(src, "probe.s");
	std::string diags;
	for (const auto &d : r.diagnostics)
		diags += d.format() + "\n";
	EXPECT_TRUE(r.binary.has_value()) << diags;
	return r.binary ? r.binary->serialize() : std::vector<uint8_t>{};
}

struct Desc {
	uint64_t addr;
	uint32_t type = MICA_IMAGE_TYPE_BUFFER;
	uint32_t width = 256, height = 1;
	uint32_t tiling = MICA_IMAGE_TILING_LINEAR;
	uint32_t layers = 1;
};

class TextureIsolation : public UapiTest {
protected:
	void SetUp() override
	{
		start({});
		// The victim: a secret at SECRET_VA, and a second context of its own that keeps working.
		victim_ = client();
		const uint32_t secret = victim_->bo(4096);
		secret_ = static_cast<volatile uint8_t *>(victim_->map(secret, 4096));
		for (uint32_t i = 0; i < 4096; i++)
			secret_[i] = static_cast<uint8_t>(0xa5 ^ i);
		victim_->bind(secret, SECRET_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		// The attacker: code, descriptor, output and its own image memory.
		ctx_ = a_->ctx();
		for (bool store : {false, true}) {
			const uint32_t sh = a_->shader(probe_binary(store));
			a_->bind(sh, CODE_VA + (store ? 0x10000 : 0), MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
		}
		const uint32_t desc = a_->bo(4096), out = a_->bo(4096), own = a_->bo(4096);
		desc_ = static_cast<uint32_t *>(a_->map(desc, 4096));
		out_ = static_cast<volatile uint32_t *>(a_->map(out, 4096));
		own_ = static_cast<volatile uint32_t *>(a_->map(own, 4096));
		for (uint32_t i = 0; i < 1024; i++)
			own_[i] = 0x0bad0000u | i;
		a_->bind(desc, DESC_VA, 4096, DRM_MICA_BIND_READ);
		a_->bind(out, OUT_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		a_->bind(own, OWN_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	}
	void TearDown() override
	{
		victim_.reset();
		UapiTest::TearDown();
	}
	// Runs the probe on a fresh context with descriptor d; returns the context's query.
	drm_mica_ctx_query probe(const Desc &d, bool store, uint32_t step = 1, uint32_t y = 0, uint32_t z = 0)
	{
		mica_image_desc img{};
		img.addr = d.addr;
		img.format = MICA_TEXEL_FORMAT_R32G32B32A32_UINT;
		img.type = d.type;
		img.tiling = d.tiling;
		img.width = d.width;
		img.height = d.height;
		img.depth = 1;
		img.layers = img.view_layers = d.layers;
		img.view_levels = 1;
		img.swizzle[0] = MICA_SWIZZLE_R;
		img.swizzle[1] = MICA_SWIZZLE_G;
		img.swizzle[2] = MICA_SWIZZLE_B;
		img.swizzle[3] = MICA_SWIZZLE_A;
		mica_image_desc_encode(&img, desc_);
		for (uint32_t i = 0; i < 1024; i++)
			out_[i] = 0;
		const uint32_t ctx = a_->ctx();
		const uint64_t code = CODE_VA + (store ? 0x10000 : 0);
		const std::vector<uint32_t> dw = {
			pkt(MICA_PKT_SET_PROGRAM, 4), lo32(code), hi32(code), 32, 32,
			pkt(MICA_PKT_SET_USER_DATA, 8), 0, lo32(DESC_VA), hi32(DESC_VA), lo32(OUT_VA), hi32(OUT_VA), step, y, z,
			pkt(MICA_PKT_SET_SHARED_SIZE, 1), 0,
			pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
			pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1,
		};
		uint64_t seq = 0;
		EXPECT_EQ(a_->submit(ctx, dw, &seq), 0);
		int32_t err = 0;
		EXPECT_EQ(a_->wait(ctx, seq, 10'000'000'000, &err), 0);
		drm_mica_ctx_query q = a_->query(ctx);
		drm_mica_ctx_destroy des{ctx, 0};
		EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &des), 0);
		return q;
	}
	bool victim_intact() const
	{
		for (uint32_t i = 0; i < 4096; i++)
			if (secret_[i] != static_cast<uint8_t>(0xa5 ^ i))
				return false;
		return true;
	}
	// No word of the secret in the attacker's output.
	bool nothing_leaked() const
	{
		for (uint32_t i = 0; i < 1024; i++)
			for (uint32_t k = 0; k < 4096; k += 4) {
				uint32_t w;
				std::memcpy(&w, const_cast<const uint8_t *>(secret_) + k, 4);
				if (out_[i] == w && w != 0)
					return false;
			}
		return true;
	}
	// The victim's own work still runs on its own context.
	void victim_still_works()
	{
		const uint32_t vctx = victim_->ctx();
		const std::vector<uint32_t> dw = {pkt(MICA_PKT_WRITE_DATA, 3), lo32(SECRET_VA + 4092), hi32(SECRET_VA + 4092),
						  static_cast<uint32_t>(0xa5 ^ 4092) * 0x01010101u};
		uint64_t seq = 0;
		ASSERT_EQ(victim_->submit(vctx, dw, &seq), 0);
		int32_t err = 1;
		ASSERT_EQ(victim_->wait(vctx, seq, 10'000'000'000, &err), 0);
		EXPECT_EQ(err, 0);
		EXPECT_EQ(victim_->query(vctx).fault, uint32_t(MICA_FAULT_NONE));
	}

	std::unique_ptr<Client> victim_;
	uint32_t ctx_ = 0;
	uint32_t *desc_ = nullptr;
	volatile uint32_t *out_ = nullptr, *own_ = nullptr;
	volatile uint8_t *secret_ = nullptr;
};

TEST_F(TextureIsolation, ControlTheProbeReadsItsOwnImage)
{
	drm_mica_ctx_query q = probe({OWN_VA}, false);
	EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_NONE));
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(out_[lane * 4], 0x0bad0000u | (lane * 4)) << lane;
}

TEST_F(TextureIsolation, DescriptorAtAnotherClientsVaFaults)
{
	for (bool store : {false, true}) {
		drm_mica_ctx_query q = probe({SECRET_VA}, store);
		EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED)) << store;
		EXPECT_EQ(q.fault_addr, SECRET_VA) << store;
		EXPECT_TRUE(victim_intact());
		EXPECT_TRUE(nothing_leaked());
	}
	victim_still_works();
}

// The attacker maps its own memory at the victim's VA: the texture unit reads the attacker's
// page there (each context has its own tables), never the victim's.
TEST_F(TextureIsolation, TheSameVaInTwoVmsIsTwoPages)
{
	const uint32_t mine = a_->bo(4096);
	auto *cpu = static_cast<volatile uint32_t *>(a_->map(mine, 4096));
	for (uint32_t i = 0; i < 1024; i++)
		cpu[i] = 0x77770000u | i;
	a_->bind(mine, SECRET_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	EXPECT_EQ(probe({SECRET_VA}, false).fault, uint32_t(MICA_FAULT_NONE));
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(out_[lane * 4], 0x77770000u | (lane * 4)) << lane;
	EXPECT_EQ(probe({SECRET_VA}, true).fault, uint32_t(MICA_FAULT_NONE));
	EXPECT_EQ(cpu[0], 7u) << "the store went to the attacker's page";
	EXPECT_TRUE(victim_intact());
	victim_still_works();
}

// Extents beyond the buffer: lanes walk off the attacker's 4 KiB into the next page, which is
// unmapped (the kernel leaves no other BO adjacent in the VA space it was not asked to).
TEST_F(TextureIsolation, ExtentsBeyondTheOwnBufferFault)
{
	// 1 << 20 elements claimed, 16 bytes each; lane 16 of a probe that starts 16 texels before
	// the end is the first byte past the buffer.
	drm_mica_ctx_query q = probe({OWN_VA + 4096 - 16 * 16, MICA_IMAGE_TYPE_BUFFER, 1u << 20}, false);
	EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
	EXPECT_EQ(q.fault_addr, OWN_VA + 4096);
	// A stride of 64 Ki texels (1 MiB) per lane: lane 64 would be at +64 MiB, lane 1 at +1 MiB,
	// which lands in the victim's VA range of this test only in the victim's VM.
	q = probe({OWN_VA, MICA_IMAGE_TYPE_BUFFER, (1u << 24) - 1}, false, 1u << 16);
	EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
	EXPECT_TRUE(nothing_leaked());
	EXPECT_TRUE(victim_intact());
}

// Texel offsets that leave the 48-bit VA space or wrap the 64-bit sum: a 2D image whose rows
// (2^31 texels of 16 bytes) times its row index carry the address past the top; a 2D array whose
// layer size (2^31 x 2^16 x 16 bytes = 2^51) times its layer index (2^16 - 1) wraps 64 bits and
// lands wherever the arithmetic says. Each ends in a fault, or at worst in the attacker's own
// memory: never in the victim's, never a crash of the model.
TEST_F(TextureIsolation, OffsetsThatOverflowFault)
{
	// Base 64 bytes below the top of the VA space: lane 4's texel is the first byte above it.
	drm_mica_ctx_query q = probe({(uint64_t{1} << MICA_VA_BITS) - 64}, false);
	EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
	for (uint32_t tiling : {uint32_t(MICA_IMAGE_TILING_LINEAR), uint32_t(MICA_IMAGE_TILING_OPTIMAL)}) {
		// The last row of a 2^31 x 2^16 image: ~2^51 bytes past OWN_VA.
		Desc tall{OWN_VA, MICA_IMAGE_TYPE_2D, 1u << 31, 0xffff, tiling};
		q = probe(tall, false, 1, 0xfffe);
		EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED)) << tiling;
		// The last layer of 2^16 - 1: the offset wraps 64 bits.
		for (bool store : {false, true}) {
			Desc wrap{OWN_VA, MICA_IMAGE_TYPE_2D_ARRAY, 1u << 31, 0xffff, tiling, 0xffff};
			q = probe(wrap, store, (1u << 26) + 1, 0xfffe, 0xfffe);
			EXPECT_TRUE(q.fault == MICA_FAULT_MMU_UNMAPPED || q.fault == MICA_FAULT_NONE) << q.fault;
			EXPECT_TRUE(victim_intact());
			EXPECT_TRUE(nothing_leaked());
		}
	}
	// An exact wrap (linear: layer size 2^35 * 0xffff, row 2^35 bytes): layer 8192, row 8192
	// give 2^48 * (2^16 - 1) + 2^48 = 2^64, i.e. offset 0. From OWN_VA that is the attacker's own
	// texels (read back); from the victim's VA it is a fault, as at offset 0.
	Desc exact{OWN_VA, MICA_IMAGE_TYPE_2D_ARRAY, 1u << 31, 0xffff, MICA_IMAGE_TILING_LINEAR, 0xffff};
	q = probe(exact, false, 1, 8192, 8192);
	EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_NONE));
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(out_[lane * 4], 0x0bad0000u | (lane * 4)) << "the wrapped offset reads the attacker's own texel";
	exact.addr = SECRET_VA;
	for (bool store : {false, true}) {
		q = probe(exact, store, 1, 8192, 8192);
		EXPECT_EQ(q.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
		EXPECT_EQ(q.fault_addr, SECRET_VA);
	}
	EXPECT_TRUE(victim_intact());
	EXPECT_TRUE(nothing_leaked());
	victim_still_works();
}

} // namespace
