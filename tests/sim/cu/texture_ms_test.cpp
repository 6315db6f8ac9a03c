// SPDX-License-Identifier: MIT
// Multisampled images on the texture unit (docs/hw/texture.md "Multisampled images"), on the device
// model in checked hazard mode: where each sample lives (as a depth slice of its layer, both
// tilings, 2/4/8 samples) against offsets computed here from the documented formula, loads, stores
// and atomics with the sample index in the fourth coordinate register, out-of-range samples under
// the robust-access rule, the size query's sample count, the descriptor checks that keep
// SAMPLES_LOG2 to single-level 2D/2D_ARRAY views, and a sample on an unmapped page faulting like
// any texel.
#include <gtest/gtest.h>

#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

// The documented layout of sample s of texel (x, y) of layer 'layer' of a w x h image with
// 'samples' samples: slice (layer * samples + s) of the level, each slice rows (LINEAR) or 4x4
// tiles (OPTIMAL) of 'bytes'-byte texels.
uint64_t ms_offset(uint32_t tiling, uint32_t w, uint32_t h, uint32_t samples, uint32_t x, uint32_t y, uint32_t s,
                   uint32_t layer, uint32_t bytes)
{
	uint64_t slice_bytes, in_slice;
	if (tiling == MICA_IMAGE_TILING_OPTIMAL) {
		const uint64_t tiles_x = (w + 3) / 4, tiles_y = (h + 3) / 4;
		slice_bytes = tiles_x * tiles_y * 16 * bytes;
		in_slice = ((y / 4) * tiles_x + x / 4) * 16 * bytes + ((y % 4) * 4 + x % 4) * bytes;
	} else {
		slice_bytes = uint64_t(w) * h * bytes;
		in_slice = (uint64_t(y) * w + x) * bytes;
	}
	return (uint64_t(layer) * samples + s) * slice_bytes + in_slice;
}

mica_image_desc ms_image(uint32_t format, uint32_t w, uint32_t h, uint32_t samples_log2, uint32_t layers,
                         uint32_t tiling)
{
	mica_image_desc d = image_2d(format, w, h, tiling);
	d.samples_log2 = samples_log2;
	if (layers > 1) {
		d.type = MICA_IMAGE_TYPE_2D_ARRAY;
		d.layers = d.view_layers = layers;
	}
	return d;
}

uint32_t tag(uint32_t x, uint32_t y, uint32_t s, uint32_t layer) { return 0xa0000000u | layer << 16 | s << 12 | y << 6 | x; }

} // namespace

