// cl_khr_fp16 (tests/compiler/kernel/half.cl) on the device model against host references
// computed here from exact values: +, -, *, /, sqrt and fma correctly rounded over every half
// input, conversions to half from float, double and every integer type in each rounding mode,
// half to integers with saturation in each rounding mode, half vectors, and the OpenCL.std
// functions that store a half through a pointer.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>

#include "cl_harness.h"
#include "mica_hw.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

using u128 = unsigned __int128;

long double half_value(uint16_t h)
{
	const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	long double v = e == 0 ? std::ldexp((long double)m, -24)
	                : e == 31 ? (m ? std::numeric_limits<long double>::quiet_NaN() : std::numeric_limits<long double>::infinity())
	                          : std::ldexp((long double)(m | 0x400), e - 25);
	return (h & 0x8000) ? -v : v;
}

bool is_nan(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

// The value of a non-negative pattern times 2^49 (an integer: halves are multiples of 2^-24,
// midpoints of 2^-25); 0x7c00 stands for 65536, the rounding boundary above the largest half.
u128 v49(uint16_t p) { return p >= 0x7c00 ? (u128)65536 << 49 : (u128)std::ldexp(half_value(p), 49); }

// A magnitude rounded to half in 'mode' (0 nearest even, 1 toward zero, 2 toward +inf, 3
// toward -inf). cmp(v) is the sign of |x| - v * 2^-49; inf says |x| is infinite.
uint16_t round_half(bool neg, bool inf, int mode, const std::function<int(u128)> &cmp)
{
	const uint16_t s = neg ? 0x8000 : 0;
	if (inf)
		return s | 0x7c00;
	uint16_t lo = 0, hi = 0x7c00;   // largest pattern <= |x| (0x7c00: |x| >= 65536)
	while (lo < hi) {
		uint16_t mid = (uint16_t)((lo + hi + 1) / 2);
		if (cmp(v49(mid)) >= 0)
			lo = mid;
		else
			hi = (uint16_t)(mid - 1);
	}
	if (lo == 0x7c00)   // beyond every half: between 65504 and the boundary
		lo = 0x7bff;
	else if (cmp(v49(lo)) == 0)
		return s | lo;
	const uint16_t up = (uint16_t)(lo + 1);
	uint16_t r;
	switch (mode) {
	case 0: {
		const int c = cmp((v49(lo) + v49(up)) / 2);
		r = c < 0 ? lo : c > 0 ? up : (lo & 1) ? up : lo;
		break;
	}
	case 1: r = lo; break;
	case 2: r = neg ? lo : up; break;
	default: r = neg ? up : lo; break;
	}
	return s | r;
}

uint16_t to_half(long double x, int mode)
{
	if (std::isnan(x))
		return 0x7e00;
	const long double a = std::fabs(x);
	return round_half(std::signbit(x), std::isinf(x), mode, [&](u128 v) {
		const long double b = std::ldexp((long double)v, -49);
		return a < b ? -1 : a > b ? 1 : 0;
	});
}

// fma(a, b, c) of finite halves, exactly: every term times 2^48 is an integer.
uint16_t fma_half(uint16_t a, uint16_t b, uint16_t c)
{
	auto scaled = [](uint16_t h) { return (__int128)std::ldexp(half_value(h), 24); };   // exact
	const __int128 s = scaled(a) * scaled(b) + scaled(c) * ((__int128)1 << 24);
	if (s == 0)   // exact zero: +0 unless both the product and the addend are -0 or negative zero sums
		return (((a ^ b) & 0x8000) && (c & 0x8000)) ? 0x8000 : 0;
	const u128 mag2 = (u128)(s < 0 ? -s : s) * 2;   // |x| * 2^49
	return round_half(s < 0, false, 0, [&](u128 v) { return mag2 < v ? -1 : mag2 > v ? 1 : 0; });
}

// Equal halves, any NaN matching any NaN.
::testing::AssertionResult same(uint16_t got, uint16_t want)
{
	if (got == want || (is_nan(got) && is_nan(want)))
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure() << std::hex << "got 0x" << got << " (" << (double)half_value(got) << "), want 0x"
	                                     << want << " (" << (double)half_value(want) << ")";
}

struct Target {
	uint32_t revision, profile;
};

class Half : public ::testing::TestWithParam<Target> {
protected:
	void go(const std::string &kernel, uint32_t n, std::vector<Arg> &args)
	{
		NDRange r;
		r.global = {n, 1, 1};
		r.local = {64, 1, 1};
		Result res = run(load_spv("half"), kernel, r, args, GetParam().revision, GetParam().profile);
		ASSERT_TRUE(res.ok) << kernel << ": " << res.error;
		EXPECT_EQ(res.hazard_violations, 0u) << kernel;
	}
};

const char *kMode[] = {"rte", "rtz", "rtp", "rtn"};

} // namespace

