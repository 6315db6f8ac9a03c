// SPDX-License-Identifier: MIT
// Texture-unit instructions on the device model (checked hazard mode): addressing of levels,
// layers, depth slices and both tilings against offsets computed here from docs/hw/texture.md,
// texel offsets, robust out-of-range access, texel buffers, swizzles, size queries, image atomics
// across waves and compute units, descriptor checks (BAD_DESCRIPTOR reasons) and the hazard rules
// that apply to the new instructions.
#include <gtest/gtest.h>

#include <set>

#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

// Byte offset of texel (x, y, z, layer) of level 'level' for a linear R32_UINT image, computed
// from the documented layout (levels 16-byte aligned, then layers, slices, rows).
uint64_t linear_offset(uint32_t w, uint32_t h, uint32_t d, uint32_t layers, uint32_t level, uint32_t x, uint32_t y,
                       uint32_t z, uint32_t layer, uint32_t bytes)
{
	uint64_t at = 0;
	for (uint32_t l = 0; l < level; l++) {
		const uint64_t lw = std::max(w >> l, 1u), lh = std::max(h >> l, 1u), ld = std::max(d >> l, 1u);
		at += lw * lh * ld * layers * bytes;
		at = (at + 15) / 16 * 16;
	}
	const uint64_t lw = std::max(w >> level, 1u), lh = std::max(h >> level, 1u), ld = std::max(d >> level, 1u);
	return at + (((layer * ld + z) * lh + y) * lw + x) * bytes;
}

TexCall load_call(const mica_image_desc &d)
{
	TexCall c;
	c.set(d);
	return c;
}

} // namespace

TEST(Texture, LevelsAndLayersAddressedAsDocumented)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 13, 7);
	d.type = MICA_IMAGE_TYPE_2D_ARRAY;
	d.layers = 5;
	d.view_layers = 4;
	d.base_layer = 1;
	d.view_levels = 3;
	d.base_level = 1;
	// Every texel of levels 1..3, layers 1..4 holds a tag of its coordinates.
	for (uint32_t level = 1; level < 4; level++)
		for (uint32_t layer = 1; layer < 5; layer++)
			for (uint32_t y = 0; y < std::max(7u >> level, 1u); y++)
				for (uint32_t x = 0; x < std::max(13u >> level, 1u); x++)
					rig.put<uint32_t>(kImageOff + linear_offset(13, 7, 1, 5, level, x, y, 0, layer, 4),
					                  level << 24 | layer << 16 | y << 8 | x);
	TexCall c = load_call(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l] = {};
		c.lane[l].coord[0] = l % 6;        // x
		c.lane[l].coord[1] = (l / 6) % 3;  // y
		c.lane[l].coord[2] = l % 4;        // view layer
		c.lane[l].coord[3] = (l / 3) % 3;  // view level
	}
	DispatchResult r = run_tex(rig, c);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned l = 0; l < 32; l++) {
		const uint32_t x = l % 6, y = (l / 6) % 3, layer = l % 4, level = (l / 3) % 3;
		const uint32_t lw = std::max(13u >> (level + 1), 1u), lh = std::max(7u >> (level + 1), 1u);
		const uint32_t want = (x < lw && y < lh) ? ((level + 1) << 24 | (layer + 1) << 16 | y << 8 | x) : 0u;
		EXPECT_EQ(c.lane[l].out[0], want) << "lane " << l;
		EXPECT_EQ(c.lane[l].out[3], 1u) << "missing alpha of an integer format reads 1";
	}
}

