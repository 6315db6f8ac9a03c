// SPDX-License-Identifier: MIT
// Texel format conversion (texture_format.h). Values are computed in double and rounded once to
// f32 where a register receives them; encoders use nearbyint (round to nearest even in the
// default rounding mode), as docs/hw/texture.md states.
#include "texture_format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp.h"

namespace mica::sim::cu::tex {

namespace {

// Bits [offset, offset + bits) of a little-endian byte string (bits <= 64).
uint64_t get_bits(const uint8_t *p, unsigned offset, unsigned bits)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < bits; k++) {
		const unsigned b = offset + k;
		v |= static_cast<uint64_t>((p[b / 8] >> (b % 8)) & 1u) << k;
	}
	return v;
}

void put_bits(uint8_t *p, unsigned offset, unsigned bits, uint64_t v)
{
	for (unsigned k = 0; k < bits; k++) {
		const unsigned b = offset + k;
		const uint8_t m = static_cast<uint8_t>(1u << (b % 8));
		p[b / 8] = static_cast<uint8_t>(((v >> k) & 1u) ? (p[b / 8] | m) : (p[b / 8] & ~m));
	}
}

int64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits >= 64)
		return static_cast<int64_t>(v);
	const uint64_t sign = 1ull << (bits - 1);
	return static_cast<int64_t>((v ^ sign) - sign);
}

uint64_t low_bits(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

bool is_64bit(const mica_texel_format_info &fi) { return fi.flags & MICA_TEXEL_64BIT; }

} // namespace

const mica_texel_format_info &format_info(uint32_t format) { return mica_texel_formats[format]; }

double unorm_to_float(uint64_t c, unsigned bits) { return static_cast<double>(c) / static_cast<double>(low_bits(bits)); }

double snorm_to_float(uint64_t c, unsigned bits)
{
	const double v = static_cast<double>(sign_extend(c, bits)) / static_cast<double>(low_bits(bits - 1));
	return std::max(v, -1.0);
}

namespace {

uint64_t unorm_from_double(double f, unsigned bits)
{
	if (std::isnan(f))
		return 0;
	const double c = std::clamp(f, 0.0, 1.0);
	return static_cast<uint64_t>(std::nearbyint(c * static_cast<double>(low_bits(bits))));
}

} // namespace

uint64_t float_to_unorm(float f, unsigned bits) { return unorm_from_double(f, bits); }

uint64_t float_to_snorm(float f, unsigned bits)
{
	if (std::isnan(f))
		return 0;
	const double c = std::clamp(static_cast<double>(f), -1.0, 1.0);
	const int64_t v = static_cast<int64_t>(std::nearbyint(c * static_cast<double>(low_bits(bits - 1))));
	return static_cast<uint64_t>(v) & low_bits(bits);
}

