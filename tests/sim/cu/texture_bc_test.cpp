// SPDX-License-Identifier: MIT
// Block-compressed formats (BC1-BC5) in the texture unit: hand-built blocks whose texels the data
// format spec's palettes give exactly (the expected values below are worked out from the rules in
// docs/hw/texture.md, not from the decoder), addressed through both tilings, and the faults of
// stores to them. The Vulkan driver's differential test against lavapipe
// (tests/vulkan/test_image_shaders.cpp SampledFormatsMatchLavapipe) decodes random blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "texture_bc_bptc.h"
#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

struct Expect {
	unsigned x, y;     // texel in the image
	float rgba[4];
};

// Writes 'blocks' (row-major, blocks_x per row) into an image of w x h texels of 'format' with the
// given tiling, loads every expected texel with image_load and compares (within 1 ulp of f32).
void check_blocks(uint32_t format, uint32_t tiling, unsigned w, unsigned h, const std::vector<std::vector<uint8_t>> &blocks,
                  const std::vector<Expect> &want)
{
	Rig rig;
	const mica_texel_format_info &fi = mica_texel_formats[format];
	mica_image_level lv;
	mica_image_level_layout(format, tiling, w, h, 1, 1, 0, &lv);
	const unsigned bx = (w + 3) / 4;
	for (size_t b = 0; b < blocks.size(); b++) {
		ASSERT_EQ(blocks[b].size(), fi.bytes);
		const uint64_t at = mica_image_texel_offset(format, tiling, &lv, unsigned(b % bx) * 4, unsigned(b / bx) * 4, 0, 0);
		std::memcpy(rig.data + kImageOff + at, blocks[b].data(), fi.bytes);
	}
	TexCall load;
	load.set(image_2d(format, w, h, tiling));
	load.exec = (want.size() >= 32 ? ~0u : (1u << want.size()) - 1);
	for (size_t l = 0; l < want.size(); l++) {
		load.lane[l].coord[0] = want[l].x;
		load.lane[l].coord[1] = want[l].y;
	}
	DispatchResult r = run_tex(rig, load);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (size_t l = 0; l < want.size(); l++)
		for (unsigned c = 0; c < 4; c++)
			EXPECT_NEAR(f32(load.lane[l].out[c]), want[l].rgba[c], 1e-6)
			    << fi.name << (tiling ? " optimal" : " linear") << " texel (" << want[l].x << ", " << want[l].y
			    << ") component " << c;
}

std::vector<uint8_t> bytes(std::initializer_list<uint64_t> words64)
{
	std::vector<uint8_t> out;
	for (uint64_t w : words64)
		for (unsigned k = 0; k < 8; k++)
			out.push_back(uint8_t(w >> (8 * k)));
	return out;
}

// A BC1 colour half: endpoints c0, c1 (RGB565) and the 2-bit codes of texels 0..15.
uint64_t bc1(uint16_t c0, uint16_t c1, std::initializer_list<unsigned> codes)
{
	uint64_t v = c0 | uint64_t(c1) << 16;
	unsigned i = 0;
	for (unsigned c : codes)
		v |= uint64_t(c) << (32 + 2 * i++);
	return v;
}

// An RGTC half (BC3 alpha, BC4, BC5 channel): endpoints and the 3-bit codes of texels 0..15.
uint64_t rgtc(uint8_t e0, uint8_t e1, std::initializer_list<unsigned> codes)
{
	uint64_t v = e0 | uint64_t(e1) << 8;
	unsigned i = 0;
	for (unsigned c : codes)
		v |= uint64_t(c) << (16 + 3 * i++);
	return v;
}

constexpr float third = 1.0f / 3, two_thirds = 2.0f / 3;

} // namespace