TEST(Texture, OptimalTilingAndThreeDSlices)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R16_UINT, 9, 6, MICA_IMAGE_TILING_OPTIMAL);
	d.type = MICA_IMAGE_TYPE_3D;
	d.depth = 3;
	// Tiled: tiles_x = 3, tile = 16 texels; slice = 3 * 2 tiles.
	auto off = [](uint32_t x, uint32_t y, uint32_t z) {
		return uint64_t(z) * 6 * 16 * 2 + ((y / 4) * 3 + x / 4) * 16 * 2 + ((y % 4) * 4 + x % 4) * 2;
	};
	TexCall st;
	st.opcode = MICA_OP_IMAGE_STORE;
	st.set(d);
	for (unsigned l = 0; l < 32; l++) {
		st.lane[l].coord[0] = (l * 7) % 9;
		st.lane[l].coord[1] = (l * 5) % 6;
		st.lane[l].coord[2] = l % 3;
		st.lane[l].data[0] = 0x1000 + l;
	}
	ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
	std::set<uint64_t> seen;
	for (unsigned l = 0; l < 32; l++) {
		const uint64_t o = off((l * 7) % 9, (l * 5) % 6, l % 3);
		if (!seen.insert(o).second)
			continue; // two lanes on one texel: the higher lane wins, checked below by the load
		const uint16_t v = rig.get<uint16_t>(kImageOff + 0 + o);
		EXPECT_EQ(v & 0xff00, 0x1000) << "lane " << l;
	}
	TexCall ld = load_call(d);
	for (unsigned l = 0; l < 32; l++)
		std::memcpy(ld.lane[l].coord, st.lane[l].coord, 16);
	ASSERT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(ld.lane[l].out[0], rig.get<uint16_t>(kImageOff + off(st.lane[l].coord[0], st.lane[l].coord[1], st.lane[l].coord[2])));
	// The layout helper agrees with the formula (and sizes the image).
	mica_image_level lv;
	mica_image_level_layout(d.format, d.tiling, 9, 6, 3, 1, 0, &lv);
	EXPECT_EQ(lv.slice_pitch, 6u * 16 * 2);
	EXPECT_EQ(mica_image_size(d.format, d.tiling, 9, 6, 3, 1, 1), 3u * 6 * 16 * 2);
}

TEST(Texture, OutOfRangeLoadsReturnZeroTexelAndStoresAreDropped)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R8G8_UNORM, 4, 4);
	d.type = MICA_IMAGE_TYPE_2D_ARRAY;
	d.layers = 2;
	d.view_layers = 2;
	d.view_levels = 2;
	std::memset(rig.data + kImageOff, 0xff, 4096);
	const int32_t coords[][4] = {{-1, 0, 0, 0}, {4, 0, 0, 0}, {0, 4, 0, 0}, {0, -1, 0, 0}, {0, 0, 2, 0},
	                             {0, 0, -1, 0}, {0, 0, 0, 2}, {0, 0, 0, -1}, {2, 0, 0, 1}, {1, 1, 1, 1}};
	TexCall c = load_call(d);
	for (unsigned l = 0; l < 10; l++)
		std::memcpy(c.lane[l].coord, coords[l], 16);
	c.exec = 0x3ff;
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 9; l++) {
		EXPECT_EQ(c.lane[l].out[0], 0u) << l;
		EXPECT_EQ(c.lane[l].out[1], 0u) << l;
		EXPECT_EQ(c.lane[l].out[2], 0u) << l;
		EXPECT_EQ(c.lane[l].out[3], bits(1.0f)) << l;
	}
	EXPECT_EQ(c.lane[9].out[0], bits(1.0f)) << "(1,1) of level 1 (2x2) is in range";
	EXPECT_EQ(c.lane[10].out[0], 0u) << "inactive lane keeps the harness's 0";
	TexCall st = c;
	st.opcode = MICA_OP_IMAGE_STORE;
	for (unsigned l = 0; l < 9; l++)
		st.lane[l].data[0] = 0;
	std::vector<uint8_t> before(rig.data + kImageOff, rig.data + kImageOff + 4096);
	st.exec = 0x1ff;
	ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(0, std::memcmp(before.data(), rig.data + kImageOff, 4096)) << "no store was in range";
}

