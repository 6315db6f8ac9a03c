// SPDX-License-Identifier: MIT
// Sampling and gathers on the device model against a host reference written here from the Vulkan
// spec's "Texel Filtering" / "Wrapping Operation" text: nearest and linear filtering under every
// address mode with random coordinates, border colours, explicit-LOD level selection (mipmap
// nearest/linear, bias, clamps), cube face selection, array layers, gathers, depth compare,
// unnormalized coordinates and the format/type restrictions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

// Reference wrap of an integer coordinate (spec table); -1 = border.
int64_t ref_wrap(int64_t i, int64_t n, uint32_t mode)
{
	auto mirror = [](int64_t a) { return a >= 0 ? a : -(1 + a); };
	switch (mode) {
	case MICA_ADDRESS_MODE_REPEAT: return ((i % n) + n) % n;
	case MICA_ADDRESS_MODE_MIRRORED_REPEAT: {
		const int64_t t = ((i % (2 * n)) + 2 * n) % (2 * n) - n;
		return (n - 1) - mirror(t);
	}
	case MICA_ADDRESS_MODE_CLAMP_TO_EDGE: return std::min(std::max<int64_t>(i, 0), n - 1);
	case MICA_ADDRESS_MODE_CLAMP_TO_BORDER: return i < 0 || i >= n ? -1 : i;
	default: return std::min(std::max<int64_t>(mirror(i), 0), n - 1);
	}
}

struct Image2D {
	unsigned w, h;
	std::vector<std::array<float, 4>> texel;
	std::array<float, 4> at(int64_t x, int64_t y, const std::array<float, 4> &border) const
	{
		return x < 0 || y < 0 ? border : texel[y * w + x];
	}
};

std::array<float, 4> border_value(uint32_t c)
{
	switch (c) {
	case MICA_BORDER_COLOR_FLOAT_OPAQUE_BLACK:
	case MICA_BORDER_COLOR_INT_OPAQUE_BLACK: return {0, 0, 0, 1};
	case MICA_BORDER_COLOR_FLOAT_OPAQUE_WHITE:
	case MICA_BORDER_COLOR_INT_OPAQUE_WHITE: return {1, 1, 1, 1};
	default: return {0, 0, 0, 0};
	}
}

std::array<double, 4> ref_sample(const Image2D &img, double s, double t, bool linear, uint32_t mode, uint32_t border)
{
	const double u = s * img.w, v = t * img.h;
	std::array<double, 4> out{};
	const auto b = border_value(border);
	if (!linear) {
		const int64_t i = ref_wrap(int64_t(std::floor(u)), img.w, mode), j = ref_wrap(int64_t(std::floor(v)), img.h, mode);
		auto tx = img.at(i, j, b);
		for (unsigned c = 0; c < 4; c++)
			out[c] = tx[c];
		return out;
	}
	const double fu = std::floor(u - 0.5), fv = std::floor(v - 0.5);
	const double a = u - 0.5 - fu, bb = v - 0.5 - fv;
	const int64_t i0 = ref_wrap(int64_t(fu), img.w, mode), i1 = ref_wrap(int64_t(fu) + 1, img.w, mode);
	const int64_t j0 = ref_wrap(int64_t(fv), img.h, mode), j1 = ref_wrap(int64_t(fv) + 1, img.h, mode);
	for (unsigned c = 0; c < 4; c++)
		out[c] = (1 - a) * (1 - bb) * img.at(i0, j0, b)[c] + a * (1 - bb) * img.at(i1, j0, b)[c] +
		         (1 - a) * bb * img.at(i0, j1, b)[c] + a * bb * img.at(i1, j1, b)[c];
	return out;
}

void put_rgba32f(Rig &rig, uint64_t off, const std::array<float, 4> &v) { std::memcpy(rig.data + kImageOff + off, v.data(), 16); }

} // namespace

