// The regression corpus (tests/compiler/kernel/regressions.cl): reductions of wrong results and
// compile failures that Piglit's OpenCL profile and the expression fuzzer found, run on the device
// model in checked mode on every revision and power profile against host references.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "cl_harness.h"
#include "mica_hw.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

struct Target {
	uint32_t revision, profile;
};

class Regression : public ::testing::TestWithParam<Target> {
protected:
	void go(const std::string &kernel, const NDRange &r, std::vector<Arg> &args)
	{
		Result res = run(load_spv("regressions"), kernel, r, args, GetParam().revision, GetParam().profile, true);
		ASSERT_TRUE(res.ok) << kernel << ": " << res.error;
		EXPECT_EQ(res.hazard_violations, 0u) << kernel;
	}
	static NDRange range1(uint32_t global, uint32_t local)
	{
		NDRange r;
		r.global = {global, 1, 1};
		r.local = {local, 1, 1};
		return r;
	}
};

template <class F> F from_bits(uint64_t b)
{
	F f;
	if constexpr (sizeof(F) == 4) {
		uint32_t w = (uint32_t)b;
		memcpy(&f, &w, 4);
	} else {
		memcpy(&f, &b, 8);
	}
	return f;
}

// Edge values of a float type (bit patterns: zeros, denormals, the normal range's ends,
// infinities, NaNs of both signs) followed by random bit patterns.
template <class F> std::vector<F> class_inputs(size_t n, uint32_t seed)
{
	using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
	const int mant = std::numeric_limits<F>::digits - 1;
	const Bits sign = (Bits)1 << (sizeof(F) * 8 - 1);
	const Bits inf = (Bits)((std::numeric_limits<F>::max_exponent - std::numeric_limits<F>::min_exponent + 2)) << mant;
	const Bits min_normal = (Bits)1 << mant;
	std::vector<Bits> bits = {0, 1, min_normal - 1, min_normal, min_normal + 1, inf - 1, inf, inf + 1, inf | (inf >> 1),
	                          (Bits)(inf >> 1)};
	const size_t edges = bits.size();
	for (size_t i = 0; i < edges; i++)
		bits.push_back(bits[i] | sign);
	std::mt19937_64 g(seed);
	while (bits.size() < n)
		bits.push_back((Bits)g());
	std::vector<F> v;
	for (Bits b : bits)
		v.push_back(from_bits<F>(b));
	return v;
}

template <class F> int class_bits(F x, F y)
{
	return (int)std::isfinite(x) | (int)std::isnormal(x) << 1 | (int)std::signbit(x) << 2 |
	       (int)!std::isunordered(x, y) << 3 | (int)std::isunordered(x, y) << 4 | (int)std::islessgreater(x, y) << 5 |
	       (int)std::isinf(x) << 6 | (int)std::isnan(x) << 7;
}

} // namespace

// OpIsFinite, OpIsNormal, OpSignBitSet, OpOrdered, OpUnordered, OpLessOrGreater (Piglit
// builtin-float-*-1.0: unsupported SPIR-V instruction at enqueue).
TEST_P(Regression, FloatClassAndRelational)
{
	const uint32_t n = 64;
	auto a = class_inputs<float>(n, 1);
	auto b = class_inputs<float>(n, 2);
	std::rotate(b.begin(), b.begin() + 7, b.end());   // pair edge values with other edge values
	std::vector<int32_t> out(n, -1);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b)};
	go("float_class", range1(n, 16), args);
	auto r = args[0].as<int32_t>();
	for (uint32_t i = 0; i < n; i++)
		EXPECT_EQ(r[i], class_bits(a[i], b[i])) << std::hexfloat << a[i] << " " << b[i];
}

TEST_P(Regression, FloatClassVectorsGiveMinusOne)
{
	const uint32_t n = 16;
	auto a = class_inputs<float>(n * 4, 3);
	auto b = class_inputs<float>(n * 4, 4);
	std::reverse(b.begin(), b.end());
	std::vector<int32_t> out(n * 16, 5);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b)};
	go("float_class4", range1(n, 8), args);
	auto r = args[0].as<int32_t>();
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t c = 0; c < 4; c++) {
			const float x = a[i * 4 + c], y = b[i * 4 + c];
			const int32_t *o = &r[i * 16 + c];
			EXPECT_EQ(o[0], std::isfinite(x) ? -1 : 0) << x;
			EXPECT_EQ(o[4], std::isnormal(x) ? -1 : 0) << x;
			EXPECT_EQ(o[8], std::signbit(x) ? -1 : 0) << x;
			EXPECT_EQ(o[12], std::isunordered(x, y) ? -1 : 0) << x << " " << y;
		}
}