// Every sample of every texel stored through image_store lands where the documented formula puts
// it, and image_load with the same sample index reads it back, for 2, 4 and 8 samples, both
// tilings, 2D and 2D_ARRAY (with a view that starts at layer 1).
TEST(TextureMs, SamplesAreSlicesOfTheirLayer)
{
	for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
		for (uint32_t slog2 = 1; slog2 <= MICA_TEX_MAX_SAMPLES_LOG2; slog2++) {
			for (uint32_t layers : {1u, 3u}) {
				SCOPED_TRACE("tiling " + std::to_string(tiling) + " samples " + std::to_string(1u << slog2) +
				             " layers " + std::to_string(layers));
				const uint32_t samples = 1u << slog2, w = 6, h = 5;
				Rig rig;
				mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R32_UINT, w, h, slog2, layers, tiling);
				if (layers > 1) {
					d.base_layer = 1;
					d.view_layers = 2;
				}
				// The layout helpers size the image with depth = samples.
				mica_image_level lv;
				mica_image_level_layout(d.format, tiling, w, h, mica_image_desc_layout_depth(&d), layers, 0, &lv);
				EXPECT_EQ(lv.size, ms_offset(tiling, w, h, samples, 0, 0, 0, layers, 4));
				const uint32_t view_layers = d.view_layers, texels = w * h * samples * view_layers;
				for (uint32_t first = 0; first < texels; first += 32) {
					TexCall st;
					st.opcode = MICA_OP_IMAGE_STORE;
					st.set(d);
					for (unsigned l = 0; l < 32; l++) {
						const uint32_t i = std::min(first + l, texels - 1);
						const uint32_t x = i % w, y = i / w % h, s = i / (w * h) % samples, layer = i / (w * h * samples);
						st.lane[l].coord[0] = x;
						st.lane[l].coord[1] = y;
						st.lane[l].coord[2] = layer;
						st.lane[l].coord[3] = s;
						st.lane[l].data[0] = tag(x, y, s, layer + d.base_layer);
					}
					ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
				}
				for (uint32_t layer = d.base_layer; layer < d.base_layer + view_layers; layer++)
					for (uint32_t s = 0; s < samples; s++)
						for (uint32_t y = 0; y < h; y++)
							for (uint32_t x = 0; x < w; x++)
								ASSERT_EQ(rig.get<uint32_t>(kImageOff + ms_offset(tiling, w, h, samples, x, y, s, layer, 4)),
								          tag(x, y, s, layer))
								    << x << "," << y << " sample " << s << " layer " << layer;
				TexCall ld;
				ld.set(d);
				for (unsigned l = 0; l < 32; l++) {
					const uint32_t x = (l * 5) % w, y = (l * 3) % h, s = (l * 7) % samples, layer = l % view_layers;
					ld.lane[l].coord[0] = x;
					ld.lane[l].coord[1] = y;
					ld.lane[l].coord[2] = layer;
					ld.lane[l].coord[3] = s;
				}
				ASSERT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
				for (unsigned l = 0; l < 32; l++)
					EXPECT_EQ(ld.lane[l].out[0], tag((l * 5) % w, (l * 3) % h, (l * 7) % samples, l % view_layers + d.base_layer))
					    << "lane " << l;
			}
		}
	}
}

// A sample index outside [0, samples) is an out-of-range coordinate: loads read the zero texel
// (alpha 1), stores are dropped, atomics do nothing and return 0; no memory is touched.
TEST(TextureMs, OutOfRangeSampleIsRobust)
{
	Rig rig;
	const mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R32_UINT, 4, 4, 2, 1, MICA_IMAGE_TILING_OPTIMAL);
	std::memset(rig.data + kImageOff, 0x5a, 4 * 4 * 4 * 4 + 64);
	const int32_t samples[] = {4, 5, -1, 1 << 20};
	for (unsigned opcode : {MICA_OP_IMAGE_LOAD, MICA_OP_IMAGE_STORE, MICA_OP_IMAGE_ATOMIC_ADD_U32}) {
		TexCall c;
		c.opcode = opcode;
		c.set(d);
		for (unsigned l = 0; l < 32; l++) {
			c.lane[l].coord[0] = l % 4;
			c.lane[l].coord[1] = l / 8;
			c.lane[l].coord[3] = uint32_t(samples[l % 4]);
			c.lane[l].data[0] = 7;
		}
		ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
		for (unsigned l = 0; l < 32 && opcode != MICA_OP_IMAGE_STORE; l++) {
			EXPECT_EQ(c.lane[l].out[0], 0u) << "lane " << l;
			if (opcode == MICA_OP_IMAGE_LOAD) {
				EXPECT_EQ(c.lane[l].out[3], 1u) << "missing alpha of an integer format reads 1";
			}
		}
	}
	for (unsigned i = 0; i < 4 * 4 * 4 * 4 + 64; i++)
		ASSERT_EQ(rig.data[kImageOff + i], 0x5a) << "byte " << i << " was written";
}

