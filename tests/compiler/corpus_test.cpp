// The execution corpus: every shader in corpus/ is compiled from GLSL for each revision and
// power profile, run on the device model in checked hazard mode, and compared with a host
// reference. Also: with the hazard and wait passes disabled the model must report violations
// (proof the passes matter), and static cycle estimates are compared with measured cycles.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

uint32_t f2u(float f) { return std::bit_cast<uint32_t>(f); }
float u2f(uint32_t u) { return std::bit_cast<float>(u); }

struct Rng {
	uint64_t s;
	uint32_t next()
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return (uint32_t)(s >> 33);
	}
};

// Inputs with edge cases first, then pseudo-random values.
std::vector<uint32_t> int_inputs(uint32_t n, uint64_t seed)
{
	static const uint32_t edges[] = {0, 1, 2, 3, 5, 7, 0xffffffffu, 0x80000000u, 0x7fffffffu, 0xfffffffeu, 31, 32, 33, 100, 1000, 65535};
	Rng r{seed};
	std::vector<uint32_t> v;
	for (uint32_t i = 0; i < n; i++)
		v.push_back(i < 16 && seed % 2 ? edges[i] : (i % 3 == 0 ? r.next() % 2000 : r.next()));
	return v;
}

std::vector<uint32_t> float_inputs(uint32_t n, uint64_t seed)
{
	Rng r{seed};
	std::vector<uint32_t> v;
	for (uint32_t i = 0; i < n; i++) {
		float f = ((float)(r.next() % 20000) - 10000.0f) / 1000.0f;
		if (f == 0.0f)
			f = 0.125f;
		v.push_back(f2u(f));
	}
	return v;
}

float smoothstep_ref(float e0, float e1, float x)
{
	float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
	return t * t * (3.0f - 2.0f * t);
}

// IEEE binary16 conversions for finite values in the normal f16 range (what the inputs hold),
// rounding to nearest even.
uint32_t f32_to_f16(float f)
{
	uint32_t b = f2u(f);
	uint32_t sign = (b >> 16) & 0x8000u;
	int32_t e = (int32_t)((b >> 23) & 0xffu) - 127 + 15;
	uint32_t m = b & 0x7fffffu;
	if ((b & 0x7fffffffu) == 0)
		return sign;
	uint32_t h = ((uint32_t)e << 10) | (m >> 13);
	uint32_t rest = m & 0x1fffu;
	if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
		h++;
	return sign | h;
}

float f16_to_f32(uint32_t h)
{
	uint32_t sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
	if (e == 0 && m == 0)
		return u2f(sign);
	return u2f(sign | ((e - 15 + 127) << 23) | (m << 13));
}

int32_t glsl_findlsb(uint32_t x) { return x ? std::countr_zero(x) : -1; }
int32_t glsl_findumsb(uint32_t x) { return x ? 31 - std::countl_zero(x) : -1; }
int32_t glsl_findsmsb(int32_t x) { return glsl_findumsb(x < 0 ? ~(uint32_t)x : (uint32_t)x); }
uint32_t bfe(uint32_t v, int off, int bits) { return bits ? (v >> off) & ((1u << bits) - 1) : 0; }
uint32_t bfi(uint32_t base, uint32_t ins, int off, int bits)
{
	uint32_t m = ((1u << bits) - 1) << off;
	return (base & ~m) | ((ins << off) & m);
}
uint32_t brev(uint32_t v)
{
	uint32_t r = 0;
	for (int i = 0; i < 32; i++)
		r |= ((v >> i) & 1u) << (31 - i);
	return r;
}
int32_t smod(int32_t a, int32_t b)
{
	if (b == -1)
		return 0;
	int32_t r = a % b;
	if (r && ((r < 0) != (b < 0)))
		r += b;
	return r;
}
int32_t sdiv(int32_t a, int32_t b) { return (a == INT32_MIN && b == -1) ? a : a / b; }
float fsign(float x) { return x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f; }

enum class Cmp { exact, f32 };

struct Case {
	std::string file;
	uint32_t groups[3] = {4, 1, 1};
	std::map<uint32_t, uint64_t> spec;
	// Fills the buffers and push constants.
	std::function<void(std::vector<Buffer> &, std::vector<uint32_t> &)> setup;
	// Returns the expected contents of the checked buffers (index -> words); checked against
	// the results with 'cmp'.
	std::function<std::map<size_t, std::vector<uint32_t>>(const std::vector<Buffer> &in)> expect;
	// Optional custom check (instead of expect).
	std::function<std::string(const std::vector<Buffer> &in, const std::vector<Buffer> &out)> check;
	Cmp cmp = Cmp::exact;
	double tol = 1e-5;
};

Buffer buf(uint32_t binding, std::vector<uint32_t> d, uint32_t set = 0)
{
	Buffer b;
	b.set = set;
	b.binding = binding;
	b.data = std::move(d);
	return b;
}

constexpr uint32_t N = 256;   // 4 workgroups of 64

// Element-wise shaders: a (binding 0), b (binding 1) -> o (binding 2), n in push constants.
Case map_case(const std::string &name, bool float_in, std::function<uint32_t(uint32_t, uint32_t)> f, Cmp cmp = Cmp::exact,
              double tol = 1e-5)
{
	Case c;
	c.file = "map_" + name + ".comp";
	c.setup = [float_in](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
		b.push_back(buf(0, float_in ? float_inputs(N, 11) : int_inputs(N, 11)));
		b.push_back(buf(1, float_in ? float_inputs(N, 12) : int_inputs(N, 12)));
		b.push_back(buf(2, std::vector<uint32_t>(N + 8, 0xdeadbeefu)));
		push = {N - 3};   // the last invocations are out of range and must not write
	};
	c.expect = [f](const std::vector<Buffer> &in) {
		std::vector<uint32_t> o(N + 8, 0xdeadbeefu);
		for (uint32_t i = 0; i < N - 3; i++)
			o[i] = f(in[0].data[i], in[1].data[i]);
		return std::map<size_t, std::vector<uint32_t>>{{2, o}};
	};
	c.cmp = cmp;
	c.tol = tol;
	return c;
}

#define U32(expr) [](uint32_t x, uint32_t y) -> uint32_t { (void)x; (void)y; return (expr); }
#define I32(expr) [](uint32_t ux, uint32_t uy) -> uint32_t { int32_t x = (int32_t)ux, y = (int32_t)uy; (void)x; (void)y; return (uint32_t)(expr); }
#define F32(expr) [](uint32_t ux, uint32_t uy) -> uint32_t { float x = u2f(ux), y = u2f(uy); (void)x; (void)y; return f2u(expr); }
#define F2U(expr) [](uint32_t ux, uint32_t uy) -> uint32_t { float x = u2f(ux), y = u2f(uy); (void)x; (void)y; return (uint32_t)(expr); }

