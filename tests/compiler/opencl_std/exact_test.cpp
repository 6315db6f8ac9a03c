// OpenCL.std instructions with exact results, on the device model against host references:
// every integer instruction on 8/16/32/64-bit scalars and vectors (edge values and random
// ones), the exact float instructions (frexp, modf, fract, ilogb, logb, ldexp, nextafter,
// copysign, fmax/fmin, maxmag/minmag, nan, fma, remquo, fclamp, sign, step), relational
// (bitselect, select) and shuffle/shuffle2, geometric functions within their bounds.
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <functional>
#include <random>

#include "ocl_std_util.h"

using namespace mica::compiler::oclstd;

namespace {

using u64 = uint64_t;
using i64 = int64_t;
using i128 = __int128;
using u128 = unsigned __int128;

u64 mask(u64 v, unsigned w) { return w == 64 ? v : v & ((1ull << w) - 1); }
i64 sx(u64 v, unsigned w) { return w == 64 ? (i64)v : (i64)(v << (64 - w)) >> (64 - w); }
i128 smin_of(unsigned w) { return -((i128)1 << (w - 1)); }
i128 smax_of(unsigned w) { return ((i128)1 << (w - 1)) - 1; }
u128 umax_of(unsigned w) { return ((u128)1 << w) - 1; }
u64 sat_s(i128 v, unsigned w) { return mask((u64)(i64)std::min(std::max(v, smin_of(w)), smax_of(w)), w); }
u64 sat_u(i128 v, unsigned w) { return mask((u64)std::min<i128>(std::max<i128>(v, 0), (i128)umax_of(w)), w); }

struct IntOp {
	const char *name;
	int arity;
	std::function<u64(const u64 *, unsigned)> ref;   // operands canonical (zero-extended) for the width
	bool only32 = false;                             // mul24/mad24: 24-bit operands
};

const std::vector<IntOp> &int_ops()
{
	static const std::vector<IntOp> ops = {
		{"s_abs", 1, [](const u64 *a, unsigned w) { i128 x = sx(a[0], w); return mask((u64)(x < 0 ? -x : x), w); }},
		{"u_abs", 1, [](const u64 *a, unsigned) { return a[0]; }},
		{"s_abs_diff", 2, [](const u64 *a, unsigned w) { i128 d = (i128)sx(a[0], w) - sx(a[1], w); return mask((u64)(d < 0 ? -d : d), w); }},
		{"u_abs_diff", 2, [](const u64 *a, unsigned) { return a[0] > a[1] ? a[0] - a[1] : a[1] - a[0]; }},
		{"s_add_sat", 2, [](const u64 *a, unsigned w) { return sat_s((i128)sx(a[0], w) + sx(a[1], w), w); }},
		{"u_add_sat", 2, [](const u64 *a, unsigned w) { return sat_u((i128)a[0] + a[1], w); }},
		{"s_sub_sat", 2, [](const u64 *a, unsigned w) { return sat_s((i128)sx(a[0], w) - sx(a[1], w), w); }},
		{"u_sub_sat", 2, [](const u64 *a, unsigned w) { return sat_u((i128)a[0] - (i128)a[1], w); }},
		{"s_hadd", 2, [](const u64 *a, unsigned w) { return mask((u64)(i64)(((i128)sx(a[0], w) + sx(a[1], w)) >> 1), w); }},
		{"u_hadd", 2, [](const u64 *a, unsigned) { return (u64)(((u128)a[0] + a[1]) >> 1); }},
		{"s_rhadd", 2, [](const u64 *a, unsigned w) { return mask((u64)(i64)(((i128)sx(a[0], w) + sx(a[1], w) + 1) >> 1), w); }},
		{"u_rhadd", 2, [](const u64 *a, unsigned) { return (u64)(((u128)a[0] + a[1] + 1) >> 1); }},
		{"s_clamp", 3, [](const u64 *a, unsigned w) { return mask((u64)std::min(std::max(sx(a[0], w), sx(a[1], w)), sx(a[2], w)), w); }},
		{"u_clamp", 3, [](const u64 *a, unsigned) { return std::min(std::max(a[0], a[1]), a[2]); }},
		{"clz", 1, [](const u64 *a, unsigned w) { return (u64)(a[0] ? std::countl_zero(a[0]) - (64 - (int)w) : (int)w); }},
		{"ctz", 1, [](const u64 *a, unsigned w) { return (u64)(a[0] ? std::countr_zero(a[0]) : (int)w); }},
		{"popcount", 1, [](const u64 *a, unsigned) { return (u64)std::popcount(a[0]); }},
		{"s_mul_hi", 2, [](const u64 *a, unsigned w) { return mask((u64)(i64)(((i128)sx(a[0], w) * sx(a[1], w)) >> w), w); }},
		{"u_mul_hi", 2, [](const u64 *a, unsigned w) { return (u64)(((u128)a[0] * a[1]) >> w); }},
		{"s_mad_hi", 3, [](const u64 *a, unsigned w) { return mask((u64)(i64)(((i128)sx(a[0], w) * sx(a[1], w)) >> w) + a[2], w); }},
		{"u_mad_hi", 3, [](const u64 *a, unsigned w) { return mask((u64)(((u128)a[0] * a[1]) >> w) + a[2], w); }},
		{"s_mad_sat", 3, [](const u64 *a, unsigned w) {
			 // 64-bit: the product may not fit 128 bits signed plus c: saturate by sign
			 i128 p;
			 if (__builtin_mul_overflow((i128)sx(a[0], w), (i128)sx(a[1], w), &p))
				 return sat_s(((sx(a[0], w) < 0) != (sx(a[1], w) < 0)) ? smin_of(w) - 1 : smax_of(w) + 1, w);
			 return sat_s(p + sx(a[2], w), w);
		 }},
		{"u_mad_sat", 3, [](const u64 *a, unsigned w) {
			 u128 p = (u128)a[0] * a[1] + a[2];
			 bool ov = w == 64 && (((u128)a[0] * a[1]) >> 64 != 0 || p < (u128)a[0] * a[1]);
			 return ov || p > umax_of(w) ? (u64)umax_of(w) : (u64)p;
		 }},
		{"s_max", 2, [](const u64 *a, unsigned w) { return sx(a[0], w) > sx(a[1], w) ? a[0] : a[1]; }},
		{"u_max", 2, [](const u64 *a, unsigned) { return std::max(a[0], a[1]); }},
		{"s_min", 2, [](const u64 *a, unsigned w) { return sx(a[0], w) < sx(a[1], w) ? a[0] : a[1]; }},
		{"u_min", 2, [](const u64 *a, unsigned) { return std::min(a[0], a[1]); }},
		{"rotate", 2, [](const u64 *a, unsigned w) {
			 unsigned n = (unsigned)(a[1] & (w - 1));
			 return n ? mask((a[0] << n) | (a[0] >> (w - n)), w) : a[0];
		 }},
		{"s_mul24", 2, [](const u64 *a, unsigned) { return mask((u64)(sx(a[0], 24) * sx(a[1], 24)), 32); }, true},
		{"u_mul24", 2, [](const u64 *a, unsigned) { return mask((a[0] & 0xffffff) * (a[1] & 0xffffff), 32); }, true},
		{"s_mad24", 3, [](const u64 *a, unsigned) { return mask((u64)(sx(a[0], 24) * sx(a[1], 24)) + a[2], 32); }, true},
		{"u_mad24", 3, [](const u64 *a, unsigned) { return mask((a[0] & 0xffffff) * (a[1] & 0xffffff) + a[2], 32); }, true},
	};
	return ops;
}

std::vector<u64> int_inputs(unsigned w, size_t n, std::mt19937_64 &rng, bool is24, bool is_signed = true)
{
	const u64 m = mask(~0ull, w);
	std::vector<u64> edges = {0, 1, 2, 3, m, m - 1, m >> 1, (m >> 1) + 1, (m >> 1) - 1, (m >> 1) + 2, 7, 0x55, m / 3};
	std::vector<u64> v;
	for (size_t k = 0; k < n; k++) {
		u64 x = k < edges.size() * 3 && k % 2 == 0 ? edges[(k / 2) % edges.size()] : rng();
		if (k % 5 == 1)
			x = rng() & (u64)((1 << (rng() % 9)) - 1);   // small values
		if (is24)   // 24-bit operands, sign-extended for the signed forms
			x = is_signed ? mask((u64)sx(x, 24), 32) : mask(x, 24);
		v.push_back(mask(x, w));
	}
	return v;
}

std::vector<uint8_t> pack(const std::vector<u64> &v, unsigned w)
{
	std::vector<uint8_t> b(v.size() * (w / 8));
	for (size_t i = 0; i < v.size(); i++)
		for (unsigned k = 0; k < w / 8; k++)
			b[i * (w / 8) + k] = (uint8_t)(v[i] >> (8 * k));
	return b;
}
std::vector<u64> unpack(const std::vector<uint8_t> &b, unsigned w)
{
	std::vector<u64> v(b.size() / (w / 8));
	for (size_t i = 0; i < v.size(); i++)
		for (unsigned k = 0; k < w / 8; k++)
			v[i] |= (u64)b[i * (w / 8) + k] << (8 * k);
	return v;
}

TEST(OpenClStdExact, Integer)
{
	std::mt19937_64 rng(11);
	const uint32_t n = 256;
	for (const IntOp &op : int_ops())
		for (unsigned w : {8u, 16u, 32u, 64u})
			for (unsigned count : {1u, 4u}) {
				if (op.only32 && w != 32)
					continue;
				if (count == 4 && w != 16 && w != 64)
					continue;   // vectors: componentwise on two widths
				ExtCall c;
				c.inst = op.name;
				VType t;
				t.kind = 'i';
				t.bits = w;
				t.count = count;
				c.result = t;
				std::vector<std::vector<u64>> in;
				std::vector<std::vector<uint8_t>> bytes;
				for (int k = 0; k < op.arity; k++) {
					c.args.push_back(t);
					in.push_back(int_inputs(w, n * count, rng, op.only32 && k < 2, op.name[0] == 's'));
					bytes.push_back(pack(in.back(), w));
				}
				RunResult r = run(c, bytes, n);
				ASSERT_TRUE(r.ok) << op.name << " i" << w << "x" << count << ": " << r.error;
				std::vector<u64> got = unpack(r.out, w);
				int errors = 0;
				for (size_t i = 0; i < (size_t)n * count && errors < 5; i++) {
					u64 a[3] = {in[0][i], op.arity > 1 ? in[1][i] : 0, op.arity > 2 ? in[2][i] : 0};
					u64 want = op.ref(a, w);
					if (got[i] != want) {
						errors++;
						ADD_FAILURE() << op.name << " i" << w << "x" << count << " (" << std::hex << a[0] << ", " << a[1] << ", " << a[2]
						              << "): got " << got[i] << " want " << want;
					}
				}
			}
}

TEST(OpenClStdExact, Upsample)
{
	std::mt19937_64 rng(5);
	for (unsigned w : {8u, 16u, 32u})
		for (const char *name : {"u_upsample", "s_upsample"}) {
			ExtCall c;
			c.inst = name;
			VType t, rt;
			t.kind = rt.kind = 'i';
			t.bits = w;
			rt.bits = 2 * w;
			c.result = rt;
			c.args = {t, t};
			std::vector<u64> hi = int_inputs(w, 128, rng, false), lo = int_inputs(w, 128, rng, false);
			RunResult r = run(c, {pack(hi, w), pack(lo, w)}, 128);
			ASSERT_TRUE(r.ok) << name << ": " << r.error;
			std::vector<u64> got = unpack(r.out, 2 * w);
			for (size_t i = 0; i < 128; i++)
				ASSERT_EQ(got[i], (hi[i] << w) | lo[i]) << name << " i" << w << " " << i;
		}
}

// ---- float instructions with exact results ----
template <class F> std::vector<F> float_inputs(size_t n, std::mt19937_64 &rng)
{
	using L = std::numeric_limits<F>;
	std::vector<F> e = {F(0), -F(0), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), L::min() / 3, F(1), F(-1),
	                    F(0.5), F(-1.5), F(2.5), F(-2.5), F(3), L::max(), -L::max(), L::infinity(), -L::infinity(),
	                    L::quiet_NaN(), F(1e10), F(-7.25), F(0x1p30), F(123.5)};
	std::vector<F> v;
	for (size_t k = 0; k < n; k++) {
		if (k < e.size())
			v.push_back(e[k]);
		else if (k % 3 == 0)
			v.push_back(std::bit_cast<F>((std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>)rng()));
		else
			v.push_back((F)std::uniform_real_distribution<double>(-50, 50)(rng));
	}
	return v;
}