TEST(TextureSample, FilteringAndAddressModesMatchTheReference)
{
	std::mt19937 rng(77);
	std::uniform_real_distribution<float> val(-4.0f, 4.0f), crd(-1.75f, 2.75f);
	Image2D img{5, 3, {}};
	Rig rig;
	for (unsigned i = 0; i < img.w * img.h; i++) {
		img.texel.push_back({val(rng), val(rng), val(rng), val(rng)});
		put_rgba32f(rig, 16 * i, img.texel.back());
	}
	unsigned compared = 0;
	for (uint32_t filter : {MICA_FILTER_NEAREST, MICA_FILTER_LINEAR})
		for (uint32_t mode = 0; mode < MICA_ADDRESS_MODE_COUNT; mode++)
			for (uint32_t border : {MICA_BORDER_COLOR_FLOAT_TRANSPARENT_BLACK, MICA_BORDER_COLOR_FLOAT_OPAQUE_WHITE}) {
				SCOPED_TRACE("filter " + std::to_string(filter) + " mode " + std::to_string(mode));
				TexCall c;
				c.opcode = MICA_OP_IMAGE_SAMPLE;
				c.set(image_2d(MICA_TEXEL_FORMAT_R32G32B32A32_SFLOAT, img.w, img.h));
				mica_sampler_desc s = sampler(filter, mode);
				s.border_color = border;
				c.set(s);
				for (unsigned l = 0; l < 32; l++) {
					c.lane[l].coord[0] = bits(crd(rng));
					c.lane[l].coord[1] = bits(crd(rng));
					c.lane[l].data[0] = bits(0.0f);
				}
				DispatchResult r = run_tex(rig, c);
				ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
				for (unsigned l = 0; l < 32; l++) {
					auto want = ref_sample(img, f32(c.lane[l].coord[0]), f32(c.lane[l].coord[1]),
					                       filter == MICA_FILTER_LINEAR, mode, border);
					for (unsigned k = 0; k < 4; k++)
						EXPECT_NEAR(f32(c.lane[l].out[k]), want[k], 1e-5) << "lane " << l << " comp " << k;
					compared++;
				}
			}
	EXPECT_EQ(compared, 2u * 5 * 2 * 32);
}

TEST(TextureSample, UnormAndSrgbAreDecodedBeforeFiltering)
{
	Rig rig;
	// 2x1 R8G8B8A8_SRGB: (0, 0, 0, 0) and (255, 188, 255, 255); the halfway linear sample averages
	// linear values (0.5 * srgb_to_linear(188/255) for G), not encoded ones.
	const uint8_t tex[8] = {0, 0, 0, 0, 255, 188, 255, 255};
	std::memcpy(rig.data + kImageOff, tex, 8);
	TexCall c;
	c.opcode = MICA_OP_IMAGE_SAMPLE;
	c.set(image_2d(MICA_TEXEL_FORMAT_R8G8B8A8_SRGB, 2, 1));
	c.set(sampler(MICA_FILTER_LINEAR, MICA_ADDRESS_MODE_CLAMP_TO_EDGE));
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = bits(0.5f);
		c.lane[l].coord[1] = bits(0.5f);
	}
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	const double g = std::pow((188.0 / 255 + 0.055) / 1.055, 2.4);
	EXPECT_NEAR(f32(c.lane[0].out[0]), 0.5, 1e-6);
	EXPECT_NEAR(f32(c.lane[0].out[1]), 0.5 * g, 1e-6);
	EXPECT_NEAR(f32(c.lane[0].out[3]), 0.5, 1e-6); // alpha is linear
}

TEST(TextureSample, BorderColoursForFloatAndIntegerFormats)
{
	for (uint32_t border = 0; border < MICA_BORDER_COLOR_COUNT; border++) {
		const bool integer = border % 2 == 1;
		Rig rig;
		std::memset(rig.data + kImageOff, 0x55, 64);
		TexCall c;
		c.opcode = MICA_OP_IMAGE_SAMPLE;
		c.set(image_2d(integer ? MICA_TEXEL_FORMAT_R8G8B8A8_UINT : MICA_TEXEL_FORMAT_R8G8B8A8_UNORM, 2, 2));
		mica_sampler_desc s = sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_CLAMP_TO_BORDER);
		s.border_color = border;
		c.set(s);
		for (unsigned l = 0; l < 32; l++) {
			c.lane[l].coord[0] = bits(l % 2 ? -0.25f : 1.25f);
			c.lane[l].coord[1] = bits(0.5f);
		}
		DispatchResult r = run_tex(rig, c);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		const auto want = border_value(border);
		for (unsigned k = 0; k < 4; k++)
			EXPECT_EQ(c.lane[3].out[k], integer ? uint32_t(want[k]) : bits(want[k])) << "border " << border << " comp " << k;
	}
}