// Shaders with a (binding 0) -> o (binding 2), one output word per invocation (or 'per').
Case simple(const std::string &file, uint32_t n, std::function<std::vector<uint32_t>(const std::vector<uint32_t> &a)> ref,
            uint32_t wg = 64, std::vector<uint32_t> input = {}, uint32_t out_words = 0)
{
	Case c;
	c.file = file;
	c.groups[0] = n / wg;
	uint32_t ow = out_words ? out_words : n;
	c.setup = [n, input, ow](std::vector<Buffer> &b, std::vector<uint32_t> &) {
		b.push_back(buf(0, input.empty() ? int_inputs(n, 21) : input));
		b.push_back(buf(2, std::vector<uint32_t>(ow, 0xdeadbeefu)));
	};
	c.expect = [ref](const std::vector<Buffer> &in) { return std::map<size_t, std::vector<uint32_t>>{{1, ref(in[0].data)}}; };
	return c;
}

uint32_t hash(uint32_t v)
{
	v ^= v >> 16;
	v *= 0x7feb352du;
	v ^= v >> 15;
	return v;
}

std::vector<Case> corpus()
{
	std::vector<Case> cs;
	// ---- element-wise arithmetic ----
	cs.push_back(map_case("u32_add_mul", false, U32(x * 3u + y)));
	cs.push_back(map_case("u32_sub_wrap", false, U32(x - y - 0x7fffffffu)));
	cs.push_back(map_case("u32_div", false, U32(x / (y | 1u))));
	cs.push_back(map_case("u32_mod", false, U32(x % (y | 1u))));
	cs.push_back(map_case("u32_div_const", false, U32(x / 7u + x % 16u + x / 64u)));
	cs.push_back(map_case("u32_shifts", false, U32((x << (y & 31u)) ^ (x >> (y & 15u)))));
	cs.push_back(map_case("u32_bitops", false, U32((x & y) | (~x ^ (y >> 3)))));
	cs.push_back(map_case("u32_minmax", false, U32(std::min(x, y) + std::max(x, y) * 2u)));
	cs.push_back(map_case("u32_bitcount", false,
	                      U32((uint32_t)std::popcount(x) + (uint32_t)glsl_findlsb(x) * 100u + (uint32_t)glsl_findumsb(x) * 10000u)));
	cs.push_back(map_case("u32_bitfield", false, U32(bfe(x, 3, 7) + bfi(x, y, 4, 9))));
	cs.push_back(map_case("u32_bitreverse", false, U32(brev(x) ^ y)));
	cs.push_back(map_case("u32_clamp_select", false, U32((x > y ? x - y : y - x) + std::clamp(x, 100u, 5000000u))));
	cs.push_back(map_case("i32_div_mod", false, I32((uint32_t)sdiv(x, y | 1) + (uint32_t)smod(x, y | 1) * 3u)));
	cs.push_back(map_case("i32_abs_sign", false, I32((uint32_t)(x == INT32_MIN ? x : std::abs(x)) + (uint32_t)((y > 0 ? 1 : y < 0 ? -1 : 0) * 3))));
	cs.push_back(map_case("i32_ashr_cmp", false, I32((uint32_t)(x >> (y & 31)) + (x < y ? 1u : 0u) + (x <= -5 ? 2u : 0u))));
	cs.push_back(map_case("i32_minmax_clamp", false,
	                      I32((uint32_t)std::min(x, y) - (uint32_t)std::max(x, (int32_t)(0u - (uint32_t)y)) + (uint32_t)std::clamp(x, -1000, 1000))));
	cs.push_back(map_case("i32_findmsb", false, I32(glsl_findsmsb(x) + glsl_findlsb((uint32_t)y) * 64)));
	cs.push_back(map_case("u32_mul_extended", false, [](uint32_t x, uint32_t y) -> uint32_t {
		uint64_t u = (uint64_t)x * y, v = (uint64_t)y * 12345u;
		int64_t si = (int64_t)(int32_t)x * (int32_t)y;
		uint32_t hi = (uint32_t)(u >> 32), lo = (uint32_t)u;
		return hi + lo * 3u + (uint32_t)((uint64_t)si >> 32) * 5u + (uint32_t)si * 7u + hi * 11u + (uint32_t)(v >> 32) * 13u +
		       (uint32_t)v;
	}));
	cs.push_back(map_case("f32_atan", true, F32(std::atan(x * 0.25f) + 2.0f * std::atan2(y, x)), Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_asin_acos", true, F32(std::asin(x * 0.1f) + 2.0f * std::acos(y * 0.1f)), Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_smoothstep", true, F32(smoothstep_ref(-2.0f, 3.0f, x) + 2.0f * smoothstep_ref(y, y + 4.0f, x)), Cmp::f32));
	cs.push_back(map_case("f32_pack_half", true, [](uint32_t ux, uint32_t uy) -> uint32_t {
		uint32_t p = f32_to_f16(u2f(ux)) | f32_to_f16(u2f(uy)) << 16;
		return p ^ (f2u(f16_to_f32((p >> 16) ^ 1u)) * 3u);
	}));
	cs.push_back(map_case("f32_frexp", true, [](uint32_t ux, uint32_t) -> uint32_t {
		int e = 0;
		float m = std::frexp(u2f(ux) * 1000.0f, &e);
		return f2u(m) ^ ((uint32_t)e * 0x01000193u);
	}));
	{
		Case c = map_case("f32_matrix", true, F32(0.0f), Cmp::f32, 1e-4);
		c.expect = [](const std::vector<Buffer> &in) {
			const uint32_t n = N - 3;
			std::vector<uint32_t> o(N + 8, 0xdeadbeefu);
			auto B = [&](size_t k) { return (double)u2f(in[1].data[k]); };
			for (uint32_t i = 0; i < n; i++) {
				double x = u2f(in[0].data[i]), y = u2f(in[0].data[(i + 1) % n]);
				double M[3][3] = {{x, y, x + y}, {x - y, 1, 2}, {3, x * y, 0.5}};   // [column][row]
				double v[3] = {y, 1, x};
				double r = 0;
				for (int row = 0; row < 3; row++)
					r += (row + 1) * (M[0][row] * v[0] + M[1][row] * v[1] + M[2][row] * v[2]);
				r += v[0] * M[2][0] + v[1] * M[2][1] + v[2] * M[2][2];
				r += M[0][2] * M[0][1] + M[1][2] * M[1][1] + M[2][2] * M[2][1];
				r += v[0] * v[2] + 2 * M[0][1];
				r += B(1) * x + B(5) + B(9) * 2 + B(16) * x + B(17);
				o[i] = f2u((float)r);
			}
			return std::map<size_t, std::vector<uint32_t>>{{2, o}};
		};
		cs.push_back(c);
	}
	cs.push_back(map_case("f32_add_mul", true, F32(x * y + x - 0.25f * y), Cmp::f32));
	cs.push_back(map_case("f32_div", true, F32(x / y), Cmp::f32));
	cs.push_back(map_case("f32_fma_minmax", true, F32(std::fma(x, y, 1.5f) + std::min(x, y) * std::max(x, 0.5f)), Cmp::f32));
	cs.push_back(map_case("f32_sqrt", true, F32(std::sqrt(std::fabs(x)) + 1.0f / std::sqrt(std::fabs(y) + 1.0f)), Cmp::f32));
	cs.push_back(map_case("f32_round", true,
	                      F32(std::floor(x) + std::ceil(y) * 10.0f + (x - std::floor(x)) + std::trunc(y) * 100.0f +
	                          std::nearbyint(x) * 1000.0f),
	                      Cmp::f32));
	cs.push_back(map_case("f32_clamp_mix", true,
	                      F32(std::clamp(x, -2.0f, 3.0f) + (x + (y - x) * 0.25f) + (y < 0.5f ? 0.0f : 1.0f)), Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_exp_log", true,
	                      F32(std::exp2(x * 0.1f) + std::log2(std::fabs(y) + 1.0f) + std::exp(y * 0.05f) + std::log(std::fabs(x) + 2.0f)),
	                      Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_trig", true, F32(std::sin(x) + std::cos(y) * 2.0f), Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_pow", true, F32(std::pow(std::fabs(x) + 0.5f, 1.5f)), Cmp::f32, 1e-4));
	cs.push_back(map_case("f32_compare", true, F2U((x < y ? 1u : 0u) | (x >= y ? 2u : 0u) | (x == y ? 4u : 0u) | (x != 0.0f ? 8u : 0u))));
	cs.push_back(map_case("cvt_f2i", true, F2U((int32_t)(x * 100.0f) + (int32_t)(uint32_t)(std::fabs(y) * 10.0f))));
	cs.push_back(map_case("cvt_i2f", false,
	                      [](uint32_t ux, uint32_t uy) { return f2u((float)(int32_t)ux * 0.5f + (float)(uy & 0xffffu)); }, Cmp::f32));
	cs.push_back(map_case("f32_abs_sign", true, F32(std::fabs(x) - fsign(y) * 2.0f - x), Cmp::f32));

	// ---- control flow ----
	cs.push_back(simple("cf_if_else.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a)
			o.push_back((x & 1u) ? x * 3u + 1u : x / 2u);
		return o;
	}));
	cs.push_back(simple("cf_nested_if.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t r = 5;
			if (x > 1000u) {
				if (x & 2u)
					r = x - 1000u;
				else if (x & 4u)
					r = 77;
				r += 3;
			} else if (x < 10u) {
				r = x * x;
			}
			o.push_back(r);
		}
		return o;
	}));
	{
		Case c;
		c.file = "cf_loop_uniform.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			b.push_back(buf(0, int_inputs(N, 31)));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0)));
			push = {N, 10};
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				uint32_t acc = 0;
				for (uint32_t k = 0; k < 10; k++)
					acc = acc * 31u + in[0].data[(i + k) % N];
				o.push_back(acc);
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	cs.push_back(simple("cf_loop_divergent.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t v : a) {
			uint32_t x = v % 1000u + 1u, steps = 0;
			while (x != 1u && steps < 500u) {
				x = (x & 1u) ? 3u * x + 1u : x / 2u;
				steps++;
			}
			o.push_back(steps);
		}
		return o;
	}));
	cs.push_back(simple("cf_nested_break.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t acc = 0;
			for (uint32_t p = 0; p < 8; p++) {
				if (((x >> p) & 1u) == 0)
					continue;
				for (uint32_t q = 0; q < 16; q++) {
					if (q > (x & 15u))
						break;
					acc += p * 16u + q;
				}
				if (acc > 400u)
					break;
			}
			o.push_back(acc);
		}
		return o;
	}));
	cs.push_back(simple("cf_temporal.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t v : a) {
			uint32_t lim = v % 50u, k;
			for (k = 0; k < 64; k++)
				if (k * k > lim * 7u)
					break;
			o.push_back(k);
		}
		return o;
	}));
	cs.push_back(simple("cf_bool_phi.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			bool found = false, parity = false;
			for (uint32_t k = 0; k < 20; k++) {
				if (((x >> k) & 7u) == 5u)
					found = true;
				parity = parity != (((x >> k) & 1u) != 0);
			}
			o.push_back((found ? 1u : 0u) + (parity ? 2u : 0u));
		}
		return o;
	}));
	cs.push_back(simple("cf_do_while.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t d = 0;
			do {
				d++;
				x /= 10u;
			} while (x);
			o.push_back(d);
		}
		return o;
	}));
	cs.push_back(simple("cf_switch.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t r;
			switch (x % 7u) {
			case 0: r = 10; break;
			case 1:
			case 2: r = x + 1u; break;
			case 4: r = x * 2u; break;
			default: r = 99; break;
			}
			o.push_back(r);
		}
		return o;
	}));
	cs.push_back(simple("cf_early_return.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			bool ret = (x & 3u) == 0;
			for (uint32_t k = 0; k < 4 && !ret; k++)
				ret = x % (k + 5u) == 0;
			o.push_back(ret ? 0xdeadbeefu : x + 1u);
		}
		return o;
	}));
	cs.push_back(simple("cf_functions.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t h = hash(x);
			o.push_back((h & 0xffffu) * 3u + (h >> 16));
		}
		return o;
	}));
	cs.push_back(simple("cf_return_escapes.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t kind = x < 1000u ? 0u : x < 0x80000000u ? 1u : 2u;
			uint32_t c = kind == 0 ? x : kind == 1 ? x / 7u : ~x;
			uint32_t acc = 0;
			for (uint32_t k = 0; k < 4; k++)
				acc += (((x >> k) & 1u) ? 1u : 2u) << (2 * k);
			o.push_back((c ^ (kind << 30)) + acc);
		}
		return o;
	}));
	cs.push_back(simple(
		"int64_div.comp", N,
		[](const std::vector<uint32_t> &a) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				uint64_t x = (uint64_t)a[i] << 32 | a[(i * 7u + 3u) % 256u];
				uint64_t y = (uint64_t)a[(i + 1u) % 256u] + 1u;
				if ((i & 3u) == 1u)
					y = (y << 29) | 5u;
				if ((i & 7u) == 2u)
					y |= 0x8000000000000000ull;
				int64_t sx = (int64_t)x, sy = (int64_t)(y ^ ((uint64_t)(i & 4u) << 61));
				// GLSL % on signed integers is OpSMod (the sign of the divisor); the last word is the
				// truncated remainder (OpSRem's definition) spelled out.
				int64_t smod = sx % sy;
				if (smod != 0 && ((smod < 0) != (sy < 0)))
					smod += sy;
				uint64_t r[4] = {x / y, x % y, (uint64_t)(sx / sy) ^ (uint64_t)smod, (uint64_t)(sx - sy * (sx / sy))};
				for (uint64_t v : r) {
					o.push_back((uint32_t)v);
					o.push_back((uint32_t)(v >> 32));
				}
			}
			return o;
		},
		64, {}, 8 * N));
	cs.push_back(simple("cf_switch_fallthrough.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t r = 1;
			switch (x % 6u) {
			case 0: r += 10; [[fallthrough]];
			case 1: r *= 3; break;
			case 2:
				r += 100;
				if (x & 64u)
					break;
				[[fallthrough]];
			case 3: r += 1000; [[fallthrough]];
			default: r ^= 0x55u; break;
			case 5: r = x;
			}
			o.push_back(r);
		}
		return o;
	}));
	cs.push_back(simple("cf_select_vec.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t v[4] = {x & 0xffu, (x >> 8) & 0xffu, (x >> 16) & 0xffu, (x >> 24) & 0xffu};
			uint32_t w[4];
			for (int k = 0; k < 4; k++)
				w[k] = v[k] * (uint32_t)(k + 1) + v[3 - k];
			bool any = false, all = true;
			for (int k = 0; k < 4; k++) {
				any |= w[k] > 200u;
				all &= w[k] > 200u;
			}
			o.push_back(((x & 1u) ? w[1] : w[2]) + (any ? 1000u : 0u) + (all ? 2000u : 0u));
		}
		return o;
	}));
	cs.push_back(simple("local_array.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t t0 = x, t1 = t0 * 2u, t2 = t1 + t0, t3 = t2 ^ 0x55u;
			o.push_back(t0 + t1 + t2 + t3);
		}
		return o;
	}));

	// ---- atomics ----
	{
		Case c;
		c.file = "atomic_counter.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, {0, 0}));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0xdeadbeefu)));
		};
		c.check = [](const std::vector<Buffer> &, const std::vector<Buffer> &out) -> std::string {
			if (out[0].data[0] != N)
				return "counter is " + std::to_string(out[0].data[0]);
			if (out[0].data[1] != N * (N - 1) / 2)
				return "sum counter is " + std::to_string(out[0].data[1]);
			std::vector<uint32_t> v = out[1].data;
			std::sort(v.begin(), v.end());
			for (uint32_t i = 0; i < N; i++)
				if (v[i] != i)
					return "returned values are not a permutation of 0..N-1";
			return "";
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "atomic_minmax.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, int_inputs(N, 41)));
			b.push_back(buf(1, {0xffffffffu, 0, 0xffffffffu, 0, 0, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> acc = {0xffffffffu, 0, 0xffffffffu, 0, 0, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
			for (uint32_t x : in[0].data) {
				acc[0] = std::min(acc[0], x);
				acc[1] = std::max(acc[1], x);
				acc[2] &= x | 0x0f0f0f0fu;
				acc[3] |= x & 0x01010101u;
				acc[4] ^= x;
				acc[5 + (x & 3u)] = std::min(acc[5 + (x & 3u)], x);
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, acc}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "atomic_signed.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, int_inputs(N, 43)));
			b.push_back(buf(1, {0x7fffffffu, 0x80000000u, 0}));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			int32_t mn = INT32_MAX, mx = INT32_MIN;
			uint32_t sum = 0;
			for (uint32_t ux : in[0].data) {
				int32_t x = (int32_t)ux;
				mn = std::min(mn, x);
				mx = std::max(mx, x);
				sum += 0u - ux;
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, {(uint32_t)mn, (uint32_t)mx, sum}}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "atomic_cas_loop.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			Rng r{47};
			std::vector<uint32_t> v;
			for (uint32_t i = 0; i < N; i++)
				v.push_back(f2u((float)((int)(r.next() % 201) - 100)));
			b.push_back(buf(0, v));
			b.push_back(buf(1, std::vector<uint32_t>(8, f2u(0.5f))));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<float> sum(8, 0.5f);
			for (uint32_t i = 0; i < N; i++)
				sum[i % 8] += u2f(in[0].data[i]);
			std::vector<uint32_t> o;
			for (float f : sum)
				o.push_back(f2u(f));
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "atomic_cmpswap.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, int_inputs(N, 45)));
			b.push_back(buf(1, std::vector<uint32_t>(16, 0)));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0xdeadbeefu)));
		};
		c.check = [](const std::vector<Buffer> &in, const std::vector<Buffer> &out) -> std::string {
			std::vector<int> winners(16, 0), hit(16, 0);
			for (uint32_t i = 0; i < N; i++) {
				uint32_t s = in[0].data[i] % 16u;
				hit[s] = 1;
				if (out[2].data[i] == 1) {
					winners[s]++;
					if (out[1].data[s] != i + 1)
						return "slot " + std::to_string(s) + " does not hold its winner";
				} else if (out[2].data[i] != 0) {
					return "bad result word";
				}
			}
			for (int s = 0; s < 16; s++)
				if (winners[s] != hit[s])
					return "slot " + std::to_string(s) + " has " + std::to_string(winners[s]) + " winners";
			return "";
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "atomic_exchange_hist.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, int_inputs(N, 47)));
			b.push_back(buf(1, std::vector<uint32_t>(32, 0)));
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++)
				o.push_back(i * 7u);
			b.push_back(buf(2, o));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> h(32, 0);
			for (uint32_t x : in[0].data)
				h[x % 32u]++;
			return std::map<size_t, std::vector<uint32_t>>{{1, h}, {2, in[2].data}};
		};
		cs.push_back(c);
	}

	// ---- shared memory and barriers ----
	cs.push_back(simple("shared_reduce.comp", 512, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(512, 0xdeadbeefu);
		for (uint32_t g = 0; g < 4; g++)
			o[g] = std::accumulate(a.begin() + g * 128, a.begin() + g * 128 + 128, 0u);
		return o;
	}, 128));
	cs.push_back(simple("shared_scan.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(N);
		for (uint32_t g = 0; g < 4; g++) {
			uint32_t s = 0;
			for (uint32_t l = 0; l < 64; l++)
				o[g * 64 + l] = s += a[g * 64 + l];
		}
		return o;
	}));
	cs.push_back(simple("shared_reverse.comp", 384, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(384);
		for (uint32_t g = 0; g < 4; g++)
			for (uint32_t l = 0; l < 96; l++)
				o[g * 96 + l] = a[g * 96 + 95 - l];
		return o;
	}, 96));
	cs.push_back(simple("shared_histogram.comp", 512, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(512, 0xdeadbeefu);
		for (uint32_t g = 0; g < 4; g++) {
			for (uint32_t b = 0; b < 16; b++)
				o[g * 16 + b] = 0;
			for (uint32_t l = 0; l < 128; l++)
				o[g * 16 + (a[g * 128 + l] & 15u)]++;
		}
		return o;
	}, 128));
	cs.push_back(simple("shared_struct.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(N);
		for (uint32_t g = 0; g < 4; g++)
			for (uint32_t l = 0; l < 64; l++) {
				uint32_t ln = (l + 1) % 64, key = a[g * 64 + ln];
				o[g * 64 + l] = key + key * 2u + ln;
			}
		return o;
	}));
	cs.push_back(simple("partial_wave.comp", 144, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(144);
		for (uint32_t g = 0; g < 3; g++)
			for (uint32_t l = 0; l < 48; l++)
				o[g * 48 + l] = a[g * 48 + (l + 17) % 48] + l;
		return o;
	}, 48));

	// ---- subgroups (waves of 32) ----
	auto per_wave = [](const std::vector<uint32_t> &a, uint32_t per, auto fn) {
		std::vector<uint32_t> o(a.size() * per);
		for (size_t w = 0; w < a.size() / 32; w++)
			fn(&a[w * 32], &o[w * 32 * per]);
		return o;
	};
	cs.push_back(simple("subgroup_reduce.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 4, [](const uint32_t *x, uint32_t *o) {
			uint32_t sum = 0, mn = ~0u, mx = 0, an = ~0u, orr = 0, xr = 0;
			for (int l = 0; l < 32; l++) {
				uint32_t v = x[l] & 0xffffu;
				sum += v;
				mn = std::min(mn, v);
				mx = std::max(mx, v);
				an &= v | 0xff00u;
				orr |= v & 0xffu;
				xr ^= v;
			}
			for (int l = 0; l < 32; l++) {
				o[l * 4] = sum;
				o[l * 4 + 1] = mn + mx;
				o[l * 4 + 2] = an ^ orr;
				o[l * 4 + 3] = xr;
			}
		});
	}, 64, {}, N * 4));
	cs.push_back(simple("subgroup_scan.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 2, [](const uint32_t *x, uint32_t *o) {
			uint32_t s = 0, m = 0;
			for (int l = 0; l < 32; l++) {
				s += x[l] & 0xffu;
				o[l * 2] = s;
				o[l * 2 + 1] = m;
				m = std::max(m, x[l] & 0xffu);
			}
		});
	}, 64, {}, N * 2));
	cs.push_back(simple("subgroup_divergent_reduce.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 1, [](const uint32_t *x, uint32_t *o) {
			uint32_t sum = 0, mx = 0;
			for (int l = 0; l < 32; l++) {
				uint32_t v = x[l] & 0xffu;
				if (v & 1u)
					sum += v;
				else
					mx = std::max(mx, v);
			}
			for (int l = 0; l < 32; l++)
				o[l] = (x[l] & 1u) ? sum : mx + 1000u;
		});
	}));
	cs.push_back(simple("subgroup_vote.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 4, [](const uint32_t *x, uint32_t *o) {
			uint32_t ballot = 0;
			bool all = true, any = false;
			for (int l = 0; l < 32; l++) {
				ballot |= (x[l] & 1u) << l;
				all &= x[l] > 5u;
				any |= x[l] == 7u;
			}
			for (int l = 0; l < 32; l++) {
				o[l * 4] = ballot;
				o[l * 4 + 1] = (all ? 1u : 0u) + (any ? 2u : 0u);
				o[l * 4 + 2] = l == 0 ? 1u : 0u;
				o[l * 4 + 3] = (uint32_t)std::popcount(ballot) + (uint32_t)std::popcount(ballot & ((1u << l) - 1)) * 100u;
			}
		});
	}, 64, {}, N * 4));
	{
		// Lane counts per wave at each point of seven loops, written out from the GLSL's meaning.
		constexpr uint32_t iters = 12, stop = 5;
		Case c = simple("cf_uniform_loop_lanes.comp", N, [per_wave](const std::vector<uint32_t> &a) {
			return per_wave(a, 7, [](const uint32_t *x, uint32_t *o) {
				auto count = [&](auto pred) {
					uint32_t n = 0;
					for (uint32_t m = 0; m < 32; m++)
						n += pred(x[m]) ? 1u : 0u;
					return n;
				};
				auto bit = [](uint32_t v, uint32_t k) { return (v >> k) & 1u; };
				for (uint32_t l = 0; l < 32; l++) {
					const uint32_t v = x[l];
					uint32_t r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0;
					for (uint32_t k = 0; k < iters; k++) {
						if (bit(v, k))
							break;
						// lanes still in the loop: none of bits 0..k set
						const uint64_t low = (2ull << k) - 1;
						r1 += count([&](uint32_t y) { return (y & low) == 0; }) * (k + 1);
					}
					for (uint32_t k = 0; k < iters; k++)
						if (!bit(v, k))
							r2 += count([&](uint32_t y) { return bit(y, k) == 0; }) + k;
					for (uint32_t k = 0; k < iters; k++) {
						if ((v & 1u) && k == stop)
							break;
						r3 += k < stop ? 32u : count([](uint32_t y) { return (y & 1u) == 0; });
					}
					for (uint32_t k = 0; k < iters; k++) {
						if (k == stop + 1)
							continue;
						if (bit(v, k))
							r4 += k;
						else
							r4 ^= count([&](uint32_t y) { return bit(y, k) == 0; });
						if (k == stop + 3)
							break;
						r4 += 32;
					}
					for (uint32_t k = 0; k < iters; k++) {
						uint32_t y = v >> k;
						while (y & 1u)
							y >>= 1;
						r5 += 32 + y % 7u;
					}
					uint32_t k6 = 0;
					do {
						r6 = r6 * 3u + 32u + (v & k6);
						k6++;
					} while (k6 < iters);
					uint32_t r7 = 0, found = 99;
					for (uint32_t k = 0; k < iters; k++) {
						const uint32_t t = k * 3 + stop;
						if (t > 20) {
							found = t;
							break;
						}
						r7 += 32 + (v >> k) % 5u;
					}
					r7 = r7 * 1000u + found;
					const uint32_t r[7] = {r1, r2, r3, r4, r5, r6, r7};
					for (uint32_t j = 0; j < 7; j++)
						o[l * 7 + j] = r[j];
				}
			});
		}, 64, {}, N * 7);
		auto fill = c.setup;
		c.setup = [fill](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			fill(b, push);
			push = {iters, stop};
		};
		cs.push_back(c);
	}
	cs.push_back(simple("cf_flatten_cross_lane.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 2, [](const uint32_t *x, uint32_t *o) {
			bool all = true;   // over the lanes whose first operand holds
			uint32_t sum = 0;
			for (uint32_t l = 0; l < 32; l++) {
				if (x[l] & 1u)
					all &= (x[l] & 1u) != 0 || x[l] < 100u;   // true: these lanes are odd
				if (x[l] & 2u)
					sum += x[l] & 0xffu;
			}
			for (uint32_t l = 0; l < 32; l++) {
				o[l * 2] = (x[l] & 1u) && all ? 1u : 0u;
				o[l * 2 + 1] = (x[l] & 2u) ? sum : 7u;
			}
		});
	}, 64, {}, N * 2));
	cs.push_back(simple("subgroup_shuffle.comp", N, [per_wave](const std::vector<uint32_t> &a) {
		return per_wave(a, 4, [](const uint32_t *x, uint32_t *o) {
			for (uint32_t l = 0; l < 32; l++) {
				o[l * 4] = x[(l * 7u) & 31u];
				o[l * 4 + 1] = x[l ^ 5u];
				o[l * 4 + 2] = l >= 3 ? x[l - 3] : 0u;
				o[l * 4 + 3] = l < 30 ? x[l + 2] : 1u;
			}
		});
	}, 64, {}, N * 4));
	cs.push_back(simple("subgroup_broadcast.comp", 384, [per_wave](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(384 * 4);
		for (uint32_t w = 0; w < 12; w++)
			for (uint32_t l = 0; l < 32; l++) {
				uint32_t *p = &o[(w * 32 + l) * 4];
				p[0] = a[w * 32];
				p[1] = a[w * 32 + 5];
				p[2] = (w % 3) * 1000u + l;
				p[3] = 3 * 100u + 32u;
			}
		(void)per_wave;
		return o;
	}, 96, {}, 384 * 4));

	// ---- built-ins, specialisation, bindings ----
	{
		Case c;
		c.file = "builtins_3d.comp";
		c.groups[0] = 2;
		c.groups[1] = 3;
		c.groups[2] = 2;
		const uint32_t total = 2 * 3 * 2 * 32;
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) { b.push_back(buf(2, std::vector<uint32_t>(total * 4, 0))); };
		c.expect = [](const std::vector<Buffer> &) {
			std::vector<uint32_t> o(total * 4);
			for (uint32_t gz = 0; gz < 2; gz++)
				for (uint32_t gy = 0; gy < 3; gy++)
					for (uint32_t gx = 0; gx < 2; gx++)
						for (uint32_t lz = 0; lz < 2; lz++)
							for (uint32_t ly = 0; ly < 4; ly++)
								for (uint32_t lx = 0; lx < 4; lx++) {
									uint32_t x = gx * 4 + lx, y = gy * 4 + ly, z = gz * 2 + lz;
									uint32_t idx = (z * 12 + y) * 8 + x;
									o[idx * 4] = (lz * 4 + ly) * 4 + lx;
									o[idx * 4 + 1] = gx + gy * 10 + gz * 100;
									o[idx * 4 + 2] = lx + ly * 10 + lz * 100;
									o[idx * 4 + 3] = 2 + 30 + 200;
								}
			return std::map<size_t, std::vector<uint32_t>>{{0, o}};
		};
		cs.push_back(c);
	}
	// gl_DeviceIndex is 0: one physical device per group (CTS compute.pipeline.device_group.device_index)
	cs.push_back(simple("builtin_device_index.comp", N, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a)
			o.push_back(x * 3u + 7u);
		return o;
	}));
	{
		Case c = simple("spec_constants.comp", N, [](const std::vector<uint32_t> &a) {
			std::vector<uint32_t> o;
			for (uint32_t x : a)
				o.push_back(~(x * 5u + 64u));
			return o;
		});
		c.spec = {{0, 64}, {1, 5}, {2, 1}};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "ubo_push.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			b.push_back(buf(0, float_inputs(N, 51)));
			std::vector<uint32_t> u;
			for (int k = 0; k < 16; k++)
				u.push_back(f2u(0.5f * (float)k - 3.0f));
			u.push_back(3);   // pick at offset 64
			b.push_back(buf(3, u, 1));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0)));
			push = {f2u(1.5f), f2u(-0.25f)};
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				const uint32_t *cv = &in[1].data[((i + 3) & 3u) * 4];
				float r = (u2f(in[0].data[i]) * u2f(cv[0]) + u2f(cv[1]) * u2f(cv[2]) - u2f(cv[3])) * 1.5f - 0.25f;
				o.push_back(f2u(r));
			}
			return std::map<size_t, std::vector<uint32_t>>{{2, o}};
		};
		c.cmp = Cmp::f32;
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "array_length.comp";
		c.groups[0] = 2;
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			std::vector<uint32_t> a = int_inputs(41, 53);
			a[0] = 9;
			b.push_back(buf(0, a));
			b.push_back(buf(2, std::vector<uint32_t>(64, 0xdeadbeefu)));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o(64, 0);
			for (uint32_t i = 0; i < 40; i++)
				o[i] = in[0].data[i + 1] + 40000u + 9u;
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "int64_ops.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, int_inputs(N, 55)));
			b.push_back(buf(2, std::vector<uint32_t>(N * 2, 0)));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				uint64_t x = in[0].data[i];
				uint64_t y = x * 0x100000001ull + (x << 20);
				y ^= y >> 7;
				y -= i;
				o.push_back((uint32_t)y);
				o.push_back((uint32_t)(y >> 32));
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "fp64_ops.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, float_inputs(N, 57)));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0)));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				double x = u2f(in[0].data[i]);
				double y = x * 1.0000001 + 0.5;
				y = std::fma(y, x, -2.0);
				o.push_back(f2u((float)std::min(y, 1.0e6)));
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		c.cmp = Cmp::f32;
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "geometry.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(0, float_inputs(N * 4, 59)));
			b.push_back(buf(2, std::vector<uint32_t>(N * 4, 0)));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				const uint32_t *a = &in[0].data[i * 4];
				float p[3] = {u2f(a[0]), u2f(a[1]), u2f(a[2])}, q[3] = {u2f(a[3]), 1.0f, -2.0f};
				float cr[3] = {p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]};
				float dot = p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
				float len = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
				float d[3] = {p[0] - q[0], p[1] - q[1], p[2] - q[2]};
				float dist = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
				float c3[3] = {cr[0] + 0.5f, cr[1] + 0.5f, cr[2] + 0.5f};
				float n = c3[1] / std::sqrt(c3[0] * c3[0] + c3[1] * c3[1] + c3[2] * c3[2]);
				o.push_back(f2u(dot));
				o.push_back(f2u(len));
				o.push_back(f2u(dist));
				o.push_back(f2u(n));
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		c.cmp = Cmp::f32;
		c.tol = 1e-4;
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "grid_2d.comp";
		c.groups[0] = 2;
		c.groups[1] = 2;
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			b.push_back(buf(0, int_inputs(256, 61)));
			b.push_back(buf(2, std::vector<uint32_t>(256, 0)));
			push = {16, 16};
		};
		c.expect = [](const std::vector<Buffer> &in) {
			std::vector<uint32_t> o(256);
			for (int y = 0; y < 16; y++)
				for (int x = 0; x < 16; x++) {
					uint32_t s = 0;
					for (int dy = -1; dy <= 1; dy++)
						for (int dx = -1; dx <= 1; dx++)
							s += in[0].data[(size_t)(std::clamp(y + dy, 0, 15) * 16 + std::clamp(x + dx, 0, 15))];
					o[(size_t)(y * 16 + x)] = s;
				}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		Case c;
		c.file = "spill_pressure.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &) {
			b.push_back(buf(3, int_inputs(128, 63)));
			b.push_back(buf(2, std::vector<uint32_t>(N, 0)));
		};
		c.expect = [](const std::vector<Buffer> &in) {
			uint32_t r = 0;
			for (uint32_t i = 0; i < 64; i++)
				r += in[0].data[i] * in[0].data[127 - i];
			uint32_t r2 = 0;
			for (uint32_t i = 0; i < 128; i++)
				r2 += in[0].data[i] ^ r;
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++)
				o.push_back(r2 + i);
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		// VGPR spilling to scratch memory (launch ABI s[10:11]): 300 values live across a loop.
		Case c;
		c.file = "spill_vgpr_loop.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			b.push_back(buf(0, int_inputs(512, 71)));
			b.push_back(buf(1, std::vector<uint32_t>(N, 0)));
			push = {3};
		};
		c.expect = [](const std::vector<Buffer> &in) {
			const std::vector<uint32_t> &a = in[0].data;
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < N; i++) {
				uint32_t v[300];
				for (uint32_t k = 0; k < 300; k++)
					v[k] = a[(i + k) % 512u] * (k + 1);
				uint32_t acc = i;
				for (uint32_t r = 0; r < 3; r++)
					for (uint32_t k = 0; k < 300; k++)
						acc = acc * 31u + (v[k] ^ r);
				o.push_back(acc);
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	{
		// VGPR spills written and read under partial EXEC (lane-dependent branch in a loop).
		Case c;
		c.file = "spill_vgpr_divergent.comp";
		c.setup = [](std::vector<Buffer> &b, std::vector<uint32_t> &push) {
			b.push_back(buf(0, int_inputs(512, 72)));
			b.push_back(buf(1, std::vector<uint32_t>(192, 0)));
			push = {5};
		};
		c.expect = [](const std::vector<Buffer> &in) {
			const std::vector<uint32_t> &a = in[0].data;
			constexpr uint32_t K = 40;
			std::vector<uint32_t> o;
			for (uint32_t i = 0; i < 192; i++) {
				uint32_t x[K], y[K], z[K], w[K];
				for (uint32_t k = 0; k < K; k++) {
					x[k] = a[(i * 3u + k) % 512u];
					y[k] = k * i;
					z[k] = i ^ k;
					w[k] = a[(i + k * 7u) % 512u];
				}
				uint32_t acc = 0;
				for (uint32_t r = 0; r < 5; r++) {
					if ((i + r) % 3u == 0) {
						for (uint32_t k = 0; k < K; k++) {
							x[k] = (x[k] >> 1) + k;
							y[k] = (y[k] >> 1) + r;
							z[k] = (z[k] >> 1) + 1u;
							w[k] = (w[k] >> 1) + i;
						}
					} else {
						for (uint32_t k = 0; k < K; k++)
							acc = acc * 17u + x[k] + (y[k] ^ z[k]) - w[k];
					}
				}
				for (uint32_t k = 0; k < K; k++)
					acc += x[k] ^ w[k];
				o.push_back(acc);
			}
			return std::map<size_t, std::vector<uint32_t>>{{1, o}};
		};
		cs.push_back(c);
	}
	return cs;
}