TEST(TextureBc, Bc1FourAndThreeColourPalettes)
{
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		// c0 = red > c1 = blue: four colours. c0 = blue < c1 = red: three colours and black.
		const auto four = bytes({bc1(0xf800, 0x001f, {0, 1, 2, 3})});
		const auto three = bytes({bc1(0x001f, 0xf800, {0, 1, 2, 3})});
		// An 8x4 image: the four-colour block at x 0..3, the three-colour block at x 4..7.
		check_blocks(MICA_TEXEL_FORMAT_BC1_RGB_UNORM_BLOCK, tiling, 8, 4, {four, three},
		             {{0, 0, {1, 0, 0, 1}}, {1, 0, {0, 0, 1, 1}}, {2, 0, {two_thirds, 0, third, 1}},
		              {3, 0, {third, 0, two_thirds, 1}}, {4, 0, {0, 0, 1, 1}}, {5, 0, {1, 0, 0, 1}},
		              {6, 0, {0.5f, 0, 0.5f, 1}}, {7, 0, {0, 0, 0, 1}}, {3, 3, {1, 0, 0, 1}}});
		// With alpha, code 3 of the three-colour palette is transparent black.
		check_blocks(MICA_TEXEL_FORMAT_BC1_RGBA_UNORM_BLOCK, tiling, 8, 4, {four, three},
		             {{3, 0, {third, 0, two_thirds, 1}}, {7, 0, {0, 0, 0, 0}}, {6, 0, {0.5f, 0, 0.5f, 1}}});
		// Green's 6 bits: 0x07e0 is (0, 1, 0); 0x0020 is (0, 1/63, 0).
		check_blocks(MICA_TEXEL_FORMAT_BC1_RGB_UNORM_BLOCK, tiling, 4, 4, {bytes({bc1(0x07e0, 0x0020, {1, 0})})},
		             {{0, 0, {0, 1.0f / 63, 0, 1}}, {1, 0, {0, 1, 0, 1}}});
	}
}

TEST(TextureBc, Bc2And3AlphaAndAlwaysFourColours)
{
	// BC2: 4-bit alphas (texel i at bits 4i), then a colour block whose c0 < c1 still gives the
	// four-colour palette.
	const uint64_t alphas = 0x0 | 0xfull << 4 | 0x5ull << 8 | 0x1ull << 60;
	const auto bc2 = bytes({alphas, bc1(0x001f, 0xf800, {0, 1, 2, 3})});
	check_blocks(MICA_TEXEL_FORMAT_BC2_UNORM_BLOCK, MICA_IMAGE_TILING_OPTIMAL, 4, 4, {bc2},
	             {{0, 0, {0, 0, 1, 0}}, {1, 0, {1, 0, 0, 1}}, {2, 0, {third, 0, two_thirds, 5.0f / 15}},
	              {3, 0, {two_thirds, 0, third, 0}}, {3, 3, {0, 0, 1, 1.0f / 15}}});
	// BC3: alpha endpoints 255 > 0: eight values (code c >= 2: ((8 - c) a0 + (c - 1) a1) / 7);
	// 0 < 255: six values, then 0 and 1.
	const auto eight = bytes({rgtc(255, 0, {0, 1, 2, 7}), bc1(0xf800, 0x001f, {0, 0, 0, 0})});
	const auto six = bytes({rgtc(0, 255, {2, 5, 6, 7}), bc1(0xf800, 0x001f, {1, 1, 1, 1})});
	check_blocks(MICA_TEXEL_FORMAT_BC3_UNORM_BLOCK, MICA_IMAGE_TILING_LINEAR, 8, 4, {eight, six},
	             {{0, 0, {1, 0, 0, 1}}, {1, 0, {1, 0, 0, 0}}, {2, 0, {1, 0, 0, 6.0f / 7}}, {3, 0, {1, 0, 0, 1.0f / 7}},
	              {4, 0, {0, 0, 1, 0.2f}}, {5, 0, {0, 0, 1, 0.8f}}, {6, 0, {0, 0, 1, 0}}, {7, 0, {0, 0, 1, 1}}});
}