double srgb_to_linear(double c)
{
	return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double linear_to_srgb(double l)
{
	if (std::isnan(l))
		return 0.0;
	l = std::clamp(l, 0.0, 1.0);
	return l <= 0.0031308 ? 12.92 * l : 1.055 * std::pow(l, 1.0 / 2.4) - 0.055;
}

uint64_t float_to_srgb(float linear, unsigned bits) { return unorm_from_double(linear_to_srgb(linear), bits); }

double ufloat_to_double(uint64_t c, unsigned mbits)
{
	const uint64_t e = (c >> mbits) & 0x1f, m = c & low_bits(mbits);
	if (e == 31)
		return m ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
	if (e == 0)
		return std::ldexp(static_cast<double>(m), -14 - static_cast<int>(mbits));
	return std::ldexp(1.0 + std::ldexp(static_cast<double>(m), -static_cast<int>(mbits)), static_cast<int>(e) - 15);
}

uint64_t float_to_ufloat(float f, unsigned mbits)
{
	const uint64_t max_finite = (30ull << mbits) | low_bits(mbits);
	if (std::isnan(f))
		return (31ull << mbits) | (1ull << (mbits - 1));
	if (!(f > 0.0f))
		return 0; // negative values and -0 become 0
	if (std::isinf(f))
		return 31ull << mbits;
	const double a = f;
	if (a < std::ldexp(1.0, -14)) {
		// Denormal range, quantum 2^(-14 - mbits); a carry into the exponent field is the
		// smallest normal's encoding.
		return static_cast<uint64_t>(std::nearbyint(std::ldexp(a, 14 + static_cast<int>(mbits))));
	}
	int e;
	const double m = std::frexp(a, &e); // a = m * 2^e, m in [0.5, 1)
	double q = std::nearbyint(std::ldexp(m, static_cast<int>(mbits) + 1));
	if (q >= std::ldexp(1.0, static_cast<int>(mbits) + 1)) {
		q /= 2;
		e++;
	}
	const int exp = e - 1 + 15;
	if (exp >= 31)
		return max_finite;
	return (static_cast<uint64_t>(exp) << mbits) | (static_cast<uint64_t>(q) & low_bits(mbits));
}

uint32_t encode_e5b9g9r9(float r, float g, float b)
{
	// The Vulkan spec's shared-exponent encoding (N = 9 mantissa bits, B = 15, Emax = 31).
	constexpr int N = 9, B = 15;
	const double sharedexp_max = std::ldexp(511.0 / 512.0, 31 - B);
	auto clampc = [&](float x) { return std::isnan(x) ? 0.0 : std::clamp(static_cast<double>(x), 0.0, sharedexp_max); };
	const double rc = clampc(r), gc = clampc(g), bc = clampc(b);
	const double maxc = std::max({rc, gc, bc});
	int exp_p = -B - 1;
	if (maxc > 0)
		exp_p = std::max(-B - 1, static_cast<int>(std::floor(std::log2(maxc))));
	exp_p += 1 + B;
	const double max_s = std::floor(maxc / std::ldexp(1.0, exp_p - B - N) + 0.5);
	const int exp_s = max_s == std::ldexp(1.0, N) ? exp_p + 1 : exp_p;
	auto mant = [&](double c) {
		return static_cast<uint32_t>(std::min(511.0, std::floor(c / std::ldexp(1.0, exp_s - B - N) + 0.5)));
	};
	return mant(rc) | (mant(gc) << 9) | (mant(bc) << 18) | (static_cast<uint32_t>(exp_s) << 27);
}

void decode(const mica_texel_format_info &fi, const uint8_t *bytes, Texel &t)
{
	if (fi.flags & MICA_TEXEL_COMPRESSED)
		return decode_block(fi, bytes, 0, 0, t);
	const bool integer = fi.result != MICA_TEXEL_CLASS_FLOAT;
	for (unsigned c = 0; c < 4; c++) {
		t.f[c] = c == 3 ? 1.0 : 0.0;
		t.i[c] = c == 3 ? 1 : 0;
	}
	if (fi.flags & MICA_TEXEL_SHARED_EXP) {
		unsigned exp = 0;
		for (unsigned k = 0; k < fi.count; k++)
			if (fi.comp[k].channel == 4)
				exp = static_cast<unsigned>(get_bits(bytes, fi.comp[k].offset, fi.comp[k].bits));
		for (unsigned k = 0; k < fi.count; k++) {
			const mica_texel_component &cp = fi.comp[k];
			if (cp.channel < 4)
				t.f[cp.channel] = std::ldexp(static_cast<double>(get_bits(bytes, cp.offset, cp.bits)),
				                             static_cast<int>(exp) - 15 - 9);
		}
		return;
	}
	for (unsigned k = 0; k < fi.count; k++) {
		const mica_texel_component &cp = fi.comp[k];
		const uint64_t raw = get_bits(bytes, cp.offset, cp.bits);
		const unsigned ch = cp.channel;
		if (is_64bit(fi)) {
			t.i[ch] = raw;
			t.f[ch] = fp::f64(raw);
			continue;
		}
		if (integer) {
			t.i[ch] = fi.result == MICA_TEXEL_CLASS_SINT ? static_cast<uint64_t>(sign_extend(raw, cp.bits)) : raw;
			continue;
		}
		double v = 0;
		switch (fi.numeric) {
		case MICA_NUMERIC_UNORM: v = unorm_to_float(raw, cp.bits); break;
		case MICA_NUMERIC_SRGB:
			v = unorm_to_float(raw, cp.bits);
			if (ch < 3)
				v = srgb_to_linear(v);
			break;
		case MICA_NUMERIC_SNORM: v = snorm_to_float(raw, cp.bits); break;
		case MICA_NUMERIC_USCALED: v = static_cast<double>(raw); break;
		case MICA_NUMERIC_SSCALED: v = static_cast<double>(sign_extend(raw, cp.bits)); break;
		case MICA_NUMERIC_SFLOAT:
			v = cp.bits == 16 ? fp::half_to_float(static_cast<uint32_t>(raw)) : fp::f32(static_cast<uint32_t>(raw));
			t.i[ch] = raw; // an f32 NaN keeps its payload through a load (to_registers)
			break;
		case MICA_NUMERIC_UFLOAT: v = ufloat_to_double(raw, cp.bits - 5); break;
		default: break;
		}
		t.f[ch] = v;
	}
}

void substitute_missing(const mica_texel_format_info &fi, Texel &t)
{
	bool present[4] = {false, false, false, false};
	for (unsigned k = 0; k < fi.count; k++)
		if (fi.comp[k].channel < 4)
			present[fi.comp[k].channel] = true;
	for (unsigned c = 0; c < 4; c++)
		if (!present[c]) {
			t.f[c] = c == 3 ? 1.0 : 0.0;
			t.i[c] = c == 3 ? 1 : 0;
		}
}

void out_of_range_texel(const mica_texel_format_info &fi, Texel &t)
{
	for (unsigned c = 0; c < 4; c++) {
		t.f[c] = 0.0;
		t.i[c] = 0;
	}
	substitute_missing(fi, t);
}

void to_registers(const mica_texel_format_info &fi, const Texel &t, uint32_t regs[4])
{
	if (is_64bit(fi)) {
		regs[0] = static_cast<uint32_t>(t.i[0]);
		regs[1] = static_cast<uint32_t>(t.i[0] >> 32);
		regs[2] = static_cast<uint32_t>(t.i[1]);
		regs[3] = static_cast<uint32_t>(t.i[1] >> 32);
		return;
	}
	const bool raw_f32 = fi.numeric == MICA_NUMERIC_SFLOAT && fi.comp[0].bits == 32;
	for (unsigned c = 0; c < 4; c++) {
		if (fi.result != MICA_TEXEL_CLASS_FLOAT)
			regs[c] = static_cast<uint32_t>(t.i[c]);
		else if (raw_f32 && std::isnan(t.f[c]))
			regs[c] = static_cast<uint32_t>(t.i[c]); // bit-exact (a signalling NaN stays one)
		else
			regs[c] = fp::bits(static_cast<float>(t.f[c]));
	}
}

unsigned encode(const mica_texel_format_info &fi, const uint32_t regs[4], uint8_t *out)
{
	std::memset(out, 0, kMaxTexelBytes);
	if (fi.flags & MICA_TEXEL_SHARED_EXP) {
		const uint32_t v = encode_e5b9g9r9(fp::f32(regs[0]), fp::f32(regs[1]), fp::f32(regs[2]));
		std::memcpy(out, &v, 4);
		return 4;
	}
	if (is_64bit(fi)) {
		unsigned n = 0;
		for (unsigned k = 0; k < fi.count; k++) {
			const mica_texel_component &cp = fi.comp[k];
			if (cp.channel > 1)
				continue; // B and A of a 64-bit format are not reachable from registers
			const uint64_t v = regs[2 * cp.channel] | (static_cast<uint64_t>(regs[2 * cp.channel + 1]) << 32);
			put_bits(out, cp.offset, 64, v);
			n = std::max(n, (cp.offset + 64u) / 8);
		}
		return n;
	}
	for (unsigned k = 0; k < fi.count; k++) {
		const mica_texel_component &cp = fi.comp[k];
		const uint32_t r = regs[cp.channel];
		const float f = fp::f32(r);
		uint64_t c = 0;
		switch (fi.numeric) {
		case MICA_NUMERIC_UINT:
		case MICA_NUMERIC_SINT: c = r; break; // the low bits, as VkClearColorValue casts
		case MICA_NUMERIC_UNORM: c = float_to_unorm(f, cp.bits); break;
		case MICA_NUMERIC_SRGB:
			c = cp.channel < 3 ? float_to_srgb(f, cp.bits) : float_to_unorm(f, cp.bits);
			break;
		case MICA_NUMERIC_SNORM: c = float_to_snorm(f, cp.bits); break;
		case MICA_NUMERIC_USCALED:
			c = std::isnan(f) ? 0
			                  : static_cast<uint64_t>(std::clamp(std::nearbyint(static_cast<double>(f)), 0.0,
			                                                     static_cast<double>(low_bits(cp.bits))));
			break;
		case MICA_NUMERIC_SSCALED: {
			const double lo = -std::ldexp(1.0, cp.bits - 1), hi = std::ldexp(1.0, cp.bits - 1) - 1;
			c = std::isnan(f) ? 0
			                  : static_cast<uint64_t>(static_cast<int64_t>(
			                        std::clamp(std::nearbyint(static_cast<double>(f)), lo, hi)));
			break;
		}
		case MICA_NUMERIC_SFLOAT: c = cp.bits == 16 ? fp::float_to_half(f) : r; break;
		case MICA_NUMERIC_UFLOAT: c = float_to_ufloat(f, cp.bits - 5); break;
		default: break;
		}
		put_bits(out, cp.offset, cp.bits, c & low_bits(cp.bits));
	}
	return fi.bytes;
}

} // namespace mica::sim::cu::tex