TEST_P(Regression, DoubleClassAndRelational)
{
	const uint32_t n = 64;
	auto a = class_inputs<double>(n, 5);
	auto b = class_inputs<double>(n, 6);
	std::rotate(b.begin(), b.begin() + 5, b.end());
	std::vector<int32_t> out(n, -1);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b)};
	go("double_class", range1(n, 16), args);
	auto r = args[0].as<int32_t>();
	for (uint32_t i = 0; i < n; i++)
		EXPECT_EQ(r[i], class_bits(a[i], b[i])) << std::hexfloat << a[i] << " " << b[i];
}

// Halves are widened to f32 before the test: isnormal must still use f16's range.
TEST_P(Regression, HalfClass)
{
	std::vector<uint16_t> h = {0x0000, 0x0001, 0x03ff, 0x0400, 0x0401, 0x3c00, 0x7bff, 0x7c00, 0x7c01, 0x7e00};
	const size_t edges = h.size();
	for (size_t i = 0; i < edges; i++)
		h.push_back(h[i] | 0x8000);
	std::mt19937 g(7);
	while (h.size() < 64)
		h.push_back((uint16_t)g());
	std::vector<int32_t> out(h.size(), -1);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(h)};
	go("half_class", range1((uint32_t)h.size(), 16), args);
	auto r = args[0].as<int32_t>();
	for (size_t i = 0; i < h.size(); i++) {
		const unsigned e = (h[i] >> 10) & 0x1f, m = h[i] & 0x3ff;
		const int want = (e != 31) | (e != 0 && e != 31) << 1 | (h[i] >> 15) << 2 | (e == 31 && m == 0) << 6 |
		                 (e == 31 && m != 0) << 7;
		EXPECT_EQ(r[i], want) << std::hex << h[i];
	}
}

// Piglit vload-long-*: "misaligned register tuple" compiling a long3 store.
TEST_P(Regression, Vload3Long)
{
	std::vector<int64_t> in = {-5, 1ll << 40, -(1ll << 50) + 3, 0x123456789abcdefll};
	std::vector<int64_t> out(8, 0);
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
	go("vload3_long", range1(1, 1), args);
	auto r = args[1].as<int64_t>();
	for (int k = 0; k < 3; k++) {
		EXPECT_EQ(r[k], in[k]) << k;
		EXPECT_EQ(r[4 + k], in[1 + k]) << k;
	}
}

// Piglit global-offset "3d, input dependent": get_global_offset(j) etc. with j out of range.
TEST_P(Regression, BuiltinsWithDynamicOutOfRangeDimension)
{
	NDRange r;
	r.work_dim = 3;
	r.offset = {9, 8, 7};
	r.global = {4, 2, 6};
	r.local = {2, 1, 3};
	const uint32_t items = 4 * 2 * 6;
	std::vector<uint64_t> out(items * 42, 0xdeadbeef);
	std::vector<Arg> args = {Arg::buffer(out), Arg::value((int32_t)0)};
	go("builtin_dynamic_dims", r, args);
	auto o = args[0].as<uint64_t>();
	for (uint32_t z = 0; z < 6; z++)
		for (uint32_t y = 0; y < 2; y++)
			for (uint32_t x = 0; x < 4; x++) {
				const uint32_t lin = (z * 2 + y) * 4 + x;
				const uint64_t id[3] = {x, y, z};
				for (int k = 0; k < 7; k++) {
					const int d = k - 3;
					const uint64_t *e = &o[lin * 42 + k * 6];
					const bool in = d >= 0 && d < 3;
					EXPECT_EQ(e[0], in ? r.offset[d] : 0u) << "get_global_offset(" << d << ")";
					EXPECT_EQ(e[1], in ? r.offset[d] + id[d] : 0u) << "get_global_id(" << d << ")";
					EXPECT_EQ(e[2], in ? r.global[d] : 1u) << "get_global_size(" << d << ")";
					EXPECT_EQ(e[3], in ? r.local[d] : 1u) << "get_local_size(" << d << ")";
					EXPECT_EQ(e[4], in ? r.global[d] / r.local[d] : 1u) << "get_num_groups(" << d << ")";
					EXPECT_EQ(e[5], in ? id[d] / r.local[d] : 0u) << "get_group_id(" << d << ")";
				}
			}
}