TEST(TextureBc, Bc4And5UnormAndSnorm)
{
	const auto r = bytes({rgtc(255, 0, {0, 1, 2, 7})});
	check_blocks(MICA_TEXEL_FORMAT_BC4_UNORM_BLOCK, MICA_IMAGE_TILING_OPTIMAL, 4, 4, {r},
	             {{0, 0, {1, 0, 0, 1}}, {1, 0, {0, 0, 0, 1}}, {2, 0, {6.0f / 7, 0, 0, 1}}, {3, 0, {1.0f / 7, 0, 0, 1}}});
	// SNORM: endpoints are signed bytes, -128 reads as -127 (-1.0); 127 > -128: eight values.
	const auto s8 = bytes({rgtc(127, 0x80, {0, 1, 2, 7})});
	// 0x81 (-127) < 0x7f: six values, then -1 and 1.
	const auto s6 = bytes({rgtc(0x81, 0x7f, {2, 6, 7, 0})});
	check_blocks(MICA_TEXEL_FORMAT_BC4_SNORM_BLOCK, MICA_IMAGE_TILING_LINEAR, 8, 4, {s8, s6},
	             {{0, 0, {1, 0, 0, 1}}, {1, 0, {-1, 0, 0, 1}}, {2, 0, {5.0f / 7, 0, 0, 1}}, {3, 0, {-5.0f / 7, 0, 0, 1}},
	              {4, 0, {-0.6f, 0, 0, 1}}, {5, 0, {-1, 0, 0, 1}}, {6, 0, {1, 0, 0, 1}}, {7, 0, {-1, 0, 0, 1}}});
	// BC5: R then G.
	const auto rg = bytes({rgtc(255, 0, {1, 0}), rgtc(0, 255, {0, 1})});
	check_blocks(MICA_TEXEL_FORMAT_BC5_UNORM_BLOCK, MICA_IMAGE_TILING_OPTIMAL, 4, 4, {rg},
	             {{0, 0, {0, 0, 0, 1}}, {1, 0, {1, 1, 0, 1}}});
}

TEST(TextureBc, BlocksAreAddressedPerTilingAndSrgbDecodes)
{
	// A 12x8 image: 3x2 blocks, each a solid colour (code 0 everywhere) with c0 = its index as
	// 5-bit red; a texel reads the red of its block in both tilings.
	std::vector<std::vector<uint8_t>> blocks;
	for (unsigned b = 0; b < 6; b++)
		blocks.push_back(bytes({bc1(uint16_t((b + 1) << 11), 0, {})}));
	std::vector<Expect> want;
	for (unsigned y = 0; y < 8; y += 3)
		for (unsigned x = 0; x < 12; x += 5)
			want.push_back({x, y, {float((y / 4) * 3 + x / 4 + 1) / 31, 0, 0, 1}});
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL})
		check_blocks(MICA_TEXEL_FORMAT_BC1_RGB_UNORM_BLOCK, tiling, 12, 8, blocks, want);
	// sRGB: red 31/31 = 1.0 stays 1.0, 16/31 decodes with the sRGB formula.
	const double c = 16.0 / 31;
	const float lin = float(std::pow((c + 0.055) / 1.055, 2.4));
	check_blocks(MICA_TEXEL_FORMAT_BC1_RGB_SRGB_BLOCK, MICA_IMAGE_TILING_LINEAR, 4, 4,
	             {bytes({bc1(0xf800, 16 << 11, {0, 1})})}, {{0, 0, {1, 0, 0, 1}}, {1, 0, {lin, 0, 0, 1}}});
}

TEST(TextureBc, StoresAndOneDimensionalViewsFault)
{
	Rig rig;
	TexCall store;
	store.set(image_2d(MICA_TEXEL_FORMAT_BC1_RGB_UNORM_BLOCK, 4, 4));
	store.opcode = MICA_OP_IMAGE_STORE;
	DispatchResult r = run_tex(rig, store);
	EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR);
	EXPECT_EQ(r.fault_info, uint32_t(MICA_DESCRIPTOR_ERROR_COMPRESSED)) << r.report;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_BC4_UNORM_BLOCK, 4, 1);
	d.type = MICA_IMAGE_TYPE_1D;
	uint32_t dw[MICA_IMGDESC_DWORDS];
	mica_image_desc_encode(&d, dw);
	mica_image_desc out;
	EXPECT_EQ(mica_image_desc_decode(dw, &out), uint32_t(MICA_DESCRIPTOR_ERROR_COMPRESSED));
}