// The out-of-range texel is 0 in every component the format holds and the substitution (0, 0, 1 for
// G, B, A) in the others, then swizzled: not what the bytes under it hold (the image is filled with
// 0xff) and, for BC1_RGBA, not what an all-zero block decodes to (opaque black: alpha 1).
TEST(Texture, OutOfRangeTexelIsZeroInTheFormatsComponents)
{
	struct Case {
		uint32_t format;
		uint32_t want[4];
	};
	const uint32_t one = bits(1.0f);
	const Case cases[] = {
	    {MICA_TEXEL_FORMAT_BC1_RGBA_UNORM_BLOCK, {0, 0, 0, 0}},
	    {MICA_TEXEL_FORMAT_BC1_RGBA_SRGB_BLOCK, {0, 0, 0, 0}},
	    {MICA_TEXEL_FORMAT_BC1_RGB_UNORM_BLOCK, {0, 0, 0, one}},
	    {MICA_TEXEL_FORMAT_BC2_UNORM_BLOCK, {0, 0, 0, 0}},
	    {MICA_TEXEL_FORMAT_BC4_SNORM_BLOCK, {0, 0, 0, one}},
	    {MICA_TEXEL_FORMAT_R8G8B8A8_UNORM, {0, 0, 0, 0}},
	    {MICA_TEXEL_FORMAT_R16G16_SFLOAT, {0, 0, 0, one}},
	    {MICA_TEXEL_FORMAT_R32_SINT, {0, 0, 0, 1}},
	    {MICA_TEXEL_FORMAT_E5B9G9R9_UFLOAT_PACK32, {0, 0, 0, one}},
	};
	for (const Case &k : cases) {
		Rig rig;
		std::memset(rig.data + kImageOff, 0xff, 4096);
		mica_image_desc d = image_2d(k.format, 8, 8);
		TexCall c = load_call(d);
		const int32_t coords[][4] = {{8, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 0, 1}, {-4, 9, 0, 0}};
		for (unsigned l = 0; l < 4; l++)
			std::memcpy(c.lane[l].coord, coords[l], 16);
		c.exec = 0xf;
		DispatchResult r = run_tex(rig, c);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << mica_texel_formats[k.format].name << ": " << r.report;
		for (unsigned l = 0; l < 4; l++)
			for (unsigned comp = 0; comp < 4; comp++)
				EXPECT_EQ(c.lane[l].out[comp], k.want[comp])
				        << mica_texel_formats[k.format].name << " lane " << l << " component " << comp;
	}
	// The view's swizzle applies to the replaced texel: A <- R reads 0, R <- A reads 1 for a
	// format without alpha.
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R8_UNORM, 8, 8);
	d.swizzle[0] = MICA_SWIZZLE_A;
	d.swizzle[3] = MICA_SWIZZLE_R;
	TexCall c = load_call(d);
	c.lane[0].coord[0] = 8;
	c.exec = 1;
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], one);
	EXPECT_EQ(c.lane[0].out[3], 0u);
}

TEST(Texture, TexelOffsetsFromTheOffsetField)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 16, 16);
	for (uint32_t i = 0; i < 256; i++)
		rig.put<uint32_t>(kImageOff + 4 * i, i);
	TexCall c = load_call(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = 8;
		c.lane[l].coord[1] = 8;
	}
	c.offset = (-8 & 0xf) | (7 << 4); // x - 8, y + 7
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], 15u * 16 + 0);
	c.offset = 0x1000; // reserved bits of the offset field
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_ILLEGAL_INSTRUCTION) << r.report;
}

TEST(Texture, SwizzleAndMissingComponents)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R8G8_UNORM, 1, 1);
	d.swizzle[0] = MICA_SWIZZLE_G;
	d.swizzle[1] = MICA_SWIZZLE_R;
	d.swizzle[2] = MICA_SWIZZLE_ONE;
	d.swizzle[3] = MICA_SWIZZLE_B; // B is missing in R8G8: reads 0
	rig.data[kImageOff] = 255;
	rig.data[kImageOff + 1] = 0;
	TexCall c = load_call(d);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[3].out[0], 0u);
	EXPECT_EQ(c.lane[3].out[1], bits(1.0f));
	EXPECT_EQ(c.lane[3].out[2], bits(1.0f));
	EXPECT_EQ(c.lane[3].out[3], 0u);
}

