// SPDX-License-Identifier: MIT
// The texture unit's per-instruction state, shared by texture.cpp (descriptors, addressing,
// load/store/atomics/queries) and texture_sample.cpp (sampling and gathers).
#pragma once

#include <cstdint>

#include "mica_image.h"
#include "texture_format.h"
#include "wave.h"

namespace mica::sim::cu::tex {

// A texel in memory: up to two host pieces when it straddles a page.
struct TexelPtr {
	uint8_t *p1 = nullptr, *p2 = nullptr;
	unsigned n1 = 0, n = 0;
	void read(uint8_t *dst) const;
	void write(const uint8_t *src, unsigned bytes) const;
};

struct ImageOp {
	mica_image_desc img{};
	mica_sampler_desc smp{};
	const mica_texel_format_info *fi = nullptr;
	mica_image_level level[MICA_TEX_MAX_LEVELS]{}; // indexed by view level
	int32_t texel_offset[3] = {0, 0, 0};           // from the offset field
	uint32_t exec = 0;
	bool sec = false;                              // SEC_WAVE_START_TLB window
	alignas(64) uint32_t addr[4][kLanes];
	alignas(64) uint32_t data[4][kLanes];
	bool keep[4] = {false, false, false, false};
	alignas(64) uint32_t res[4][kLanes];
};

// Component selection of the view (docs/hw/texture.md): applies to loads, samples and gathers.
void swizzle(const mica_image_desc &img, Texel &t);

} // namespace mica::sim::cu::tex