std::string compare(const std::vector<uint32_t> &got, const std::vector<uint32_t> &want, Cmp cmp, double tol)
{
	if (got.size() != want.size())
		return "size mismatch";
	for (size_t i = 0; i < got.size(); i++) {
		if (got[i] == want[i])
			continue;
		if (cmp == Cmp::f32) {
			float g = u2f(got[i]), w = u2f(want[i]);
			if (std::isnan(g) && std::isnan(w))
				continue;
			if (std::fabs(g - w) <= tol * std::max(1.0f, std::fabs(w)))
				continue;
		}
		unsigned bad = 0; for (size_t k = 0; k < got.size(); k++) bad += got[k] != want[k] && cmp == Cmp::exact;
		char buf[160];
		snprintf(buf, sizeof buf, "word %zu: got 0x%08x, want 0x%08x (%u words differ)", i, got[i], want[i], bad);
		return buf;
	}
	return "";
}

struct Config {
	uint32_t rev, profile;
};
const Config kConfigs[] = {{1, 0}, {1, 1}, {2, 0}, {2, 1}};

std::variant<CompileResult, CompileError> compile_case(const Case &c, Options o, const std::string &env = "vulkan1.2")
{
	std::string src = read_text(corpus_dir() + "/" + c.file);
	if (src.empty())
		return CompileError{"cannot read " + c.file};
	auto spv = glsl_to_spirv(src, c.file, env);
	if (auto *e = std::get_if<CompileError>(&spv))
		return *e;
	o.spec_constants = c.spec;
	return compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
}