// Every half pattern as x, random halves as y and z.
TEST_P(Half, ArithmeticCorrectlyRounded)
{
	const uint32_t n = 65536;
	std::vector<uint16_t> a(n), b(n), c(n), out(n * 7, 0);
	std::mt19937 g(11);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = (uint16_t)i;
		b[i] = (uint16_t)g();
		c[i] = (uint16_t)g();
	}
	b[1] = 0x4200;   // 3.0
	std::vector<Arg> args = {Arg::buffer(a), Arg::buffer(b), Arg::buffer(c), Arg::buffer(out)};
	go("arith", n, args);
	if (HasFatalFailure())
		return;
	auto o = args[3].as<uint16_t>();
	int failures = 0;
	for (uint32_t i = 0; i < n && failures < 20; i++) {
		const long double x = half_value(a[i]), y = half_value(b[i]);
		const uint16_t want[7] = {to_half(x + y, 0),
		                          to_half(x - y, 0),
		                          to_half(x * y, 0),
		                          to_half(x / y, 0),
		                          to_half(std::sqrt(x), 0),
		                          (std::isfinite(x) && std::isfinite(y) && std::isfinite(half_value(c[i])))
		                              ? fma_half(a[i], b[i], c[i])
		                              : to_half(x * y + half_value(c[i]), 0),
		                          to_half(1.0L / y, 0)};
		static const char *what[] = {"+", "-", "*", "/", "sqrt", "fma", "1/y"};
		for (int k = 0; k < 7; k++) {
			auto ok = same(o[i * 7 + k], want[k]);
			if (!ok) {
				ADD_FAILURE() << what[k] << " x=" << (double)x << " y=" << (double)y << " z=" << (double)half_value(c[i]) << ": "
				              << ok.message();
				failures++;
			}
		}
	}
}