TEST(TextureSample, ExplicitLodSelectsAndBlendsLevels)
{
	Rig rig;
	// R32_SFLOAT 8x8 with 4 levels; every texel of level L holds 10 * (L + 1).
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 8, 8);
	d.view_levels = 4;
	for (uint32_t L = 0; L < 4; L++) {
		mica_image_level lv;
		mica_image_level_layout(d.format, d.tiling, 8, 8, 1, 1, L, &lv);
		for (uint64_t i = 0; i < lv.size / 4; i++)
			rig.put<float>(kImageOff + lv.offset + 4 * i, 10.0f * (L + 1));
	}
	struct Case {
		uint32_t mip;
		float lod, bias, min_lod, max_lod, want;
	};
	const Case cases[] = {
	    {MICA_MIPMAP_MODE_NEAREST, 0.0f, 0, 0, 1000, 10}, {MICA_MIPMAP_MODE_NEAREST, 0.5f, 0, 0, 1000, 10},
	    {MICA_MIPMAP_MODE_NEAREST, 0.6f, 0, 0, 1000, 20}, {MICA_MIPMAP_MODE_NEAREST, 9.0f, 0, 0, 1000, 40},
	    {MICA_MIPMAP_MODE_NEAREST, -3.0f, 0, 0, 1000, 10}, {MICA_MIPMAP_MODE_LINEAR, 0.25f, 0, 0, 1000, 12.5f},
	    {MICA_MIPMAP_MODE_LINEAR, 2.5f, 0, 0, 1000, 35}, {MICA_MIPMAP_MODE_LINEAR, 3.5f, 0, 0, 1000, 40},
	    {MICA_MIPMAP_MODE_LINEAR, 0.5f, 1.0f, 0, 1000, 25}, {MICA_MIPMAP_MODE_LINEAR, 0.0f, 0, 1.5f, 1000, 25},
	    {MICA_MIPMAP_MODE_LINEAR, 3.0f, 0, 0, 0.75f, 17.5f},
	};
	for (const Case &k : cases) {
		TexCall c;
		c.opcode = MICA_OP_IMAGE_SAMPLE;
		c.set(d);
		mica_sampler_desc s = sampler(MICA_FILTER_LINEAR, MICA_ADDRESS_MODE_REPEAT, k.mip);
		s.lod_bias = k.bias;
		s.min_lod = k.min_lod;
		s.max_lod = k.max_lod;
		c.set(s);
		for (unsigned l = 0; l < 32; l++) {
			c.lane[l].coord[0] = bits(l / 32.0f);
			c.lane[l].coord[1] = bits(0.3f);
			c.lane[l].data[0] = bits(k.lod);
		}
		ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
		EXPECT_FLOAT_EQ(f32(c.lane[9].out[0]), k.want) << "mip " << k.mip << " lod " << k.lod << " bias " << k.bias;
	}
}

TEST(TextureSample, CubeFaceSelectionAndCubeArrays)
{
	Rig rig;
	// Cube array of 2 cubes, 2x2 faces, R32_SFLOAT: texel (x, y) of face f of cube c = 100c + 10f + 2y + x.
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 2, 2);
	d.type = MICA_IMAGE_TYPE_CUBE_ARRAY;
	d.layers = d.view_layers = 12;
	for (uint32_t layer = 0; layer < 12; layer++)
		for (uint32_t i = 0; i < 4; i++)
			rig.put<float>(kImageOff + layer * 16 + 4 * i, float(100 * (layer / 6) + 10 * (layer % 6) + i));
	// Directions, each toward texel (1, 1) of its face per the spec's face table.
	const float dirs[6][3] = {{1, -0.5f, -0.5f}, {-1, -0.5f, 0.5f}, {0.5f, 1, 0.5f},
	                          {0.5f, -1, -0.5f}, {0.5f, -0.5f, 1},  {-0.5f, -0.5f, -1}};
	TexCall c;
	c.opcode = MICA_OP_IMAGE_SAMPLE;
	c.set(d);
	c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_REPEAT));
	for (unsigned l = 0; l < 32; l++) {
		const unsigned f = l % 6;
		for (unsigned k = 0; k < 3; k++)
			c.lane[l].coord[k] = bits(dirs[f][k] * (1 + l % 3));
		c.lane[l].coord[3] = bits(float(l / 6 % 2)); // cube layer
	}
	DispatchResult r = run_tex(rig, c);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(f32(c.lane[l].out[0]), float(100 * (l / 6 % 2) + 10 * (l % 6) + 3)) << "lane " << l;
	// The same faces through a CUBE view of the second cube (base layer 6).
	d.type = MICA_IMAGE_TYPE_CUBE;
	d.base_layer = 6;
	d.view_layers = 6;
	c.set(d);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 6; l++)
		EXPECT_EQ(f32(c.lane[l].out[0]), float(100 + 10 * l + 3)) << "lane " << l;
}

