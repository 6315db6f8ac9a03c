// OpenCL C builtins compiled by clang-15 + llvm-spirv-15 (builtins.cl) into OpenCL.std
// instructions and run through the Kernel-model front end on the device model (checked mode):
// vstore_half with every rounding mode from float and double against a brute-force host
// reference, vloadn/vstoren/vload_halfn/vloada_halfn/vstorea_halfn, and a sample of math,
// integer, relational and shuffle builtins.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "../kernel/cl_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

double half_value(uint16_t h)
{
	const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0 ? std::ldexp((double)m, -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp((double)(m | 0x400), e - 25);
	return (h & 0x8000) ? -v : v;
}

// The largest non-negative half pattern whose value is <= a (a >= 0), by bisection over the
// ordered patterns 0..0x7c00 (inf).
uint16_t half_floor(double a)
{
	uint16_t lo = 0, hi = 0x7c00;
	while (lo < hi) {
		uint16_t mid = (uint16_t)((lo + hi + 1) / 2);
		if (half_value(mid) <= a)
			lo = mid;
		else
			hi = (uint16_t)(mid - 1);
	}
	return lo;
}

// x rounded to half: mode 0 nearest even, 1 towards zero, 2 towards +inf, 3 towards -inf
uint16_t to_half(double x, int mode)
{
	if (std::isnan(x))
		return 0x7e00;
	const bool neg = std::signbit(x);
	const double a = std::fabs(x);
	uint16_t lo = half_floor(a);
	uint16_t hi = half_value(lo) == a ? lo : (uint16_t)(lo + 1);
	uint16_t mag;
	if (lo == hi) {
		mag = lo;
	} else if (mode == 1 || (mode == 2 && neg) || (mode == 3 && !neg)) {
		mag = lo;   // towards zero in magnitude
	} else if (mode != 0) {
		mag = hi;
	} else {
		const double vl = half_value(lo), vh = hi == 0x7c00 ? 65536.0 : half_value(hi);
		mag = a - vl < vh - a ? lo : a - vl > vh - a ? hi : ((lo & 1) ? hi : lo);
	}
	return (uint16_t)(mag | (neg ? 0x8000 : 0));
}

bool same_half(uint16_t got, uint16_t want)
{
	const bool gn = (got & 0x7c00) == 0x7c00 && (got & 0x3ff), wn = (want & 0x7c00) == 0x7c00 && (want & 0x3ff);
	return gn || wn ? gn == wn : got == want;
}

NDRange range1(uint32_t n, uint32_t local = 64)
{
	NDRange r;
	r.global = {n, 1, 1};
	r.local = {local, 1, 1};
	return r;
}

void check_ran(const Result &res, const char *what)
{
	ASSERT_TRUE(res.ok) << what << ": " << res.error;
	ASSERT_EQ(res.hazard_violations, 0u) << what;
}

TEST(OpenClStdKernel, VstoreHalfRoundingModes)
{
	const uint32_t n = 512;
	std::mt19937_64 rng(21);
	std::vector<float> x;
	std::vector<double> xd;
	const float edges[] = {0.0f, -0.0f, 1.0f, -1.0f, 65504.0f, 65519.9f, 65520.0f, 70000.0f, -70000.0f, 1e-8f, -1e-8f, 5.96e-8f,
	                       2.98e-8f, 3e-8f, -3e-8f, 6.1e-5f, 1.0009765f, 1.00048828125f, INFINITY, -INFINITY, NAN, 1e30f, -1e-30f};
	for (float e : edges)
		x.push_back(e);
	while (x.size() < n) {
		uint32_t u = (uint32_t)rng();
		if (x.size() % 2)   // concentrate on the half range
			u = (u & 0x807fffffu) | ((uint32_t)(100 + rng() % 45) << 23);
		x.push_back(std::bit_cast<float>(u));
	}
	for (uint32_t i = 0; i < n; i++) {
		// doubles just off halfway points and the f32-rounding trap (1 + 2^-11 + 2^-40)
		double v = (double)x[i];
		if (i % 3 == 1)
			v += std::ldexp(v, -40);
		if (i == 30)
			v = 1 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
		xd.push_back(v);
	}
	std::vector<Arg> args = {Arg::buffer(x), Arg::buffer(xd)};
	for (int k = 0; k < 8; k++)
		args.push_back(Arg::buffer(std::vector<uint16_t>(n, 0xdead)));
	Result res = run(load_spv("builtins"), "halves", range1(n), args);
	check_ran(res, "halves");
	const int modes[8] = {0, 1, 2, 3, 0, 1, 2, 3};
	for (int k = 0; k < 8; k++) {
		std::vector<uint16_t> got = args[2 + k].as<uint16_t>();
		for (uint32_t i = 0; i < n; i++) {
			const double v = k < 4 ? (double)x[i] : xd[i];
			const uint16_t want = to_half(v, modes[k]);
			ASSERT_TRUE(same_half(got[i], want)) << (k < 4 ? "float" : "double") << " mode " << modes[k] << " x=" << std::hexfloat << v
			                                      << ": got 0x" << std::hex << got[i] << " want 0x" << want;
		}
	}
}

TEST(OpenClStdKernel, VectorLoadStore)
{
	const uint32_t n = 128;
	std::vector<float> in(n * 4 + 8);
	for (size_t i = 0; i < in.size(); i++)
		in[i] = (float)i * 0.5f - 7.0f;
	std::vector<uint16_t> h(n * 4);
	std::mt19937 rng(2);
	for (auto &v : h) {
		v = (uint16_t)rng();
		if ((v & 0x7c00) == 0x7c00)
			v &= 0xbfff;   // no inf/NaN: the stored a * 3 is compared as a number
	}
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(std::vector<float>(n * 4)), Arg::buffer(std::vector<float>(n * 3)),
	                         Arg::buffer(h), Arg::buffer(std::vector<float>(n * 4)), Arg::buffer(std::vector<float>(n * 3)),
	                         Arg::buffer(std::vector<uint16_t>(n * 4, 0xdead))};
	Result res = run(load_spv("builtins"), "vectors", range1(n), args);
	check_ran(res, "vectors");
	std::vector<float> o4 = args[1].as<float>(), o3 = args[2].as<float>(), ho = args[4].as<float>(), ha = args[5].as<float>();
	std::vector<uint16_t> hs = args[6].as<uint16_t>();
	for (uint32_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			ASSERT_EQ(o4[i * 4 + k], in[i * 4 + k] + (float)(k + 1)) << i;
			ASSERT_EQ(ho[i * 4 + k], (float)half_value(h[i * 4 + k])) << i;
		}
		for (int k = 0; k < 3; k++) {
			ASSERT_EQ(o3[i * 3 + k], in[1 + i * 3 + k] * 2.0f) << i;
			ASSERT_EQ(ha[i * 3 + k], (float)half_value(h[i * 4 + k])) << "vloada_half3 " << i;   // stride 4
			ASSERT_TRUE(same_half(hs[i * 4 + k], to_half((double)((float)half_value(h[i * 4 + k]) * 3.0f), 1))) << "vstorea_half3_rtz " << i;
		}
		ASSERT_EQ(hs[i * 4 + 3], 0xdead) << "vstorea_half3 wrote the padding element " << i;
	}
}

