// SPDX-License-Identifier: MIT
// Texture-unit format conversion on the device model: image_load of random texels of every format
// in the formats table (both tilings) against a reference decoder written here from the Vulkan
// spec's rules (not the model's code), image_store of the loaded values back (bit-exact round trip
// where the encoding is canonical), and the conversion edges (0, 1, -1, max, NaN, inf, denormals,
// out-of-range values) of each numeric type.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "texture_format.h"
#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

uint64_t bits_at(const uint8_t *p, unsigned off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= uint64_t((p[(off + k) / 8] >> ((off + k) % 8)) & 1) << k;
	return v;
}

int64_t sext(uint64_t v, unsigned bits) { return bits == 64 ? int64_t(v) : int64_t(v << (64 - bits)) >> (64 - bits); }

float half_ref(uint32_t h)
{
	_Float16 f;
	uint16_t b = static_cast<uint16_t>(h);
	std::memcpy(&f, &b, 2);
	return static_cast<float>(f);
}

// 5-bit exponent small float without sign (Vulkan "Unsigned 11-bit / 10-bit floating-point numbers").
double small_float_ref(uint64_t c, unsigned m)
{
	const unsigned e = unsigned(c >> m) & 31;
	const double mant = double(c & ((1u << m) - 1));
	if (e == 31)
		return mant != 0 ? NAN : INFINITY;
	if (e == 0)
		return std::pow(2.0, -14) * (mant / std::pow(2.0, m));
	return std::pow(2.0, int(e) - 15) * (1.0 + mant / std::pow(2.0, m));
}

double srgb_ref(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

// The registers image_load must return for a texel (before swizzle, identity here).
std::array<uint32_t, 4> reference_load(const mica_texel_format_info &fi, const uint8_t *t)
{
	const bool fl = fi.result == MICA_TEXEL_CLASS_FLOAT;
	std::array<uint32_t, 4> r = {0, 0, 0, fl ? bits(1.0f) : 1u};
	if (fi.flags & MICA_TEXEL_64BIT) {
		r = {0, 0, 0, 0};
		for (unsigned k = 0; k < fi.count; k++)
			if (fi.comp[k].channel < 2) {
				uint64_t v = bits_at(t, fi.comp[k].offset, 64);
				r[2 * fi.comp[k].channel] = uint32_t(v);
				r[2 * fi.comp[k].channel + 1] = uint32_t(v >> 32);
			}
		return r;
	}
	if (fi.flags & MICA_TEXEL_SHARED_EXP) {
		uint32_t w;
		std::memcpy(&w, t, 4);
		const int e = int(w >> 27);
		for (unsigned c = 0; c < 3; c++)
			r[c] = bits(float(double((w >> (9 * c)) & 511) * std::pow(2.0, e - 24)));
		return r;
	}
	for (unsigned k = 0; k < fi.count; k++) {
		const auto &cp = fi.comp[k];
		const uint64_t raw = bits_at(t, cp.offset, cp.bits);
		const double maxu = std::pow(2.0, cp.bits) - 1, maxs = std::pow(2.0, cp.bits - 1) - 1;
		uint32_t v = 0;
		switch (fi.numeric) {
		case MICA_NUMERIC_UNORM: v = bits(float(double(raw) / maxu)); break;
		case MICA_NUMERIC_SRGB:
			v = bits(float(cp.channel < 3 ? srgb_ref(double(raw) / maxu) : double(raw) / maxu));
			break;
		case MICA_NUMERIC_SNORM: v = bits(float(std::max(double(sext(raw, cp.bits)) / maxs, -1.0))); break;
		case MICA_NUMERIC_USCALED: v = bits(float(raw)); break;
		case MICA_NUMERIC_SSCALED: v = bits(float(sext(raw, cp.bits))); break;
		case MICA_NUMERIC_UINT: v = uint32_t(raw); break;
		case MICA_NUMERIC_SINT: v = uint32_t(sext(raw, cp.bits)); break;
		case MICA_NUMERIC_SFLOAT: v = cp.bits == 16 ? bits(half_ref(uint32_t(raw))) : uint32_t(raw); break;
		case MICA_NUMERIC_UFLOAT: v = bits(float(small_float_ref(raw, cp.bits - 5))); break;
		}
		r[cp.channel] = v;
	}
	return r;
}

// Whether storing the loaded registers must give back the texel's bits exactly: every encoding
// is canonical except SNORM's most negative value (reads as -1, stored as -max), float NaNs
// (payloads need not survive) and non-normalised shared-exponent encodings.
bool canonical(const mica_texel_format_info &fi, const uint8_t *t)
{
	if (fi.flags & MICA_TEXEL_SHARED_EXP)
		return false;
	// Padding bits (X8_D24's X8) are written as zero.
	unsigned covered = 0;
	for (unsigned k = 0; k < fi.count; k++)
		covered += fi.comp[k].bits;
	if (covered < fi.bytes * 8u && bits_at(t, covered, fi.bytes * 8u - covered))
		return false;
	for (unsigned k = 0; k < fi.count; k++) {
		const auto &cp = fi.comp[k];
		const uint64_t raw = bits_at(t, cp.offset, cp.bits);
		if (fi.numeric == MICA_NUMERIC_SNORM && raw == (1ull << (cp.bits - 1)))
			return false;
		if (fi.numeric == MICA_NUMERIC_SFLOAT && cp.bits == 16 && (raw & 0x7c00) == 0x7c00 && (raw & 0x3ff))
			return false;
		if (fi.numeric == MICA_NUMERIC_UFLOAT && (raw >> (cp.bits - 5)) == 31 && (raw & ((1u << (cp.bits - 5)) - 1)))
			return false;
	}
	return true;
}

bool same_value(uint32_t got, uint32_t want, bool fl)
{
	if (fl && std::isnan(f32(want)))
		return std::isnan(f32(got));
	return got == want;
}

uint64_t texel_offset(uint32_t tiling, unsigned bytes, unsigned x, unsigned y, unsigned w)
{
	if (tiling == MICA_IMAGE_TILING_LINEAR)
		return (uint64_t(y) * w + x) * bytes;
	const unsigned tiles_x = (w + 3) / 4;
	return ((y / 4) * tiles_x + x / 4) * 16ull * bytes + ((y % 4) * 4 + x % 4) * bytes;
}

} // namespace