TEST_P(Half, Vectors)
{
	const uint32_t n = 256;
	std::vector<uint16_t> a(n * 4), b(n * 4), out(n * 20, 0);
	std::vector<int16_t> cmp(n * 8, 7);
	std::mt19937 g(5);
	for (uint32_t i = 0; i < n * 4; i++) {
		// mostly ordinary values, some zeros, infinities and NaNs
		const uint32_t r = g() % 16;
		a[i] = r == 0 ? 0x7e00 : r == 1 ? 0xfc00 : r == 2 ? 0x8000 : (uint16_t)(g() & 0xbfff);
		b[i] = r == 3 ? a[i] : (uint16_t)(g() & 0xbfff);
	}
	std::vector<Arg> args = {Arg::buffer(a), Arg::buffer(b), Arg::buffer(out), Arg::buffer(cmp)};
	go("vectors", n, args);
	if (HasFatalFailure())
		return;
	auto o = args[2].as<uint16_t>();
	auto cm = args[3].as<int16_t>();
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t l = 0; l < 4; l++) {
			const uint32_t e = i * 4 + l;
			const long double x = half_value(a[e]), y = half_value(b[e]);
			auto at = [&](int k) { return o[(i * 5 + k) * 4 + l]; };
			// x * y + 0.5h: contracted to fma or not, both are right
			const uint16_t fused = to_half(x * y + 0.5L, 0), split = to_half(half_value(to_half(x * y, 0)) + 0.5L, 0);
			EXPECT_TRUE(same(at(0), fused) || same(at(0), split)) << "x*y+0.5 " << e;
			EXPECT_TRUE(same(at(1), to_half(std::fmin(std::fmax(x, -1.0L), 1.0L), 0))) << "clamp (fmin(fmax)) " << e;
			EXPECT_TRUE(same(at(2), to_half(std::fmax(x, y), 0))) << "fmax " << e;
			EXPECT_EQ(at(3), x < y ? b[e] : a[e]) << "select " << e;
			EXPECT_TRUE(same(at(4), to_half(std::fabs(x) + std::copysign(y, x), 0))) << "fabs + copysign " << e;
			EXPECT_EQ(cm[(i * 2) * 4 + l], x < y ? -1 : 0) << "x < y " << e;
			EXPECT_EQ(cm[(i * 2 + 1) * 4 + l], (std::isnan(x) ? -1 : 0) | ((x == y ? -1 : 0) << 1)) << "isnan | isequal << 1 " << e;
		}
}

// Conversions to half, from values around every rounding decision: halves, midpoints and
// points just off them, overflow and underflow boundaries, random bit patterns.
TEST_P(Half, ConversionsToHalfEveryRoundingMode)
{
	std::mt19937_64 g(3);
	std::vector<long double> vals;
	for (int k = 0; k < 600; k++) {
		const uint16_t h = (uint16_t)(g() & 0x7bff);
		const long double lo = half_value(h), hi = half_value((uint16_t)(h + 1));
		const long double mid = (lo + hi) / 2;
		for (long double v : {lo, mid, (long double)std::nextafter((double)mid, 0.0), (long double)std::nextafter((double)mid, 1e9)})
			vals.push_back((g() & 1) ? -v : v);
	}
	for (long double v : {0.0L, -0.0L, 65504.0L, 65519.0L, 65520.0L, 65521.0L, 70000.0L, 1e10L, 0x1p-24L, 0x1p-25L,
	                      0x1.0000000001p-25L, 0x1p-26L, 1e-30L, 0x1.ffcp-15L, 0x1.ffep-15L, 3.0L})
		for (long double s : {1.0L, -1.0L})
			vals.push_back(v * s);
	std::mt19937 r32(9);
	for (int k = 0; k < 400; k++) {
		vals.push_back((long double)std::bit_cast<float>((uint32_t)r32()));
		vals.push_back((long double)(int32_t)r32() / (long double)(1 + (r32() % 4096)));
	}
	const uint32_t n = (uint32_t)vals.size();
	auto check = [&](const char *kernel, const std::vector<long double> &exact, std::vector<Arg> &args) {
		go(kernel, n, args);
		if (HasFatalFailure())
			return;
		auto o = args[1].as<uint16_t>();
		int failures = 0;
		for (uint32_t i = 0; i < n && failures < 10; i++)
			for (int m = 0; m < 5; m++) {
				auto ok = same(o[i * 5 + m], to_half(exact[i], m == 0 ? 0 : m - 1));
				if (!ok) {
					ADD_FAILURE() << kernel << " " << (m == 0 ? "default" : kMode[m - 1]) << " x=" << std::hexfloat
					              << (double)exact[i] << ": " << ok.message();
					failures++;
				}
			}
	};
	{   // float: the values rounded to float first (the kernel's input)
		std::vector<float> in(n);
		std::vector<long double> ex(n);
		for (uint32_t i = 0; i < n; i++)
			ex[i] = in[i] = (float)vals[i];
		std::vector<uint16_t> out(n * 5);
		std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
		check("to_half_float", ex, args);
	}
	{
		std::vector<double> in(n);
		std::vector<long double> ex(n);
		for (uint32_t i = 0; i < n; i++)
			ex[i] = in[i] = (double)vals[i];
		std::vector<uint16_t> out(n * 5);
		std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
		check("to_half_double", ex, args);
	}
	auto ints = [&]<class T>(const char *kernel, T) {
		std::vector<T> in(n);
		std::vector<long double> ex(n);
		std::mt19937_64 gi(17);
		for (uint32_t i = 0; i < n; i++) {
			// around 2^11..2^17 (where halves stop being integers and overflow), and anywhere
			const uint64_t r = gi();
			T v = (T)r;
			if (i % 3 == 0)
				v = (T)((r % 140000) * ((std::is_signed_v<T> && (r >> 63)) ? -1 : 1));
			if (i < 8)
				v = i < 4 ? std::numeric_limits<T>::max() - (T)i : std::numeric_limits<T>::min() + (T)(i - 4);
			in[i] = v;
			ex[i] = (long double)v;
		}
		std::vector<uint16_t> out(n * 5);
		std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
		check(kernel, ex, args);
	};
	ints("to_half_char", (int8_t)0);
	ints("to_half_uchar", (uint8_t)0);
	ints("to_half_short", (int16_t)0);
	ints("to_half_ushort", (uint16_t)0);
	ints("to_half_int", (int32_t)0);
	ints("to_half_uint", (uint32_t)0);
	ints("to_half_long", (int64_t)0);
	ints("to_half_ulong", (uint64_t)0);
}