// The tiling is invisible to shaders: the same texels (RGBA8 and BC1 blocks) laid out LINEAR and
// OPTIMAL, a 2D array with mips of odd sizes, give bit-identical LINEAR samples (trilinear, random
// coordinates and LODs, REPEAT) and gathers.
TEST(TextureBc, TilingIsInvisibleToSampling)
{
	for (uint32_t format : {uint32_t(MICA_TEXEL_FORMAT_R8G8B8A8_UNORM), uint32_t(MICA_TEXEL_FORMAT_BC1_RGBA_UNORM_BLOCK)}) {
		const mica_texel_format_info &fi = mica_texel_formats[format];
		const uint32_t W = 13, H = 10, layers = 2, levels = 3;
		// One random element (texel or block) per element position of every level and layer, the
		// same sequence for both tilings.
		uint32_t out[2][2][32][4];
		for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
			Rig rig;
			std::mt19937 fill(5);
			for (uint32_t L = 0; L < levels; L++) {
				mica_image_level lv;
				mica_image_level_layout(format, tiling, W, H, 1, layers, L, &lv);
				for (uint32_t layer = 0; layer < layers; layer++)
					for (uint32_t y = 0; y < lv.height; y += fi.block_height)
						for (uint32_t x = 0; x < lv.width; x += fi.block_width) {
							uint8_t e[16];
							for (unsigned k = 0; k < fi.bytes; k++)
								e[k] = uint8_t(fill());
							std::memcpy(rig.data + kImageOff + lv.offset +
							                mica_image_texel_offset(format, tiling, &lv, x, y, 0, layer),
							            e, fi.bytes);
						}
			}
			mica_image_desc d = image_2d(format, W, H, tiling);
			d.type = MICA_IMAGE_TYPE_2D_ARRAY;
			d.layers = d.view_layers = layers;
			d.view_levels = levels;
			std::mt19937 coords(9);
			std::uniform_real_distribution<float> u(-0.5f, 1.5f), lod(0.0f, 2.5f);
			for (unsigned op = 0; op < 2; op++) {
				TexCall c;
				c.opcode = op ? MICA_OP_IMAGE_GATHER4_G : MICA_OP_IMAGE_SAMPLE;
				c.set(d);
				c.set(sampler(MICA_FILTER_LINEAR, MICA_ADDRESS_MODE_REPEAT, MICA_MIPMAP_MODE_LINEAR));
				for (unsigned l = 0; l < 32; l++) {
					c.lane[l].coord[0] = bits(u(coords));
					c.lane[l].coord[1] = bits(u(coords));
					c.lane[l].coord[2] = bits(float(l % 2));
					c.lane[l].data[0] = bits(lod(coords));
				}
				DispatchResult r = run_tex(rig, c);
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				for (unsigned l = 0; l < 32; l++)
					std::memcpy(out[tiling][op][l], c.lane[l].out, 16);
			}
		}
		EXPECT_EQ(0, std::memcmp(out[0], out[1], sizeof out[0])) << fi.name;
		// And the samples are not all alike (the texels were really read).
		EXPECT_NE(out[0][0][0][0], out[0][0][1][0]) << fi.name;
	}
}

// ---- BC6H and BC7 (BPTC): hand-built blocks, values worked out from the rules in
// docs/hw/texture.md; tests/vulkan/test_image_bptc.cpp compares random blocks of every mode with
// lavapipe bit for bit.

namespace {

// Fields of a 128-bit block written from bit 0 up, as the spec lays them out.
struct BlockWriter {
	std::vector<uint8_t> b = std::vector<uint8_t>(16, 0);
	unsigned pos = 0;
	BlockWriter &put(uint32_t v, unsigned n)
	{
		for (unsigned k = 0; k < n; k++, pos++)
			b[pos / 8] = uint8_t(b[pos / 8] | (((v >> k) & 1u) << (pos % 8)));
		return *this;
	}
};

float half_bits(uint16_t h)
{
	const int e = (h >> 10) & 31, m = h & 1023;
	const float mag = e == 0 ? std::ldexp(float(m), -24) : std::ldexp(float(1024 + m), e - 25);
	return h & 0x8000 ? -mag : mag;
}

} // namespace

