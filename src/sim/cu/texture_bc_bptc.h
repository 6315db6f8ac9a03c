// SPDX-License-Identifier: MIT
// BPTC block decoding (texture_bc_bptc.cpp): one texel (x + 4 y) of a 16-byte BC7 or BC6H block.
#pragma once

#include <cstdint>

namespace mica::sim::cu::tex {

// BC7: the texel's R, G, B, A as 8-bit UNORM values (sRGB decoding is the caller's).
void decode_bc7(const uint8_t *block, unsigned texel, uint8_t rgba[4]);
// BC6H: the texel's R, G, B as IEEE half-float bits (UFLOAT: never negative); alpha is 1.
void decode_bc6h(const uint8_t *block, unsigned texel, bool is_signed, uint16_t rgb[3]);

} // namespace mica::sim::cu::tex