double ulps32(float got, double want)
{
	if (std::isnan(want))
		return std::isnan(got) ? 0 : INFINITY;
	if (std::isinf(want) || std::isinf(got))
		return got == want ? 0 : INFINITY;
	return std::fabs((double)got - want) / std::ldexp(1.0, std::max(want == 0 ? -126 : std::ilogb(want), -126) - 23);
}
double ulps64(double got, long double want)
{
	if (std::isnan((double)want))
		return std::isnan(got) ? 0 : INFINITY;
	if (want == 0)
		return got == 0 ? 0 : INFINITY;
	return (double)(fabsl((long double)got - want) / ldexpl(1.0L, std::max(std::ilogb((double)want), -1022) - 52));
}

TEST(OpenClStdKernel, MixedBuiltins)
{
	const uint32_t n = 256;
	std::mt19937_64 rng(17);
	std::vector<float> x(n);
	std::vector<int32_t> a(n), b(n);
	std::vector<double> xd(n);
	for (uint32_t i = 0; i < n; i++) {
		x[i] = (float)std::uniform_real_distribution<double>(-20, 20)(rng);
		a[i] = (int32_t)rng();
		b[i] = i % 4 ? (int32_t)rng() : (int32_t)(rng() % 64) - 32;
		xd[i] = std::uniform_real_distribution<double>(-30, 30)(rng);
	}
	a[0] = INT32_MAX;
	b[0] = 1;
	a[1] = INT32_MIN;
	b[1] = -1;
	std::vector<Arg> args = {Arg::buffer(x), Arg::buffer(a), Arg::buffer(b), Arg::buffer(std::vector<float>(n * 8)),
	                         Arg::buffer(std::vector<int32_t>(n * 8)), Arg::buffer(xd), Arg::buffer(std::vector<double>(n * 4))};
	Result res = run(load_spv("builtins"), "mixed", range1(n), args);
	check_ran(res, "mixed");
	std::vector<float> fo = args[3].as<float>();
	std::vector<int32_t> io = args[4].as<int32_t>();
	std::vector<double> dout = args[6].as<double>();
	for (uint32_t i = 0; i < n; i++) {
		const double f = x[i];
		// host libm in long double as the reference, each within its OpenCL bound
		const long double lf = f;
		const double want[8] = {(double)sinl(lf), (double)expl(lf), (double)powl(fabsl(lf), 1.5L), (double)atan2l(lf, 2.0L),
		                        (double)fmodl(lf, 0.75L), (double)cbrtl(lf), (double)log1pl(fabsl(lf)), (double)hypotl(lf, 3.0L)};
		const double bound[8] = {4, 3, 16, 6, 0, 2, 2, 4};
		for (int k = 0; k < 8; k++)
			ASSERT_LE(ulps32(fo[i * 8 + k], want[k]), bound[k] + 0.01) << "f32 builtin " << k << " x=" << f << " got " << fo[i * 8 + k];
		const int64_t p = a[i], q = b[i];
		const int32_t rot = (int32_t)(((uint32_t)p << (q & 31)) | ((uint32_t)p >> ((32 - (q & 31)) & 31)));
		const int64_t mad = std::min<int64_t>(std::max<int64_t>(p * q + p, INT32_MIN), INT32_MAX);
		const int64_t add = std::min<int64_t>(std::max<int64_t>(p + q, INT32_MIN), INT32_MAX);
		const int32_t s[4] = {p < 0 ? (int32_t)q : (int32_t)p, q < 0 ? (int32_t)p : (int32_t)q, 3, 2};   // select by the MSB
		const int32_t iwant[8] = {p ? __builtin_clz((uint32_t)p) : 32, rot, (int32_t)mad, (int32_t)add, (int32_t)((p * q) >> 32),
		                          __builtin_popcount((uint32_t)p), s[3] + 16 * s[2], (int32_t)((p + q) >> 1)};
		for (int k = 0; k < 8; k++)
			ASSERT_EQ(io[i * 8 + k], iwant[k]) << "int builtin " << k << " (" << p << ", " << q << ")";
		const long double d = xd[i];
		const long double dwant[4] = {expl(d), logl(fabsl(d)), sinl(d), atanl(d)};
		const double dbound[4] = {3, 3, 4, 5};
		for (int k = 0; k < 4; k++)
			ASSERT_LE(ulps64(dout[i * 4 + k], dwant[k]), dbound[k]) << "f64 builtin " << k << " x=" << xd[i] << " got " << dout[i * 4 + k];
	}
}

} // namespace