// Runs one case; returns "" on success.
std::string run_case(const Case &c, const Config &cfg, const Options &base, RunOutcome *outcome = nullptr,
                     const CompileResult **compiled_out = nullptr, const std::string &env = "vulkan1.2")
{
	Options o = base;
	o.revision = cfg.rev;
	o.power_profile = cfg.profile;
	static std::map<std::string, CompileResult> keep;
	auto res = compile_case(c, o, env);
	if (auto *e = std::get_if<CompileError>(&res))
		return "compile: " + e->message;
	std::string key = c.file + std::to_string(cfg.rev) + std::to_string(cfg.profile) + (base.hazard_pass ? "h" : "n") +
	                  std::to_string(base.opt_level) + env;
	keep[key] = std::get<CompileResult>(res);
	if (compiled_out)
		*compiled_out = &keep[key];
	std::vector<Buffer> bufs;
	std::vector<uint32_t> push;
	c.setup(bufs, push);
	std::vector<Buffer> before = bufs;
	RunOutcome r = run_kernel(keep[key], cfg.rev, cfg.profile, bufs, push, c.groups);
	if (outcome)
		*outcome = r;
	if (!r.ok)
		return "run: " + r.error;
	if (r.hazard_violations)
		return std::to_string(r.hazard_violations) + " hazard violations reported by the model";
	if (c.check)
		return c.check(before, bufs);
	for (auto &[idx, want] : c.expect(before)) {
		std::string m = compare(bufs.at(idx).data, want, c.cmp, c.tol);
		if (!m.empty())
			return "buffer " + std::to_string(idx) + ": " + m;
	}
	return "";
}