template <class F> bool same(F a, F b) { return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>>(a) == std::bit_cast<std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>>(b); }

// IEEE-754 2008 maxNum/minNum (the device's min/max): a NaN operand gives the other; -0 < +0
template <class F> F fmax_dev(F a, F b) { return std::isnan(a) ? b : std::isnan(b) ? a : (a == b ? (std::signbit(a) ? b : a) : std::fmax(a, b)); }
template <class F> F fmin_dev(F a, F b) { return std::isnan(a) ? b : std::isnan(b) ? a : (a == b ? (std::signbit(a) ? a : b) : std::fmin(a, b)); }
template <class F> F maxmag_ref(F x, F y)
{
	if (std::fabs(x) > std::fabs(y))
		return x;
	if (std::fabs(y) > std::fabs(x))
		return y;
	return fmax_dev(x, y);
}
template <class F> F minmag_ref(F x, F y)
{
	if (std::fabs(x) < std::fabs(y))
		return x;
	if (std::fabs(y) < std::fabs(x))
		return y;
	return fmin_dev(x, y);
}
template <class F> F fract_ref(F x, F *ip)
{
	*ip = std::floor(x);
	if (std::isnan(x))
		return x;
	if (std::isinf(x))
		return std::copysign(F(0), x);
	if (x == 0)
		return x;
	return std::fmin(x - *ip, std::nextafter(F(1), F(0)));
}
template <class F> F sign_ref(F x)
{
	if (std::isnan(x))
		return 0;
	if (x == 0)
		return x;
	return x > 0 ? 1 : -1;
}