TEST(Texture, TexelBuffersLoadAndStoreFormatted)
{
	Rig rig;
	mica_image_desc d{};
	d.addr = kImageVa + 2; // texel buffers need no alignment beyond the texel's
	d.format = MICA_TEXEL_FORMAT_R16G16_SFLOAT;
	d.type = MICA_IMAGE_TYPE_BUFFER;
	d.width = 20;
	d.height = d.depth = d.layers = d.view_layers = d.view_levels = 1;
	d.swizzle[0] = MICA_SWIZZLE_R;
	d.swizzle[1] = MICA_SWIZZLE_G;
	d.swizzle[2] = MICA_SWIZZLE_B;
	d.swizzle[3] = MICA_SWIZZLE_A;
	TexCall st;
	st.opcode = MICA_OP_BUFFER_STORE_FORMAT;
	st.set(d);
	for (unsigned l = 0; l < 32; l++) {
		st.lane[l].coord[0] = l;
		st.lane[l].data[0] = bits(static_cast<float>(l) + 0.5f);
		st.lane[l].data[1] = bits(-static_cast<float>(l));
	}
	std::memset(rig.data + kImageOff, 0xee, 256);
	ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.data[kImageOff + 0], 0xee);
	EXPECT_EQ(rig.get<uint16_t>(kImageOff + 2 + 4 * 3), 0x4300u);      // 3.5 in binary16
	EXPECT_EQ(rig.data[kImageOff + 2 + 4 * 20], 0xee) << "element 20 is out of range";
	TexCall ld;
	ld.opcode = MICA_OP_BUFFER_LOAD_FORMAT;
	ld.set(d);
	for (unsigned l = 0; l < 32; l++)
		ld.lane[l].coord[0] = l;
	ASSERT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 32; l++) {
		EXPECT_EQ(ld.lane[l].out[0], l < 20 ? bits(static_cast<float>(l) + 0.5f) : 0u) << l;
		EXPECT_EQ(ld.lane[l].out[1], l < 20 ? bits(-static_cast<float>(l)) : 0u) << l;
		EXPECT_EQ(ld.lane[l].out[3], bits(1.0f)) << l;
	}
	// buffer_* on an image descriptor is a descriptor error.
	ld.set(image_2d(MICA_TEXEL_FORMAT_R8_UNORM, 4, 4));
	DispatchResult r = run_tex(rig, ld);
	EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR);
	EXPECT_EQ(r.fault_info, uint32_t(MICA_DESCRIPTOR_ERROR_TYPE));
}

TEST(Texture, QuerySizePerType)
{
	struct Case {
		uint32_t type, w, h, d, layers;
		uint32_t level;
		uint32_t want[4];
	};
	const Case cases[] = {
	    {MICA_IMAGE_TYPE_1D, 17, 1, 1, 1, 2, {4, 0, 0, 5}},
	    {MICA_IMAGE_TYPE_1D_ARRAY, 17, 1, 1, 3, 0, {17, 3, 0, 5}},
	    {MICA_IMAGE_TYPE_2D, 17, 9, 1, 1, 1, {8, 4, 0, 5}},
	    {MICA_IMAGE_TYPE_2D_ARRAY, 17, 9, 1, 4, 0, {17, 9, 4, 5}},
	    {MICA_IMAGE_TYPE_3D, 17, 9, 5, 1, 1, {8, 4, 2, 5}},
	    {MICA_IMAGE_TYPE_CUBE, 8, 8, 1, 6, 3, {1, 1, 0, 4}},
	    {MICA_IMAGE_TYPE_CUBE_ARRAY, 8, 8, 1, 12, 0, {8, 8, 2, 4}},
	    {MICA_IMAGE_TYPE_2D, 17, 9, 1, 1, 7, {0, 0, 0, 5}}, // level beyond the view
	};
	for (const Case &k : cases) {
		Rig rig;
		mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R8_UNORM, k.w, k.h);
		d.type = k.type;
		d.depth = k.d;
		d.layers = d.view_layers = k.layers;
		d.view_levels = mica_image_max_levels(k.w, k.h, k.d);
		TexCall c;
		c.opcode = MICA_OP_IMAGE_QUERY_SIZE;
		c.set(d);
		for (unsigned l = 0; l < 32; l++)
			c.lane[l].coord[0] = k.level;
		DispatchResult r = run_tex(rig, c);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		for (unsigned i = 0; i < 4; i++)
			EXPECT_EQ(c.lane[7].out[i], k.want[i]) << "type " << k.type << " component " << i;
	}
}

