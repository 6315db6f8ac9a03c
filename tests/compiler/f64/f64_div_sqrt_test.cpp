// f64 division and square root on the device model, bit for bit against the host's IEEE 754
// division and sqrt (round to nearest even, denormals kept): what cl_khr_fp64 requires
// ("correctly rounded") and what src/compiler/lower_f64_div.cpp claims.
//
// Inputs: every pair of a set of edge values (signed zeros, denormals, the normal/denormal
// boundary, the largest values, infinities, NaN, ...), then generated pairs, about 131k in CI:
//  - random bit patterns (every binade, both signs, NaN payloads);
//  - quotients near a rounding midpoint (a = RN(b * m) for a 54-bit m), at every scale;
//  - quotients in and around the denormal range, including exactly halfway between two
//    denormals before the division's own rounding (a = q * b for a tie q), and a step away;
//  - quotients at the overflow threshold (DBL_MAX and the half ulp above it);
//  - operands that are denormal themselves (1/b would overflow), or huge (1/b would be denormal).
// The same division reached from a Vulkan compute shader (GLSL doubles: OpFDiv, and mod() as
// OpFMod, a - b * floor(a / b) with the quotient correctly rounded and one fma) runs last.
// MICA_F64_DIV_PAIRS changes the count, MICA_F64_DIV_SEED the seed (a long run:
// MICA_F64_DIV_PAIRS=4000000).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <variant>
#include <limits>
#include <random>

#include "../exec_harness.h"
#include "../kernel/cl_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = std::getenv(name);
	return v && *v ? std::strtoull(v, nullptr, 10) : def;
}

NDRange range1(uint32_t n, uint32_t local = 64)
{
	NDRange r;
	r.global = {n, 1, 1};
	r.local = {local, 1, 1};
	return r;
}

bool same(double got, double want)
{
	return std::isnan(want) ? std::isnan(got) : std::bit_cast<uint64_t>(got) == std::bit_cast<uint64_t>(want);
}

std::vector<double> edge_values()
{
	using L = std::numeric_limits<double>;
	std::vector<double> v = {0.0, L::denorm_min(), 2 * L::denorm_min(), 3 * L::denorm_min(), 0x1p-1060,
	                         L::min() - L::denorm_min(), L::min(), L::min() + L::denorm_min(), 0x1p-1021,
	                         0x1.8p-1022, 1e-310, 1e-300, 0x1p-600, 0.1, 0.5, std::nextafter(1.0, 0.0), 1.0,
	                         std::nextafter(1.0, 2.0), 1.5, 2.0, 3.0, 7.0, 10.0, 0x1.fffffffffffffp0, 0x1p52 + 1, 1e300,
	                         0x1p1000, 0x1p1022, 0x1p1023, std::nextafter(L::max(), 0.0), L::max(), L::infinity(),
	                         L::quiet_NaN(), std::bit_cast<double>(0x7ff0000000000001ull)};
	// (regression: the largest denormal over nextafter(1, 0) is exactly halfway between the
	// largest denormal and the smallest normal before the final rounding, and once rounded up
	// to the smallest normal escaped the halfway fix)
	const size_t n = v.size();
	for (size_t i = 0; i < n; i++)
		v.push_back(-v[i]);
	return v;
}

