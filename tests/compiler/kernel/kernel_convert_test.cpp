// Conversions with saturation and every rounding mode (conversions.cl) against MPFR (the
// correctly rounded reference) and exact integer clamps, on edge and random inputs, on every
// revision and power profile in checked mode.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <cmath>
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

class KernelConvert : public ::testing::TestWithParam<Target> {
protected:
	void go(const std::string &kernel, uint32_t n, std::vector<Arg> &args)
	{
		NDRange r;
		r.global = {n, 1, 1};
		r.local = {32, 1, 1};
		Result res = run(load_spv("conversions"), kernel, r, args, GetParam().revision, GetParam().profile, true);
		ASSERT_TRUE(res.ok) << kernel << ": " << res.error;
		EXPECT_EQ(res.hazard_violations, 0u);
	}
};

// The f32 nearest to v in mode 'rnd' (MPFR_RNDN/Z/U/D), v exact in 128 bits. (Doubles, not
// long doubles: valgrind computes long double in 64 bits.)
float mpfr_float(double v, mpfr_rnd_t rnd)
{
	mpfr_t m;
	mpfr_init2(m, 128);
	mpfr_set_d(m, v, MPFR_RNDN);
	float f = mpfr_get_flt(m, rnd);
	mpfr_clear(m);
	return f;
}
float mpfr_float_si(int64_t v, mpfr_rnd_t rnd)
{
	mpfr_t m;
	mpfr_init2(m, 128);
	mpfr_set_sj(m, v, MPFR_RNDN);
	float f = mpfr_get_flt(m, rnd);
	mpfr_clear(m);
	return f;
}
float mpfr_float_ui(uint64_t v, mpfr_rnd_t rnd)
{
	mpfr_t m;
	mpfr_init2(m, 128);
	mpfr_set_uj(m, v, MPFR_RNDN);
	float f = mpfr_get_flt(m, rnd);
	mpfr_clear(m);
	return f;
}

template <class T> T sat_from_float(double x, double rounded)
{
	if (std::isnan(x))
		return 0;
	if (rounded <= (double)std::numeric_limits<T>::lowest())
		return std::numeric_limits<T>::lowest();
	if (rounded >= (double)std::numeric_limits<T>::max())
		return std::numeric_limits<T>::max();
	return (T)rounded;
}

std::vector<float> float_edges(uint32_t n, uint32_t seed, bool in_int_range)
{
	std::vector<float> v = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 254.5f, 255.5f, 256.0f, -1.0f, -0.99f,
	                        32767.5f, -32768.5f, 2147483520.0f, -2147483648.0f, 1e-30f, -1e-30f, 3.4e38f};
	if (!in_int_range) {
		v.push_back(std::numeric_limits<float>::quiet_NaN());
		v.push_back(std::numeric_limits<float>::infinity());
		v.push_back(-std::numeric_limits<float>::infinity());
		v.push_back(2147483648.0f);
		v.push_back(-3e9f);
		v.push_back(9.3e18f);
		v.push_back(-9.3e18f);
	} else {
		for (float &x : v)
			if (!(std::fabs(x) < 2.1e9f))
				x = 12.75f;
	}
	std::mt19937 g(seed);
	std::uniform_real_distribution<float> d(-70000.0f, 70000.0f);
	while (v.size() < n)
		v.push_back(d(g));
	v.resize(n);
	return v;
}

} // namespace

TEST_P(KernelConvert, FloatToIntSaturatedAndRounded)
{
	const uint32_t n = 96;
	auto f = float_edges(n, 1, false), fr = float_edges(n, 2, true);
	std::vector<int32_t> oi(n * 6);
	std::vector<uint8_t> ouc(n);
	std::vector<int16_t> os(n);
	std::vector<int64_t> ol(n);
	std::vector<Arg> args = {Arg::buffer(oi), Arg::buffer(ouc), Arg::buffer(os), Arg::buffer(ol), Arg::buffer(f), Arg::buffer(fr)};
	go("float_to_int", n, args);
	auto ri = args[0].as<int32_t>();
	auto ruc = args[1].as<uint8_t>();
	auto rs = args[2].as<int16_t>();
	auto rl = args[3].as<int64_t>();
	for (uint32_t g = 0; g < n; g++) {
		const double x = f[g], y = fr[g];
		EXPECT_EQ(ri[g * 6 + 0], sat_from_float<int32_t>(x, std::trunc(x))) << "sat rtz " << x;
		EXPECT_EQ(ri[g * 6 + 1], (int32_t)std::nearbyint(y)) << "rte " << y;
		EXPECT_EQ(ri[g * 6 + 2], sat_from_float<int32_t>(x, std::ceil(x))) << "sat rtp " << x;
		EXPECT_EQ(ri[g * 6 + 3], (int32_t)std::floor(y)) << "rtn " << y;
		EXPECT_EQ(ri[g * 6 + 4], (int32_t)std::trunc(y)) << "default " << y;
		EXPECT_EQ((uint32_t)ri[g * 6 + 5], sat_from_float<uint32_t>(x, std::nearbyint(x))) << "uint sat rte " << x;
		EXPECT_EQ(ruc[g], sat_from_float<uint8_t>(x, std::trunc(x))) << "uchar sat " << x;
		EXPECT_EQ(rs[g], sat_from_float<int16_t>(x, std::floor(x))) << "short sat rtn " << x;
		EXPECT_EQ(rl[g], sat_from_float<int64_t>(x, std::trunc(x))) << "long sat " << x;
	}
}