TEST(TextureBc, Bc7PBitsWeightsRotationAndIndexSelection)
{
	// Mode 6: 7-bit RGBA endpoints with a P-bit each, 4-bit indices (texel 0, the anchor, 3 bits).
	BlockWriter m6;
	m6.put(1u << 6, 7);                                       // mode 6
	m6.put(0x7f, 7).put(0, 7).put(0, 7).put(0x7f, 7);         // R0 R1 G0 G1
	m6.put(0x40, 7).put(0x40, 7).put(0x7f, 7).put(0x7f, 7);   // B0 B1 A0 A1
	m6.put(1, 1).put(0, 1);                                   // P0 = 1, P1 = 0
	m6.put(0, 3).put(15, 4).put(5, 4);                        // texels 0, 1, 2
	// Endpoint 0 = (255, 1, 129, 255), endpoint 1 = (0, 254, 128, 254) (P-bit below, 8 bits).
	// Index 5 weighs 21/64: (e0 * 43 + e1 * 21 + 32) >> 6 = (171, 84, 129, 255).
	// Mode 4: rotation 1 (A <-> R), index selection 1 (colour from the 3-bit indices, alpha from
	// the 2-bit ones), 5-bit colour and 6-bit alpha endpoints without P-bits.
	BlockWriter m4;
	m4.put(1u << 4, 5).put(1, 2).put(1, 1);                   // mode 4, rotation 1, selection 1
	m4.put(31, 5).put(0, 5).put(0, 5).put(31, 5).put(0, 5).put(0, 5); // R0 R1 G0 G1 B0 B1
	m4.put(63, 6).put(0, 6);                                  // A0 A1
	m4.put(0, 1).put(2, 2);                                   // 2-bit indices: texels 0, 1
	m4.pos = 81;
	m4.put(3, 2).put(7, 3);                                   // 3-bit indices: texels 0, 1
	// Texel 0: colour index 3 (27/64) of (255,0,0) .. (0,255,0) = (147, 108, 0), alpha index 0 =
	// 255; rotated: (255, 108, 0, 147). Texel 1: colour index 7 = (0, 255, 0), alpha index 2
	// (43/64) = 84; rotated: (84, 255, 0, 0).
	// Mode 8 (a zero low byte) is reserved: (0, 0, 0, 0).
	BlockWriter reserved;
	reserved.put(0, 8).put(0xffffffu, 24);
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		check_blocks(MICA_TEXEL_FORMAT_BC7_UNORM_BLOCK, tiling, 12, 4, {m6.b, m4.b, reserved.b},
		             {{0, 0, {1, 1 / 255.f, 129 / 255.f, 1}},
		              {1, 0, {0, 254 / 255.f, 128 / 255.f, 254 / 255.f}},
		              {2, 0, {171 / 255.f, 84 / 255.f, 129 / 255.f, 1}},
		              {4, 0, {1, 108 / 255.f, 0, 147 / 255.f}},
		              {5, 0, {84 / 255.f, 1, 0, 0}},
		              {9, 2, {0, 0, 0, 0}}});
		// sRGB: R, G, B decoded, A linear.
		check_blocks(MICA_TEXEL_FORMAT_BC7_SRGB_BLOCK, tiling, 4, 4, {m6.b},
		             {{1, 0, {0, float(std::pow((254 / 255.0 + 0.055) / 1.055, 2.4)),
		                      float(std::pow((128 / 255.0 + 0.055) / 1.055, 2.4)), 254 / 255.f}}});
	}
}