// Pairs that stress the rounding (see the top of the file); kind cycles through them.
std::pair<double, double> generated_pair(std::mt19937_64 &rng, uint64_t kind)
{
	auto significand = [&] { return 1 + (double)(rng() >> 12) * 0x1p-52; };   // [1, 2), 53 bits
	double a = 0, b = 1;
	switch (kind % 6) {
	case 0:   // any bit patterns
		a = std::bit_cast<double>(rng());
		b = std::bit_cast<double>(rng());
		break;
	case 1: {   // a / b near a midpoint m (54 significant bits), at a random scale
		const double b0 = significand();
		const double m = 1 + (double)(rng() >> 11) * 0x1p-53;
		const int sh = (int)(rng() % 2200) - 1100;
		a = std::ldexp(b0 * m, sh / 2);
		b = std::ldexp(b0, -(sh - sh / 2));
		break;
	}
	case 2: {   // a / b in and near the denormal range
		a = std::bit_cast<double>(rng() >> 1);
		if (!std::isfinite(a) || a == 0)
			a = significand();
		const int e = std::ilogb(a) + 1022 + (int)(rng() % 110);   // quotient exponent -1022 - 0..109
		b = std::ldexp(significand(), std::min(e, 1023));
		break;
	}
	case 3: {   // a quotient halfway between two denormals (an odd multiple of 2^-1075, up to the one below
		    // the smallest normal), +-1 step
		const int bits = 1 + (int)(rng() % 53);
		const double q = std::ldexp((double)((rng() >> (64 - bits)) | 1), -1075);
		b = std::ldexp(significand(), (int)(rng() % 60));
		a = q * b;   // rounded: a / b lies next to the tie
		if (rng() % 3 == 0)
			a = std::nextafter(a, (rng() & 1) ? 0.0 : 1.0);
		break;
	}
	case 4: {   // a / b at the overflow threshold
		b = std::ldexp(significand(), -(int)(rng() % 60));
		a = std::numeric_limits<double>::max() * b;
		for (int s = (int)(rng() % 4); s > 0; s--)
			b = std::nextafter(b, 0.0);
		break;
	}
	default: {   // denormal or huge operands
		const uint64_t m = rng() >> 12;
		b = (rng() & 1) ? std::bit_cast<double>(m >> (rng() % 52)) : std::ldexp(significand(), 1000 + (int)(rng() % 24));
		a = (rng() & 1) ? std::ldexp(significand(), (int)(rng() % 2046) - 1022) : std::bit_cast<double>(rng() >> 12);
		if (b == 0)
			b = std::numeric_limits<double>::denorm_min();
		break;
	}
	}
	if (rng() & 1)
		a = -a;
	if (rng() & 1)
		b = -b;
	return {a, b};
}

struct Pairs {
	std::vector<double> a, b;
};

Pairs make_pairs(uint64_t count, uint64_t seed)
{
	Pairs p;
	const std::vector<double> edges = edge_values();
	for (double x : edges)
		for (double y : edges) {
			p.a.push_back(x);
			p.b.push_back(y);
		}
	std::mt19937_64 rng(seed);
	for (uint64_t k = 0; k < count; k++) {
		auto [x, y] = generated_pair(rng, k);
		p.a.push_back(x);
		p.b.push_back(y);
	}
	while (p.a.size() % 64) {   // whole work-groups
		p.a.push_back(1.0);
		p.b.push_back(3.0);
	}
	return p;
}

TEST(F64DivSqrt, DivisionIsCorrectlyRounded)
{
	const uint64_t count = env_u64("MICA_F64_DIV_PAIRS", 131072);
	const Pairs p = make_pairs(count, env_u64("MICA_F64_DIV_SEED", 1));
	const auto spv = load_spv("f64_arith");
	size_t bad = 0;
	// in batches of 2^20 pairs (the device model's memory)
	for (size_t first = 0; first < p.a.size(); first += 1u << 20) {
		const size_t n = std::min<size_t>(p.a.size() - first, 1u << 20);
		const std::vector<double> a(p.a.begin() + first, p.a.begin() + first + n), b(p.b.begin() + first, p.b.begin() + first + n);
		std::vector<Arg> args = {Arg::buffer(a), Arg::buffer(b), Arg::buffer(std::vector<double>(n, 0.0))};
		Result r = run(spv, "divide", range1((uint32_t)n), args);
		ASSERT_TRUE(r.ok) << r.error;
		EXPECT_EQ(r.hazard_violations, 0u);
		const std::vector<double> q = args[2].as<double>();
		for (size_t i = 0; i < n; i++) {
			const double want = a[i] / b[i];
			if (!same(q[i], want) && bad++ < 12)
				ADD_FAILURE() << std::hexfloat << a[i] << " / " << b[i] << " = " << q[i] << ", IEEE: " << want;
		}
	}
	std::printf("f64 division: %zu pairs, %zu not correctly rounded\n", p.a.size(), bad);
	EXPECT_EQ(bad, 0u);
}