TEST(TextureFormat, LoadStoreRoundTripEveryFormat)
{
	std::mt19937 rng(1313);
	unsigned checked_formats = 0;
	for (uint32_t f = 0; f < MICA_FORMAT_COUNT; f++) {
		const mica_texel_format_info &fi = mica_texel_formats[f];
		if (fi.flags & MICA_TEXEL_COMPRESSED) { // read only: texture_bc_test.cpp
			checked_formats++;
			continue;
		}
		const bool fl = fi.result == MICA_TEXEL_CLASS_FLOAT && !(fi.flags & MICA_TEXEL_64BIT);
		for (uint32_t tiling : {MICA_IMAGE_TILING_LINEAR, MICA_IMAGE_TILING_OPTIMAL}) {
			SCOPED_TRACE(std::string(fi.name) + (tiling ? " optimal" : " linear"));
			Rig rig;
			const unsigned W = 8, H = 4;
			std::vector<uint8_t> texels(W * H * fi.bytes);
			for (auto &b : texels)
				b = static_cast<uint8_t>(rng());
			// A few fixed edge texels: all zeros, all ones.
			std::memset(texels.data(), 0, fi.bytes);
			std::memset(texels.data() + fi.bytes, 0xff, fi.bytes);
			for (unsigned l = 0; l < 32; l++)
				std::memcpy(rig.data + kImageOff + texel_offset(tiling, fi.bytes, l % W, l / W, W),
				            texels.data() + l * fi.bytes, fi.bytes);
			TexCall load;
			load.set(image_2d(f, W, H, tiling));
			for (unsigned l = 0; l < 32; l++) {
				load.lane[l].coord[0] = l % W;
				load.lane[l].coord[1] = l / W;
			}
			DispatchResult r = run_tex(rig, load);
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			for (unsigned l = 0; l < 32; l++) {
				auto want = reference_load(fi, texels.data() + l * fi.bytes);
				for (unsigned c = 0; c < 4; c++)
					EXPECT_TRUE(same_value(load.lane[l].out[c], want[c], fl))
					    << "lane " << l << " component " << c << ": got 0x" << std::hex << load.lane[l].out[c]
					    << " want 0x" << want[c];
			}
			// Store what was loaded into a second image and compare the bytes.
			TexCall store;
			mica_image_desc dst = image_2d(f, W, H, tiling);
			dst.addr = kImageVa + 0x8000;
			store.set(dst);
			store.opcode = MICA_OP_IMAGE_STORE;
			for (unsigned l = 0; l < 32; l++) {
				store.lane[l].coord[0] = l % W;
				store.lane[l].coord[1] = l / W;
				std::memcpy(store.lane[l].data, load.lane[l].out, 16);
			}
			r = run_tex(rig, store);
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			const unsigned cmp_bytes = (fi.flags & MICA_TEXEL_64BIT) ? std::min<unsigned>(fi.bytes, 16) : fi.bytes;
			for (unsigned l = 0; l < 32; l++) {
				const uint8_t *orig = texels.data() + l * fi.bytes;
				if (!canonical(fi, orig))
					continue;
				const uint8_t *got = rig.data + kImageOff + 0x8000 + texel_offset(tiling, fi.bytes, l % W, l / W, W);
				EXPECT_EQ(0, std::memcmp(got, orig, cmp_bytes)) << "lane " << l;
			}
		}
		checked_formats++;
	}
	EXPECT_EQ(checked_formats, MICA_FORMAT_COUNT);
}