TEST(Texture, AtomicsAcrossWavesAndComputeUnits)
{
	Rig rig(4, 4);
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 4, 2);
	TexCall c;
	c.opcode = MICA_OP_IMAGE_ATOMIC_ADD_U32;
	c.set(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = l % 4;
		c.lane[l].coord[1] = 0;
		c.lane[l].data[0] = 1;
	}
	// 16 workgroups of one wave on 4 CUs / 4 host threads: texel x gets 8 lanes x 16 groups.
	DispatchResult r = run_tex(rig, c, 16);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned x = 0; x < 4; x++)
		EXPECT_EQ(rig.get<uint32_t>(kImageOff + 4 * x), 128u);
	// Returned old values of one wave on one texel are distinct.
	Rig one;
	ASSERT_EQ(run_tex(one, c).fault, MICA_FAULT_NONE);
	std::set<uint32_t> olds;
	for (unsigned l = 0; l < 32; l += 4)
		olds.insert(c.lane[l].out[0]);
	EXPECT_EQ(olds, (std::set<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Texture, EveryAtomicOp)
{
	struct Case {
		unsigned op;
		uint32_t format, init, operand, compare, want_mem;
	};
	const Case cases[] = {
	    {MICA_OP_IMAGE_ATOMIC_ADD_U32, MICA_TEXEL_FORMAT_R32_UINT, 5, 7, 0, 12},
	    {MICA_OP_IMAGE_ATOMIC_SUB_U32, MICA_TEXEL_FORMAT_R32_SINT, 5, 7, 0, uint32_t(-2)},
	    {MICA_OP_IMAGE_ATOMIC_SMIN_I32, MICA_TEXEL_FORMAT_R32_SINT, 5, uint32_t(-7), 0, uint32_t(-7)},
	    {MICA_OP_IMAGE_ATOMIC_UMIN_U32, MICA_TEXEL_FORMAT_R32_UINT, 5, uint32_t(-7), 0, 5},
	    {MICA_OP_IMAGE_ATOMIC_SMAX_I32, MICA_TEXEL_FORMAT_R32_SINT, 5, uint32_t(-7), 0, 5},
	    {MICA_OP_IMAGE_ATOMIC_UMAX_U32, MICA_TEXEL_FORMAT_R32_UINT, 5, uint32_t(-7), 0, uint32_t(-7)},
	    {MICA_OP_IMAGE_ATOMIC_AND_B32, MICA_TEXEL_FORMAT_R32_UINT, 0xf0f0, 0xff00, 0, 0xf000},
	    {MICA_OP_IMAGE_ATOMIC_OR_B32, MICA_TEXEL_FORMAT_R32_UINT, 0xf0f0, 0xff00, 0, 0xfff0},
	    {MICA_OP_IMAGE_ATOMIC_XOR_B32, MICA_TEXEL_FORMAT_R32_UINT, 0xf0f0, 0xff00, 0, 0x0ff0},
	    {MICA_OP_IMAGE_ATOMIC_SWAP_B32, MICA_TEXEL_FORMAT_R32_SFLOAT, bits(1.5f), bits(-2.0f), 0, bits(-2.0f)},
	    {MICA_OP_IMAGE_ATOMIC_CMPSWAP_B32, MICA_TEXEL_FORMAT_R32_UINT, 9, 4, 9, 4},
	    {MICA_OP_IMAGE_ATOMIC_CMPSWAP_B32, MICA_TEXEL_FORMAT_R32_UINT, 9, 4, 8, 9},
	    {MICA_OP_IMAGE_ATOMIC_ADD_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, bits(1.5f), bits(0.25f), 0, bits(1.75f)},
	    // min/max_f32: minNum/maxNum (docs/hw/isa.md "Atomics"): NaN yields the other operand,
	    // two NaNs the canonical quiet NaN, -0 < +0, denormals compared as they are.
	    {MICA_OP_IMAGE_ATOMIC_MIN_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, bits(1.5f), bits(-0.25f), 0, bits(-0.25f)},
	    {MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, bits(1.5f), bits(-0.25f), 0, bits(1.5f)},
	    {MICA_OP_IMAGE_ATOMIC_MIN_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, 0x7fc00000u, bits(2.0f), 0, bits(2.0f)},
	    {MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, bits(2.0f), 0x7f800001u, 0, bits(2.0f)},
	    {MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, 0xffc00001u, 0x7f800001u, 0, 0x7fc00000u},
	    {MICA_OP_IMAGE_ATOMIC_MIN_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, 0x00000000u, 0x80000000u, 0, 0x80000000u},
	    {MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, 0x80000000u, 0x00000000u, 0, 0x00000000u},
	    {MICA_OP_IMAGE_ATOMIC_MIN_F32, MICA_TEXEL_FORMAT_R32_SFLOAT, 0x00000002u, 0x00000001u, 0, 0x00000001u},
	};
	for (const Case &k : cases) {
		SCOPED_TRACE(mica_op_lookup(k.op)->name);
		Rig rig;
		rig.put<uint32_t>(kImageOff + 4 * 3, k.init);
		TexCall c;
		c.opcode = k.op;
		c.set(image_2d(k.format, 4, 1));
		c.exec = 1u << 6;
		c.lane[6].coord[0] = 3;
		c.lane[6].data[0] = k.operand;
		c.lane[6].data[1] = k.compare;
		ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
		EXPECT_EQ(c.lane[6].out[0], k.init) << "old value";
		EXPECT_EQ(rig.get<uint32_t>(kImageOff + 4 * 3), k.want_mem);
	}
	// Out of range: nothing happens, 0 returned.
	Rig rig;
	TexCall c;
	c.opcode = MICA_OP_IMAGE_ATOMIC_ADD_U32;
	c.set(image_2d(MICA_TEXEL_FORMAT_R32_UINT, 4, 1));
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = 4 + l;
		c.lane[l].data[0] = 1;
	}
	rig.put<uint32_t>(kImageOff + 16, 77);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], 0u);
	EXPECT_EQ(rig.get<uint32_t>(kImageOff + 16), 77u);
	// Formats without atomics, and integer ops on R32_SFLOAT, fault.
	for (auto [op, fmt] : {std::pair{MICA_OP_IMAGE_ATOMIC_ADD_U32, MICA_TEXEL_FORMAT_R8G8B8A8_UINT},
	                       std::pair{MICA_OP_IMAGE_ATOMIC_ADD_U32, MICA_TEXEL_FORMAT_R32_SFLOAT},
	                       std::pair{MICA_OP_IMAGE_ATOMIC_ADD_F32, MICA_TEXEL_FORMAT_R32_UINT},
	                       std::pair{MICA_OP_IMAGE_ATOMIC_MIN_F32, MICA_TEXEL_FORMAT_R32_SINT},
	                       std::pair{MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R32_UINT},
	                       std::pair{MICA_OP_IMAGE_ATOMIC_MAX_F32, MICA_TEXEL_FORMAT_R16G16_SFLOAT}}) {
		TexCall bad;
		bad.opcode = op;
		bad.set(image_2d(fmt, 4, 1));
		DispatchResult r = run_tex(rig, bad);
		EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR);
		EXPECT_EQ(r.fault_info, uint32_t(MICA_DESCRIPTOR_ERROR_ATOMIC_FORMAT));
	}
}