TEST(F64DivSqrt, VectorDivisionIsCorrectlyRounded)
{
	const Pairs p = make_pairs(4096, env_u64("MICA_F64_DIV_SEED", 1) + 7);
	const size_t n = p.a.size() / 4;
	const auto spv = load_spv("f64_arith");
	std::vector<Arg> args = {Arg::buffer(p.a), Arg::buffer(p.b), Arg::buffer(std::vector<double>(p.a.size(), 0.0)),
	                         Arg::buffer(std::vector<double>(p.a.size(), 0.0))};
	Result r = run(spv, "divide4", range1((uint32_t)n, 16), args);
	ASSERT_TRUE(r.ok) << r.error;
	const std::vector<double> q = args[2].as<double>(), qs = args[3].as<double>();
	size_t bad = 0;
	for (size_t i = 0; i < p.a.size(); i++) {
		const double want = p.a[i] / p.b[i], want_s = p.a[i] / p.b[i / 4 * 4 + 3];
		if ((!same(q[i], want) || !same(qs[i], want_s)) && bad++ < 12)
			ADD_FAILURE() << "component " << i % 4 << ": " << std::hexfloat << p.a[i] << " / " << p.b[i] << " = " << q[i]
			              << " (IEEE " << want << "), by w: " << qs[i] << " (IEEE " << want_s << ")";
	}
	EXPECT_EQ(bad, 0u);
}

// Uniform operands take the scalar path through the same lowering: by-value arguments u / v,
// and u / b[i] with a varying divisor.
TEST(F64DivSqrt, UniformOperands)
{
	std::mt19937_64 rng(env_u64("MICA_F64_DIV_SEED", 1) + 3);
	std::vector<std::pair<double, double>> uv = {{1.0, 3.0}, {0x1.fffffffffffffp-1023, 0x1.fffffffffffffp-1}, {1e308, 1e-10},
	                                             {4.9e-324, 3.0}, {-0.0, 5.0}, {7.0, 0.0}, {INFINITY, INFINITY}, {1e-300, 1e300}};
	for (int k = 0; k < 24; k++)
		uv.push_back(generated_pair(rng, (uint64_t)k));
	const auto spv = load_spv("f64_arith");
	std::vector<double> b(64);
	for (auto &x : b)
		x = generated_pair(rng, rng()).second;
	for (auto [u, v] : uv) {
		std::vector<Arg> args = {Arg::value(u), Arg::value(v), Arg::buffer(b), Arg::buffer(std::vector<double>(128, 0.0))};
		Result r = run(spv, "divide_uniform", range1(64), args);
		ASSERT_TRUE(r.ok) << r.error;
		const std::vector<double> q = args[3].as<double>();
		EXPECT_TRUE(same(q[0], u / v)) << std::hexfloat << u << " / " << v << " = " << q[0] << ", IEEE: " << u / v;
		for (size_t i = 0; i < 64; i++)
			EXPECT_TRUE(same(q[2 * i + 1], u / b[i])) << std::hexfloat << u << " / " << b[i] << " = " << q[2 * i + 1];
	}
}