template <class F> void float_exact(const char *tname)
{
	std::mt19937_64 rng(sizeof(F));
	const uint32_t n = 192;
	const VType t = VType::parse(tname), it = VType::parse("i32");
	std::vector<F> x = float_inputs<F>(n, rng), y = float_inputs<F>(n, rng), z = float_inputs<F>(n, rng);
	std::shuffle(y.begin(), y.end(), rng);
	std::shuffle(z.begin(), z.end(), rng);
	auto run2 = [&](const char *name, int arity, std::function<F(F, F, F)> ref) {
		ExtCall c;
		c.inst = name;
		c.result = t;
		std::vector<std::vector<uint8_t>> in = {bytes_of(x), bytes_of(y), bytes_of(z)};
		in.resize(arity);
		for (int k = 0; k < arity; k++)
			c.args.push_back(t);
		RunResult r = run(c, in, n);
		ASSERT_TRUE(r.ok) << name << " " << tname << ": " << r.error;
		std::vector<F> got = values_of<F>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			F want = ref(x[i], y[i], z[i]);
			ASSERT_TRUE(same(got[i], want)) << name << " " << tname << "(" << std::hexfloat << x[i] << ", " << y[i] << ", " << z[i]
			                                << "): got " << got[i] << " want " << want;
		}
	};
	run2("copysign", 2, [](F a, F b, F) { return std::copysign(a, b); });
	run2("fmax", 2, [](F a, F b, F) { return fmax_dev(a, b); });
	run2("fmin", 2, [](F a, F b, F) { return fmin_dev(a, b); });
	run2("fmax_common", 2, [](F a, F b, F) { return fmax_dev(a, b); });
	run2("fmin_common", 2, [](F a, F b, F) { return fmin_dev(a, b); });
	run2("maxmag", 2, [](F a, F b, F) { return maxmag_ref(a, b); });
	run2("minmag", 2, [](F a, F b, F) { return minmag_ref(a, b); });
	run2("fma", 3, [](F a, F b, F c) { return std::fma(a, b, c); });
	run2("mad", 3, [](F a, F b, F c) { return std::fma(a, b, c); });
	run2("nextafter", 2, [](F a, F b, F) { return std::nextafter(a, b); });
	run2("sign", 1, [](F a, F, F) { return sign_ref(a); });
	run2("step", 2, [](F e, F v, F) { return v < e ? F(0) : F(1); });
	run2("fabs", 1, [](F a, F, F) { return std::fabs(a); });
	run2("logb", 1, [](F a, F, F) { return std::logb(a); });
	// pointer results
	auto run_ptr = [&](const char *name, const char *out_type, auto check) {
		ExtCall c;
		c.inst = name;
		c.result = t;
		c.args = {t};
		c.out_pointer = true;
		c.out_type = VType::parse(out_type);
		RunResult r = run(c, {bytes_of(x)}, n);
		ASSERT_TRUE(r.ok) << name << " " << tname << ": " << r.error;
		check(values_of<F>(r.out), r.out2);
	};
	run_ptr("frexp", "i32", [&](const std::vector<F> &got, const std::vector<uint8_t> &o2) {
		std::vector<int32_t> e = values_of<int32_t>(o2);
		for (uint32_t i = 0; i < n; i++) {
			int we = 0;
			F wm = std::frexp(x[i], &we);
			if (!std::isfinite(x[i]))
				we = 0;
			ASSERT_TRUE(same(got[i], wm) && e[i] == we) << "frexp " << tname << "(" << std::hexfloat << x[i] << "): got " << got[i] << ", " << std::dec << e[i];
		}
	});
	run_ptr("modf", tname, [&](const std::vector<F> &got, const std::vector<uint8_t> &o2) {
		std::vector<F> ip = values_of<F>(o2);
		for (uint32_t i = 0; i < n; i++) {
			F wi;
			F wf = std::modf(x[i], &wi);
			ASSERT_TRUE(same(got[i], wf) && same(ip[i], wi)) << "modf " << tname << "(" << std::hexfloat << x[i] << "): got " << got[i] << ", " << ip[i];
		}
	});
	run_ptr("fract", tname, [&](const std::vector<F> &got, const std::vector<uint8_t> &o2) {
		std::vector<F> ip = values_of<F>(o2);
		for (uint32_t i = 0; i < n; i++) {
			F wi;
			F wf = fract_ref(x[i], &wi);
			ASSERT_TRUE(same(got[i], wf) && same(ip[i], wi)) << "fract " << tname << "(" << std::hexfloat << x[i] << "): got " << got[i] << ", " << ip[i];
		}
	});
	// ilogb: int result; FP_ILOGB0 = INT_MIN, FP_ILOGBNAN = INT_MAX (also for inf)
	{
		ExtCall c;
		c.inst = "ilogb";
		c.result = it;
		c.args = {t};
		RunResult r = run(c, {bytes_of(x)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<int32_t> got = values_of<int32_t>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			int32_t want = x[i] == 0 ? INT_MIN : !std::isfinite(x[i]) ? INT_MAX : std::ilogb(x[i]);
			ASSERT_EQ(got[i], want) << "ilogb " << tname << "(" << std::hexfloat << x[i] << ")";
		}
	}
	// ldexp with exponents across the whole range (denormal results rounded once)
	{
		ExtCall c;
		c.inst = "ldexp";
		c.result = t;
		c.args = {t, it};
		std::vector<int32_t> k;
		for (uint32_t i = 0; i < n; i++)
			k.push_back(i % 7 == 0 ? (int32_t)(rng() % 4400) - 2200 : (int32_t)(rng() % 80) - 40 - (i % 3 ? 0 : (sizeof(F) == 4 ? 140 : 1060)));
		RunResult r = run(c, {bytes_of(x), bytes_of(k)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<F> got = values_of<F>(r.out);
		for (uint32_t i = 0; i < n; i++)
			ASSERT_TRUE(same(got[i], std::ldexp(x[i], k[i]))) << "ldexp " << tname << "(" << std::hexfloat << x[i] << ", " << std::dec << k[i]
			                                                  << "): got " << std::hexfloat << got[i];
	}
	// nan(code)
	{
		ExtCall c;
		c.inst = "nan";
		c.result = t;
		c.args = {VType::parse(sizeof(F) == 4 ? "i32" : "i64")};
		using Code = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
		std::vector<Code> code;
		for (uint32_t i = 0; i < n; i++)
			code.push_back((Code)rng());
		RunResult r = run(c, {bytes_of(code)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<F> got = values_of<F>(r.out);
		for (uint32_t i = 0; i < n; i++)
			ASSERT_TRUE(std::isnan(got[i])) << "nan " << tname;
	}
}

TEST(OpenClStdExact, Float32) { float_exact<float>("f32"); }
TEST(OpenClStdExact, Float64) { float_exact<double>("f64"); }

template <class F> void remquo_exact(const char *tname)
{
	std::mt19937_64 rng(3);
	const uint32_t n = 256;
	std::vector<F> x = float_inputs<F>(n, rng), y = float_inputs<F>(n, rng);
	std::shuffle(y.begin(), y.end(), rng);
	for (uint32_t i = 0; i < 32; i++)   // small quotients, where the low bits are all there is
		y[i] = x[i] / (F)(1 + i % 9) * (F)(i % 2 ? 1 : -1);
	ExtCall c;
	c.inst = "remquo";
	c.result = VType::parse(tname);
	c.args = {c.result, c.result};
	c.out_pointer = true;
	c.out_type = VType::parse("i32");
	RunResult r = run(c, {bytes_of(x), bytes_of(y)}, n);
	ASSERT_TRUE(r.ok) << r.error;
	std::vector<F> got = values_of<F>(r.out);
	std::vector<int32_t> q = values_of<int32_t>(r.out2);
	for (uint32_t i = 0; i < n; i++) {
		int wq = 0;
		F want = std::remquo(x[i], y[i], &wq);
		ASSERT_TRUE(same(got[i], want)) << std::hexfloat << "remquo " << tname << "(" << x[i] << ", " << y[i] << "): got " << got[i] << " want " << want;
		if (std::isfinite(want)) {   // the low 3 bits at least (C), the spec's 7 with the sign
			ASSERT_EQ(q[i] & 7, wq & 7) << std::hexfloat << "remquo quotient " << tname << " (" << x[i] << ", " << y[i] << "): " << std::dec << q[i] << " vs " << wq;
		}
	}
}

// lgamma_r: the value as lgamma (checked by the sweep) and the sign of Gamma(x) through the pointer
TEST(OpenClStdExact, LgammaR)
{
	std::vector<float> x = {1.5f, 0.5f, -0.5f, -1.5f, -2.5f, -3.25f, 10.0f, 1e-3f, -1e-3f, 3.0f, -7.75f, 33.0f};
	ExtCall c;
	c.inst = "lgamma_r";
	c.result = VType::parse("f32");
	c.args = {c.result};
	c.out_pointer = true;
	c.out_type = VType::parse("i32");
	RunResult r = run(c, {bytes_of(x)}, (uint32_t)x.size());
	ASSERT_TRUE(r.ok) << r.error;
	std::vector<float> got = values_of<float>(r.out);
	std::vector<int32_t> sg = values_of<int32_t>(r.out2);
	for (size_t i = 0; i < x.size(); i++) {
		int want_sign = 0;
		const double want = lgamma_r((double)x[i], &want_sign);
		EXPECT_NEAR(got[i], want, 4e-7 * std::max(1.0, std::fabs(want))) << x[i];
		EXPECT_EQ(sg[i], want_sign) << x[i];
	}
}

TEST(OpenClStdExact, Remquo32) { remquo_exact<float>("f32"); }
TEST(OpenClStdExact, Remquo64) { remquo_exact<double>("f64"); }

TEST(OpenClStdExact, RelationalAndShuffle)
{
	std::mt19937_64 rng(9);
	const uint32_t n = 128;
	// bitselect on v4f32 bit patterns, select with a vector int condition (most significant bit)
	std::vector<uint32_t> a(n * 4), b(n * 4), m(n * 4);
	for (uint32_t i = 0; i < n * 4; i++) {
		a[i] = (uint32_t)rng();
		b[i] = (uint32_t)rng();
		m[i] = (uint32_t)rng();
		if (i % 3 == 0)
			m[i] = i % 2 ? 0x80000000u : 1;
	}
	{
		ExtCall c;
		c.inst = "bitselect";
		c.result = VType::parse("v4f32");
		c.args = {c.result, c.result, c.result};
		RunResult r = run(c, {bytes_of(a), bytes_of(b), bytes_of(m)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint32_t> got = values_of<uint32_t>(r.out);
		for (uint32_t i = 0; i < n * 4; i++)
			ASSERT_EQ(got[i], (a[i] & ~m[i]) | (b[i] & m[i])) << i;
	}
	{
		ExtCall c;
		c.inst = "select";
		c.result = VType::parse("v4i32");
		c.args = {c.result, c.result, c.result};
		RunResult r = run(c, {bytes_of(a), bytes_of(b), bytes_of(m)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint32_t> got = values_of<uint32_t>(r.out);
		for (uint32_t i = 0; i < n * 4; i++)
			ASSERT_EQ(got[i], (m[i] & 0x80000000u) ? b[i] : a[i]) << i;
	}
	{   // scalar select: any non-zero condition
		ExtCall c;
		c.inst = "select";
		c.result = VType::parse("f32");
		c.args = {c.result, c.result, VType::parse("i32")};
		RunResult r = run(c, {bytes_of(a), bytes_of(b), bytes_of(m)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint32_t> got = values_of<uint32_t>(r.out);
		for (uint32_t i = 0; i < n; i++)
			ASSERT_EQ(got[i], m[i] ? b[i] : a[i]) << i;
	}
	{   // 16-bit vector select: the condition's bit 15
		std::vector<uint16_t> a16(n * 4), b16(n * 4), m16(n * 4);
		for (uint32_t i = 0; i < n * 4; i++) {
			a16[i] = (uint16_t)a[i];
			b16[i] = (uint16_t)b[i];
			m16[i] = (uint16_t)m[i] ^ (uint16_t)(i % 2 ? 0x8000 : 0);
		}
		ExtCall c;
		c.inst = "select";
		c.result = VType::parse("v4i16");
		c.args = {c.result, c.result, c.result};
		RunResult r = run(c, {bytes_of(a16), bytes_of(b16), bytes_of(m16)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint16_t> got = values_of<uint16_t>(r.out);
		for (uint32_t i = 0; i < n * 4; i++)
			ASSERT_EQ(got[i], (m16[i] & 0x8000) ? b16[i] : a16[i]) << i;
	}
	{   // shuffle: mask components taken modulo the source size
		ExtCall c;
		c.inst = "shuffle";
		c.result = VType::parse("v4f32");
		c.args = {c.result, VType::parse("v4i32")};
		RunResult r = run(c, {bytes_of(a), bytes_of(m)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint32_t> got = values_of<uint32_t>(r.out);
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t k = 0; k < 4; k++)
				ASSERT_EQ(got[i * 4 + k], a[i * 4 + (m[i * 4 + k] & 3)]) << i << "." << k;
	}
	{   // shuffle2 of two v2i64 into a v4i64
		std::vector<uint64_t> x(n * 2), y(n * 2), mk(n * 4);
		for (auto &v : x)
			v = rng();
		for (auto &v : y)
			v = rng();
		for (auto &v : mk)
			v = rng();
		ExtCall c;
		c.inst = "shuffle2";
		c.result = VType::parse("v4i64");
		c.args = {VType::parse("v2i64"), VType::parse("v2i64"), VType::parse("v4i64")};
		RunResult r = run(c, {bytes_of(x), bytes_of(y), bytes_of(mk)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<uint64_t> got = values_of<uint64_t>(r.out);
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t k = 0; k < 4; k++) {
				uint32_t s = (uint32_t)(mk[i * 4 + k] & 3);
				ASSERT_EQ(got[i * 4 + k], s < 2 ? x[i * 2 + s] : y[i * 2 + s - 2]) << i << "." << k;
			}
	}
}

// Geometric functions: cross exact per component formula; length/distance/normalize within the
// spec's bounds (f32 computed through f64 here: within 1 ulp of the f64 reference, no overflow
// for huge components).
TEST(OpenClStdExact, Geometric)
{
	std::mt19937_64 rng(4);
	const uint32_t n = 128;
	std::vector<float> p(n * 4), q(n * 4);
	for (uint32_t i = 0; i < n * 4; i++) {
		p[i] = (float)std::uniform_real_distribution<double>(-100, 100)(rng);
		q[i] = (float)std::uniform_real_distribution<double>(-100, 100)(rng);
		if (i < 8)
			p[i] = 1e38f;   // x^2 overflows f32, the length does not
		if (i >= 8 && i < 16)
			p[i] = 1e-40f;   // denormals
	}
	auto ulps = [](float got, double want) { return std::fabs((double)got - want) / std::ldexp(1.0, std::max(std::ilogb(want), -126) - 23); };
	{
		ExtCall c;
		c.inst = "length";
		c.result = VType::parse("f32");
		c.args = {VType::parse("v4f32")};
		RunResult r = run(c, {bytes_of(p)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<float> got = values_of<float>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			double s = 0;
			for (int k = 0; k < 4; k++)
				s += (double)p[i * 4 + k] * p[i * 4 + k];
			ASSERT_LE(ulps(got[i], std::sqrt(s)), 1.0) << i << " " << got[i];
		}
	}
	{
		ExtCall c;
		c.inst = "distance";
		c.result = VType::parse("f32");
		c.args = {VType::parse("v4f32"), VType::parse("v4f32")};
		RunResult r = run(c, {bytes_of(p), bytes_of(q)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<float> got = values_of<float>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			double s = 0;
			for (int k = 0; k < 4; k++)
				s += ((double)p[i * 4 + k] - q[i * 4 + k]) * ((double)p[i * 4 + k] - q[i * 4 + k]);
			ASSERT_LE(ulps(got[i], std::sqrt(s)), 1.0) << i;
		}
	}
	{
		ExtCall c;
		c.inst = "normalize";
		c.result = VType::parse("v4f32");
		c.args = {c.result};
		RunResult r = run(c, {bytes_of(p)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<float> got = values_of<float>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			double s = 0;
			for (int k = 0; k < 4; k++)
				s += (double)p[i * 4 + k] * p[i * 4 + k];
			for (int k = 0; k < 4; k++) {
				double want = p[i * 4 + k] / std::sqrt(s);
				if (want != 0) {
					ASSERT_LE(ulps(got[i * 4 + k], want), 1.5) << i << "." << k;
				}
			}
		}
	}
	{
		std::vector<float> a3(n * 4), b3(n * 4);
		for (uint32_t i = 0; i < n * 4; i++) {
			a3[i] = (float)(int)(rng() % 200) - 100;
			b3[i] = (float)(int)(rng() % 200) - 100;
		}
		ExtCall c;
		c.inst = "cross";
		c.result = VType::parse("v4f32");
		c.args = {c.result, c.result};
		RunResult r = run(c, {bytes_of(a3), bytes_of(b3)}, n);
		ASSERT_TRUE(r.ok) << r.error;
		std::vector<float> got = values_of<float>(r.out);
		for (uint32_t i = 0; i < n; i++) {
			const float *a = &a3[i * 4], *b = &b3[i * 4];
			const float want[4] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0], 0};
			for (int k = 0; k < 4; k++)
				ASSERT_EQ(got[i * 4 + k], want[k]) << i << "." << k;
		}
	}
}

// Common functions: fclamp, mix (fma allowed), degrees/radians (2 ulp), smoothstep (approx).
TEST(OpenClStdExact, Common)
{
	std::mt19937_64 rng(8);
	const uint32_t n = 128;
	std::vector<float> x(n), lo(n), hi(n);
	for (uint32_t i = 0; i < n; i++) {
		x[i] = (float)std::uniform_real_distribution<double>(-10, 10)(rng);
		lo[i] = (float)std::uniform_real_distribution<double>(-10, 0)(rng);
		hi[i] = (float)std::uniform_real_distribution<double>(0.5, 10)(rng);
	}
	auto run3 = [&](const char *name, int arity) {
		ExtCall c;
		c.inst = name;
		c.result = VType::parse("f32");
		for (int k = 0; k < arity; k++)
			c.args.push_back(c.result);
		std::vector<std::vector<uint8_t>> in = {bytes_of(x), bytes_of(lo), bytes_of(hi)};
		in.resize(arity);
		RunResult r = run(c, in, n);
		EXPECT_TRUE(r.ok) << name << ": " << r.error;
		return values_of<float>(r.out);
	};
	std::vector<float> got = run3("fclamp", 3);
	for (uint32_t i = 0; i < n; i++)
		ASSERT_EQ(got[i], std::fmin(std::fmax(x[i], lo[i]), hi[i]));
	got = run3("degrees", 1);
	for (uint32_t i = 0; i < n; i++)
		ASSERT_EQ(got[i], (float)((double)x[i] * (180 / M_PI)));
	got = run3("radians", 1);
	for (uint32_t i = 0; i < n; i++)
		ASSERT_EQ(got[i], (float)((double)x[i] * (M_PI / 180)));
	got = run3("mix", 3);
	for (uint32_t i = 0; i < n; i++)
		ASSERT_EQ(got[i], std::fma(lo[i] - x[i], hi[i], x[i]));
	got = run3("smoothstep", 3);
	for (uint32_t i = 0; i < n; i++) {
		// smoothstep(edge0 = x, edge1 = lo, v = hi)
		double t = std::clamp(((double)hi[i] - x[i]) / ((double)lo[i] - x[i]), 0.0, 1.0);
		if (x[i] != lo[i]) {
			ASSERT_NEAR(got[i], t * t * (3 - 2 * t), 1e-5) << i;
		}
	}
}

} // namespace