// Piglit calls-struct / calls-large-struct: a ByVal struct argument is the callee's own copy.
TEST_P(Regression, StructByValueToCalledFunctions)
{
	const uint32_t n = 16;
	std::vector<int32_t> in(n);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (int32_t)(i * 37) - 200;
	std::vector<int32_t> out(n * 6, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("struct_byval_calls", range1(n, 8), args);
	auto o = args[0].as<int32_t>();
	for (uint32_t i = 0; i < n; i++) {
		const int32_t v = in[i];
		EXPECT_EQ(o[i * 6 + 0], 86 + v) << "the caller's struct changed by the callee";
		EXPECT_EQ(o[i * 6 + 1], 133 + v);
		EXPECT_EQ(o[i * 6 + 2], 7 + 100 + 32 * v + 496);
		EXPECT_EQ(o[i * 6 + 3], v) << "the caller's large struct changed by the callee";
		EXPECT_EQ(o[i * 6 + 4], 117 + v);
		EXPECT_EQ(o[i * 6 + 5], -8) << "the caller's struct changed by an inlined callee";
	}
}

// Program-scope __constant tables (const data after the code), with work-groups of 1 and 64.
TEST_P(Regression, ProgramScopeConstantTables)
{
	const uint32_t n = 128;
	std::vector<uint32_t> in(n);
	std::mt19937 g(11);
	for (auto &x : in)
		x = g();
	struct Entry {
		int c;
		float f;
		int s;
		int64_t l;
	};
	const Entry entries[3] = {{-1, 0.5f, 300, -5000000000ll}, {2, -1.25f, -7, 1ll << 40}, {127, 3.0f, 32767, 0}};
	const int bytes_table[5] = {-3, 9, 0, 127, -128};
	auto table = [](uint32_t i) { return i * 7u + 3u; };
	for (uint32_t local : {1u, 64u}) {
		std::vector<uint32_t> out(n * 4, 0);
		std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
		go("constant_tables", range1(n, local), args);
		auto o = args[0].as<uint32_t>();
		for (uint32_t i = 0; i < n; i++) {
			const uint32_t x = in[i];
			EXPECT_EQ(o[i * 4 + 0], table(x % 20480u) ^ table((x >> 13) % 20480u)) << i << " local " << local;
			const Entry &e = entries[x % 3u];
			EXPECT_EQ((int32_t)o[i * 4 + 1], e.c + (int)(e.f * 4.0f) + e.s + (int)(e.l >> 20)) << i;
			EXPECT_EQ((int32_t)o[i * 4 + 2], bytes_table[x % 5u]) << i;
			EXPECT_EQ(o[i * 4 + 3], 11u * (x % 4u + 1)) << i;
		}
	}
}

TEST_P(Regression, NarrowBuiltinResultsAreCanonical)
{
	const uint32_t n = 64;
	std::mt19937 g(21);
	std::vector<uint16_t> a(n), b(n);
	std::vector<uint8_t> c(n), d(n);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = (uint16_t)g();
		b[i] = (uint16_t)g();
		c[i] = (uint8_t)g();
		d[i] = (uint8_t)g();
	}
	a[0] = 0xffff;
	c[1] = 0x80;
	d[1] = 0x80;   // add_sat(-128, -128) = -128: 0x80, not 0xffffff80
	std::vector<uint32_t> out(n * 5, 7);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b), Arg::buffer(c), Arg::buffer(d)};
	go("narrow_builtin_results", range1(n, 16), args);
	auto o = args[0].as<uint32_t>();
	auto rot16 = [](uint16_t x, unsigned k) { k &= 15; return (uint16_t)(k ? (x << k) | (x >> (16 - k)) : x); };
	auto rot8 = [](uint8_t x, unsigned k) { k &= 7; return (uint8_t)(k ? (x << k) | (x >> (8 - k)) : x); };
	for (uint32_t i = 0; i < n; i++) {
		const uint16_t x = a[i], y = b[i];
		const int sat8 = std::clamp((int)(int8_t)c[i] + (int)(int8_t)d[i], -128, 127);
		const int sat16 = std::clamp((int)(int16_t)x - (int)(int16_t)y, -32768, 32767);
		EXPECT_EQ(o[i * 5 + 0], rot16(x, y) >= y ? 1u : 0u) << i;
		EXPECT_EQ(o[i * 5 + 1], (uint16_t)(((uint32_t)x * y >> 16) + x) >= y ? 1u : 0u) << i;
		EXPECT_EQ(o[i * 5 + 2], rot8(c[i], d[i]) >= d[i] ? 1u : 0u) << i;
		EXPECT_EQ(o[i * 5 + 3], (uint8_t)sat8 >= d[i] ? 1u : 0u) << i;
		EXPECT_EQ(o[i * 5 + 4], (uint16_t)sat16 >= y ? 1u : 0u) << i;
	}
}