// Encoders at their edges, per the Vulkan spec's conversion rules.
TEST(TextureFormat, ConversionEdges)
{
	using namespace mica::sim::cu::tex;
	// float -> UNORM: clamp, NaN -> 0, round to nearest even.
	EXPECT_EQ(float_to_unorm(0.0f, 8), 0u);
	EXPECT_EQ(float_to_unorm(1.0f, 8), 255u);
	EXPECT_EQ(float_to_unorm(-1.0f, 8), 0u);
	EXPECT_EQ(float_to_unorm(2.0f, 8), 255u);
	EXPECT_EQ(float_to_unorm(INFINITY, 8), 255u);
	EXPECT_EQ(float_to_unorm(NAN, 8), 0u);
	EXPECT_EQ(float_to_unorm(0.5f, 8), 128u);  // 127.5 -> even
	EXPECT_EQ(float_to_unorm(0.5f, 2), 2u);    // 1.5 -> even
	EXPECT_EQ(float_to_unorm(0.5f, 1), 0u);    // 0.5 -> even
	EXPECT_EQ(float_to_unorm(1e-45f, 16), 0u); // denormal
	// float -> SNORM.
	EXPECT_EQ(float_to_snorm(-1.0f, 8), 0x81u);
	EXPECT_EQ(float_to_snorm(-2.0f, 8), 0x81u);
	EXPECT_EQ(float_to_snorm(1.0f, 8), 0x7fu);
	EXPECT_EQ(float_to_snorm(NAN, 8), 0u);
	EXPECT_EQ(float_to_snorm(-INFINITY, 16), 0x8001u);
	EXPECT_EQ(snorm_to_float(0x80, 8), -1.0);
	EXPECT_EQ(snorm_to_float(0x81, 8), -1.0);
	EXPECT_EQ(snorm_to_float(0x7f, 8), 1.0);
	EXPECT_EQ(unorm_to_float(0x3ff, 10), 1.0);
	// sRGB.
	EXPECT_EQ(float_to_srgb(0.5f, 8), 188u);
	EXPECT_EQ(float_to_srgb(-1.0f, 8), 0u);
	EXPECT_EQ(float_to_srgb(NAN, 8), 0u);
	EXPECT_EQ(linear_to_srgb(NAN), 0.0);
	EXPECT_DOUBLE_EQ(linear_to_srgb(2.0), 1.0);
	EXPECT_NEAR(srgb_to_linear(188.0 / 255), 0.50289, 1e-5);
	for (unsigned c = 0; c < 256; c++) // every 8-bit sRGB value survives decode + encode
		EXPECT_EQ(float_to_srgb(static_cast<float>(srgb_to_linear(c / 255.0)), 8), c);
	// 11/10-bit unsigned floats.
	EXPECT_EQ(float_to_ufloat(-1.0f, 6), 0u);
	EXPECT_EQ(float_to_ufloat(-0.0f, 6), 0u);
	EXPECT_EQ(float_to_ufloat(INFINITY, 6), 0x7c0u);
	EXPECT_EQ(float_to_ufloat(NAN, 6) >> 6, 31u);
	EXPECT_NE(float_to_ufloat(NAN, 6) & 0x3f, 0u);
	EXPECT_EQ(float_to_ufloat(1e6f, 6), 0x7bfu);     // above the maximum: the maximum finite value
	EXPECT_EQ(float_to_ufloat(65024.0f, 6), 0x7bfu);
	EXPECT_EQ(float_to_ufloat(1.0f, 6), 15u << 6);
	EXPECT_EQ(float_to_ufloat(1.0f, 5), 15u << 5);
	EXPECT_EQ(float_to_ufloat(std::ldexp(1.0f, -20), 6), 1u); // smallest denormal
	EXPECT_EQ(float_to_ufloat(std::ldexp(1.0f, -21), 6), 0u); // half of it: tie to even
	EXPECT_EQ(ufloat_to_double(0x7bf, 6), 65024.0);
	EXPECT_EQ(ufloat_to_double(0x3df, 5), 64512.0);
	// Shared exponent: the spec's algorithm.
	EXPECT_EQ(encode_e5b9g9r9(0, 0, 0), 0u);
	EXPECT_EQ(encode_e5b9g9r9(1, 1, 1), 256u | (256u << 9) | (256u << 18) | (16u << 27));
	EXPECT_EQ(encode_e5b9g9r9(-5, NAN, 0), 0u);
	EXPECT_EQ(encode_e5b9g9r9(1e9f, 0, 0), 511u | (31u << 27)); // clamped to sharedexp_max
	EXPECT_EQ(encode_e5b9g9r9(0.5f, 0.25f, 0), 256u | (128u << 9) | (15u << 27));
}