// Every half pattern to each integer type, saturated, in each rounding mode.
TEST_P(Half, ConversionsFromHalfSaturated)
{
	const uint32_t n = 65536;
	std::vector<uint16_t> in(n);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (uint16_t)i;
	auto check = [&]<class T>(const char *kernel, T) {
		std::vector<T> out(n * 5);
		std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
		go(kernel, n, args);
		if (HasFatalFailure())
			return;
		auto o = args[1].as<T>();
		int failures = 0;
		for (uint32_t i = 0; i < n && failures < 10; i++) {
			const long double x = half_value(in[i]);
			for (int m = 0; m < 5; m++) {
				long double r = m == 1 ? std::nearbyint(x) : m == 3 ? std::ceil(x) : m == 4 ? std::floor(x) : std::trunc(x);
				T want = std::isnan(x) ? 0
				         : r <= (long double)std::numeric_limits<T>::min() ? std::numeric_limits<T>::min()
				         : r >= (long double)std::numeric_limits<T>::max() ? std::numeric_limits<T>::max()
				                                                             : (T)r;
				if (o[i * 5 + m] != want) {
					ADD_FAILURE() << kernel << " mode " << m << " x=" << (double)x << ": got " << (long long)o[i * 5 + m]
					              << ", want " << (long long)want;
					failures++;
				}
			}
		}
	};
	check("from_half_char", (int8_t)0);
	check("from_half_uchar", (uint8_t)0);
	check("from_half_short", (int16_t)0);
	check("from_half_ushort", (uint16_t)0);
	check("from_half_int", (int32_t)0);
	check("from_half_uint", (uint32_t)0);
	check("from_half_long", (int64_t)0);
	check("from_half_ulong", (uint64_t)0);
}