TEST(Texture, MalformedDescriptorsFaultWithTheirReason)
{
	struct Case {
		const char *what;
		void (*edit)(uint32_t *dw);
		uint32_t reason;
	};
	const Case cases[] = {
	    {"reserved dword 7", [](uint32_t *dw) { dw[7] = 1; }, MICA_DESCRIPTOR_ERROR_RESERVED_BITS},
	    {"reserved bit of dword 1", [](uint32_t *dw) { dw[1] |= 1u << 31; }, MICA_DESCRIPTOR_ERROR_RESERVED_BITS},
	    {"swizzle 7", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, SWIZZLE_A, 7); }, MICA_DESCRIPTOR_ERROR_RESERVED_BITS},
	    {"format past the table", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, FORMAT, MICA_FORMAT_COUNT); }, MICA_DESCRIPTOR_ERROR_FORMAT},
	    {"zero width", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, WIDTH, 0); }, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"view past the layers", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, BASE_LAYER, 1); }, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"too many levels", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, VIEW_LEVELS, 5); }, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"2D with depth", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, DEPTH, 2); }, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"cube of 1 layer", [](uint32_t *dw) { MICA_DESC_SET(dw, MICA_IMGDESC, TYPE, MICA_IMAGE_TYPE_CUBE); }, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"tiled 1D", [](uint32_t *dw) {
		     MICA_DESC_SET(dw, MICA_IMGDESC, TYPE, MICA_IMAGE_TYPE_1D);
		     MICA_DESC_SET(dw, MICA_IMGDESC, HEIGHT, 1);
		     MICA_DESC_SET(dw, MICA_IMGDESC, TILING, MICA_IMAGE_TILING_OPTIMAL);
	     }, MICA_DESCRIPTOR_ERROR_TYPE},
	};
	for (const Case &k : cases) {
		SCOPED_TRACE(k.what);
		Rig rig;
		TexCall c;
		c.set(image_2d(MICA_TEXEL_FORMAT_R8_UNORM, 8, 8));
		k.edit(c.img);
		c.exec = 0; // checked before any lane: EXEC = 0 faults too
		DispatchResult r = run_tex(rig, c);
		EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR) << r.report;
		EXPECT_EQ(r.fault_info, k.reason) << r.report;
		EXPECT_NE(r.fault_pc, 0u);
	}
}