// The same edges through image_store on the device (what a shader sees).
TEST(TextureFormat, StoreConvertsAtTheEdges)
{
	struct Case {
		uint32_t format;
		float in[4];
		std::vector<uint8_t> want;
	};
	const std::vector<Case> cases = {
	    {MICA_TEXEL_FORMAT_R8G8B8A8_UNORM, {-1.0f, 2.0f, NAN, 0.5f}, {0, 255, 0, 128}},
	    {MICA_TEXEL_FORMAT_R8G8B8A8_SNORM, {-1.0f, -2.0f, NAN, 1.0f}, {0x81, 0x81, 0, 0x7f}},
	    {MICA_TEXEL_FORMAT_R16G16B16A16_SFLOAT, {65520.0f, 65504.0f, std::ldexp(1.0f, -24), -0.0f},
	     {0x00, 0x7c, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x80}},
	    {MICA_TEXEL_FORMAT_R8G8B8A8_SRGB, {0.5f, 1.0f, 0.0f, 0.5f}, {188, 255, 0, 128}},
	    {MICA_TEXEL_FORMAT_R8G8B8A8_USCALED, {-3.0f, 300.0f, 2.5f, 3.5f}, {0, 255, 2, 4}},
	    {MICA_TEXEL_FORMAT_R8G8B8A8_SSCALED, {-300.0f, 300.0f, -2.5f, NAN}, {0x80, 0x7f, 0xfe, 0}},
	    {MICA_TEXEL_FORMAT_A2B10G10R10_UNORM_PACK32, {1.0f, 0.0f, 1.0f, 1.0f}, {0xff, 0x03, 0xf0, 0xff}},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(mica_texel_formats[c.format].name);
		Rig rig;
		TexCall st;
		st.opcode = MICA_OP_IMAGE_STORE;
		st.set(image_2d(c.format, 32, 1));
		for (unsigned l = 0; l < 32; l++) {
			st.lane[l].coord[0] = l;
			for (unsigned k = 0; k < 4; k++)
				st.lane[l].data[k] = bits(c.in[k]);
		}
		DispatchResult r = run_tex(rig, st);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		for (size_t b = 0; b < c.want.size(); b++)
			EXPECT_EQ(rig.data[kImageOff + 31 * c.want.size() + b], c.want[b]) << "byte " << b;
	}
}

// Integer formats store the low bits of the register (as VkClearColorValue casts).
TEST(TextureFormat, IntegerStoresKeepLowBits)
{
	Rig rig;
	TexCall st;
	st.opcode = MICA_OP_IMAGE_STORE;
	st.set(image_2d(MICA_TEXEL_FORMAT_R8G8B8A8_SINT, 32, 1));
	for (unsigned l = 0; l < 32; l++) {
		st.lane[l].coord[0] = l;
		st.lane[l].data[0] = 0x1ff;
		st.lane[l].data[1] = static_cast<uint32_t>(-1);
		st.lane[l].data[2] = 0x80;
		st.lane[l].data[3] = l;
	}
	ASSERT_EQ(run_tex(rig, st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.data[kImageOff + 4 * 5 + 0], 0xff);
	EXPECT_EQ(rig.data[kImageOff + 4 * 5 + 1], 0xff);
	EXPECT_EQ(rig.data[kImageOff + 4 * 5 + 2], 0x80);
	EXPECT_EQ(rig.data[kImageOff + 4 * 5 + 3], 5);
	// And read back sign-extended.
	TexCall ld;
	ld.set(image_2d(MICA_TEXEL_FORMAT_R8G8B8A8_SINT, 32, 1));
	for (unsigned l = 0; l < 32; l++)
		ld.lane[l].coord[0] = l;
	ASSERT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
	EXPECT_EQ(ld.lane[5].out[0], 0xffffffffu);
	EXPECT_EQ(ld.lane[5].out[2], 0xffffff80u);
	EXPECT_EQ(ld.lane[5].out[3], 5u);
}