TEST_P(Half, WideningAndPointerResults)
{
	const uint32_t n = 65536;
	std::vector<uint16_t> in(n), out(n * 8, 0);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (uint16_t)i;
	std::vector<float> f(n);
	std::vector<double> d(n);
	std::vector<int32_t> k(n);
	std::vector<Arg> w = {Arg::buffer(in), Arg::buffer(f), Arg::buffer(d), Arg::buffer(k)};
	go("widen", n, w);
	if (HasFatalFailure())
		return;
	auto fo = w[1].as<float>();
	auto dd = w[2].as<double>();
	auto ko = w[3].as<int32_t>();
	for (uint32_t i = 0; i < n; i++) {
		const long double x = half_value(in[i]);
		if (std::isnan(x)) {
			EXPECT_TRUE(std::isnan(fo[i]) && std::isnan(dd[i])) << i;
			continue;
		}
		ASSERT_EQ((long double)fo[i], x) << i;
		ASSERT_EQ((long double)dd[i], x) << i;
		ASSERT_EQ(ko[i], (int32_t)std::floor(std::fmin(std::fmax(x, -30000.0L), 30000.0L))) << i;
	}
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
	go("out_params", n, args);
	if (HasFatalFailure())
		return;
	auto o = args[1].as<uint16_t>();
	int failures = 0;
	auto expect = [&](bool ok, const char *what, uint32_t i) {
		if (!ok && failures++ < 10)
			ADD_FAILURE() << what << " x=" << (double)half_value(in[i]) << " (0x" << std::hex << in[i] << std::dec << ")";
	};
	auto ulps = [](uint16_t got, long double want) {   // |got - want| in half ulps of want
		const long double g = half_value(got);
		if (std::isnan(want) || std::isnan(g))
			return std::isnan(want) && std::isnan(g) ? 0.0L : INFINITY;
		if (g == want)
			return 0.0L;
		int e;
		std::frexp(want, &e);
		return std::fabs(g - want) / std::ldexp(1.0L, std::max(e - 11, -24));
	};
	for (uint32_t i = 0; i < n; i++) {
		const long double x = half_value(in[i]);
		if (std::isnan(x) || std::isinf(x))
			continue;
		long double ip;
		const long double fr = std::modf(x, &ip);
		expect(same(o[i * 8 + 0], to_half(fr, 0)) && same(o[i * 8 + 1], to_half(ip, 0)), "modf", i);
		const long double fl = std::floor(x);
		const uint16_t fract_want = x == 0 ? in[i] : to_half(std::fmin(x - fl, 0x1.ffcp-1L), 0);   // below 1 as a half
		expect(same(o[i * 8 + 2], fract_want) && same(o[i * 8 + 3], to_half(fl, 0)), "fract", i);
		expect(ulps(o[i * 8 + 4], std::sin(x)) <= 2 && ulps(o[i * 8 + 5], std::cos(x)) <= 2, "sincos (2 ulp)", i);
		int e = 0;
		const long double m = std::frexp(x, &e);
		expect(same(o[i * 8 + 6], to_half(m, 0)) && half_value(o[i * 8 + 7]) == (x == 0 ? 0 : e), "frexp", i);
	}
}