class Corpus : public ::testing::TestWithParam<size_t> {};

TEST_P(Corpus, RunsCorrectlyUnderEveryRevisionAndProfile)
{
	static const std::vector<Case> cases = corpus();
	const Case &c = cases.at(GetParam());
	for (const Config &cfg : kConfigs) {
		RunOutcome r;
		std::string err = run_case(c, cfg, Options{}, &r);
		EXPECT_EQ(err, "") << c.file << " rev r" << cfg.rev << " profile " << cfg.profile;
	}
}

std::string case_name(const ::testing::TestParamInfo<size_t> &info)
{
	static const std::vector<Case> cases = corpus();
	std::string n = cases.at(info.param).file;
	n = n.substr(0, n.find('.'));
	return n;
}

INSTANTIATE_TEST_SUITE_P(Shaders, Corpus, ::testing::Range<size_t>(0, corpus().size()), case_name);

// The corpus compiled for Vulkan 1.0 (SPIR-V 1.0: storage buffers are Uniform + BufferBlock),
// on one revision/profile. Shaders that need a newer target (subgroup operations need SPIR-V
// 1.3, buffer references 1.5 ...) are refused by glslang and skipped; the rest must pass.
TEST(CorpusMeta, CorrectWhenCompiledForVulkan10)
{
	static const std::vector<Case> cases = corpus();
	size_t ran = 0;
	for (const Case &c : cases) {
		std::string src = read_text(corpus_dir() + "/" + c.file);
		if (std::holds_alternative<CompileError>(glsl_to_spirv(src, c.file, "vulkan1.0")))
			continue;
		ran++;
		EXPECT_EQ(run_case(c, Config{2, 1}, Options{}, nullptr, nullptr, "vulkan1.0"), "") << c.file;
	}
	printf("%zu of %zu corpus shaders compile for vulkan1.0 and ran\n", ran, cases.size());
	EXPECT_GE(ran, cases.size() / 2);
}

