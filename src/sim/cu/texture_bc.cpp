// SPDX-License-Identifier: MIT
// Block-compressed texel decoding (BC1-BC5 here, BC6H and BC7 in texture_bc_bptc.cpp; docs/hw/texture.md "Block-compressed formats"): the
// value of one texel of a 4x4 block, computed exactly in double from the block's endpoints as the
// Khronos Data Format Specification's S3TC and RGTC chapters define the palettes (interpolation
// in real arithmetic; the unit rounds once to f32 when a register receives the value).
#include "texture_format.h"
#include "texture_bc_bptc.h"

#include "fp.h"

#include <algorithm>
#include <cstring>

namespace mica::sim::cu::tex {

namespace {

uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= static_cast<uint64_t>(p[k]) << (8 * k);
	return v;
}

// BC1's colour block (also the colour half of BC2/BC3, which always use the four-colour palette).
// alpha: 0 for the transparent black of BC1's three-colour mode when the format has alpha.
void bc1_colour(const uint8_t *b, unsigned texel, bool always_four, bool has_alpha, double rgba[4])
{
	const uint32_t c0 = static_cast<uint32_t>(le(b, 2)), c1 = static_cast<uint32_t>(le(b + 2, 2));
	const uint32_t code = static_cast<uint32_t>(le(b + 4, 4) >> (2 * texel)) & 3;
	auto rgb = [](uint32_t c, double out[3]) {
		out[0] = static_cast<double>((c >> 11) & 31) / 31.0;
		out[1] = static_cast<double>((c >> 5) & 63) / 63.0;
		out[2] = static_cast<double>(c & 31) / 31.0;
	};
	double e0[3], e1[3];
	rgb(c0, e0);
	rgb(c1, e1);
	rgba[3] = 1.0;
	for (unsigned k = 0; k < 3; k++) {
		switch (code) {
		case 0: rgba[k] = e0[k]; break;
		case 1: rgba[k] = e1[k]; break;
		case 2: rgba[k] = (always_four || c0 > c1) ? (2 * e0[k] + e1[k]) / 3 : (e0[k] + e1[k]) / 2; break;
		default: rgba[k] = (always_four || c0 > c1) ? (e0[k] + 2 * e1[k]) / 3 : 0.0; break;
		}
	}
	if (code == 3 && !always_four && c0 <= c1 && has_alpha)
		rgba[3] = 0.0;
}

// The 8-bit-endpoint block of BC3's alpha and of BC4/BC5 (RGTC): UNORM endpoints 0..255, SNORM
// endpoints -127..127 (-128 reads as -127). Returns the value in [0, 1] or [-1, 1].
double rgtc_channel(const uint8_t *b, unsigned texel, bool snorm)
{
	double e0, e1, lo, hi;
	bool six;
	if (snorm) {
		const int s0 = static_cast<int8_t>(b[0]), s1 = static_cast<int8_t>(b[1]);
		e0 = std::max(s0, -127) / 127.0;
		e1 = std::max(s1, -127) / 127.0;
		six = s0 > s1;
		lo = -1.0;
		hi = 1.0;
	} else {
		e0 = b[0] / 255.0;
		e1 = b[1] / 255.0;
		six = b[0] > b[1];
		lo = 0.0;
		hi = 1.0;
	}
	const unsigned code = static_cast<unsigned>(le(b + 2, 6) >> (3 * texel)) & 7;
	if (code == 0)
		return e0;
	if (code == 1)
		return e1;
	if (six)
		return ((8 - code) * e0 + (code - 1) * e1) / 7;
	if (code == 6)
		return lo;
	if (code == 7)
		return hi;
	return ((6 - code) * e0 + (code - 1) * e1) / 5;
}

} // namespace

void decode_block(const mica_texel_format_info &fi, const uint8_t *b, unsigned x, unsigned y, Texel &t)
{
	const unsigned texel = 4 * y + x;
	double v[4] = {0.0, 0.0, 0.0, 1.0};
	const bool snorm = fi.numeric == MICA_NUMERIC_SNORM;
	switch (fi.compression) {
	case MICA_COMPRESSION_BC1: bc1_colour(b, texel, false, fi.flags & MICA_TEXEL_HAS_ALPHA, v); break;
	case MICA_COMPRESSION_BC2:
		bc1_colour(b + 8, texel, true, true, v);
		v[3] = static_cast<double>((le(b, 8) >> (4 * texel)) & 15) / 15.0;
		break;
	case MICA_COMPRESSION_BC3:
		bc1_colour(b + 8, texel, true, true, v);
		v[3] = rgtc_channel(b, texel, false);
		break;
	case MICA_COMPRESSION_BC4: v[0] = rgtc_channel(b, texel, snorm); break;
	case MICA_COMPRESSION_BC5:
		v[0] = rgtc_channel(b, texel, snorm);
		v[1] = rgtc_channel(b + 8, texel, snorm);
		break;
	case MICA_COMPRESSION_BC6H: {
		uint16_t h[3];
		decode_bc6h(b, texel, fi.numeric == MICA_NUMERIC_SFLOAT, h);
		for (unsigned k = 0; k < 3; k++)
			v[k] = fp::half_to_float(h[k]);
		break;
	}
	case MICA_COMPRESSION_BC7: {
		uint8_t c[4];
		decode_bc7(b, texel, c);
		for (unsigned k = 0; k < 4; k++)
			v[k] = c[k] / 255.0;
		break;
	}
	default: break;
	}
	if (fi.flags & MICA_TEXEL_SRGB)
		for (unsigned k = 0; k < 3; k++)
			v[k] = srgb_to_linear(v[k]);
	for (unsigned k = 0; k < 4; k++) {
		t.f[k] = v[k];
		t.i[k] = 0;
	}
}

} // namespace mica::sim::cu::tex
