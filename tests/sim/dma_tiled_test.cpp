// SPDX-License-Identifier: MIT
// DMA_COPY_TILED on the device model (docs/hw/command-processor.md): random boxes between LINEAR and
// OPTIMAL surfaces against a host model written from docs/hw/texture.md's layout formula, the
// texture unit's own image layout (mica_image_texel_offset), faults through the MMU (nothing
// written, the first inaccessible byte named), and the malformed forms.
#include "sim_test_util.h"

#include "mica_dma.h"
#include "mica_image.h"

#include <random>

namespace mica::sim::test {
namespace {

using baremetal::Machine;

constexpr uint32_t kRW = MICA_PTE_READ | MICA_PTE_WRITE;

std::vector<uint32_t> tiled_packet(const mica_dma_tiled &c)
{
	std::vector<uint32_t> v(1 + MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	v[0] = MICA_PKT_HEADER(MICA_PKT_DMA_COPY_TILED, MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	mica_dma_tiled_pack(&c, v.data() + 1);
	return v;
}

// Byte offset of element (x, y) of slice z, from the layout as docs/hw/texture.md states it:
// LINEAR y * pitch + x * bytes; OPTIMAL ((y / 4) * tiles_x + x / 4) * 16 * bytes + ((y % 4) * 4 + x % 4)
// * bytes with tiles_x = pitch / (16 * bytes).
uint64_t model_offset(const mica_dma_surface &s, uint64_t eb, uint64_t x, uint64_t y, uint64_t z)
{
	const uint64_t slice = z * s.slice_pitch;
	if (s.tiling == MICA_IMAGE_TILING_LINEAR)
		return slice + y * s.pitch + x * eb;
	const uint64_t tiles_x = s.pitch / (16 * eb);
	return slice + ((y / 4) * tiles_x + x / 4) * 16 * eb + ((y % 4) * 4 + x % 4) * eb;
}

uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// A random surface that holds a box of w x h x d elements at a random offset, with random padding.
mica_dma_surface random_surface(std::mt19937 &rng, uint32_t eb, uint32_t w, uint32_t h, uint32_t d, uint64_t *bytes)
{
	mica_dma_surface s{};
	s.tiling = rng() % 2 ? MICA_IMAGE_TILING_OPTIMAL : MICA_IMAGE_TILING_LINEAR;
	s.x = rng() % 9;
	s.y = rng() % 9;
	const uint64_t cols = s.x + w, rows = s.y + h;
	if (s.tiling == MICA_IMAGE_TILING_OPTIMAL) {
		s.pitch = uint32_t((round_up(cols, 4) / 4 + rng() % 3) * 16 * eb);
		s.slice_pitch = uint32_t(round_up(rows, 4) / 4 * s.pitch + (rng() % 3) * eb);
	} else {
		s.pitch = uint32_t(cols * eb + rng() % 7);
		s.slice_pitch = uint32_t(rows * s.pitch + rng() % 5);
	}
	*bytes = uint64_t{s.slice_pitch} * d + 64;
	return s;
}

TEST(SimDmaTiled, RandomBoxesMatchTheDocumentedLayout)
{
	Machine m = make_machine();
	const uint32_t ctx = 1;
	std::mt19937 rng(1234);
	for (int iter = 0; iter < 60; iter++) {
		mica_dma_tiled c{};
		const uint32_t sizes[] = {1, 2, 3, 4, 6, 8, 12, 16};
		c.element_bytes = sizes[rng() % 8];
		c.width = 1 + rng() % 23;
		c.height = 1 + rng() % 19;
		c.depth = 1 + rng() % 3;
		uint64_t sbytes, dbytes;
		c.src = random_surface(rng, c.element_bytes, c.width, c.height, c.depth, &sbytes);
		c.dst = random_surface(rng, c.element_bytes, c.width, c.height, c.depth, &dbytes);
		c.src.addr = m.alloc(ctx, sbytes, kRW) + rng() % 16;
		c.dst.addr = m.alloc(ctx, dbytes, kRW) + rng() % 16;
		c.control = 0;
		ASSERT_EQ(mica_dma_tiled_check(&c), MICA_DMA_TILED_OK) << iter;

		std::vector<uint8_t> src(sbytes - 16), dst(dbytes - 16);
		for (auto &b : src)
			b = uint8_t(rng());
		for (auto &b : dst)
			b = uint8_t(rng());
		m.write(ctx, c.src.addr, src.data(), src.size());
		m.write(ctx, c.dst.addr, dst.data(), dst.size());
		std::vector<uint8_t> want = dst;
		for (uint32_t z = 0; z < c.depth; z++)
			for (uint32_t y = 0; y < c.height; y++)
				for (uint32_t x = 0; x < c.width; x++)
					std::memcpy(&want[model_offset(c.dst, c.element_bytes, c.dst.x + x, c.dst.y + y, z)],
					            &src[model_offset(c.src, c.element_bytes, c.src.x + x, c.src.y + y, z)],
					            c.element_bytes);
		const auto r = m.run_commands(ctx, tiled_packet(c));
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
		std::vector<uint8_t> got(dst.size());
		m.read(ctx, c.dst.addr, got.data(), got.size());
		ASSERT_EQ(got, want) << "iteration " << iter << ": " << c.width << "x" << c.height << "x" << c.depth
		                     << " of " << c.element_bytes << " bytes, tilings " << c.src.tiling << " -> "
		                     << c.dst.tiling;
	}
}

// The packet's OPTIMAL side is the texture unit's image layout: a buffer uploaded into a level of
// an image with the packet lands where mica_image_texel_offset (what the image instructions use)
// puts each texel, for an odd-sized level of a mip chain and a block-compressed format.
TEST(SimDmaTiled, OptimalSideIsTheTextureUnitLayout)
{
	Machine m = make_machine();
	const uint32_t ctx = 1;
	struct Case {
		uint32_t format, width, height, level;
	} cases[] = {{MICA_TEXEL_FORMAT_R8G8B8A8_UNORM, 37, 21, 1},
	             {MICA_TEXEL_FORMAT_R32G32B32A32_SFLOAT, 9, 30, 0},
	             {MICA_TEXEL_FORMAT_BC1_RGBA_UNORM_BLOCK, 40, 24, 0}};
	for (const Case &k : cases) {
		mica_image_level l;
		mica_image_level_layout(k.format, MICA_IMAGE_TILING_OPTIMAL, k.width, k.height, 1, 2, k.level, &l);
		const uint32_t eb = mica_texel_formats[k.format].bytes;
		const uint32_t bw = mica_texel_formats[k.format].block_width, bh = mica_texel_formats[k.format].block_height;
		const uint32_t ew = (l.width + bw - 1) / bw, eh = (l.height + bh - 1) / bh;
		const uint64_t image = m.alloc(ctx, l.offset + 2 * l.layer_pitch, kRW);
		const uint64_t buffer = m.alloc(ctx, uint64_t{ew} * eh * eb * 2, kRW);
		std::vector<uint8_t> data(uint64_t{ew} * eh * eb * 2);
		for (size_t i = 0; i < data.size(); i++)
			data[i] = uint8_t(i * 7 + i / 251);
		m.write(ctx, buffer, data.data(), data.size());
		mica_dma_tiled c{};
		c.src = {buffer, ew * eb, ew * eh * eb, 0, 0, MICA_IMAGE_TILING_LINEAR};
		c.dst = {image + l.offset, uint32_t(l.row_pitch), uint32_t(l.layer_pitch), 0, 0, MICA_IMAGE_TILING_OPTIMAL};
		c.width = ew;
		c.height = eh;
		c.depth = 2; // both layers
		c.element_bytes = eb;
		const auto r = m.run_commands(ctx, tiled_packet(c));
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
		for (uint32_t layer = 0; layer < 2; layer++)
			for (uint32_t y = 0; y < eh; y++)
				for (uint32_t x = 0; x < ew; x++) {
					std::vector<uint8_t> got(eb);
					m.read(ctx, image + l.offset +
					                mica_image_texel_offset(k.format, MICA_IMAGE_TILING_OPTIMAL, &l, x * bw, y * bh, 0,
					                                        layer),
					       got.data(), eb);
					const uint8_t *want = &data[((uint64_t{layer} * eh + y) * ew + x) * eb];
					ASSERT_TRUE(std::equal(got.begin(), got.end(), want))
						<< mica_texel_formats[k.format].name << " element " << x << "," << y << " layer " << layer;
				}
	}
}

// A box whose rows leave the mapping part way: the copy faults with the first inaccessible byte in
// copy order, on the read side before the write side, and writes nothing.
TEST(SimDmaTiled, FaultsNameTheFirstInaccessibleByteAndWriteNothing)
{
	Machine m = make_machine();
	const uint32_t ctx = 1;
	const uint64_t src = m.alloc(ctx, MICA_PAGE_SIZE, kRW); // a guard page follows every allocation
	const uint64_t dst = m.alloc(ctx, 4 * MICA_PAGE_SIZE, kRW);
	const uint64_t ro = m.alloc(ctx, 4 * MICA_PAGE_SIZE, MICA_PTE_READ);
	std::vector<uint8_t> ones(4 * MICA_PAGE_SIZE, 0x11);
	m.write(ctx, dst, ones.data(), ones.size());

	// LINEAR source of 64-byte rows (16 RGBA8 texels): 80 rows run 1 KiB past the page.
	mica_dma_tiled c{};
	c.src = {src, 64, 0, 0, 0, MICA_IMAGE_TILING_LINEAR};
	c.dst = {dst, 4 * 16 * 4, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.width = 16;
	c.height = 80;
	c.depth = 1;
	c.element_bytes = 4;
	auto r = m.run_commands(ctx, tiled_packet(c));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_EQ(r.fault_addr, src + MICA_PAGE_SIZE); // row 64's first byte
	EXPECT_EQ(r.fault_access, uint32_t{MICA_ACCESS_READ});
	std::vector<uint8_t> after(ones.size());
	m.read(ctx, dst, after.data(), after.size());
	EXPECT_EQ(after, ones) << "a faulting copy writes nothing";

	// A destination without write permission: the write side faults at its first byte.
	c.height = 16;
	c.dst.addr = ro;
	r = m.run_commands(ctx, tiled_packet(c));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.describe();
	EXPECT_EQ(r.fault_addr, ro);
	EXPECT_EQ(r.fault_access, uint32_t{MICA_ACCESS_WRITE});

	// An OPTIMAL destination running out of its mapping: rows of tiles of 1 KiB (16 tiles of 64
	// bytes), 16 of them in the 4 mapped pages; the box's rows 60..75 are rows of tiles 15..18, and
	// the first run of row 64 (row of tiles 16) is the first byte past the mapping.
	c.dst = {dst, 1024, 0, 0, 60, MICA_IMAGE_TILING_OPTIMAL};
	r = m.run_commands(ctx, tiled_packet(c));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_EQ(r.fault_addr, dst + 4 * MICA_PAGE_SIZE); // row 64 = tile row 16, at 16 KiB
	EXPECT_EQ(r.fault_access, uint32_t{MICA_ACCESS_WRITE});
	m.read(ctx, dst, after.data(), after.size());
	EXPECT_EQ(after, ones);
}

// Only the bytes of the runs are accessed: a LINEAR source whose two rows lie in two allocations,
// with the unmapped guard page of the first between them (inside the footprint, touched by no
// row), copies without a fault.
TEST(SimDmaTiled, UntouchedBytesInsideTheFootprintNeedNoMapping)
{
	Machine m = make_machine();
	const uint32_t ctx = 1;
	const uint64_t row0 = m.alloc(ctx, MICA_PAGE_SIZE, kRW), row1 = m.alloc(ctx, MICA_PAGE_SIZE, kRW);
	const uint64_t dst = m.alloc(ctx, MICA_PAGE_SIZE, kRW);
	ASSERT_GT(row1, row0 + MICA_PAGE_SIZE); // the guard page lies between the rows
	ASSERT_LT(row1 - row0, uint64_t{1} << 32);
	std::vector<uint8_t> a(64), b(64);
	for (int i = 0; i < 64; i++) {
		a[i] = uint8_t(i);
		b[i] = uint8_t(0x80 + i);
	}
	m.write(ctx, row0, a.data(), 64);
	m.write(ctx, row1, b.data(), 64);
	mica_dma_tiled c{};
	c.src = {row0, uint32_t(row1 - row0), 0, 0, 0, MICA_IMAGE_TILING_LINEAR};
	c.dst = {dst, 256, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.width = 16;
	c.height = 2;
	c.depth = 1;
	c.element_bytes = 4;
	const auto r = m.run_commands(ctx, tiled_packet(c));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 16; x++) {
			uint32_t got, want;
			m.read(ctx, dst + model_offset(c.dst, 4, x, y, 0), &got, 4);
			std::memcpy(&want, (y ? b : a).data() + 4 * x, 4);
			ASSERT_EQ(got, want) << x << "," << y;
		}
}

// In the kernel ring the addresses are physical: a copy runs; a malformed one halts the CP with
// BAD_PACKET, one whose footprint leaves VRAM with BAD_ADDRESS (and writes nothing).
TEST(SimDmaTiled, KernelRingCopiesAndHaltsOnErrors)
{
	RawRing r;
	const uint64_t src = RawRing::kScratch, dst = RawRing::kScratch + 0x10000;
	for (uint32_t i = 0; i < 64; i++)
		r.set32(src + 4 * i, 0xa0000000u + i);
	mica_dma_tiled c{};
	c.src = {src, 32, 0, 0, 0, MICA_IMAGE_TILING_LINEAR}; // 8 x 8 texels of 4 bytes
	c.dst = {dst, 128, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.width = c.height = 8;
	c.depth = 1;
	c.element_bytes = 4;
	r.run(tiled_packet(c));
	ASSERT_FALSE(r.halted());
	for (uint32_t y = 0; y < 8; y++)
		for (uint32_t x = 0; x < 8; x++)
			ASSERT_EQ(r.phys32(dst + model_offset(c.dst, 4, x, y, 0)), 0xa0000000u + y * 8 + x);

	auto bad = tiled_packet(c);
	bad[1 + MICA_PKT_DMA_COPY_TILED_CONTROL] |= 1u << 20;
	r.run(bad);
	EXPECT_TRUE(r.halted());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_BAD_PACKET);
	r.reset_cp();

	const uint64_t vram = RawRing::small_config().vram_bytes;
	r.set32(dst, 0x600d);
	c.src.addr = vram - 32 * 4; // rows 4..7 are past the end of VRAM
	r.run(tiled_packet(c));
	EXPECT_TRUE(r.halted());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_BAD_ADDRESS);
	EXPECT_EQ(r.phys32(dst), 0x600du) << "a faulting copy writes nothing";
}

// A context's packet names VAs of another context's memory: they are not mapped in its own page
// tables, so the copy faults MMU_UNMAPPED and the other context's memory is untouched -- in either
// direction, whatever the tiling.
TEST(SimDmaTiled, AnotherContextsMemoryIsUnreachable)
{
	Machine m = make_machine();
	const uint32_t mine = 1, theirs = 2;
	const uint64_t own = m.alloc(mine, MICA_PAGE_SIZE, kRW);
	uint64_t secret = 0;
	for (int i = 0; i < 4; i++)
		secret = m.alloc(theirs, MICA_PAGE_SIZE, kRW); // past everything context 1 has mapped
	EXPECT_THROW(m.translate(mine, secret), std::exception);
	std::vector<uint8_t> pattern(MICA_PAGE_SIZE, 0x5e);
	m.write(theirs, secret, pattern.data(), pattern.size());
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		mica_dma_tiled c{};
		c.src = {own, 256, 0, 0, 0, MICA_IMAGE_TILING_LINEAR};
		c.dst = {secret, 256, 0, 0, 0, tiling};
		c.width = 16;
		c.height = 8;
		c.depth = 1;
		c.element_bytes = 4;
		auto r = m.run_commands(mine, tiled_packet(c));
		EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
		EXPECT_EQ(r.fault_addr, secret);
		EXPECT_EQ(r.fault_access, uint32_t{MICA_ACCESS_WRITE});
		std::swap(c.src, c.dst);
		r = m.run_commands(mine, tiled_packet(c));
		EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
		EXPECT_EQ(r.fault_access, uint32_t{MICA_ACCESS_READ});
	}
	std::vector<uint8_t> after(pattern.size());
	m.read(theirs, secret, after.data(), after.size());
	EXPECT_EQ(after, pattern);
}

TEST(SimDmaTiled, EmptyBoxCopiesNothing)
{
	Machine m = make_machine();
	mica_dma_tiled c{};
	c.src = {0x7000000000, 0, 0, 0, 0, MICA_IMAGE_TILING_LINEAR}; // unmapped: never touched
	c.dst = {0x7100000000, 0, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.element_bytes = 4;
	c.width = 0;
	c.height = 100;
	c.depth = 1;
	const auto r = m.run_commands(1, tiled_packet(c));
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
}

struct Malformed {
	const char *name;
	void (*edit)(mica_dma_tiled &c, std::vector<uint32_t> &packet);
	mica_dma_tiled_error error;
};

class SimDmaTiledMalformed : public ::testing::TestWithParam<Malformed> {};

// Each malformed form faults the context with ILLEGAL_PACKET (info = header) and moves nothing;
// the same form with the fault removed copies (so the case tests the rule, not some other fault).
TEST_P(SimDmaTiledMalformed, FaultsIllegalPacket)
{
	Machine m = make_machine();
	const uint32_t ctx = 1;
	const uint64_t buf = m.alloc(ctx, 16 * MICA_PAGE_SIZE, kRW);
	mica_dma_tiled c{};
	c.src = {buf, 256, 256 * 8, 0, 0, MICA_IMAGE_TILING_LINEAR};
	c.dst = {buf + 8 * MICA_PAGE_SIZE, 256, 256 * 2, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.width = 16;
	c.height = 8;
	c.depth = 2;
	c.element_bytes = 4;
	ASSERT_EQ(mica_dma_tiled_check(&c), MICA_DMA_TILED_OK);
	auto packet = tiled_packet(c);
	auto r = m.run_commands(ctx, packet);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();

	GetParam().edit(c, packet);
	if (GetParam().error != MICA_DMA_TILED_RESERVED) // the reserved case edits the raw packet
		packet = tiled_packet(c);
	mica_dma_tiled unpacked;
	mica_dma_tiled_unpack(packet.data() + 1, &unpacked);
	EXPECT_EQ(mica_dma_tiled_check(&unpacked), GetParam().error);
	const uint32_t marker = 0x5ca1ab1e;
	std::vector<uint32_t> ib = packet;
	ib.insert(ib.end(), {MICA_PKT_HEADER(MICA_PKT_WRITE_DATA, 3), lo32(buf), hi32(buf), marker});
	r = m.run_commands(ctx, ib);
	EXPECT_EQ(r.fault, MICA_FAULT_ILLEGAL_PACKET) << r.describe();
	EXPECT_EQ(r.fault_info, packet[0]);
	uint32_t first;
	m.read(ctx, buf, &first, 4);
	EXPECT_NE(first, marker) << "the rest of the IB must be skipped";
}

const Malformed kMalformed[] = {
	{"ReservedControlBit", [](mica_dma_tiled &, std::vector<uint32_t> &p) { p[1 + MICA_PKT_DMA_COPY_TILED_CONTROL] |= 1u << 31; },
	 MICA_DMA_TILED_RESERVED},
	{"ElementBytesZero", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.element_bytes = 0; },
	 MICA_DMA_TILED_ELEMENT_BYTES},
	{"ElementBytes17", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.element_bytes = 17; },
	 MICA_DMA_TILED_ELEMENT_BYTES},
	{"HugeExtent", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.width = c.height = c.depth = 0xffffffffu; },
	 MICA_DMA_TILED_TOO_LARGE},
	{"JustOverFourGiB", [](mica_dma_tiled &c, std::vector<uint32_t> &) {
		 c.width = 1u << 16;
		 c.height = 1u << 14;
		 c.depth = 1;
	 }, MICA_DMA_TILED_TOO_LARGE},
	{"LinearPitchTooSmall", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.src.pitch = 63; },
	 MICA_DMA_TILED_PITCH},
	{"LinearOffsetPastPitch", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.src.x = 49; },
	 MICA_DMA_TILED_PITCH},
	{"OptimalPitchNotWholeTiles", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.dst.pitch = 260; },
	 MICA_DMA_TILED_PITCH},
	{"OptimalPitchTooSmall", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.dst.pitch = 192; },
	 MICA_DMA_TILED_PITCH},
	{"SlicePitchTooSmall", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.dst.slice_pitch = 256 * 2 - 1; },
	 MICA_DMA_TILED_SLICE_PITCH},
	{"PitchTimesRowsOverflows", [](mica_dma_tiled &c, std::vector<uint32_t> &) {
		 c.src.pitch = 0xffffff00u;
		 c.src.y = 0xfffffff0u;
		 c.src.slice_pitch = 0xffffffffu;
	 }, MICA_DMA_TILED_SLICE_PITCH},
	{"FootprintWraps", [](mica_dma_tiled &c, std::vector<uint32_t> &) {
		 c.depth = 1;
		 c.src.pitch = 0xffffff00u;
		 c.src.y = 0xfffffff0u;
		 c.src.addr = 0xffff000000000000ull;
	 }, MICA_DMA_TILED_WRAP},
	{"Overlap", [](mica_dma_tiled &c, std::vector<uint32_t> &) { c.dst.addr = c.src.addr + 64; },
	 MICA_DMA_TILED_OVERLAP},
};

INSTANTIATE_TEST_SUITE_P(Cases, SimDmaTiledMalformed, ::testing::ValuesIn(kMalformed),
                         [](const auto &p) { return std::string(p.param.name); });

} // namespace
} // namespace mica::sim::test