TEST(CorpusMeta, HasAtLeastSixtyShaders)
{
	EXPECT_GE(corpus().size(), 60u);
}

// The VGPR-spilling shaders really spill (scratch memory in the binary entry, stores and reloads
// in the code) and a shader that fits the register file asks for no scratch memory.
TEST(CorpusMeta, VgprSpillsUseScratchOnlyWhenNeeded)
{
	const std::vector<Case> cases = corpus();
	for (const Case &c : cases) {
		bool spiller = c.file.rfind("spill_vgpr_", 0) == 0;
		if (!spiller && c.file != "map_u32_add_mul.comp" && c.file != "spill_pressure.comp")
			continue;
		for (int level : {0, 2}) {
			Options o;
			o.opt_level = level;
			o.keep_final_ir = true;
			auto res = compile_case(c, o);
			ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << c.file << ": " << std::get<CompileError>(res).message;
			const CompileResult &r = std::get<CompileResult>(res);
			const BinaryEntry &e = r.binary.entries.at(0);
			EXPECT_EQ(e.scratch_bytes, r.stats.scratch_bytes) << c.file;
			if (spiller) {
				EXPECT_GT(e.scratch_bytes, 0u) << c.file;
				EXPECT_EQ(e.scratch_bytes % 4, 0u) << c.file;
				EXPECT_GT(r.stats.spills, 0u) << c.file;
				EXPECT_LE(e.vgpr_count, (uint16_t)MICA_VGPRS_PER_WAVE) << c.file;
				EXPECT_NE(r.final_ir.find("global_store_b32"), std::string::npos) << c.file;
				EXPECT_NE(r.final_ir.find("s_getreg_b32"), std::string::npos) << c.file;
				printf("%s -O%d: %u spills, %u scratch bytes per lane, %u VGPRs, %u instructions\n", c.file.c_str(),
				       level, r.stats.spills, e.scratch_bytes, e.vgpr_count, r.stats.instructions);
			} else {
				EXPECT_EQ(e.scratch_bytes, 0u) << c.file;
				EXPECT_EQ(r.final_ir.find("s_getreg_b32"), std::string::npos) << c.file;
			}
		}
	}
}