// Atomics address one sample: 32 lanes adding to the four samples of one texel leave each sample
// with the sum of its own lanes.
TEST(TextureMs, AtomicsOnOneSample)
{
	Rig rig;
	const mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R32_UINT, 3, 3, 2, 2, MICA_IMAGE_TILING_LINEAR);
	TexCall c;
	c.opcode = MICA_OP_IMAGE_ATOMIC_ADD_U32;
	c.set(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = 2;
		c.lane[l].coord[1] = 1;
		c.lane[l].coord[2] = 1;
		c.lane[l].coord[3] = l % 4;
		c.lane[l].data[0] = l + 1;
	}
	ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
	for (uint32_t s = 0; s < 4; s++) {
		uint32_t want = 0;
		for (unsigned l = s; l < 32; l += 4)
			want += l + 1;
		EXPECT_EQ(rig.get<uint32_t>(kImageOff + ms_offset(MICA_IMAGE_TILING_LINEAR, 3, 3, 4, 2, 1, s, 1, 4)), want)
		    << "sample " << s;
	}
	// The old values returned per lane add up: lane order within the wave (lane l's old value is
	// the sum of the earlier lanes on its sample).
	for (unsigned l = 0; l < 32; l++) {
		uint32_t before = 0;
		for (unsigned k = l % 4; k < l; k += 4)
			before += k + 1;
		EXPECT_EQ(c.lane[l].out[0], before) << "lane " << l;
	}
}

// A four-component format: every component of every sample round-trips, samples do not alias.
TEST(TextureMs, Rgba8SamplesRoundTrip)
{
	Rig rig;
	const mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R8G8B8A8_UINT, 4, 2, 3, 1, MICA_IMAGE_TILING_OPTIMAL);
	TexCall st;
	st.opcode = MICA_OP_IMAGE_STORE;
	st.set(d);
	for (unsigned l = 0; l < 32; l++) {
		st.lane[l].coord[0] = l % 4;
		st.lane[l].coord[1] = (l / 4) % 2;
		st.lane[l].coord[3] = l / 4; // samples 0..7
		for (unsigned k = 0; k < 4; k++)
			st.lane[l].data[k] = (l * 4 + k) & 0xff;
	}
	ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
	TexCall ld;
	ld.set(d);
	for (unsigned l = 0; l < 32; l++)
		std::memcpy(ld.lane[l].coord, st.lane[l].coord, 16);
	ASSERT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
	for (unsigned l = 0; l < 32; l++)
		for (unsigned k = 0; k < 4; k++)
			EXPECT_EQ(ld.lane[l].out[k], (l * 4 + k) & 0xff) << "lane " << l << " component " << k;
	// Lane 21 stored sample 5 of texel (1, 1): slice 5 of one-tile slices (64 bytes), tile texel 5.
	EXPECT_EQ(rig.get<uint32_t>(kImageOff + 5 * 64 + 5 * 4),
	          uint32_t(21 * 4) | uint32_t(21 * 4 + 1) << 8 | uint32_t(21 * 4 + 2) << 16 | uint32_t(21 * 4 + 3) << 24);
}

// image_query_size of a multisampled view: the size of its level (2D: w, h; 2D_ARRAY: w, h,
// layers) and the sample count in the fourth register.
TEST(TextureMs, QuerySizeGivesTheSampleCount)
{
	for (uint32_t slog2 = 1; slog2 <= MICA_TEX_MAX_SAMPLES_LOG2; slog2++) {
		for (uint32_t layers : {1u, 5u}) {
			Rig rig;
			mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R8_UNORM, 17, 9, slog2, layers, MICA_IMAGE_TILING_OPTIMAL);
			if (layers > 1)
				d.view_layers = 4;
			TexCall c;
			c.opcode = MICA_OP_IMAGE_QUERY_SIZE;
			c.set(d);
			ASSERT_EQ(run_tex(rig, c).fault, MICA_FAULT_NONE);
			EXPECT_EQ(c.lane[3].out[0], 17u);
			EXPECT_EQ(c.lane[3].out[1], 9u);
			EXPECT_EQ(c.lane[3].out[2], layers > 1 ? 4u : 0u);
			EXPECT_EQ(c.lane[3].out[3], 1u << slog2);
		}
	}
}

