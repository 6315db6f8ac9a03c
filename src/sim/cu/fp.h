// SPDX-License-Identifier: MIT
// Floating-point helpers with the exact semantics docs/hw/isa.md promises: IEEE binary16
// conversions with round-to-nearest-even, IEEE-754 2008 minNum/maxNum, saturating float->int
// conversions (NaN -> 0). Host float/double arithmetic runs in the default rounding mode
// (nearest-even) with denormals preserved, which is exactly the device's f32/f64 behaviour.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace mica::sim::cu::fp {

inline float f32(uint32_t b) { return std::bit_cast<float>(b); }
inline uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }
inline double f64(uint64_t b) { return std::bit_cast<double>(b); }
inline uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

// binary16 -> binary32 (exact).
inline float half_to_float(uint32_t h)
{
	uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
	if (exp == 0x1f)
		return f32(sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0));
	if (exp == 0) {
		if (man == 0)
			return f32(sign);
		// Denormal: value = man * 2^-24, exact in float.
		float v = std::ldexp(static_cast<float>(man), -24);
		return sign ? -v : v;
	}
	return f32(sign | ((exp + 112) << 23) | (man << 13));
}

// Rounds a double to binary16 with round-to-nearest-even (single rounding: the double is
// taken as the exact value). Returns the 16-bit pattern.
inline uint32_t double_to_half(double d)
{
	uint64_t b = bits(d);
	uint32_t sign = static_cast<uint32_t>(b >> 48) & 0x8000u;
	if (std::isnan(d))
		return sign | 0x7e00u | static_cast<uint32_t>((b >> 42) & 0x1ffu);
	double a = std::fabs(d);
	if (a >= 65520.0) // halfway between the largest half (65504) and 2^16 rounds to infinity
		return sign | 0x7c00u;
	if (a < std::ldexp(1.0, -14)) {
		// Denormal range: quantum 2^-24. nearbyint rounds half to even in the default mode.
		double q = std::nearbyint(std::ldexp(a, 24));
		return sign | static_cast<uint32_t>(q); // q == 1024 becomes the smallest normal: correct encoding
	}
	int e;
	double m = std::frexp(a, &e); // a = m * 2^e, m in [0.5, 1)
	double q = std::nearbyint(std::ldexp(m, 11)); // 11 significant bits
	if (q >= 2048.0) {
		q /= 2;
		e += 1;
	}
	uint32_t exp = static_cast<uint32_t>(e - 1 + 15);
	if (exp >= 31)
		return sign | 0x7c00u;
	return sign | (exp << 10) | (static_cast<uint32_t>(q) & 0x3ffu);
}

inline uint32_t float_to_half(float f) { return double_to_half(static_cast<double>(f)); }

// Round-to-odd of a + b where the exact sum may not fit a double: makes the following
// rounding to a narrower format (binary16) correct (the double has > 2p+2 bits).
inline double add_round_odd(double a, double b)
{
	double s = a + b;
	if (!std::isfinite(s))
		return s;
	double bb = s - a, err = (a - (s - bb)) + (b - bb); // TwoSum: exact error
	if (err != 0.0 && (bits(s) & 1u) == 0)
		s = std::nextafter(s, err > 0 ? std::numeric_limits<double>::infinity()
		                              : -std::numeric_limits<double>::infinity());
	return s;
}

// IEEE-754 2008 minNum/maxNum: a quiet NaN operand yields the other operand; -0 < +0.
template <class T> inline T min_num(T a, T b)
{
	if (std::isnan(a))
		return std::isnan(b) ? std::numeric_limits<T>::quiet_NaN() : b;
	if (std::isnan(b))
		return a;
	if (a == b)
		return std::signbit(a) ? a : b;
	return a < b ? a : b;
}
template <class T> inline T max_num(T a, T b)
{
	if (std::isnan(a))
		return std::isnan(b) ? std::numeric_limits<T>::quiet_NaN() : b;
	if (std::isnan(b))
		return a;
	if (a == b)
		return std::signbit(a) ? b : a;
	return a > b ? a : b;
}

// The float atomics' min/max on raw bits (global/ds/image_atomic_min/max_f32/f64, docs/hw/isa.md
// "Atomics"): exactly v_min/max_f32/f64's minNum/maxNum, so a NaN operand yields the other operand,
// two NaNs the canonical quiet NaN, -0 < +0, and denormals are compared as they are. The result
// does not depend on which operand is the memory's: lanes racing on a word agree with any order.
template <class T> inline T atomic_fminmax(T old, T v, bool max)
{
	static_assert(sizeof(T) == 4 || sizeof(T) == 8);
	if constexpr (sizeof(T) == 4) {
		const float a = f32(static_cast<uint32_t>(old)), b = f32(static_cast<uint32_t>(v));
		return static_cast<T>(bits(max ? max_num(a, b) : min_num(a, b)));
	} else {
		const double a = f64(static_cast<uint64_t>(old)), b = f64(static_cast<uint64_t>(v));
		return static_cast<T>(bits(max ? max_num(a, b) : min_num(a, b)));
	}
}

// Saturating float -> integer conversion, truncating toward zero, NaN -> 0.
template <class I, class F> inline I to_int_sat(F v)
{
	if (std::isnan(v))
		return 0;
	constexpr F lo = static_cast<F>(std::numeric_limits<I>::min());
	// max()+1 is a power of two and exactly representable
	constexpr F hi = static_cast<F>(std::numeric_limits<I>::max() / 2 + 1) * F(2);
	if (v <= lo)
		return std::numeric_limits<I>::min();
	if (v >= hi)
		return std::numeric_limits<I>::max();
	return static_cast<I>(v);
}

// fract(x) = x - floor(x), kept below 1 (a tiny negative x would round up to 1.0); inf -> NaN.
template <class F> inline F fract(F x)
{
	if (std::isinf(x))
		return std::numeric_limits<F>::quiet_NaN();
	F r = x - std::floor(x);
	F below_one = std::nextafter(F(1), F(0));
	return r > below_one ? below_one : r;
}

} // namespace mica::sim::cu::fp