// The harness gives a spilling shader a scratch buffer of the ABI's size, a non-spilling one none,
// and each wave spills into the region its HW_ID (CU, wave slot) names.
TEST(CorpusMeta, ScratchBufferFollowsTheLaunchAbi)
{
	const std::vector<Case> cases = corpus();
	for (const Case &c : cases) {
		if (c.file != "spill_vgpr_loop.comp" && c.file != "map_u32_add_mul.comp")
			continue;
		RunOutcome r;
		const CompileResult *cr = nullptr;
		EXPECT_EQ(run_case(c, {2, 0}, Options{}, &r, &cr), "") << c.file;
		ASSERT_NE(cr, nullptr);
		uint64_t want = (uint64_t)cr->binary.entries[0].scratch_bytes * MICA_WAVE_SIZE * 2 /* cu_count */ *
		                MICA_WAVE_SLOTS_PER_CU;
		EXPECT_EQ(r.scratch_buffer_bytes, want) << c.file;
		if (!want)
			continue;
		// 4 workgroups of 2 waves on 2 CUs: the waves (cu, slot) = (0|1, 0|1) wrote their regions
		// cu * 32 + slot, nothing else was touched.
		const size_t region_words = (size_t)cr->binary.entries[0].scratch_bytes * MICA_WAVE_SIZE / 4;
		ASSERT_EQ(r.scratch.size(), region_words * 2 * MICA_WAVE_SLOTS_PER_CU);
		for (size_t region = 0; region < 2 * MICA_WAVE_SLOTS_PER_CU; region++) {
			size_t nonzero = 0;
			for (size_t w = 0; w < region_words; w++)
				nonzero += r.scratch[region * region_words + w] != 0;
			bool owned = region == 0 || region == 1 || region == MICA_WAVE_SLOTS_PER_CU || region == MICA_WAVE_SLOTS_PER_CU + 1;
			if (owned)
				EXPECT_GT(nonzero, region_words / 2) << "region " << region;
			else
				EXPECT_EQ(nonzero, 0u) << "region " << region;
		}
	}
}