TEST(TextureSample, ArrayLayerRoundsToNearestEvenAndClamps)
{
	Rig rig;
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 1, 1);
	d.type = MICA_IMAGE_TYPE_2D_ARRAY;
	d.layers = d.view_layers = 4;
	for (uint32_t layer = 0; layer < 4; layer++)
		rig.put<float>(kImageOff + 4 * layer, float(layer));
	TexCall c;
	c.opcode = MICA_OP_IMAGE_SAMPLE;
	c.set(d);
	c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_REPEAT));
	const float layers[] = {0.5f, 1.5f, 2.49f, -3.0f, 9.0f, 2.5f};
	const float want[] = {0, 2, 2, 0, 3, 2};
	for (unsigned l = 0; l < 6; l++)
		c.lane[l].coord[2] = bits(layers[l]);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 6; l++)
		EXPECT_EQ(f32(c.lane[l].out[0]), want[l]) << "layer coordinate " << layers[l];
}

TEST(TextureSample, GathersReturnTheFootprintInVulkanOrder)
{
	Rig rig;
	// 4x4 R8G8B8A8_UINT: texel (x, y) = (x + 4y, 100 + x + 4y, 0, 7).
	for (uint32_t i = 0; i < 16; i++) {
		const uint8_t t[4] = {uint8_t(i), uint8_t(100 + i), 0, 7};
		std::memcpy(rig.data + kImageOff + 4 * i, t, 4);
	}
	TexCall c;
	c.set(image_2d(MICA_TEXEL_FORMAT_R8G8B8A8_UINT, 4, 4));
	c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_CLAMP_TO_EDGE));
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = bits(0.5f); // u = 2: footprint i0 = 1, i1 = 2
		c.lane[l].coord[1] = bits(0.25f); // v = 1: j0 = 0, j1 = 1
	}
	c.opcode = MICA_OP_IMAGE_GATHER4_R;
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], 1u + 4); // (i0, j1)
	EXPECT_EQ(c.lane[0].out[1], 2u + 4); // (i1, j1)
	EXPECT_EQ(c.lane[0].out[2], 2u);     // (i1, j0)
	EXPECT_EQ(c.lane[0].out[3], 1u);     // (i0, j0)
	c.opcode = MICA_OP_IMAGE_GATHER4_G;
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], 105u);
	c.opcode = MICA_OP_IMAGE_GATHER4_A;
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[2], 7u);
	// Texel offsets move the footprint.
	c.opcode = MICA_OP_IMAGE_GATHER4_R;
	c.offset = 1 | (2 << 4);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[3], 2u + 4 * 2);
}

TEST(TextureSample, DepthCompare)
{
	Rig rig;
	// 2x1 R32_SFLOAT "depths" 0.25 and 0.75.
	rig.put<float>(kImageOff, 0.25f);
	rig.put<float>(kImageOff + 4, 0.75f);
	TexCall c;
	c.set(image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 2, 1));
	mica_sampler_desc s = sampler(MICA_FILTER_LINEAR, MICA_ADDRESS_MODE_CLAMP_TO_EDGE);
	s.compare_enable = 1;
	s.compare_op = MICA_COMPARE_OP_LESS; // passes when reference < texel
	c.set(s);
	c.opcode = MICA_OP_IMAGE_SAMPLE_C;
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = bits(0.5f); // halfway between the two texels
		c.lane[l].coord[1] = bits(0.5f);
		c.lane[l].data[0] = bits(0.0f);  // LOD
		c.lane[l].data[1] = bits(l == 0 ? 0.5f : l == 1 ? 0.1f : 0.9f);
	}
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(f32(c.lane[0].out[0]), 0.5f);
	EXPECT_EQ(f32(c.lane[1].out[0]), 1.0f);
	EXPECT_EQ(f32(c.lane[2].out[0]), 0.0f);
	EXPECT_EQ(f32(c.lane[2].out[3]), 1.0f);
	c.opcode = MICA_OP_IMAGE_GATHER4_C;
	for (unsigned l = 0; l < 32; l++)
		c.lane[l].data[0] = bits(0.5f);
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(f32(c.lane[0].out[0]), 0.0f); // (i0=0, j1): 0.5 < 0.25 false
	EXPECT_EQ(f32(c.lane[0].out[1]), 1.0f); // (i1=1, j1): 0.5 < 0.75
	// A _c instruction whose sampler does not compare is a descriptor error.
	s.compare_enable = 0;
	c.set(s);
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR);
	EXPECT_EQ(r.fault_info, uint32_t(MICA_DESCRIPTOR_ERROR_SAMPLER));
}