TEST_P(KernelConvert, IntToIntSaturated)
{
	const uint32_t n = 64;
	std::vector<int32_t> in = {0, -1, 1, 255, 256, -129, 32767, 32768, INT32_MIN, INT32_MAX};
	std::vector<int64_t> l = {0, -1, 65535, 65536, -32769, 32767, INT64_MIN, INT64_MAX, (int64_t)1 << 31, -((int64_t)1 << 31) - 1};
	std::vector<uint64_t> u = {0, 1, 0x7fffffff, 0x80000000u, UINT64_MAX, (uint64_t)1 << 63};
	std::mt19937_64 g(3);
	while (in.size() < n)
		in.push_back((int32_t)g());
	while (l.size() < n)
		l.push_back((int64_t)g() >> (g() & 63));
	while (u.size() < n)
		u.push_back(g() >> (g() & 63));
	std::vector<uint8_t> ouc(n);
	std::vector<int16_t> os(n);
	std::vector<uint32_t> ou(n);
	std::vector<int32_t> oi(n * 3);
	std::vector<Arg> args = {Arg::buffer(ouc), Arg::buffer(os), Arg::buffer(ou), Arg::buffer(oi), Arg::buffer(in), Arg::buffer(l), Arg::buffer(u)};
	go("int_to_int", n, args);
	auto clamp = [](auto v, auto lo, auto hi) { return v < lo ? lo : v > hi ? hi : v; };
	auto ruc = args[0].as<uint8_t>();
	auto rs = args[1].as<int16_t>();
	auto ru = args[2].as<uint32_t>();
	auto ri = args[3].as<int32_t>();
	for (uint32_t k = 0; k < n; k++) {
		EXPECT_EQ(ruc[k], (uint8_t)clamp((int64_t)in[k], (int64_t)0, (int64_t)255)) << in[k];
		EXPECT_EQ(rs[k], (int16_t)clamp(l[k], (int64_t)INT16_MIN, (int64_t)INT16_MAX)) << l[k];
		EXPECT_EQ(ru[k], (uint32_t)clamp((int64_t)in[k], (int64_t)0, (int64_t)UINT32_MAX)) << in[k];
		EXPECT_EQ(ri[k * 3 + 0], (int32_t)std::min<uint64_t>(u[k], INT32_MAX)) << u[k];
		EXPECT_EQ(ri[k * 3 + 1], (int32_t)clamp(l[k], (int64_t)INT32_MIN, (int64_t)INT32_MAX)) << l[k];
		EXPECT_EQ(ri[k * 3 + 2], (int32_t)clamp(l[k], (int64_t)0, (int64_t)UINT16_MAX)) << l[k];
	}
}

TEST_P(KernelConvert, ToFloatEveryRoundingMode)
{
	const uint32_t n = 96;
	std::vector<int32_t> i = {0, 1, -1, 16777217, -16777217, INT32_MAX, INT32_MIN, 33554435};
	std::vector<int64_t> l = {0, -1, INT64_MAX, INT64_MIN, (1ll << 53) + 1, -((1ll << 40) + 3)};
	std::vector<uint64_t> u = {0, 1, UINT64_MAX, (1ull << 63) + 1, (1ull << 24) + 1};
	std::vector<double> d = {0.0, -0.0, 1.0 + 1e-12, -(1.0 + 1e-12), 1e-50, -1e-50, 3.5e38, -3.5e38, 1e300,
	                         std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
	                         0.1, -0.1, 1.401298464324817e-45 * 1.5};
	std::mt19937_64 g(9);
	while (i.size() < n)
		i.push_back((int32_t)g());
	while (l.size() < n)
		l.push_back((int64_t)g() >> (g() & 31));
	while (u.size() < n)
		u.push_back(g() >> (g() & 31));
	std::uniform_real_distribution<double> dd(-1e6, 1e6);
	while (d.size() < n)
		d.push_back(dd(g) * std::ldexp(1.0, (int)(g() % 200) - 100));
	std::vector<float> of(n * 9);
	std::vector<Arg> args = {Arg::buffer(of), Arg::buffer(i), Arg::buffer(l), Arg::buffer(u), Arg::buffer(d)};
	go("to_float", n, args);
	auto r = args[0].as<float>();
	auto same = [](float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, 4) == 0; };
	for (uint32_t k = 0; k < n; k++) {
		const float e[9] = {mpfr_float_si(i[k], MPFR_RNDZ), mpfr_float_si(i[k], MPFR_RNDU), mpfr_float_si(l[k], MPFR_RNDD),
		                    mpfr_float_ui(u[k], MPFR_RNDZ), mpfr_float_ui(u[k], MPFR_RNDU),
		                    mpfr_float(d[k], MPFR_RNDZ),    mpfr_float(d[k], MPFR_RNDU),     mpfr_float(d[k], MPFR_RNDD),
		                    mpfr_float(d[k], MPFR_RNDN)};
		const char *what[9] = {"int rtz", "int rtp", "long rtn", "ulong rtz", "ulong rtp", "double rtz", "double rtp", "double rtn", "double rte"};
		for (int c = 0; c < 9; c++)
			EXPECT_TRUE(same(r[k * 9 + c], e[c])) << what[c] << " of input " << k << ": got " << r[k * 9 + c] << " want " << e[c]
			                                      << " (" << i[k] << ", " << l[k] << ", " << u[k] << ", " << d[k] << ")";
	}
}

INSTANTIATE_TEST_SUITE_P(AllTargets, KernelConvert,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R1, MICA_PROFILE_LOWPOWER},
                                           Target{MICA_REV_R2, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