TEST_P(Regression, BitselectOnLongs)
{
	const uint32_t n = 32;
	std::mt19937_64 g(22);
	std::vector<int64_t> a(n * 2), b(n * 2), c(n * 2), out(n * 2, 0);
	for (uint32_t i = 0; i < n * 2; i++) {
		a[i] = (int64_t)g();
		b[i] = (int64_t)g();
		c[i] = (int64_t)g();
	}
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b), Arg::buffer(c)};
	go("bitselect_long", range1(n, 16), args);
	auto o = args[0].as<int64_t>();
	for (uint32_t i = 0; i < n * 2; i++)
		EXPECT_EQ(o[i], (a[i] & ~c[i]) | (b[i] & c[i])) << i;
}

// x / y within OpenCL's 2.5 ulp over random bit patterns, and exactly right at the edges.
TEST_P(Regression, FloatDivisionOverTheWholeRange)
{
	const uint32_t n = 512;
	std::mt19937 g(23);
	std::vector<float> a(n), b(n);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = from_bits<float>(g());
		b[i] = from_bits<float>(g());
	}
	const float edges_b[] = {1e-40f, -1e-45f, 3e38f, -1.7e38f, 0.0f, INFINITY, 1e-30f, 2e30f};
	for (uint32_t i = 0; i < 64; i++) {
		b[i] = edges_b[i % 8];
		a[i] = i < 8 ? 0.0f : i < 16 ? 1.0f : i < 24 ? -3.3e38f : a[i];
	}
	std::vector<float> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(a), Arg::buffer(b)};
	go("float_divide", range1(n, 64), args);
	auto o = args[0].as<float>();
	for (uint32_t i = 0; i < n; i++) {
		const double exact = (double)a[i] / (double)b[i];
		const float ref = (float)exact;
		if (std::isnan(ref)) {
			EXPECT_TRUE(std::isnan(o[i])) << a[i] << " / " << b[i];
		} else if (std::isinf(ref) || ref == 0.0f || std::fabs(ref) < std::numeric_limits<float>::min()) {
			// overflow, zero and denormal results: the correctly rounded value, or one ulp
			// from it at the denormal edge
			if (std::isinf(ref)) {
				EXPECT_EQ(o[i], ref) << a[i] << " / " << b[i];
			} else {
				EXPECT_LE(std::fabs((double)o[i] - (double)ref), 0x1p-149) << a[i] << " / " << b[i] << " = " << o[i];
			}
		} else {
			const double ulp = std::nextafter(std::fabs(ref), INFINITY) - std::fabs(ref);
			EXPECT_LE(std::fabs((double)o[i] - exact) / ulp, 2.5) << a[i] << " / " << b[i] << " = " << o[i];
		}
	}
}

INSTANTIATE_TEST_SUITE_P(AllTargets, Regression,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R1, MICA_PROFILE_LOWPOWER},
                                           Target{MICA_REV_R2, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