// Checked mode: a load result read before its s_waitcnt, and a descriptor SGPR written by SALU one
// cycle before the image instruction reads it, are the usual vector-memory hazards.
TEST(Texture, HazardsOfImageInstructions)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 4, 4);
	uint32_t dw[8];
	mica_image_desc_encode(&d, dw);
	std::memcpy(rig.data + kDescOff, dw, 32);
	auto base = [&](Asm &p) {
		p.nop(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - 1);
		p.mem(MICA_OP_S_LOAD_B256, S(8), NONE, S(0), NONE, static_cast<int32_t>(kDescOff));
		p.alu(MICA_OP_V_MOV_B32, V(0), K(1));
		p.alu(MICA_OP_V_MOV_B32, V(1), K(1));
		p.alu(MICA_OP_V_MOV_B32, V(2), K(0));
		p.alu(MICA_OP_V_MOV_B32, V(3), K(0));
		p.wait_all();
	};
	rig.st.checked = true;
	{
		Asm p;
		base(p);
		p.mem(MICA_OP_IMAGE_LOAD, V(12), V(0), S(8), NONE);
		p.alu(MICA_OP_V_ADD_U32, V(20), V(12), K(1)); // no s_waitcnt
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
		EXPECT_EQ(MICA_BITFIELD_GET(r.fault_info, FAULT_INFO, HAZARD), uint32_t(MICA_HAZARD_MEM_RESULT)) << r.report;
	}
	{
		Asm p;
		base(p);
		p.alu(MICA_OP_S_MOV_B32, S(10), K(4)); // WIDTH rewritten by SALU...
		p.mem(MICA_OP_IMAGE_LOAD, V(12), V(0), S(8), NONE); // ...read by the vector path at distance 1
		p.wait_all();
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
		EXPECT_EQ(MICA_BITFIELD_GET(r.fault_info, FAULT_INFO, HAZARD), uint32_t(MICA_HAZARD_SALU_VALU_FORWARD)) << r.report;
	}
	for (bool checked : {true, false}) {
		// A sampler SGPR (the last 4 of the 12-SGPR tuple) written by SALU at distance 1: faults in
		// checked mode, counted once in faithful mode.
		mica_sampler_desc smp = sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_REPEAT);
		uint32_t sdw[4];
		mica_sampler_desc_encode(&smp, sdw);
		std::memcpy(rig.data + kDescOff + 32, sdw, 16);
		Asm p;
		base(p);
		p.mem(MICA_OP_S_LOAD_B128, S(16), NONE, S(0), NONE, static_cast<int32_t>(kDescOff + 32));
		p.wait_all();
		p.alu(MICA_OP_S_MOV_B32, S(18), L(bits(0.0f)));
		p.mem(MICA_OP_IMAGE_SAMPLE, V(12), V(0), S(8), V(3));
		p.wait_all();
		p.end();
		rig.st.checked = checked;
		DispatchResult r = rig.run(p);
		if (checked) {
			EXPECT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
			EXPECT_EQ(MICA_BITFIELD_GET(r.fault_info, FAULT_INFO, HAZARD), uint32_t(MICA_HAZARD_SALU_VALU_FORWARD));
			EXPECT_EQ(MICA_BITFIELD_GET(r.fault_info, FAULT_INFO, OPERAND), MICA_OPND_SGPR_FIRST + 18);
		} else {
			EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			EXPECT_EQ(r.hazard_violations, 1u);
		}
	}
	rig.st.checked = true;
	{
		Asm p; // the image instruction as a wave's first memory access: SEC_WAVE_START_TLB
		p.mem(MICA_OP_IMAGE_LOAD, V(12), V(0), S(8), NONE);
		p.end();
		DispatchResult r = rig.run(p);
		EXPECT_EQ(r.fault, MICA_FAULT_HAZARD) << r.report;
		EXPECT_EQ(MICA_BITFIELD_GET(r.fault_info, FAULT_INFO, HAZARD), uint32_t(MICA_HAZARD_SEC_WAVE_START_TLB)) << r.report;
	}
}