TEST(TextureBc, Bc6hUnquantizeInterpolateAndScale)
{
	// Mode 3: one subset, 10-bit endpoints, no transform; 4-bit indices (texel 0: 3 bits).
	BlockWriter u;
	u.put(3, 5).put(0x3ff, 10).put(0, 10).put(512, 10).put(0, 10).put(1023, 10).put(0, 10);
	u.put(0, 3).put(15, 4).put(8, 4);
	// Unsigned: 1023 (the maximum) unquantizes to 0xffff, 512 to ((512 << 15) + 0x4000) >> 9 =
	// 32800, 0 to 0; the result is (v * 31) >> 6 as half-float bits. Texel 0: (0x7bff, 0, 0x3e0f);
	// texel 1: (0, 0x7bff, 0); texel 2, index 8 (34/64): r = (65535 * 30 + 32) >> 6 = 30720 ->
	// 0x3a20, g = (65535 * 34 + 32) >> 6 = 34815 -> 0x41df, b = (32800 * 30 + 32) >> 6 = 15375 -> 0x1d17.
	// Signed: -256 (0x300) unquantizes to -(((256 << 15) + 0x4000) >> 9) = -16416 -> magnitude
	// (16416 * 31) >> 5 = 0x3e1f with the sign: 0xbe1f; 511 (the maximum) to 0x7fff -> 0x7bff;
	// -1 to -96 -> 0x805d.
	BlockWriter s;
	s.put(3, 5).put(0x300, 10).put(0x1ff, 10).put(0, 10).put(0, 10).put(0, 10).put(0x3ff, 10);
	s.put(0, 3).put(15, 4);
	// Reserved mode 19: (0, 0, 0, 1).
	BlockWriter reserved;
	reserved.put(19, 5).put(0xfffffu, 20);
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		check_blocks(MICA_TEXEL_FORMAT_BC6H_UFLOAT_BLOCK, tiling, 8, 4, {u.b, reserved.b},
		             {{0, 0, {65504, 0, half_bits(0x3e0f), 1}},
		              {1, 0, {0, 65504, 0, 1}},
		              {2, 0, {half_bits(0x3a20), half_bits(0x41df), half_bits(0x1d17), 1}},
		              {6, 1, {0, 0, 0, 1}}});
		check_blocks(MICA_TEXEL_FORMAT_BC6H_SFLOAT_BLOCK, tiling, 4, 4, {s.b},
		             {{0, 0, {half_bits(0xbe1f), 65504, 0, 1}}, {1, 0, {0, 0, half_bits(0x805d), 1}}});
	}
	EXPECT_EQ(half_bits(0x3a20), 0.765625f);  // the helper itself
	EXPECT_EQ(half_bits(0xbe1f), -1.5302734375f);
}

// Properties of every BPTC block, on random blocks of every mode: BC6H UFLOAT never gives a
// negative half and neither variant an infinity or NaN (the final scaling keeps magnitudes <=
// 0x7bff); BC7 modes without alpha bits give alpha 255; a texel's value depends only on its block.
TEST(TextureBc, BptcRandomBlockProperties)
{
	std::mt19937 rng(2026);
	uint8_t b[16];
	for (int it = 0; it < 20000; it++) {
		for (auto &x : b)
			x = uint8_t(rng());
		const unsigned mode = unsigned(it) % 8;
		b[0] = uint8_t((b[0] & ~((2u << mode) - 1)) | (1u << mode));
		for (unsigned t = 0; t < 16; t++) {
			uint8_t c[4];
			uint16_t u[3], s[3];
			mica::sim::cu::tex::decode_bc7(b, t, c);
			mica::sim::cu::tex::decode_bc6h(b, t, false, u);
			mica::sim::cu::tex::decode_bc6h(b, t, true, s);
			if (mode <= 3) {
				ASSERT_EQ(c[3], 255) << "BC7 mode " << mode << " has no alpha";
			}
			for (unsigned k = 0; k < 3; k++) {
				ASSERT_EQ(u[k] & 0x8000, 0) << "UFLOAT block " << it << " texel " << t;
				ASSERT_NE(u[k] & 0x7c00, 0x7c00) << "UFLOAT block " << it << " texel " << t;
				ASSERT_NE(s[k] & 0x7c00, 0x7c00) << "SFLOAT block " << it << " texel " << t;
			}
		}
	}
}