TEST(F64DivSqrt, SqrtIsCorrectlyRounded)
{
	std::vector<double> x = edge_values();
	std::mt19937_64 rng(env_u64("MICA_F64_DIV_SEED", 1) + 13);
	const uint64_t count = env_u64("MICA_F64_DIV_PAIRS", 131072) / 4;
	for (uint64_t k = 0; k < count; k++) {
		switch (k % 4) {
		case 0: x.push_back(std::bit_cast<double>(rng())); break;
		case 1: x.push_back(std::bit_cast<double>(rng() >> 12 >> (rng() % 52))); break;   // denormals
		case 2: {   // squares of 27-bit values and their neighbours (results at or next to exact)
			const double s = (double)(rng() >> 37) * std::ldexp(1.0, (int)(rng() % 1000) - 500);
			x.push_back(std::nextafter(s * s, (k & 4) ? 0.0 : INFINITY));
			break;
		}
		default: {   // near midpoints: m^2 for a 54-bit m is within an ulp of a square root's tie
			const double m = 1 + (double)(rng() >> 11) * 0x1p-53;
			x.push_back(std::ldexp(m * m, 2 * ((int)(rng() % 1000) - 500)));
			break;
		}
		}
	}
	while (x.size() % 64)
		x.push_back(2.0);
	const auto spv = load_spv("f64_arith");
	std::vector<Arg> args = {Arg::buffer(x), Arg::buffer(std::vector<double>(x.size(), 0.0))};
	Result r = run(spv, "square_root", range1((uint32_t)x.size()), args);
	ASSERT_TRUE(r.ok) << r.error;
	const std::vector<double> got = args[1].as<double>();
	size_t bad = 0;
	for (size_t i = 0; i < x.size(); i++)
		if (!same(got[i], std::sqrt(x[i])) && bad++ < 12)
			ADD_FAILURE() << "sqrt(" << std::hexfloat << x[i] << ") = " << got[i] << ", IEEE: " << std::sqrt(x[i]);
	std::printf("f64 sqrt: %zu inputs, %zu not correctly rounded\n", x.size(), bad);
	EXPECT_EQ(bad, 0u);
}

// Vulkan: a GLSL compute shader (Shader capability, logical addressing) divides through the same
// lowering; mod() is OpFMod.
TEST(F64DivSqrt, VulkanShaderDivisionAndMod)
{
	const Pairs p = make_pairs(8192, env_u64("MICA_F64_DIV_SEED", 1) + 21);
	const std::string src = R"(#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer A { double a[]; };
layout(set = 0, binding = 1) readonly buffer B { double b[]; };
layout(set = 0, binding = 2) writeonly buffer Q { double q[]; };
layout(set = 0, binding = 3) writeonly buffer M { double m[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	q[i] = a[i] / b[i];
	m[i] = mod(a[i], b[i]);
}
)";
	auto spv = glsl_to_spirv(src, "f64_div.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
	Options o;
	o.revision = 2;
	auto compiled = compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
	ASSERT_TRUE(std::holds_alternative<CompileResult>(compiled)) << std::get<CompileError>(compiled).message;
	auto words = [](const std::vector<double> &v) {
		std::vector<uint32_t> w(v.size() * 2);
		std::memcpy(w.data(), v.data(), v.size() * 8);
		return w;
	};
	const size_t n = p.a.size();
	std::vector<test::Buffer> bufs(4);
	for (uint32_t k = 0; k < 4; k++)
		bufs[k].binding = k;
	bufs[0].data = words(p.a);
	bufs[1].data = words(p.b);
	bufs[2].data.assign(n * 2, 0);
	bufs[3].data.assign(n * 2, 0);
	const uint32_t groups[3] = {(uint32_t)(n / 64), 1, 1};
	test::RunOutcome r = test::run_kernel(std::get<CompileResult>(compiled), 2, 0, bufs, {}, groups);
	ASSERT_TRUE(r.ok) << r.error;
	EXPECT_EQ(r.hazard_violations, 0u);
	std::vector<double> q(n), m(n);
	std::memcpy(q.data(), bufs[2].data.data(), n * 8);
	std::memcpy(m.data(), bufs[3].data.data(), n * 8);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		const double want_q = p.a[i] / p.b[i];
		const double want_m = std::fma(p.b[i], -std::floor(want_q), p.a[i]);
		if ((!same(q[i], want_q) || !same(m[i], want_m)) && bad++ < 12)
			ADD_FAILURE() << std::hexfloat << p.a[i] << " / " << p.b[i] << " = " << q[i] << " (IEEE " << want_q << "), mod "
			              << m[i] << " (want " << want_m << ")";
	}
	EXPECT_EQ(bad, 0u);
}

} // namespace
