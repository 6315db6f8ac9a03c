// SPDX-License-Identifier: MIT
// Texel format conversion of the texture unit (docs/hw/texture.md "Format conversion"): memory
// bytes <-> component values, driven by the generated formats table (mica_formats.h), following
// the Vulkan spec's "Fixed-Point Data Conversions" and its small-float formats.
#pragma once

#include <cstdint>

#include "mica_formats.h"

namespace mica::sim::cu::tex {

// Bytes a texel occupies at most (R64G64B64A64).
constexpr unsigned kMaxTexelBytes = 32;

// A texel as the unit works with it: FLOAT-class formats in f[] (exact in double: every UNORM,
// SNORM, half, 11/10-bit and shared-exponent value is), UINT/SINT formats in i[] (zero- or
// sign-extended), 64-bit formats' raw component bits in i[] for R and G. Missing components
// are already substituted (0, 0, 0, 1).
struct Texel {
	double f[4];
	uint64_t i[4];
};

const mica_texel_format_info &format_info(uint32_t format);

// Decodes 'bytes' (fi.bytes of them) into t, including sRGB decoding of R, G, B. For a
// block-compressed format, texel (0, 0) of the block.
void decode(const mica_texel_format_info &fi, const uint8_t *bytes, Texel &t);
// Texel (x, y), 0..3, of a 4x4 block of a block-compressed format (texture_bc.cpp).
void decode_block(const mica_texel_format_info &fi, const uint8_t *block, unsigned x, unsigned y, Texel &t);
// Texel (x, y) of the image: 'bytes' are the texel, or the block holding it.
inline void decode_at(const mica_texel_format_info &fi, const uint8_t *bytes, uint32_t x, uint32_t y, Texel &t)
{
	if (fi.flags & MICA_TEXEL_COMPRESSED)
		decode_block(fi, bytes, x % fi.block_width, y % fi.block_height, t);
	else
		decode(fi, bytes, t);
}
// Vulkan's "Conversion to RGBA" for a replaced (border) texel: components the format does not
// have become 0 (G, B) and 1 (A), as for a texel read from memory.
void substitute_missing(const mica_texel_format_info &fi, Texel &t);
// The texel an out-of-range load returns (docs/hw/texture.md "Out-of-range access"): 0 in every
// component the format holds, then the substitution for the others (0 for G and B, 1 for A). For
// every uncompressed format that is what an all-zero bit pattern decodes to; for BC1_RGBA it is
// not (its all-zero block is opaque black), and Vulkan's robustImageAccess2 wants alpha 0 there.
void out_of_range_texel(const mica_texel_format_info &fi, Texel &t);

// Encodes the four register values of a store (FLOAT class: f32 bit patterns; UINT/SINT: 32-bit
// integers; 64-bit formats: regs[0..1] = R, regs[2..3] = G) into 'out'. Returns how many bytes to
// write (fi.bytes, or 8/16 for 64-bit formats with more components than R/G: their B and A stay).
unsigned encode(const mica_texel_format_info &fi, const uint32_t regs[4], uint8_t *out);

// The four registers an image_load returns for a decoded texel (before the view swizzle).
void to_registers(const mica_texel_format_info &fi, const Texel &t, uint32_t regs[4]);

// Individual conversions, exposed for the tests.
double unorm_to_float(uint64_t c, unsigned bits);
double snorm_to_float(uint64_t c, unsigned bits);
uint64_t float_to_unorm(float f, unsigned bits);
uint64_t float_to_snorm(float f, unsigned bits); // two's complement in 'bits' bits
double srgb_to_linear(double c);
double linear_to_srgb(double l);
uint64_t float_to_srgb(float linear, unsigned bits); // sRGB-encoded UNORM, one rounding
double ufloat_to_double(uint64_t c, unsigned mantissa_bits); // 5-bit exponent above the mantissa
uint64_t float_to_ufloat(float f, unsigned mantissa_bits);
uint32_t encode_e5b9g9r9(float r, float g, float b);

} // namespace mica::sim::cu::tex
