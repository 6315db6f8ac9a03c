// SPDX-License-Identifier: MIT
// Integer helpers shared by the scalar and vector ALUs: the exact edge-case semantics of
// division, bit-field and bit-count operations documented in docs/hw/isa.md.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace mica::sim::cu::ops {

inline uint32_t div_u32(uint32_t a, uint32_t b) { return b ? a / b : ~0u; }
inline uint32_t rem_u32(uint32_t a, uint32_t b) { return b ? a % b : a; }
inline uint32_t div_i32(uint32_t a, uint32_t b)
{
	int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
	if (y == 0)
		return ~0u;
	if (x == std::numeric_limits<int32_t>::min() && y == -1)
		return a;
	return static_cast<uint32_t>(x / y);
}
inline uint32_t rem_i32(uint32_t a, uint32_t b)
{
	int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
	if (y == 0)
		return a;
	if (x == std::numeric_limits<int32_t>::min() && y == -1)
		return 0;
	return static_cast<uint32_t>(x % y);
}

// Bit-field extract: offset = src1[4:0], width = src2[4:0]; width 0 gives 0; a field reaching
// past bit 31 is cut at bit 31 (unsigned: zero-filled; signed: sign of bit 31).
inline uint32_t bfe_u32(uint32_t v, uint32_t off, uint32_t width)
{
	off &= 31;
	width &= 31;
	if (!width)
		return 0;
	if (off + width < 32)
		return (v << (32 - off - width)) >> (32 - width);
	return v >> off;
}
inline uint32_t bfe_i32(uint32_t v, uint32_t off, uint32_t width)
{
	off &= 31;
	width &= 31;
	if (!width)
		return 0;
	if (off + width < 32)
		return static_cast<uint32_t>(static_cast<int32_t>(v << (32 - off - width)) >> (32 - width));
	return static_cast<uint32_t>(static_cast<int32_t>(v) >> off);
}
// Bit-field mask: width = src0[4:0] ones starting at bit offset = src1[4:0] (bits past 31 drop).
inline uint32_t bfm_b32(uint32_t width, uint32_t off) { return ((1u << (width & 31)) - 1u) << (off & 31); }
// Bit-field insert: (src0 & src1) | (~src0 & src2), src0 is the mask.
inline uint32_t bfi_b32(uint32_t m, uint32_t a, uint32_t b) { return (m & a) | (~m & b); }

// Portable popcount (the default x86-64 target has no popcnt instruction; std::popcount would
// call libgcc per lane). Vectorises in lane loops.
inline uint32_t popcount32(uint32_t v)
{
	v = v - ((v >> 1) & 0x55555555u);
	v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
	v = (v + (v >> 4)) & 0x0f0f0f0fu;
	return (v * 0x01010101u) >> 24;
}

inline uint32_t brev(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
	v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
	return (v >> 16) | (v << 16);
}

inline uint32_t smin(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) < static_cast<int32_t>(b) ? a : b; }
inline uint32_t smax(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) > static_cast<int32_t>(b) ? a : b; }
inline uint64_t smin64(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) < static_cast<int64_t>(b) ? a : b; }
inline uint64_t smax64(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) > static_cast<int64_t>(b) ? a : b; }
inline uint32_t sar32(uint32_t a, uint32_t s) { return static_cast<uint32_t>(static_cast<int32_t>(a) >> (s & 31)); }
inline uint64_t sar64(uint64_t a, uint32_t s) { return static_cast<uint64_t>(static_cast<int64_t>(a) >> (s & 63)); }

inline uint64_t mul_hi_u64(uint64_t a, uint64_t b)
{
	return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}
inline uint64_t mul_hi_i64(uint64_t a, uint64_t b)
{
	__int128 p = static_cast<__int128>(static_cast<int64_t>(a)) * static_cast<int64_t>(b);
	return static_cast<uint64_t>(static_cast<unsigned __int128>(p) >> 64);
}

} // namespace mica::sim::cu::ops