// The unoptimised pipelines (-O0: SPIRV-Tools canonicalisation only; -O1: + folding/DCE, no
// CSE/LICM/scheduling) are correct too, on the configuration with the most hazard rules.
TEST(CorpusMeta, CorrectAtLowerOptimisationLevels)
{
	const std::vector<Case> cases = corpus();
	for (int level : {0, 1}) {
		Options o;
		o.opt_level = level;
		for (const Case &c : cases) {
			std::string err = run_case(c, {1, 1}, o);
			EXPECT_EQ(err, "") << c.file << " at -O" << level;
		}
	}
}

// Proof that the hazard pass matters: without it (and without waits) the checked model reports
// violations on the corpus.
TEST(CorpusMeta, WithoutHazardPassTheModelReportsViolations)
{
	const std::vector<Case> cases = corpus();
	Options o;
	o.hazard_pass = false;
	o.waitcnt_pass = false;
	// Case by case, every configuration in turn: the compiler canonicalises a module once for all
	// of them (spirv_prepare.cpp, PreparedModules), which a configuration-outer loop would defeat.
	constexpr size_t kNumConfigs = std::size(kConfigs);
	unsigned flagged[kNumConfigs] = {}, total = 0;
	for (const Case &c : cases) {
		total++;
		for (size_t i = 0; i < kNumConfigs; i++) {
			RunOutcome r;
			std::string err = run_case(c, kConfigs[i], o, &r);
			if (r.fault == MICA_FAULT_HAZARD || r.hazard_violations)
				flagged[i]++;
		}
	}
	for (size_t i = 0; i < kNumConfigs; i++) {
		printf("rev r%u profile %u: %u of %u shaders fault with HAZARD when the hazard/wait passes are off\n",
		       kConfigs[i].rev, kConfigs[i].profile, flagged[i], total);
		EXPECT_GT(flagged[i], total / 2);
	}
}

// Static cycle estimates against the model's measured cycles.
TEST(CorpusMeta, CycleEstimateError)
{
	const std::vector<Case> cases = corpus();
	double sum_abs_log = 0;
	unsigned n = 0;
	for (const Case &c : cases) {
		RunOutcome r;
		const CompileResult *cr = nullptr;
		std::string err = run_case(c, {2, 0}, Options{}, &r, &cr);
		if (!err.empty() || !cr || !r.cycles)
			continue;
		// The model's CYCLES counter adds up the workgroups' times; the estimate is one wave's
		// issue time, so it is scaled by the number of workgroups.
		double groups = (double)c.groups[0] * c.groups[1] * c.groups[2];
		double est = (double)cr->stats.estimated_cycles * groups, meas = (double)r.cycles;
		printf("%-36s estimated %8.0f measured %8.0f ratio %.2f\n", c.file.c_str(), est, meas, est / meas);
		sum_abs_log += std::fabs(std::log(est / meas));
		n++;
	}
	ASSERT_GT(n, 0u);
	double geo = std::exp(sum_abs_log / n);
	printf("cycle estimate: geometric mean error factor %.2f over %u shaders\n", geo, n);
	EXPECT_GT(geo, 0.0);
}

} // namespace