// SAMPLES_LOG2 is only for single-level 2D/2D_ARRAY views of uncompressed formats, and a
// multisampled view cannot be sampled or gathered.
TEST(TextureMs, DescriptorChecks)
{
	struct Case {
		const char *what;
		void (*edit)(mica_image_desc &d);
		unsigned opcode;
		uint32_t reason;
	};
	const Case cases[] = {
	    {"3D", [](mica_image_desc &d) { d.type = MICA_IMAGE_TYPE_3D; }, MICA_OP_IMAGE_LOAD, MICA_DESCRIPTOR_ERROR_TYPE},
	    {"1D", [](mica_image_desc &d) { d.type = MICA_IMAGE_TYPE_1D; d.height = 1; d.tiling = MICA_IMAGE_TILING_LINEAR; },
	     MICA_OP_IMAGE_LOAD, MICA_DESCRIPTOR_ERROR_TYPE},
	    {"cube", [](mica_image_desc &d) { d.type = MICA_IMAGE_TYPE_CUBE; d.height = d.width; d.layers = d.view_layers = 6; },
	     MICA_OP_IMAGE_LOAD, MICA_DESCRIPTOR_ERROR_TYPE},
	    {"two levels", [](mica_image_desc &d) { d.view_levels = 2; }, MICA_OP_IMAGE_LOAD, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"base level 1", [](mica_image_desc &d) { d.base_level = 1; }, MICA_OP_IMAGE_LOAD, MICA_DESCRIPTOR_ERROR_EXTENT},
	    {"compressed", [](mica_image_desc &d) { d.format = MICA_TEXEL_FORMAT_BC1_RGBA_UNORM_BLOCK; }, MICA_OP_IMAGE_LOAD,
	     MICA_DESCRIPTOR_ERROR_COMPRESSED},
	    {"sampled", [](mica_image_desc &) {}, MICA_OP_IMAGE_SAMPLE, MICA_DESCRIPTOR_ERROR_TYPE},
	    {"gathered", [](mica_image_desc &) {}, MICA_OP_IMAGE_GATHER4_R, MICA_DESCRIPTOR_ERROR_TYPE},
	};
	for (const Case &k : cases) {
		SCOPED_TRACE(k.what);
		Rig rig;
		mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R8G8B8A8_UNORM, 8, 8, 2, 1, MICA_IMAGE_TILING_OPTIMAL);
		k.edit(d);
		TexCall c;
		c.opcode = k.opcode;
		c.set(d);
		c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_CLAMP_TO_EDGE));
		c.exec = 0; // checked before any lane
		DispatchResult r = run_tex(rig, c);
		EXPECT_EQ(r.fault, MICA_FAULT_BAD_DESCRIPTOR) << r.report;
		EXPECT_EQ(r.fault_info, k.reason) << r.report;
	}
	// The field round-trips through the encoder and decoder.
	mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R32_SFLOAT, 8, 8, 3, 4, MICA_IMAGE_TILING_LINEAR), back{};
	uint32_t dw[MICA_IMGDESC_DWORDS];
	mica_image_desc_encode(&d, dw);
	ASSERT_EQ(mica_image_desc_decode(dw, &back), 0u);
	EXPECT_EQ(back.samples_log2, 3u);
	EXPECT_EQ(mica_image_desc_layout_depth(&back), 8u);
}

// Every sample is translated through the MMU: the last sample of a texel on an unmapped page
// faults with that sample's address, and nothing the instruction would have written is written.
TEST(TextureMs, SampleOnAnUnmappedPageFaults)
{
	Rig rig(2, 1, 1 << 17); // data region ends at kData + 128 KiB
	// 32x32 R32_UINT: 4 KiB per sample; 4 samples from kImageOff + 112 KiB - 8 KiB: samples 0, 1
	// mapped, 2 and 3 not.
	mica_image_desc d = ms_image(MICA_TEXEL_FORMAT_R32_UINT, 32, 32, 2, 1, MICA_IMAGE_TILING_LINEAR);
	d.addr = Rig::kData + (1 << 17) - 8192;
	TexCall c;
	c.opcode = MICA_OP_IMAGE_STORE;
	c.set(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = l;
		c.lane[l].coord[3] = l < 20 ? 1 : 2;
		c.lane[l].data[0] = 0xdead;
	}
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.report;
	EXPECT_EQ(r.fault_addr, Rig::kData + (1 << 17) + 20 * 4);
	for (unsigned x = 0; x < 32; x++)
		EXPECT_EQ(rig.get<uint32_t>((1 << 17) - 4096 + 4 * x), 0u) << "sample 1 of texel " << x << " written";
}