// The layout helper against the documented formulas for random shapes, both tilings: levels
// 16-byte aligned one after another, layers, slices, rows or 4x4 tiles.
TEST(Texture, LayoutHelperMatchesTheDocumentedFormula)
{
	uint32_t seed = 12345;
	auto rnd = [&](uint32_t n) {
		seed = seed * 1103515245u + 12345u;
		return (seed >> 8) % n;
	};
	for (unsigned iter = 0; iter < 200; iter++) {
		const uint32_t format = rnd(MICA_FORMAT_COUNT), tiling = rnd(2);
		const uint32_t w = 1 + rnd(70), h = 1 + rnd(40), d = 1 + rnd(5), layers = 1 + rnd(4);
		const uint32_t bytes = mica_texel_formats[format].bytes;
		// A block-compressed level is an image of 4x4 blocks.
		const uint32_t bw = mica_texel_formats[format].block_width, bh = mica_texel_formats[format].block_height;
		const uint32_t levels = mica_image_max_levels(w, h, d);
		uint64_t at = 0, end = 0;
		for (uint32_t L = 0; L < levels; L++) {
			const uint32_t tw = std::max(w >> L, 1u), th = std::max(h >> L, 1u), ld = std::max(d >> L, 1u);
			const uint32_t lw = (tw + bw - 1) / bw, lh = (th + bh - 1) / bh;
			const uint64_t pw = tiling ? (lw + 3) / 4 * 4 : lw, ph = tiling ? (lh + 3) / 4 * 4 : lh;
			const uint64_t slice = pw * ph * bytes, size = slice * ld * layers;
			mica_image_level lv;
			mica_image_level_layout(format, tiling, w, h, d, layers, L, &lv);
			ASSERT_EQ(lv.offset, at) << iter << " level " << L;
			ASSERT_EQ(lv.size, size);
			ASSERT_EQ(lv.slice_pitch, slice);
			const uint32_t x = rnd(lw), y = rnd(lh), z = rnd(ld), layer = rnd(layers);
			const uint64_t in_slice = tiling ? ((y / 4) * (pw / 4) + x / 4) * 16 * bytes + ((y % 4) * 4 + x % 4) * bytes
			                                 : (uint64_t(y) * lw + x) * bytes;
			ASSERT_EQ(lv.width, tw);
			ASSERT_EQ(mica_image_texel_offset(format, tiling, &lv, x * bw + rnd(bw), y * bh + rnd(bh), z, layer),
			          (uint64_t(layer) * ld + z) * slice + in_slice);
			end = at + size;
			at = (end + 15) / 16 * 16;
		}
		EXPECT_EQ(mica_image_size(format, tiling, w, h, d, layers, levels), end);
	}
}