// OpenCL.std math on every half input through a Kernel module, against long double libm
// (accurate far below a half ulp), within the OpenCL C bound for half (2 ulp for these; an
// infinity for a finite reference that rounds to a finite half counts as 65536, as the CTS
// does; a reference beyond 65520 wants that infinity).
TEST_P(Half, MathWithinHalfUlpBounds)
{
	const uint32_t n = 65536;
	std::vector<uint16_t> in(n), out(n * 16, 0);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (uint16_t)i;
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out)};
	go("math", n, args);
	if (HasFatalFailure())
		return;
	auto o = args[1].as<uint16_t>();
	using F = long double (*)(long double);
	static const struct {
		const char *name;
		F f;
	} fns[] = {{"exp", [](long double x) { return std::exp(x); }},     {"exp2", [](long double x) { return std::exp2(x); }},
	           {"exp10", [](long double x) { return std::pow(10.0L, x); }}, {"log", [](long double x) { return std::log(x); }},
	           {"log2", [](long double x) { return std::log2(x); }},   {"log10", [](long double x) { return std::log10(x); }},
	           {"sin", [](long double x) { return std::sin(x); }},     {"cos", [](long double x) { return std::cos(x); }},
	           {"tan", [](long double x) { return std::tan(x); }},     {"asin", [](long double x) { return std::asin(x); }},
	           {"atan", [](long double x) { return std::atan(x); }},   {"sinh", [](long double x) { return std::sinh(x); }},
	           {"tanh", [](long double x) { return std::tanh(x); }},   {"cbrt", [](long double x) { return std::cbrt(x); }},
	           {"erf", [](long double x) { return std::erf(x); }},     {"rsqrt", [](long double x) { return 1.0L / std::sqrt(x); }}};
	for (int k = 0; k < 16; k++) {
		long double worst = 0;
		uint16_t worst_at = 0;
		for (uint32_t i = 0; i < n; i++) {
			const long double ref = fns[k].f(half_value(in[i]));
			long double g = half_value(o[i * 16 + k]), err;
			if (std::isnan(ref) || std::isnan(g)) {
				err = std::isnan(ref) && std::isnan(g) ? 0 : INFINITY;
			} else if (std::isinf(half_value(to_half(ref, 0)))) {   // rounds to an infinity: that one, or
				// a finite half within the bound in the top binade's ulp (32)
				err = g == half_value(to_half(ref, 0)) ? 0 : std::isinf(g) || std::isinf(ref) ? INFINITY : std::fabs(g - ref) / 32;
			} else {
				if (std::isinf(g))
					g = std::copysign(65536.0L, g);
				int e;
				std::frexp(ref, &e);
				err = std::fabs(g - ref) / std::ldexp(1.0L, std::max(e - 11, -24));
			}
			if (!(err <= worst)) {
				worst = err;
				worst_at = in[i];
			}
		}
		EXPECT_LE(worst, 2.0L) << fns[k].name << " worst " << (double)worst << " ulp at x=" << (double)half_value(worst_at);
		std::printf("%-6s f16 kernel worst %.3g ulp\n", fns[k].name, (double)worst);
	}
}

// The reference itself, on cases worked by hand.
TEST(HalfReference, RoundsAsIeee)
{
	EXPECT_EQ(to_half(65519.0L, 0), 0x7bff);
	EXPECT_EQ(to_half(65520.0L, 0), 0x7c00);   // the tie above the largest half goes to infinity
	EXPECT_EQ(to_half(70000.0L, 1), 0x7bff);
	EXPECT_EQ(to_half(-70000.0L, 3), 0xfc00);
	EXPECT_EQ(to_half(-70000.0L, 2), 0xfbff);
	EXPECT_EQ(to_half(0x1p-25L, 0), 0x0000);   // tie between 0 and the smallest denormal: even
	EXPECT_EQ(to_half(0x1.8p-25L, 0), 0x0001);
	EXPECT_EQ(to_half(1e-30L, 2), 0x0001);
	EXPECT_EQ(to_half(-1e-30L, 1), 0x8000);
	EXPECT_EQ(to_half(1.0L + 0x1p-11L, 0), 0x3c00);   // tie: even
	EXPECT_EQ(to_half(1.0L + 0x3p-11L, 0), 0x3c02);
	EXPECT_EQ(fma_half(0x3c01, 0x3c01, 0x8000), to_half((1 + 0x1p-10L) * (1 + 0x1p-10L), 0));
	// 1.5 * (683 / 1024) + 2^-24 = 1 + 2^-11 + 2^-24: f32 rounds it onto the tie 1 + 2^-11, which
	// then goes down to 1; the correctly rounded fma goes up
	const uint16_t b683 = to_half(683.0L / 1024, 0);
	ASSERT_EQ(half_value(b683), 683.0L / 1024);
	EXPECT_EQ(fma_half(0x3e00, b683, 0x0001), 0x3c01);
	EXPECT_EQ(fma_half(0x3e00, b683, 0x8001), 0x3c00);
}

INSTANTIATE_TEST_SUITE_P(AllTargets, Half,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
