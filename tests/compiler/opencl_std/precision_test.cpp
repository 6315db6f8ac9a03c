// OpenCL.std math precision sweep: every math instruction on f32 and f64 over edge inputs (zeros,
// denormals, infinities, NaN, the largest values, near multiples of pi/2, integer limits) and
// random inputs, run on the device model and compared with the correctly rounded MPFR
// reference; prints the worst ULP error per function and fails beyond the OpenCL C
// specification's bound (OpenCL C 3.0, "Relative Error as ULPs"; full profile, denormals
// supported as the device reports them).
//
// The CI run uses a fixed sample (MICA_OCL_STD_SAMPLES random inputs per function, default 256);
// a long sweep: MICA_OCL_STD_SAMPLES=100000 MICA_OCL_STD_SEED=7 compiler_opencl_std_test
// --gtest_filter='*Precision*'.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <bit>
#include <cfloat>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <random>

#include "ocl_std_util.h"

using namespace mica::compiler::oclstd;

namespace {

constexpr mpfr_prec_t kPrec = 256;

struct Mp {
	mpfr_t v;
	Mp() { mpfr_init2(v, kPrec); }
	~Mp() { mpfr_clear(v); }
	Mp(const Mp &) = delete;
	Mp &operator=(const Mp &) = delete;
};

using Ref1 = std::function<void(mpfr_ptr, mpfr_srcptr)>;
using Ref2 = std::function<void(mpfr_ptr, mpfr_srcptr, mpfr_srcptr)>;

enum class Arg2 { none, real, integer };

struct MathFn {
	const char *name;
	Arg2 second;
	double bound32, bound64;   // ULP; < 0: not on that type
	Ref1 ref1;
	Ref2 ref2;
	// inputs: 0 all, 1 |x| <= 2^16 (half_sin/cos/tan), 2 x in [-1, 1]
	int domain = 0;
	// f64 inputs beyond this magnitude are left out (sin/cos/tan: the argument reduction's
	// documented range, docs/compiler.md "OpenCL.std")
	double f64_limit = INFINITY;
};

#define R1(f) [](mpfr_ptr r, mpfr_srcptr a) { f(r, a, MPFR_RNDN); }
#define R2(f) [](mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { f(r, a, b, MPFR_RNDN); }

// 1 / sqrt(x): rsqrt(-0) = 1 / -0 = -inf (MPFR's rec_sqrt gives +inf there)
void rsqrt_ref(mpfr_ptr r, mpfr_srcptr a)
{
	if (mpfr_zero_p(a) && mpfr_signbit(a))
		mpfr_set_inf(r, -1);
	else
		mpfr_rec_sqrt(r, a, MPFR_RNDN);
}
void recip_ref(mpfr_ptr r, mpfr_srcptr a) { mpfr_ui_div(r, 1, a, MPFR_RNDN); }
void pown_ref(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr n) { mpfr_pow_si(r, a, mpfr_get_si(n, MPFR_RNDN), MPFR_RNDN); }
void rootn_ref(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr n)
{
	long k = mpfr_get_si(n, MPFR_RNDN);
	if (k == 0) {
		mpfr_set_nan(r);
		return;
	}
	mpfr_rootn_si(r, a, k, MPFR_RNDN);
}
void powr_ref(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b)
{
	// powr: pow for x >= 0 with NaN for x < 0 and the 0^0, inf^0, 1^inf cases
	if (mpfr_nan_p(a) || mpfr_nan_p(b) || (mpfr_sgn(a) < 0 && !mpfr_zero_p(a)) ||
	    (mpfr_zero_p(a) && mpfr_zero_p(b)) || (mpfr_inf_p(a) && mpfr_zero_p(b)) ||
	    (mpfr_cmp_ui(a, 1) == 0 && mpfr_inf_p(b))) {
		mpfr_set_nan(r);
		return;
	}
	Mp ax;
	mpfr_abs(ax.v, a, MPFR_RNDN);
	mpfr_pow(r, ax.v, b, MPFR_RNDN);
}
// MPFR's exact rounding functions take no rounding mode
int mpfr_ceil_r(mpfr_ptr r, mpfr_srcptr a, mpfr_rnd_t) { return mpfr_ceil(r, a); }
int mpfr_floor_r(mpfr_ptr r, mpfr_srcptr a, mpfr_rnd_t) { return mpfr_floor(r, a); }
int mpfr_trunc_r(mpfr_ptr r, mpfr_srcptr a, mpfr_rnd_t) { return mpfr_trunc(r, a); }
int mpfr_round_r(mpfr_ptr r, mpfr_srcptr a, mpfr_rnd_t) { return mpfr_round(r, a); }
void native_divide_ref(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { mpfr_div(r, a, b, MPFR_RNDN); }
void exp10_ref(mpfr_ptr r, mpfr_srcptr a) { mpfr_exp10(r, a, MPFR_RNDN); }
void lgamma_ref(mpfr_ptr r, mpfr_srcptr a)
{
	int sign;
	mpfr_lgamma(r, &sign, a, MPFR_RNDN);
}

// MICA_OCL_STD_TRIG_LOG2=k limits the f64 sin/cos/tan inputs to |x| <= 2^k (debugging the reductions)
const double kTrigLimit = std::getenv("MICA_OCL_STD_TRIG_LOG2") ? std::ldexp(1.0, std::atoi(std::getenv("MICA_OCL_STD_TRIG_LOG2"))) : INFINITY;

const std::vector<MathFn> &functions()
{
	static const std::vector<MathFn> fns = {
		{"acos", Arg2::none, 4, 4, R1(mpfr_acos), nullptr},
		{"acosh", Arg2::none, 4, 4, R1(mpfr_acosh), nullptr},
		{"acospi", Arg2::none, 5, 5, R1(mpfr_acospi), nullptr},
		{"asin", Arg2::none, 4, 4, R1(mpfr_asin), nullptr},
		{"asinh", Arg2::none, 4, 4, R1(mpfr_asinh), nullptr},
		{"asinpi", Arg2::none, 5, 5, R1(mpfr_asinpi), nullptr},
		{"atan", Arg2::none, 5, 5, R1(mpfr_atan), nullptr},
		{"atan2", Arg2::real, 6, 6, nullptr, R2(mpfr_atan2)},
		{"atanh", Arg2::none, 5, 5, R1(mpfr_atanh), nullptr},
		{"atanpi", Arg2::none, 5, 5, R1(mpfr_atanpi), nullptr},
		{"atan2pi", Arg2::real, 6, 6, nullptr, R2(mpfr_atan2pi)},
		{"cbrt", Arg2::none, 2, 2, R1(mpfr_cbrt), nullptr},
		{"cos", Arg2::none, 4, 4, R1(mpfr_cos), nullptr, 0, kTrigLimit},
		{"cosh", Arg2::none, 4, 4, R1(mpfr_cosh), nullptr},
		{"cospi", Arg2::none, 4, 4, R1(mpfr_cospi), nullptr},
		{"erf", Arg2::none, 16, 16, R1(mpfr_erf), nullptr},
		{"erfc", Arg2::none, 16, 16, R1(mpfr_erfc), nullptr},
		{"tgamma", Arg2::none, 16, 16, R1(mpfr_gamma), nullptr},
		// lgamma: the specification sets no bound; f32 held to 16 here, f64 printed
		{"lgamma", Arg2::none, 16, INFINITY, lgamma_ref, nullptr},
		{"exp", Arg2::none, 3, 3, R1(mpfr_exp), nullptr},
		{"exp2", Arg2::none, 3, 3, R1(mpfr_exp2), nullptr},
		{"exp10", Arg2::none, 3, 3, exp10_ref, nullptr},
		{"expm1", Arg2::none, 3, 3, R1(mpfr_expm1), nullptr},
		{"hypot", Arg2::real, 4, 4, nullptr, R2(mpfr_hypot)},
		{"log", Arg2::none, 3, 3, R1(mpfr_log), nullptr},
		{"log2", Arg2::none, 3, 3, R1(mpfr_log2), nullptr},
		{"log10", Arg2::none, 3, 3, R1(mpfr_log10), nullptr},
		{"log1p", Arg2::none, 2, 2, R1(mpfr_log1p), nullptr},
		{"pow", Arg2::real, 16, 16, nullptr, R2(mpfr_pow)},
		{"pown", Arg2::integer, 16, 16, nullptr, pown_ref},
		{"powr", Arg2::real, 16, 16, nullptr, powr_ref},
		{"rootn", Arg2::integer, 16, 16, nullptr, rootn_ref},
		{"rsqrt", Arg2::none, 2, 2, rsqrt_ref, nullptr},
		{"sin", Arg2::none, 4, 4, R1(mpfr_sin), nullptr, 0, kTrigLimit},
		{"sinh", Arg2::none, 4, 4, R1(mpfr_sinh), nullptr},
		{"sinpi", Arg2::none, 4, 4, R1(mpfr_sinpi), nullptr},
		// the device's sqrt is correctly rounded (f32 bound 3, f64 correctly rounded)
		{"sqrt", Arg2::none, 0.5, 0.5, R1(mpfr_sqrt), nullptr},
		{"tan", Arg2::none, 5, 5, R1(mpfr_tan), nullptr, 0, kTrigLimit},
		{"tanh", Arg2::none, 5, 5, R1(mpfr_tanh), nullptr},
		{"tanpi", Arg2::none, 6, 6, R1(mpfr_tanpi), nullptr},
		// correctly rounded or exact
		{"fdim", Arg2::real, 0.5, 0.5, nullptr, R2(mpfr_dim)},
		{"fmod", Arg2::real, 0, 0, nullptr, R2(mpfr_fmod)},
		{"remainder", Arg2::real, 0, 0, nullptr, R2(mpfr_remainder)},
		{"ceil", Arg2::none, 0, 0, R1(mpfr_ceil_r), nullptr},
		{"floor", Arg2::none, 0, 0, R1(mpfr_floor_r), nullptr},
		{"trunc", Arg2::none, 0, 0, R1(mpfr_trunc_r), nullptr},
		{"rint", Arg2::none, 0, 0, R1(mpfr_rint), nullptr},
		{"round", Arg2::none, 0, 0, R1(mpfr_round_r), nullptr},
		// half_: 8192 ulp (sin/cos/tan on |x| <= 2^16); native_: implementation-defined (printed)
		{"half_cos", Arg2::none, 8192, -1, R1(mpfr_cos), nullptr, 1},
		{"half_sin", Arg2::none, 8192, -1, R1(mpfr_sin), nullptr, 1},
		{"half_tan", Arg2::none, 8192, -1, R1(mpfr_tan), nullptr, 1},
		{"half_exp", Arg2::none, 8192, -1, R1(mpfr_exp), nullptr},
		{"half_exp2", Arg2::none, 8192, -1, R1(mpfr_exp2), nullptr},
		{"half_exp10", Arg2::none, 8192, -1, exp10_ref, nullptr},
		{"half_log", Arg2::none, 8192, -1, R1(mpfr_log), nullptr},
		{"half_log2", Arg2::none, 8192, -1, R1(mpfr_log2), nullptr},
		{"half_log10", Arg2::none, 8192, -1, R1(mpfr_log10), nullptr},
		{"half_recip", Arg2::none, 8192, -1, recip_ref, nullptr},
		{"half_rsqrt", Arg2::none, 8192, -1, rsqrt_ref, nullptr},
		{"half_sqrt", Arg2::none, 8192, -1, R1(mpfr_sqrt), nullptr},
		{"half_divide", Arg2::real, 8192, -1, nullptr, native_divide_ref},
		{"half_powr", Arg2::real, 8192, -1, nullptr, powr_ref},
		{"native_sin", Arg2::none, INFINITY, -1, R1(mpfr_sin), nullptr},
		{"native_cos", Arg2::none, INFINITY, -1, R1(mpfr_cos), nullptr},
		{"native_exp", Arg2::none, INFINITY, -1, R1(mpfr_exp), nullptr},
		{"native_log", Arg2::none, INFINITY, -1, R1(mpfr_log), nullptr},
		{"native_divide", Arg2::real, INFINITY, -1, nullptr, native_divide_ref},
	};
	return fns;
}


struct Fmt {
	int p, emin, emax;   // significand bits, smallest normal exponent, largest exponent
};
constexpr Fmt kF32{24, -126, 127}, kF64{53, -1022, 1023}, kF16{11, -14, 15};

// |got - ref| in ulps of the reference's binade (the denormal quantum below the normal range);
// a NaN must be NaN, an exact zero must keep its sign, an infinity must be exact; an infinite
// result for a finite reference counts as 2^(emax+1).
double ulp_error(double got, mpfr_srcptr ref_in, const Fmt &f)
{
	// a reference that rounds beyond the format's largest value is infinite for the format
	Mp ref_v;
	mpfr_set(ref_v.v, ref_in, MPFR_RNDN);
	double rounded = f.p == 24 ? (double)mpfr_get_flt(ref_in, MPFR_RNDN) : mpfr_get_d(ref_in, MPFR_RNDN);
	if (f.p == 11 && std::fabs(rounded) >= 65520.0)   // beyond the largest half (65504) and its half ulp
		rounded = rounded > 0 ? INFINITY : -INFINITY;
	if (std::isinf(rounded) && !mpfr_inf_p(ref_in))
		mpfr_set_inf(ref_v.v, rounded > 0 ? 1 : -1);
	mpfr_srcptr ref = ref_v.v;
	if (mpfr_nan_p(ref))
		return std::isnan(got) ? 0 : INFINITY;
	if (std::isnan(got))
		return INFINITY;
	if (mpfr_inf_p(ref)) {
		if (std::isinf(got) && (got > 0) == (mpfr_sgn(ref) > 0))
			return 0;
		// a finite result at the format's largest value for a reference beyond it is measured
		if (std::isinf(got))
			return INFINITY;
	}
	if (mpfr_zero_p(ref) && got == 0)
		return std::signbit(got) == (mpfr_signbit(ref) != 0) ? 0 : INFINITY;
	Mp g, diff;
	if (std::isinf(got))
		mpfr_set_si_2exp(g.v, got > 0 ? 1 : -1, f.emax + 1, MPFR_RNDN);
	else
		mpfr_set_d(g.v, got, MPFR_RNDN);
	if (mpfr_inf_p(ref)) {   // finite result, infinite reference: distance from 2^(emax+1)
		Mp lim;
		mpfr_set_si_2exp(lim.v, mpfr_sgn(ref), f.emax + 1, MPFR_RNDN);
		mpfr_sub(diff.v, g.v, lim.v, MPFR_RNDN);
		mpfr_abs(diff.v, diff.v, MPFR_RNDN);
		mpfr_mul_2si(diff.v, diff.v, -(f.emax - (f.p - 1)), MPFR_RNDN);
		return mpfr_get_d(diff.v, MPFR_RNDN);
	}
	long e = mpfr_zero_p(ref) ? f.emin : std::max<long>(mpfr_get_exp(ref) - 1, f.emin);
	e = std::min<long>(e, f.emax);
	mpfr_sub(diff.v, g.v, ref, MPFR_RNDN);
	mpfr_abs(diff.v, diff.v, MPFR_RNDN);
	mpfr_mul_2si(diff.v, diff.v, -(e - (f.p - 1)), MPFR_RNDN);
	return mpfr_get_d(diff.v, MPFR_RNDN);
}

uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = std::getenv(name);
	return v && *v ? std::strtoull(v, nullptr, 10) : def;
}

template <class F> std::vector<F> edge_values()
{
	using L = std::numeric_limits<F>;
	std::vector<F> v = {F(0), -F(0), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(),
	                    L::min() - L::denorm_min(), F(1), F(-1), F(0.5), F(-0.5), F(2), F(3), F(1.5), F(10), F(-10),
	                    F(100), L::max(), -L::max(), L::infinity(), -L::infinity(), L::quiet_NaN(),
	                    std::nextafter(F(1), F(2)), std::nextafter(F(1), F(0)), std::nextafter(F(-1), F(-2)),
	                    std::nextafter(F(-1), F(0)), F(1e-10), F(-1e-10), F(0x1p31), F(-0x1p31), F(0x1p63),
	                    F(0x1p24) + F(1), F(0x1p23) + F(0.5), F(88.72), F(-87.3), F(-103.9), F(709.7), F(-745.1),
	                    F(0.25), F(0.75), F(-2.5), F(3.5)};
	// near multiples of pi/2 (the reductions' hard cases)
	for (int k = 1; k <= 12; k++) {
		F x = (F)(k * 1.57079632679489661923);
		v.push_back(x);
		v.push_back(std::nextafter(x, F(0)));
		v.push_back(std::nextafter(x, F(100)));
		v.push_back(-x);
	}
	for (double big : {1e4, 1e5, 1e6, 1e7, 1e8})
		v.push_back((F)(std::round(big / 1.57079632679489661923) * 1.57079632679489661923));
	if (sizeof(F) == 8) {
		// the double closest to a multiple of pi/2 (|x - k pi/2| ~ 2^-61: the Payne-Hanek
		// reduction's hardest case), and large arguments around 2^48, the reductions' boundary
		v.push_back((F)std::ldexp(6381956970095103.0, 797));
		v.push_back((F)-std::ldexp(6381956970095103.0, 797));
		v.push_back((F)0x1p48);
		v.push_back(std::nextafter((F)0x1p48, F(0)));
		v.push_back((F)0x1.921fb54442d18p+48);
	} else {
		v.push_back((F)0x1.2d97c8p+127);   // 3 pi/2 * 2^125 (a large f32)
	}
	return v;
}

template <class F, class U> F random_value(std::mt19937_64 &rng, int domain)
{
	std::uniform_int_distribution<int> which(0, 3);
	switch (domain == 0 ? which(rng) : domain == 1 ? 2 : 3) {
	case 0: {   // any bit pattern: every binade equally often
		U u = (U)rng();
		return std::bit_cast<F>(u);
	}
	case 1: return (F)std::uniform_real_distribution<double>(-4, 4)(rng);
	case 2: return (F)std::uniform_real_distribution<double>(domain == 1 ? -65536 : -100, domain == 1 ? 65536 : 100)(rng);
	default: return (F)std::uniform_real_distribution<double>(-1, 1)(rng);
	}
}

struct Worst {
	double ulp = 0;
	std::string at;
};

template <class F, class U>
void sweep(const MathFn &fn, std::vector<std::string> &report, bool &failed)
{
	const bool wide = sizeof(F) == 8;
	const double bound = wide ? fn.bound64 : fn.bound32;
	if (bound < 0)
		return;
	const Fmt &fmt = wide ? kF64 : kF32;
	std::mt19937_64 rng(env_u64("MICA_OCL_STD_SEED", 1) * 1000003 + std::hash<std::string>{}(fn.name));
	const uint64_t samples = env_u64("MICA_OCL_STD_SAMPLES", 256);
	std::vector<F> xs, ys;
	std::vector<int32_t> ns;
	const std::vector<F> edges = edge_values<F>();
	const double limit = wide ? fn.f64_limit : INFINITY;
	auto in_domain = [&](F x) { return (fn.domain != 1 || std::fabs((double)x) <= 65536) && !(std::fabs((double)x) > limit); };
	if (fn.second == Arg2::none) {
		for (F x : edges)
			if (in_domain(x))
				xs.push_back(x);
	} else {
		// a grid of edge pairs (every 3rd edge value against every other)
		for (size_t i = 0; i < edges.size(); i += 3)
			for (size_t j = 0; j < edges.size(); j += 2) {
				xs.push_back(edges[i]);
				ys.push_back(edges[j]);
			}
	}
	for (uint64_t k = 0; k < samples; k++) {
		F x = random_value<F, U>(rng, fn.domain);
		if (std::fabs((double)x) > limit)
			x = (F)std::fmod((double)x, limit);
		xs.push_back(x);
		if (fn.second != Arg2::none)
			ys.push_back(random_value<F, U>(rng, 0));
	}
	if (fn.second == Arg2::integer) {
		std::uniform_int_distribution<int32_t> small(-12, 12);
		const int32_t specials[] = {0, 1, -1, 2, -2, 3, -3, INT_MAX, INT_MIN, 1000, -1000};
		for (size_t k = 0; k < xs.size(); k++)
			ns.push_back(k % 4 == 0 ? specials[(k / 4) % 11] : small(rng));
	}
	ExtCall c;
	c.inst = fn.name;
	const VType t = VType::parse(wide ? "f64" : "f32");
	c.result = t;
	c.args = {t};
	std::vector<std::vector<uint8_t>> inputs = {bytes_of(xs)};
	if (fn.second == Arg2::real) {
		c.args.push_back(t);
		inputs.push_back(bytes_of(ys));
	} else if (fn.second == Arg2::integer) {
		c.args.push_back(VType::parse("i32"));
		inputs.push_back(bytes_of(ns));
	}
	RunResult r = run(c, inputs, (uint32_t)xs.size());
	char line[256];
	if (!r.ok) {
		std::snprintf(line, sizeof line, "%-14s %s  ERROR %s", fn.name, wide ? "f64" : "f32", r.error.substr(0, 160).c_str());
		report.push_back(line);
		failed = true;
		return;
	}
	const std::vector<F> got = values_of<F>(r.out);
	Worst w;
	Mp a, b, ref;
	for (size_t k = 0; k < xs.size(); k++) {
		mpfr_set_d(a.v, (double)xs[k], MPFR_RNDN);
		if (fn.second == Arg2::integer)
			mpfr_set_si(b.v, ns[k], MPFR_RNDN);
		else if (fn.second == Arg2::real)
			mpfr_set_d(b.v, (double)ys[k], MPFR_RNDN);
		if (fn.ref1)
			fn.ref1(ref.v, a.v);
		else
			fn.ref2(ref.v, a.v, b.v);
		// the reference as the format sees it: overflow to inf, underflow through denormals
		double e = ulp_error((double)got[k], ref.v, fmt);
		if (!(e <= w.ulp)) {
			w.ulp = e;
			char at[160];
			if (fn.second == Arg2::none)
				std::snprintf(at, sizeof at, "x=%a got %a", (double)xs[k], (double)got[k]);
			else if (fn.second == Arg2::real)
				std::snprintf(at, sizeof at, "x=%a y=%a got %a", (double)xs[k], (double)ys[k], (double)got[k]);
			else
				std::snprintf(at, sizeof at, "x=%a n=%d got %a", (double)xs[k], ns[k], (double)got[k]);
			w.at = at;
		}
	}
	const bool ok = w.ulp <= bound;
	// the shader's instruction count (the same load/store frame around every function: 'sqrt'
	// shows the frame plus one instruction)
	std::snprintf(line, sizeof line, "%-14s %s  worst %10.3g ulp  bound %6g  %s  %4u instrs  %s%s", fn.name, wide ? "f64" : "f32",
	              w.ulp, bound, ok ? "ok  " : "FAIL", r.instructions, w.at.c_str(),
	              std::isinf(limit) ? "" : ("  [|x| <= 2^" + std::to_string(std::ilogb(limit)) + "]").c_str());
	report.push_back(line);
	if (!ok)
		failed = true;
}

TEST(OpenClStdPrecision, Sweep)
{
	std::vector<std::string> report;
	bool failed = false;
	const char *only = std::getenv("MICA_OCL_STD_ONLY");
	for (const MathFn &fn : functions()) {
		if (only && *only && std::string(only) != fn.name)
			continue;
		sweep<float, uint32_t>(fn, report, failed);
		sweep<double, uint64_t>(fn, report, failed);
	}
	for (const std::string &l : report)
		std::printf("%s\n", l.c_str());
	EXPECT_FALSE(failed) << "a function exceeded its ULP bound (table above)";
}

// sincos: sin as the result, cos through the pointer, each within 4 ulp (f32 and f64), over the
// same edge and random inputs as sin and cos.
template <class F, class U> void sincos_sweep(std::vector<std::string> &report, bool &failed)
{
	const bool wide = sizeof(F) == 8;
	std::vector<F> xs;
	for (F x : edge_values<F>())
		if (!(std::fabs((double)x) > kTrigLimit))
			xs.push_back(x);
	std::mt19937_64 rng(env_u64("MICA_OCL_STD_SEED", 1) * 1000003 + 77);
	const uint64_t samples = env_u64("MICA_OCL_STD_SAMPLES", 256);
	for (uint64_t k = 0; k < samples; k++) {
		F x = random_value<F, U>(rng, 0);
		if (std::fabs((double)x) > kTrigLimit)
			x = (F)std::fmod((double)x, kTrigLimit);
		xs.push_back(x);
	}
	ExtCall c;
	c.inst = "sincos";
	c.result = VType::parse(wide ? "f64" : "f32");
	c.args = {c.result};
	c.out_pointer = true;
	c.out_type = c.result;
	RunResult r = run(c, {bytes_of(xs)}, (uint32_t)xs.size());
	char line[256];
	if (!r.ok) {
		std::snprintf(line, sizeof line, "%-14s %s  ERROR %s", "sincos", wide ? "f64" : "f32", r.error.substr(0, 160).c_str());
		report.push_back(line);
		failed = true;
		return;
	}
	const std::vector<F> s = values_of<F>(r.out), co = values_of<F>(r.out2);
	Mp a, ref;
	Worst w;
	for (size_t k = 0; k < xs.size(); k++) {
		mpfr_set_d(a.v, (double)xs[k], MPFR_RNDN);
		for (int which = 0; which < 2; which++) {
			if (which == 0)
				mpfr_sin(ref.v, a.v, MPFR_RNDN);
			else
				mpfr_cos(ref.v, a.v, MPFR_RNDN);
			const double got = (double)(which == 0 ? s[k] : co[k]);
			const double e = ulp_error(got, ref.v, wide ? kF64 : kF32);
			if (!(e <= w.ulp)) {
				w.ulp = e;
				char at[160];
				std::snprintf(at, sizeof at, "x=%a %s got %a", (double)xs[k], which == 0 ? "sin" : "cos", got);
				w.at = at;
			}
		}
	}
	const bool ok = w.ulp <= 4;
	std::snprintf(line, sizeof line, "%-14s %s  worst %10.3g ulp  bound %6g  %s  %4u instrs  %s", "sincos", wide ? "f64" : "f32",
	              w.ulp, 4.0, ok ? "ok  " : "FAIL", r.instructions, w.at.c_str());
	report.push_back(line);
	failed |= !ok;
}

TEST(OpenClStdPrecision, SinCos)
{
	std::vector<std::string> report;
	bool failed = false;
	sincos_sweep<float, uint32_t>(report, failed);
	sincos_sweep<double, uint64_t>(report, failed);
	for (const std::string &l : report)
		std::printf("%s\n", l.c_str());
	EXPECT_FALSE(failed) << "sincos exceeded its ULP bound (table above)";
}

// f16 (cl_khr_fp16): the f32 lowering rounded once to half. Every half input (every 13th in
// CI, all with MICA_OCL_STD_SAMPLES >= 65536) for unary functions, random pairs for binary ones;
// bound 2 ulp here (the extension's bounds are 2 ulp or more; this leaves about 0.5).
double half_bits_value(uint16_t h)
{
	const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0 ? std::ldexp((double)m, -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp((double)(m | 0x400), e - 25);
	return (h & 0x8000) ? -v : v;
}

TEST(OpenClStdPrecision, Half)
{
	const uint64_t samples = env_u64("MICA_OCL_STD_SAMPLES", 256);
	const unsigned step = samples >= 65536 ? 1 : 13;
	std::vector<uint16_t> all;
	for (uint32_t h = 0; h < 65536; h += step)
		all.push_back((uint16_t)h);
	std::mt19937_64 rng(env_u64("MICA_OCL_STD_SEED", 1));
	std::vector<uint16_t> ys(all.size());
	for (auto &y : ys)
		y = (uint16_t)rng();
	const char *only = std::getenv("MICA_OCL_STD_ONLY");
	bool failed = false;
	for (const MathFn &fn : functions()) {
		const std::string name = fn.name;
		if (fn.second == Arg2::integer || name.rfind("half_", 0) == 0 || name.rfind("native_", 0) == 0 ||
		    fn.bound32 < 0 || (only && *only && name != only))
			continue;
		ExtCall c;
		c.inst = fn.name;
		c.result = VType::parse("f16");
		c.args = {c.result};
		std::vector<std::vector<uint8_t>> in = {bytes_of(all)};
		if (fn.second == Arg2::real) {
			c.args.push_back(c.result);
			in.push_back(bytes_of(ys));
		}
		RunResult r = run(c, in, (uint32_t)all.size());
		if (!r.ok) {
			std::printf("%-14s f16  ERROR %s\n", fn.name, r.error.substr(0, 160).c_str());
			failed = true;
			continue;
		}
		std::vector<uint16_t> got = values_of<uint16_t>(r.out);
		Mp a, b, ref;
		double worst = 0;
		std::string at;
		for (size_t k = 0; k < all.size(); k++) {
			mpfr_set_d(a.v, half_bits_value(all[k]), MPFR_RNDN);
			mpfr_set_d(b.v, half_bits_value(ys[k]), MPFR_RNDN);
			if (fn.ref1)
				fn.ref1(ref.v, a.v);
			else
				fn.ref2(ref.v, a.v, b.v);
			const double e = ulp_error(half_bits_value(got[k]), ref.v, kF16);
			if (!(e <= worst)) {
				worst = e;
				char buf[96];
				std::snprintf(buf, sizeof buf, "x=%a y=%a got %a", half_bits_value(all[k]), half_bits_value(ys[k]), half_bits_value(got[k]));
				at = buf;
			}
		}
		const double bound = std::min(2.0, fn.bound32);
		const bool ok = worst <= std::max(bound, 0.5);
		std::printf("%-14s f16  worst %10.3g ulp  bound %6g  %s  %s\n", fn.name, worst, std::max(bound, 0.5), ok ? "ok  " : "FAIL", at.c_str());
		failed |= !ok;
	}
	EXPECT_FALSE(failed) << "an f16 function exceeded its bound (table above)";
}

} // namespace