TEST(TextureSample, UnnormalizedCoordinatesAndRestrictions)
{
	Rig rig;
	for (uint32_t i = 0; i < 16; i++)
		rig.put<float>(kImageOff + 4 * i, float(i));
	TexCall c;
	c.opcode = MICA_OP_IMAGE_SAMPLE;
	c.set(image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 4, 4));
	mica_sampler_desc s = sampler(MICA_FILTER_LINEAR, MICA_ADDRESS_MODE_CLAMP_TO_EDGE);
	s.unnormalized = 1;
	c.set(s);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = bits(2.0f); // between texels 1 and 2
		c.lane[l].coord[1] = bits(1.5f); // row 1 exactly
	}
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_FLOAT_EQ(f32(c.lane[0].out[0]), 5.5f);
	s.address[0] = MICA_ADDRESS_MODE_REPEAT; // not allowed with unnormalized coordinates
	c.set(s);
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR);
	EXPECT_EQ(r.fault_info, uint32_t(MICA_DESCRIPTOR_ERROR_SAMPLER));
}

TEST(TextureSample, FormatAndTypeRestrictions)
{
	Rig rig;
	struct Case {
		unsigned op;
		mica_image_desc img;
		uint32_t filter, reason;
	};
	mica_image_desc buf = image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 4, 1);
	buf.type = MICA_IMAGE_TYPE_BUFFER;
	mica_image_desc d3 = image_2d(MICA_TEXEL_FORMAT_R32_SFLOAT, 4, 4);
	d3.type = MICA_IMAGE_TYPE_3D;
	const Case cases[] = {
	    {MICA_OP_IMAGE_SAMPLE, image_2d(MICA_TEXEL_FORMAT_R32_UINT, 4, 4), MICA_FILTER_LINEAR, MICA_DESCRIPTOR_ERROR_FILTER_FORMAT},
	    {MICA_OP_IMAGE_SAMPLE, image_2d(MICA_TEXEL_FORMAT_R64_SFLOAT, 4, 4), MICA_FILTER_NEAREST, MICA_DESCRIPTOR_ERROR_FILTER_FORMAT},
	    {MICA_OP_IMAGE_SAMPLE, buf, MICA_FILTER_NEAREST, MICA_DESCRIPTOR_ERROR_TYPE},
	    {MICA_OP_IMAGE_GATHER4_R, d3, MICA_FILTER_NEAREST, MICA_DESCRIPTOR_ERROR_TYPE},
	};
	for (const Case &k : cases) {
		TexCall c;
		c.opcode = k.op;
		c.set(k.img);
		c.set(sampler(k.filter, MICA_ADDRESS_MODE_REPEAT));
		DispatchResult r = run_tex(rig, c);
		EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR) << r.report;
		EXPECT_EQ(r.fault_info, k.reason) << r.report;
	}
	// Nearest sampling of an integer format is fine and returns integers.
	rig.put<uint32_t>(kImageOff + 4 * 5, 0xdeadbeefu);
	TexCall c;
	c.opcode = MICA_OP_IMAGE_SAMPLE;
	c.set(image_2d(MICA_TEXEL_FORMAT_R32_UINT, 4, 4));
	c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_REPEAT));
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = bits(1.5f / 4);
		c.lane[l].coord[1] = bits(1.5f / 4);
	}
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	EXPECT_EQ(c.lane[0].out[0], 0xdeadbeefu);
	EXPECT_EQ(c.lane[0].out[3], 1u);
}
