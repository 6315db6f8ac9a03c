// OpenCL.std math instructions (2.1) within the OpenCL C specification's ULP bounds.
//
// The device has f32 sin/cos/exp2/log2/rcp/rsqrt/sqrt and f64 rcp/rsqrt/sqrt (docs/hw/isa.md:
// sqrt and rcp correctly rounded, the others <= 1 ulp). Where an f32 function is one of those
// (or one of them and a rounding), the instruction is used; the other f32 functions are
// evaluated in f64 by the f64 kernels below (polynomials accurate to a few f64 ulp) and rounded
// once to f32, which leaves them within about 0.5 ulp. f16 values arrive widened to f32
// (spirv_narrow.cpp) and use the f32 forms. docs/compiler.md "OpenCL.std" has the measured
// worst ULP per function.
#include <cmath>

#include "spirv_opencl_std.h"

namespace mica::compiler::spirv_detail {

namespace {

// A constant split into hi + lo: hi keeps 21 significant bits (so k * hi is exact for |k| <
// 2^32), lo the next 53.
struct Split {
	double hi, lo;
};
Split split(long double c)
{
	double h = (double)c;
	h = std::bit_cast<double>(std::bit_cast<uint64_t>(h) & ~0xffffffffull);
	return {h, (double)(c - (long double)h)};
}
constexpr long double kLn2 = 0.693147180559945309417232121458176568L;
constexpr long double kLn10 = 2.30258509299404568401799145468436421L;
constexpr long double kLog2e = 1.44269504088896340735992468100189214L;
constexpr long double kLog10e = 0.434294481903251827651128918916605082L;
constexpr long double kLog10_2 = 0.301029995663981195213738894724493027L;
constexpr long double kPi = 3.14159265358979323846264338327950288L;
// ln 2 to about 85 bits (hi has 21 significant bits): the exponential's reduction multiplies
// it by up to 1100, so the long double value (64 bits) would not do
const Split kLn2Split = {std::bit_cast<double>(0x3fe62e42fee00000ull), std::bit_cast<double>(0x3dea39ef35793c76ull)};

// pi/2 as a sum of doubles of 'bits' significant bits each (the first holds the leading bits),
// from pi's hexadecimal digits (the same digits as Blowfish's P-array): 3.243F6A88...
std::vector<double> pio2_chunks(int n, int bits)
{
	static const char *kPiHex = "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89452821E638D01377BE5466CF34E90C6CC0AC29B7C97C50DD3F84D5B5B5470917";
	std::vector<int> b = {1, 1};   // pi = 11.0010..b; pi/2 = 1.10010..b
	for (const char *c = kPiHex; *c; c++) {
		int v = *c <= '9' ? *c - '0' : *c - 'A' + 10;
		for (int k = 3; k >= 0; k--)
			b.push_back((v >> k) & 1);
	}
	std::vector<double> r;
	size_t pos = 0;   // bit 0 has weight 2^0 in pi/2
	for (int i = 0; i < n; i++) {
		double chunk = 0;
		for (int k = 0; k < bits; k++, pos++)
			if (b.at(pos))
				chunk += std::ldexp(1.0, -(int)pos);
		r.push_back(chunk);
	}
	return r;
}

// The bits of 2/pi as 64-bit words, most significant first, after one word of zeros (so a window
// may start before the binary point) and followed by zeros: 1584 bits, enough for any double
// (checked against MPFR when written).
const std::vector<uint64_t> &two_over_pi_words()
{
	static const std::vector<uint64_t> w = [] {
		static const char *kHex = "A2F9836E4E441529FC2757D1F534DDC0DB6295993C439041FE5163ABDEBBC561B7246E3A424DD2E006492EEA09D1921CFE1DEB1CB129A73EE88235F52EBB4484E99C7026B45F7E413991D639835339F49C845F8BBDF9283B1FF897FFDE05980FEF2F118B5A0A6D1F6D367ECF27CB09B74F463F669E5FEA2D7527BAC7EBE5F17B3D0739F78A5292EA6BFB5FB11F8D5D0856033046FC7B6BABF0CFBC209AF4361DA9E391615EE61B086599855F14A068408DFFD8804D73273106061556CA73A8C960E27BC08C6B";
		std::vector<uint64_t> v(1, 0);
		std::string hex = kHex;
		for (size_t i = 0; i < hex.size(); i += 16)
			v.push_back(std::stoull(hex.substr(i, 16), nullptr, 16) << (4 * (16 - std::min<size_t>(16, hex.size() - i))));
		v.resize(v.size() + 4, 0);
		return v;
	}();
	return w;
}

// Taylor coefficients 1 / k! for k = 0..n-1
std::vector<double> inv_factorials(int first, int n, int step = 1, bool alternate = false)
{
	std::vector<double> c;
	for (int k = first, i = 0; i < n; k += step, i++) {
		long double f = 1;
		for (int j = 2; j <= k; j++)
			f *= j;
		c.push_back((double)((alternate && i % 2 ? -1.0L : 1.0L) / f));
	}
	return c;
}

} // namespace

static Operand horner(OpenClStd &o, Operand x, const std::vector<double> &c)
{
	Operand acc = OpenClStd::d(c.back());
	for (size_t i = c.size() - 1; i-- > 0;)
		acc = o.dfma(acc, x, OpenClStd::d(c[i]));
	return acc;
}

Operand OpenClStd::pow2_f64(Operand n)
{
	return e64(IOp::pack64, {k32(0), e32(IOp::shl, {e32(IOp::iadd, {n, k32(1023)}), k32(20)})});
}

Operand OpenClStd::ddiv_faithful(Operand a, Operand b)
{
	// |b| near the ends of the range: 1/b would overflow or lose bits as a denormal; both scaled
	// by a power of two first (the quotient is the same)
	Operand ab = e64(IOp::iand, {b, k64(~(1ull << 63))});
	Operand scale = dsel(eb(IOp::flt, {ab, d(0x1p-1000)}), d(0x1p100), dsel(eb(IOp::flt, {d(0x1p1000), ab}), d(0x1p-100), d(1)));
	a = dmul(a, scale);
	b = dmul(b, scale);
	Operand r = e64(IOp::frcp, {b});
	Operand q0 = dmul(a, r);
	Operand res = dfma(e64(IOp::ffma, {e64(IOp::ixor, {q0, k64(1ull << 63)}), b, a}), r, q0);
	// inf, 0 and NaN quotients (and divisions by 0/inf) stay as a * rcp(b)
	Operand aq = e64(IOp::iand, {q0, k64(~(1ull << 63))});
	Operand ok = eb(IOp::band, {eb(IOp::flt, {aq, d(INFINITY)}), eb(IOp::fne, {q0, d(0)})});
	return dsel(ok, res, q0);
}

// e^x, 2^x or 10^x: x ln(base) = n ln2 + r (|r| <= ln2 / 2, Cody-Waite with a split ln2), e^r by
// its Taylor polynomial of degree 13 (remainder < 2^-57), times 2^n in two factors (a denormal
// result is rounded once, by the last multiplication).
Operand OpenClStd::exp_f64(Operand x, int base)
{
	const double lim = base == 0 ? 760 : base == 1 ? 1100 : 330;
	Operand xc = e64(IOp::fmin, {e64(IOp::fmax, {x, d(-lim)}), d(lim)});
	Operand a = xc, alo = d(0);
	if (base != 0) {
		// x ln(base) as hi + lo; ln 2 from its 85-bit split, ln 10 from long double
		const double lh = base == 1 ? (double)kLn2 : (double)kLn10;
		const double ll = base == 1 ? (kLn2Split.hi - lh) + kLn2Split.lo : (double)(kLn10 - (long double)lh);
		a = dmul(xc, d(lh));
		alo = dfma(xc, d(ll), dfma(xc, d(lh), e64(IOp::ixor, {a, k64(1ull << 63)})));
	}
	return dsel(eb(IOp::funord, {x, x}), x, exp_dd(a, alo));
}

// e^(a + alo) for |a| <= 800 (larger |a| is clamped, alo then ignored): the result overflows or
// underflows as it should.
Operand OpenClStd::exp_dd(Operand a, Operand alo)
{
	const Operand a0 = a;   // a NaN stays NaN
	static const Split ln2 = kLn2Split;
	static const std::vector<double> taylor = inv_factorials(0, 14);
	Operand big = eb(IOp::bnot, {eb(IOp::flt, {e64(IOp::iand, {a, k64(~(1ull << 63))}), d(800)})});
	a = e64(IOp::fmin, {e64(IOp::fmax, {a, d(-800)}), d(800)});
	alo = dsel(big, d(0), alo);
	Operand n = e64(IOp::fround_even, {dmul(a, d((double)kLog2e))});
	Operand nn = e64(IOp::ixor, {n, k64(1ull << 63)});
	Operand r = dfma(nn, d(ln2.hi), a);
	r = dadd(dfma(nn, d(ln2.lo), r), alo);
	Operand p = horner(*this, r, taylor);
	Operand ni = e32(IOp::cvt_s_f, {n}, 0, 1);
	Operand n1 = e32(IOp::sshr, {ni, k32(1)});
	Operand y = dmul(dmul(p, pow2_f64(n1)), pow2_f64(e32(IOp::isub, {ni, n1})));
	return dsel(eb(IOp::funord, {a0, a0}), a0, y);
}

// log x as hi + lo (about 2^-64 relative) for pow: x = 2^e m, m in [sqrt(1/2), sqrt 2); m r_j
// with r_j ~ 2^(-j/8) (8-bit significand, j = rint(8 log2 m) from the f32 log2) lies within
// 2^(+-1/16) of 1; m r_j as an exact double-double gives f = (m r_j - 1) + lo exactly, s = f /
// (2 + f) as a double-double, log(1 + f) = 2 s + s R(s^2) (atanh series, s <= 0.024), then
// - log r_j (a table as hi + lo) + e ln 2 (85-bit split). x = 0 gives -inf, inf gives inf.
std::pair<Operand, Operand> OpenClStd::log_dd(Operand x)
{
	static const Split ln2 = kLn2Split;
	static const std::vector<double> atanh_series = [] {
		std::vector<double> c;
		for (int k = 1; k <= 6; k++)
			c.push_back(2.0 / (2 * k + 1));
		return c;
	}();
	struct Entry {
		double r, log_hi, log_lo;   // r_j and -log(r_j) as hi + lo
	};
	static const std::vector<Entry> table = [] {
		std::vector<Entry> t;
		for (int j = -4; j <= 4; j++) {
			const double r = std::ldexp(std::round(std::ldexp(std::exp2(-j / 8.0), 7)), -7);   // 8 significant bits
			const long double l = -logl((long double)r);
			const double h = (double)l;
			t.push_back({r, h, (double)(l - (long double)h)});
		}
		return t;
	}();
	Operand sub = eb(IOp::flt, {x, d(0x1p-1022)});
	Operand xs = dsel(sub, dmul(x, d(0x1p54)), x);
	Operand hi = e32(IOp::hi32, {xs});
	Operand e = e32(IOp::isub, {e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)}), ssel(sub, k32(1023 + 54), k32(1023))});
	Operand m = e64(IOp::pack64, {e32(IOp::lo32, {xs}), e32(IOp::ior, {e32(IOp::iand, {hi, k32(0x000fffffu)}), k32(0x3ff00000u)})});
	Operand bigm = eb(IOp::flt, {d(1.41421356237309504880), m});
	m = dsel(bigm, dmul(m, d(0.5)), m);
	e = e32(IOp::iadd, {e, ssel(bigm, k32(1), k32(0))});
	// j = rint(8 log2 m) in [-4, 4]; the table entry by a compare/select chain
	Operand jf = e32(IOp::fround_even, {e32(IOp::fmul, {e32(IOp::flog2, {to_f32(m)}), f(8.0f)})});
	Operand j = e32(IOp::smin, {e32(IOp::smax, {e32(IOp::cvt_s_f, {jf}), k32((uint32_t)-4)}), k32(4)});
	Operand r = d(1), th = d(0), tl = d(0);
	for (int k = -4; k <= 4; k++) {
		if (k == 0)
			continue;
		const Entry &en = table[k + 4];
		Operand is_k = eb(IOp::ieq, {j, k32((uint32_t)k)});
		r = dsel(is_k, d(en.r), r);
		th = dsel(is_k, d(en.log_hi), th);
		tl = dsel(is_k, d(en.log_lo), tl);
	}
	Operand ph = dmul(m, r);
	Operand pl = dfma(m, r, e64(IOp::ixor, {ph, k64(1ull << 63)}));
	Operand fh = dsub(ph, d(1));   // exact (ph within 2^(+-1/16) of 1)
	// log(1 + fh + pl) = log(1 + fh) + pl / (1 + fh)
	Operand dh = dadd(fh, d(2));
	Operand dl = dsub(fh, dsub(dh, d(2)));
	Operand sh = ddiv_faithful(fh, dh);
	Operand nsh = e64(IOp::ixor, {sh, k64(1ull << 63)});
	Operand res = dfma(nsh, dl, dfma(nsh, dh, fh));
	Operand sl = dmul(res, e64(IOp::frcp, {dh}));
	Operand z = dmul(sh, sh);
	Operand tail = dadd(dmul(sl, d(2)), dmul(sh, dmul(z, horner(*this, z, atanh_series))));
	tail = dadd(tail, dmul(pl, e64(IOp::frcp, {ph})));
	Operand h2 = dmul(sh, d(2));
	// (H, L) = e ln2 + (-log r_j) + 2 sh + tail: two-sums of the large parts
	Operand ed = e64(IOp::cvt_f_s, {e});
	Operand eh = dmul(ed, d(ln2.hi));   // exact
	auto two_sum = [&](Operand a, Operand b, Operand &err) {
		Operand sum = dadd(a, b);
		Operand bb = dsub(sum, a);
		err = dadd(dsub(a, dsub(sum, bb)), dsub(b, bb));
		return sum;
	};
	Operand e1, e2;
	Operand S = two_sum(eh, th, e1);
	S = two_sum(S, h2, e2);
	Operand L = dadd(dadd(e1, e2), dadd(dfma(ed, d(ln2.lo), tl), tail));
	Operand H = dadd(S, L);
	L = dsub(L, dsub(H, S));
	// x = 0: -inf; x = inf: inf (lo 0)
	Operand zero = eb(IOp::feq, {x, d(0)}), inf = eb(IOp::feq, {x, d(INFINITY)});
	H = dsel(zero, d(-INFINITY), dsel(inf, d(INFINITY), H));
	L = dsel(eb(IOp::bor, {zero, inf}), d(0), L);
	return {H, L};
}

// e^x - 1: x = n ln2 + r; expm1(r) = r (1 + r/2! + ... ) (degree 13), then 2^n expm1(r) + (2^n - 1).
Operand OpenClStd::expm1_f64(Operand x)
{
	static const Split ln2 = kLn2Split;
	static const std::vector<double> taylor = inv_factorials(1, 14);   // 1/1!, 1/2!, ...
	Operand xc = e64(IOp::fmin, {e64(IOp::fmax, {x, d(-60)}), d(40)});
	Operand n = e64(IOp::fround_even, {dmul(xc, d((double)kLog2e))});
	Operand nn = e64(IOp::ixor, {n, k64(1ull << 63)});
	Operand r = dfma(nn, d(ln2.lo), dfma(nn, d(ln2.hi), xc));
	Operand em = dmul(r, horner(*this, r, taylor));
	Operand s = pow2_f64(e32(IOp::cvt_s_f, {n}, 0, 1));
	Operand y = dfma(s, em, dsub(s, d(1)));
	y = dsel(eb(IOp::flt, {d(40), x}), exp_f64(x, 0), y);
	y = dsel(eb(IOp::feq, {x, d(0)}), x, y);
	return dsel(eb(IOp::funord, {x, x}), x, y);
}

// log: x = 2^e m, m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact); log(1 + f) = f - (f^2/2 -
// s (f^2/2 + R(s^2))) with s = f / (2 + f) and R the atanh series 2 s^2/3 + 2 s^4/5 + ... (11
// terms, s^2 <= 0.0295): the rounding of s only reaches the small correction term.
Operand OpenClStd::log_f64(Operand x, int base)
{
	static const Split ln2 = kLn2Split, l10_2 = split(kLog10_2);
	static const std::vector<double> atanh_series = [] {
		std::vector<double> c;
		for (int k = 1; k <= 11; k++)
			c.push_back(2.0 / (2 * k + 1));
		return c;
	}();
	Operand sub = eb(IOp::flt, {x, d(0x1p-1022)});
	Operand xs = dsel(sub, dmul(x, d(0x1p54)), x);
	Operand hi = e32(IOp::hi32, {xs});
	Operand e = e32(IOp::isub, {e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)}), ssel(sub, k32(1023 + 54), k32(1023))});
	Operand m = e64(IOp::pack64, {e32(IOp::lo32, {xs}), e32(IOp::ior, {e32(IOp::iand, {hi, k32(0x000fffffu)}), k32(0x3ff00000u)})});
	Operand big = eb(IOp::flt, {d(1.41421356237309504880), m});
	m = dsel(big, dmul(m, d(0.5)), m);
	e = e32(IOp::iadd, {e, ssel(big, k32(1), k32(0))});
	Operand fm = dsub(m, d(1));
	Operand s = ddiv_faithful(fm, dadd(fm, d(2)));
	Operand z = dmul(s, s);
	Operand R = dmul(z, horner(*this, z, atanh_series));
	Operand hfsq = dmul(d(0.5), dmul(fm, fm));
	Operand l = dsub(fm, dsub(hfsq, dmul(s, dadd(hfsq, R))));   // log(m)
	Operand ed = e64(IOp::cvt_f_s, {e});
	Operand y;
	if (base == 0) {
		y = dfma(ed, d(ln2.hi), dfma(ed, d(ln2.lo), l));
	} else if (base == 1) {
		const double h = (double)kLog2e, lo = (double)(kLog2e - (long double)h);
		y = dadd(ed, dfma(l, d(h), dmul(l, d(lo))));
	} else {
		const double h = (double)kLog10e, lo = (double)(kLog10e - (long double)h);
		y = dfma(ed, d(l10_2.hi), dfma(ed, d(l10_2.lo), dfma(l, d(h), dmul(l, d(lo)))));
	}
	y = dsel(eb(IOp::flt, {x, d(0)}), d(NAN), y);
	y = dsel(eb(IOp::feq, {x, d(0)}), d(-INFINITY), y);
	y = dsel(eb(IOp::feq, {x, d(INFINITY)}), x, y);
	return dsel(eb(IOp::funord, {x, x}), x, y);
}

// log(1 + x) = log(u) + c, u = 1 + x rounded, c = the rounding error of u divided by u.
Operand OpenClStd::log1p_f64(Operand x)
{
	Operand u = dadd(x, d(1));
	Operand err = dsel(eb(IOp::flt, {d(2), u}), dsub(d(1), dsub(u, x)), dsub(x, dsub(u, d(1))));
	Operand c = ddiv_faithful(err, u);
	Operand y = dadd(log_f64(u, 0), c);
	y = dsel(eb(IOp::flt, {x, d(-1)}), d(NAN), y);
	y = dsel(eb(IOp::feq, {x, d(-1)}), d(-INFINITY), y);
	y = dsel(eb(IOp::feq, {x, d(INFINITY)}), x, y);
	y = dsel(eb(IOp::feq, {x, d(0)}), x, y);
	return dsel(eb(IOp::funord, {x, x}), x, y);
}

// sin or cos: k = rint(x 2/pi), r = x - k pi/2 with pi/2 in four 53-bit parts (r as hi + lo) for
// |x| < 2^48, by reduce_pio2_large beyond ('large'; sincospi's arguments are small), then the
// Taylor polynomials on |r| <= pi/4 and the quadrant k mod 4.
// x - k pi/2 for |x| >= 2^48 (Payne-Hanek): x = M 2^E (M the 53-bit integer significand), and
// x 2/pi mod 4 = M * B mod 2^192 read with 190 fraction bits, where B is the 192-bit window of
// 2/pi's bits that starts at bit E - 1 (earlier bits contribute multiples of 4). The product from
// 64-bit partial products (imul/umulhi), the quadrant from its top 2 bits, the fraction (128 bits,
// enough since |x - k pi/2| >= 2^-61 for every double) as a double-double times pi/2.
void OpenClStd::reduce_pio2_large(Operand x, Operand &q, Operand &rh, Operand &rl)
{
	static const std::vector<double> pio2 = pio2_chunks(2, 53);
	const std::vector<uint64_t> &T = two_over_pi_words();
	const Operand sign = k64(1ull << 63);
	Operand ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
	Operand field = e32(IOp::iand, {e32(IOp::ushr, {e32(IOp::hi32, {ax}), k32(20)}), k32(0x7ff)});
	// the window's first bit b_(E-1) of 2/pi = sum b_i 2^-i sits at table bit (E - 1) + 63 (the zero
	// word first), E = field - 1075
	Operand j0 = e32(IOp::smax, {e32(IOp::isub, {field, k32(1075 - 62)}), k32(0)});
	Operand qw = e32(IOp::ushr, {j0, k32(6)}), o = e32(IOp::iand, {j0, k32(63)});
	Operand t[4] = {k64(0), k64(0), k64(0), k64(0)};
	for (uint32_t wi = 0; wi + 3 < T.size(); wi++) {
		Operand is_w = eb(IOp::ieq, {qw, k32(wi)});
		for (int k = 0; k < 4; k++)
			t[k] = e64(IOp::select, {is_w, k64(T[wi + k]), t[k]});
	}
	Operand o_zero = eb(IOp::ieq, {o, k32(0)});
	Operand back = e32(IOp::isub, {k32(64), o});
	auto window = [&](Operand a, Operand b) {   // (a:b) << o, high word
		Operand v = e64(IOp::ior, {e64(IOp::shl, {a, o}), e64(IOp::ushr, {b, back})});
		return e64(IOp::select, {o_zero, a, v});
	};
	Operand W2 = window(t[0], t[1]), W1 = window(t[1], t[2]), W0 = window(t[2], t[3]);
	Operand M = e64(IOp::ior, {e64(IOp::iand, {ax, k64(0x000fffffffffffffull)}), k64(0x0010000000000000ull)});
	Operand lo0 = e64(IOp::imul, {M, W0}), hi0 = e64(IOp::umulhi, {M, W0});
	Operand lo1 = e64(IOp::imul, {M, W1}), hi1 = e64(IOp::umulhi, {M, W1});
	Operand lo2 = e64(IOp::imul, {M, W2});
	Operand w1 = e64(IOp::iadd, {hi0, lo1});
	Operand c1 = e64(IOp::select, {eb(IOp::ult, {w1, hi0}), k64(1), k64(0)});
	Operand w2 = e64(IOp::iadd, {e64(IOp::iadd, {hi1, lo2}), c1});
	Operand k0 = e32(IOp::lo32, {e64(IOp::ushr, {w2, k32(62)})});
	Operand fh = e64(IOp::ior, {e64(IOp::shl, {w2, k32(2)}), e64(IOp::ushr, {w1, k32(62)})});
	Operand fm = e64(IOp::ior, {e64(IOp::shl, {w1, k32(2)}), e64(IOp::ushr, {lo0, k32(62)})});
	// F = fh 2^-64 + fm 2^-128 as a double-double from four exact 32-bit pieces, largest first
	Operand piece[4] = {e32(IOp::hi32, {fh}), e32(IOp::lo32, {fh}), e32(IOp::hi32, {fm}), e32(IOp::lo32, {fm})};
	Operand H = d(0), L = d(0);
	for (int i = 0; i < 4; i++) {
		Operand si = dmul(e64(IOp::cvt_f_u, {piece[i]}), d(std::ldexp(1.0, -32 * (i + 1))));
		Operand H2 = dadd(H, si);
		L = dadd(L, dsub(si, dsub(H2, H)));
		H = H2;
	}
	Operand half = eb(IOp::fle, {d(0.5), H});
	H = dsel(half, dsub(H, d(1)), H);
	Operand kk = e32(IOp::iadd, {k0, ssel(half, k32(1), k32(0))});
	// r = (H + L) pi/2
	Operand ph = dmul(H, d(pio2[0]));
	Operand pl = dadd(dfma(H, d(pio2[0]), e64(IOp::ixor, {ph, sign})), dfma(H, d(pio2[1]), dmul(L, d(pio2[0]))));
	Operand h = dadd(ph, pl);
	Operand l = dsub(pl, dsub(h, ph));
	// x < 0: the quadrant and r negated
	Operand xneg = eb(IOp::ine, {e64(IOp::iand, {x, sign}), k64(0)});
	q = e32(IOp::iand, {ssel(xneg, e32(IOp::isub, {k32(0), kk}), kk), k32(3)});
	rh = dsel(xneg, e64(IOp::ixor, {h, sign}), h);
	rl = dsel(xneg, e64(IOp::ixor, {l, sign}), l);
}

Operand OpenClStd::sincos_f64(Operand x, bool cosine, Operand *other, bool large)
{
	static const std::vector<double> pio2 = pio2_chunks(4, 53);
	const double p1 = pio2[0], p2 = pio2[1], p3 = pio2[2], p4 = pio2[3];
	static const std::vector<double> sin_c = inv_factorials(3, 9, 2, true);    // 1/3!, -1/5!, ... with signs below
	static const std::vector<double> cos_c = inv_factorials(4, 9, 2, false);   // 1/4!, 1/6!, ...
	Operand k = e64(IOp::fround_even, {dmul(x, d((double)(2 / kPi)))});
	Operand nk = e64(IOp::ixor, {k, k64(1ull << 63)});
	// r1 = x - k p1 exactly; r1 - k p2 as a double-double (exact product, two-sum); then the
	// k p3 and k p4 terms into the low part
	Operand r1 = dfma(nk, d(p1), x);
	Operand ph = dmul(k, d(p2));
	Operand pl = dfma(k, d(p2), e64(IOp::ixor, {ph, k64(1ull << 63)}));
	Operand sh = dsub(r1, ph);
	Operand bb = dsub(sh, r1);
	Operand se = dadd(dsub(r1, dsub(sh, bb)), dsub(e64(IOp::ixor, {ph, k64(1ull << 63)}), bb));
	Operand rl = dsub(se, pl);
	rl = dfma(nk, d(p3), rl);
	rl = dfma(nk, d(p4), rl);
	Operand rh = dadd(sh, rl);
	rl = dsub(rl, dsub(rh, sh));
	// quadrant: k mod 4 (exact for |k| < 2^53)
	Operand q4 = dsub(k, dmul(e64(IOp::ffloor, {dmul(k, d(0.25))}), d(4)));
	Operand q = e32(IOp::cvt_s_f, {q4}, 0, 1);
	if (large) {   // |x| >= 2^48: Payne-Hanek
		Operand lq, lh, ll;
		reduce_pio2_large(x, lq, lh, ll);
		Operand big = eb(IOp::fle, {d(0x1p48), e64(IOp::iand, {x, k64(~(1ull << 63))})});
		q = ssel(big, lq, q);
		rh = dsel(big, lh, rh);
		rl = dsel(big, ll, rl);
	}
	Operand z = dmul(rh, rh);
	// sin(rh) = rh - rh^3 (1/3! - z/5! + ...); signs alternate starting negative
	std::vector<double> sc;
	for (size_t i = 0; i < sin_c.size(); i++)
		sc.push_back(i % 2 ? std::fabs(sin_c[i]) : -std::fabs(sin_c[i]));
	Operand s = dfma(dmul(rh, z), horner(*this, z, sc), rh);
	s = dfma(rl, dfma(z, d(-0.5), d(1)), s);   // + rl cos(rh)
	// cos(rh) = 1 - (z/2 - z^2 (1/4! - z/6! + ...))
	std::vector<double> cc;
	for (size_t i = 0; i < cos_c.size(); i++)
		cc.push_back(i % 2 ? -cos_c[i] : cos_c[i]);
	Operand hz = dmul(z, d(0.5));
	Operand c = dsub(d(1), dsub(hz, dmul(dmul(z, z), horner(*this, z, cc))));
	c = dfma(e64(IOp::ixor, {rl, k64(1ull << 63)}), rh, c);   // - rl sin(rh)
	auto pick = [&](Operand qq, bool want_cos) {
		// sin: q0 s, q1 c, q2 -s, q3 -c; cos: q0 c, q1 -s, q2 -c, q3 s
		Operand qs = want_cos ? e32(IOp::iadd, {qq, k32(1)}) : qq;
		Operand odd = eb(IOp::ine, {e32(IOp::iand, {qs, k32(1)}), k32(0)});
		Operand neg = eb(IOp::ine, {e32(IOp::iand, {qs, k32(2)}), k32(0)});
		Operand v = dsel(odd, c, s);
		v = dsel(neg, e64(IOp::ixor, {v, k64(1ull << 63)}), v);
		// tiny |x|: sin x = x, cos x = 1 (also keeps -0)
		Operand tiny = eb(IOp::flt, {e64(IOp::iand, {x, k64(~(1ull << 63))}), d(0x1p-27)});
		v = dsel(tiny, want_cos ? d(1) : x, v);
		// inf and NaN give NaN (and |x| >= 2^53 without the large reduction, where k is inexact)
		Operand bad = eb(IOp::bnot, {eb(IOp::flt, {e64(IOp::iand, {x, k64(~(1ull << 63))}), d(large ? INFINITY : 0x1p53)})});
		return dsel(bad, d(NAN), v);
	};
	if (other)
		*other = pick(q, !cosine);
	return pick(q, cosine);
}

// atan on [0, 1]: atan(t) = atan(c) + atan((t - c) / (1 + t c)) with c = j/8 the nearest
// eighth (t - c exact, |u| <= 1/16), atan(c) from a table as hi + lo, atan(u) by 7 terms of its
// series (remainder below 2^-56).
static Operand atan01(OpenClStd &o, Operand t)
{
	using IOp = IO::Op;
	static const std::vector<double> series = [] {
		std::vector<double> c;
		for (int k = 1; k <= 7; k++)
			c.push_back((k % 2 ? -1.0 : 1.0) / (2 * k + 1));
		return c;
	}();
	Operand jf = o.e64(IOp::fround_even, {o.dmul(t, OpenClStd::d(8))});
	Operand c = o.dmul(jf, OpenClStd::d(0.125));
	Operand u = o.ddiv_faithful(o.dsub(t, c), o.dfma(t, c, OpenClStd::d(1)));
	Operand j = o.e32(IOp::cvt_s_f, {jf}, 0, 1);
	Operand hi = OpenClStd::d(0), lo = OpenClStd::d(0);
	for (int k = 1; k <= 8; k++) {
		const long double a = atanl((long double)k / 8);
		const double h = (double)a, l = (double)(a - (long double)h);
		Operand is_k = o.eb(IOp::ieq, {j, OpenClStd::k32((uint32_t)k)});
		hi = o.dsel(is_k, OpenClStd::d(h), hi);
		lo = o.dsel(is_k, OpenClStd::d(l), lo);
	}
	Operand z = o.dmul(u, u);
	Operand au = o.dfma(o.dmul(u, z), horner(o, z, series), u);
	return o.dadd(hi, o.dadd(lo, au));
}

// asin on [0, 1/2] by its series: x + x^3 (1/6 + 3 x^2/40 + ...), 25 terms (x^2 <= 1/4)
static Operand asin_series(OpenClStd &o, Operand x)
{
	static const std::vector<double> series = [] {
		std::vector<double> c;
		long double t = 1;   // (2k)! / (4^k (k!)^2)
		for (int k = 1; k <= 25; k++) {
			t *= (long double)(2 * k - 1) / (2 * k);
			c.push_back((double)(t / (2 * k + 1)));
		}
		return c;
	}();
	Operand z = o.dmul(x, x);
	return o.dfma(o.dmul(x, z), horner(o, z, series), x);
}

Operand OpenClStd::atan_f64(Operand x)
{
	Operand ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
	Operand inv = eb(IOp::flt, {d(1), ax});
	Operand tt = dsel(inv, ddiv_faithful(d(1), ax), ax);
	Operand a = atan01(*this, tt);
	static const double pio2h = (double)(kPi / 2), pio2l = (double)(kPi / 2 - (long double)pio2h);
	a = dsel(inv, dadd(d(pio2h), dsub(d(pio2l), a)), a);
	a = e64(IOp::ior, {a, e64(IOp::iand, {x, k64(1ull << 63)})});
	return dsel(eb(IOp::funord, {x, x}), x, a);
}

Operand OpenClStd::atan2_f64(Operand y, Operand x)
{
	const Operand abs_mask = k64(~(1ull << 63)), sign = k64(1ull << 63);
	Operand ax = e64(IOp::iand, {x, abs_mask}), ay = e64(IOp::iand, {y, abs_mask});
	Operand mx = e64(IOp::fmax, {ax, ay}), mn = e64(IOp::fmin, {ax, ay});
	Operand tt = ddiv_faithful(mn, mx);
	tt = dsel(eb(IOp::feq, {mn, d(0)}), d(0), tt);
	tt = dsel(eb(IOp::feq, {mn, d(INFINITY)}), d(1), tt);
	Operand a = atan01(*this, tt);
	static const double pio2h = (double)(kPi / 2), pio2l = (double)(kPi / 2 - (long double)pio2h);
	static const double pih = (double)kPi, pil = (double)(kPi - (long double)pih);
	a = dsel(eb(IOp::flt, {ax, ay}), dadd(d(pio2h), dsub(d(pio2l), a)), a);
	Operand xneg = eb(IOp::ine, {e64(IOp::iand, {x, sign}), k64(0)});
	a = dsel(xneg, dadd(d(pih), dsub(d(pil), a)), a);
	a = e64(IOp::ior, {a, e64(IOp::iand, {y, sign})});
	Operand nan = eb(IOp::bor, {eb(IOp::funord, {x, x}), eb(IOp::funord, {y, y})});
	return dsel(nan, d(NAN), a);
}

// sin(pi x) and cos(pi x): r = x - 2 rint(x/2) in [-1, 1], k = rint(2r), w = r - k/2 in
// [-1/4, 1/4] (all exact); sin/cos(pi w) by the f64 kernel's polynomials, the quadrant from k;
// exact zeros with the spec's signs (sinpi(n) = copysign(0, x), cospi(n + 1/2) = +0); inf and NaN
// give NaN.
Operand OpenClStd::sincospi_f64(Operand x, Operand *cosv)
{
	Operand r = dsub(x, dmul(e64(IOp::fround_even, {dmul(x, d(0.5))}), d(2)));
	Operand k = e64(IOp::fround_even, {dmul(r, d(2))});
	Operand wv = dsub(r, dmul(k, d(0.5)));
	Operand kc;
	Operand s = sincos_f64(dmul(wv, d((double)kPi)), false, &kc, false);
	Operand q = e32(IOp::iand, {e32(IOp::cvt_s_f, {k}, 0, 1), k32(3)});
	Operand bad = eb(IOp::bnot, {eb(IOp::flt, {e64(IOp::iand, {x, k64(~(1ull << 63))}), d(INFINITY)})});
	auto quadrant = [&](bool want_cos) {
		Operand qs = want_cos ? e32(IOp::iadd, {q, k32(1)}) : q;
		Operand odd = eb(IOp::ine, {e32(IOp::iand, {qs, k32(1)}), k32(0)});
		Operand neg = eb(IOp::ine, {e32(IOp::iand, {qs, k32(2)}), k32(0)});
		Operand v = dsel(odd, kc, s);
		v = dsel(neg, e64(IOp::ixor, {v, k64(1ull << 63)}), v);
		Operand zero = eb(IOp::feq, {v, d(0)});
		v = dsel(zero, want_cos ? d(0) : e64(IOp::iand, {x, k64(1ull << 63)}), v);
		return dsel(bad, d(NAN), v);
	};
	if (cosv)
		*cosv = quadrant(true);
	return quadrant(false);
}

// log |Gamma(x)| for x >= 10 by Stirling's series (7 terms: remainder below 4e-17)
static Operand lgamma_stirling(OpenClStd &o, Operand z)
{
	static const double half_log_2pi = (double)(0.5L * logl(2 * kPi));
	Operand iz = o.ddiv_faithful(OpenClStd::d(1), z);
	Operand iz2 = o.dmul(iz, iz);
	// 1/12 - 1/(360 z^2) + 1/(1260 z^4) - 1/(1680 z^6) + 1/(1188 z^8) - 691/(360360 z^10) + 1/(156 z^12)
	Operand series = horner(o, iz2, {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156});
	Operand lz = o.log_f64(z, 0);
	Operand main = o.dsub(o.dmul(o.dsub(z, OpenClStd::d(0.5)), lz), z);
	return o.dadd(o.dadd(main, OpenClStd::d(half_log_2pi)), o.dmul(series, iz));
}

// Gamma and log|Gamma| for f32 arguments, in f64: x > 0 is moved to z = x + k >= 10 with the
// product P = x (x+1) ... (x+k-1), Gamma(x) = e^lgamma(z) / P; x < 0 by the reflection
// Gamma(x) = pi / (sin(pi x) Gamma(1 - x)). 'log' selects log|Gamma| (lgamma); 'sign' receives
// the sign of Gamma(x) as +-1 (lgamma_r).
Operand OpenClStd::gamma_f64(Operand x, bool log, Operand *sign)
{
	Operand neg = eb(IOp::flt, {x, d(0)});
	Operand a = dsel(neg, dsub(d(1), x), x);   // >= 1 for x < 0
	Operand z = a, P = d(1);
	for (int i = 0; i < 10; i++) {
		Operand low = eb(IOp::flt, {z, d(10)});
		P = dsel(low, dmul(P, z), P);
		z = dsel(low, dadd(z, d(1)), z);
	}
	Operand lg = lgamma_stirling(*this, z);
	Operand sp = sincospi_f64(x, nullptr);
	Operand r;
	if (log) {
		// log Gamma(a) = lg - log P; x < 0: log(pi / |sin(pi x)|) - log Gamma(1 - x)
		Operand la = dsub(lg, log_f64(P, 0));
		Operand refl = dsub(dsub(d((double)logl(kPi)), log_f64(e64(IOp::iand, {sp, k64(~(1ull << 63))}), 0)), la);
		r = dsel(neg, refl, la);
		// near the roots 1 and 2 (|t| <= 1/4, t = x - 1 or x - 2, exact): lgamma(1 + t) =
		// -gamma t + sum_k>=2 (-1)^k zeta(k)/k t^k (28 terms), lgamma(2 + t) = log1p(t) + that;
		// the difference above would cancel to an absolute error of about 2^-50
		static const std::vector<double> near_one = [] {
			std::vector<double> c = {0.0, (double)-0.577215664901532860606512090082402431L};
			for (int k = 2; k <= 29; k++) {
				// zeta(k) by direct summation to N and the Euler-Maclaurin tail
				const int N = 64;
				long double zeta = 0;
				for (int n = 1; n < N; n++)
					zeta += powl(n, -k);
				const long double Nk = powl(N, -k);
				zeta += N * Nk / (k - 1) + Nk / 2 + k * Nk / N / 12 - (long double)k * (k + 1) * (k + 2) * Nk / powl(N, 3) / 720;
				c.push_back((double)((k % 2 ? -zeta : zeta) / k));
			}
			return c;
		}();
		Operand t1 = dsub(x, d(1)), t2 = dsub(x, d(2));
		Operand near2 = eb(IOp::fle, {e64(IOp::iand, {t2, k64(~(1ull << 63))}), d(0.25)});
		Operand tt = dsel(near2, t2, t1);
		Operand series = dmul(tt, horner(*this, tt, std::vector<double>(near_one.begin() + 1, near_one.end())));
		series = dsel(near2, dadd(log1p_f64(t2), series), series);
		Operand near1 = eb(IOp::fle, {e64(IOp::iand, {t1, k64(~(1ull << 63))}), d(0.25)});
		r = dsel(eb(IOp::bor, {near1, near2}), series, r);
		// |x| < 2^-60: -log|x| (sin(pi x) of a denormal x has too few bits for the reflection)
		Operand ax_ = e64(IOp::iand, {x, k64(~(1ull << 63))});
		r = dsel(eb(IOp::flt, {ax_, d(0x1p-60)}), e64(IOp::ixor, {log_f64(ax_, 0), k64(1ull << 63)}), r);
		// exact zeros at 1 and 2; poles (0, negative integers) and infinities give +inf
		r = dsel(eb(IOp::bor, {eb(IOp::feq, {x, d(1)}), eb(IOp::feq, {x, d(2)})}), d(0), r);
		Operand pole = eb(IOp::band, {eb(IOp::fle, {x, d(0)}), eb(IOp::feq, {e64(IOp::ftrunc, {x}), x})});
		r = dsel(pole, d(INFINITY), r);
		r = dsel(eb(IOp::feq, {e64(IOp::iand, {x, k64(~(1ull << 63))}), d(INFINITY)}), d(INFINITY), r);
	} else {
		Operand ga = ddiv_faithful(exp_f64(lg, 0), P);
		Operand refl = ddiv_faithful(d((double)kPi), dmul(sp, ga));
		r = dsel(neg, refl, ga);
		// +-0: +-inf; negative integers and -inf: NaN; +inf: +inf
		Operand negint = eb(IOp::band, {neg, eb(IOp::feq, {e64(IOp::ftrunc, {x}), x})});
		r = dsel(negint, d(NAN), r);
		r = dsel(eb(IOp::feq, {x, d(0)}), e64(IOp::ior, {d(INFINITY), e64(IOp::iand, {x, k64(1ull << 63)})}), r);
		r = dsel(eb(IOp::feq, {x, d(INFINITY)}), x, r);
	}
	if (sign) {
		// sign of Gamma(x): + for x > 0; for x < 0 the sign of sin(pi x) (Gamma(1 - x) > 0)
		Operand s = e32(IOp::select, {eb(IOp::band, {neg, eb(IOp::flt, {sp, d(0)})}), k32((uint32_t)-1), k32(1)});
		*sign = s;
	}
	return dsel(eb(IOp::funord, {x, x}), x, r);
}

// Gamma(x) for f64 x: every step in double-double so that e^(log Gamma) (up to e^709) keeps
// its precision. x < 0 by the reflection Gamma(x) = pi / (sin(pi x) Gamma(1 - x)) in the log
// domain (results down into the denormals); a = x or 1 - x (exact as hi + lo) is shifted to
// z >= 10 with the product P, log Gamma(z) = (z - 1/2) log z - z + log(2 pi)/2 + Stirling's
// series, Gamma(a) = e^(log Gamma(z) - log P).
Operand OpenClStd::tgamma_f64(Operand x)
{
	using DD = std::pair<Operand, Operand>;
	const Operand sign = k64(1ull << 63);
	auto neg_ = [&](Operand v) { return e64(IOp::ixor, {v, sign}); };
	auto two_sum = [&](Operand a, Operand b) {
		Operand sum = dadd(a, b);
		Operand bb = dsub(sum, a);
		return DD{sum, dadd(dsub(a, dsub(sum, bb)), dsub(b, bb))};
	};
	auto norm = [&](Operand h, Operand l) {
		Operand sum = dadd(h, l);
		return DD{sum, dsub(l, dsub(sum, h))};
	};
	auto add = [&](DD a, DD b) {
		DD sm = two_sum(a.first, b.first);
		return norm(sm.first, dadd(sm.second, dadd(a.second, b.second)));
	};
	auto mul = [&](DD a, DD b) {
		Operand p = dmul(a.first, b.first);
		Operand e = dfma(a.first, b.first, neg_(p));
		e = dadd(e, dfma(a.first, b.second, dmul(a.second, b.first)));
		return norm(p, e);
	};
	auto cst = [&](long double c) {
		const double h = (double)c;
		return DD{d(h), d((double)(c - (long double)h))};
	};
	auto log_of = [&](DD v) {   // log(hi + lo) = log_dd(hi) + lo / hi
		auto [h, l] = log_dd(v.first);
		return norm(h, dadd(l, ddiv_faithful(v.second, v.first)));   // ddiv: hi may be denormal
	};
	Operand xneg = eb(IOp::flt, {x, d(0)});
	DD a = two_sum(d(1), neg_(x));   // 1 - x, exact as hi + lo
	a = {dsel(xneg, a.first, x), dsel(xneg, a.second, d(0))};
	DD z = a, P = {d(1), d(0)};
	for (int i = 0; i < 10; i++) {
		Operand low = eb(IOp::flt, {z.first, d(10)});
		DD Pn = mul(P, z), zn = add(z, {d(1), d(0)});
		P = {dsel(low, Pn.first, P.first), dsel(low, Pn.second, P.second)};
		z = {dsel(low, zn.first, z.first), dsel(low, zn.second, z.second)};
	}
	Operand iz = ddiv_faithful(d(1), z.first);
	Operand iz2 = dmul(iz, iz);
	Operand series = dmul(horner(*this, iz2, {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156}), iz);
	DD A = mul(add(z, {d(-0.5), d(0)}), log_of(z));
	A = add(A, {neg_(z.first), neg_(z.second)});
	A = add(A, cst(0.5L * logl(2 * kPi)));
	A = add(A, {series, d(0)});
	DD lp = log_of(P);
	DD L = add(A, {neg_(lp.first), neg_(lp.second)});
	// x < 0: log pi - log|sin(pi x)| - log Gamma(1 - x), the sign of sin(pi x)
	Operand sp = sincospi_f64(x, nullptr);
	auto [lsh, lsl] = log_dd(e64(IOp::iand, {sp, k64(~(1ull << 63))}));
	DD R = add(add(cst(logl(kPi)), {neg_(lsh), neg_(lsl)}), {neg_(L.first), neg_(L.second)});
	L = {dsel(xneg, R.first, L.first), dsel(xneg, R.second, L.second)};
	Operand r = exp_dd(L.first, L.second);
	r = dsel(eb(IOp::band, {xneg, eb(IOp::flt, {sp, d(0)})}), neg_(r), r);
	// beyond 172 Gamma overflows, below -200 it underflows to a zero of sin(pi x)'s sign (the
	// double-double steps would meet inf - inf there)
	r = dsel(eb(IOp::flt, {d(172), x}), d(INFINITY), r);
	r = dsel(eb(IOp::flt, {x, d(-200)}), dsel(eb(IOp::flt, {sp, d(0)}), neg_(d(0)), d(0)), r);
	// +-0: +-inf; negative integers and -inf: NaN; +inf: +inf; NaN: NaN
	Operand negint = eb(IOp::band, {xneg, eb(IOp::feq, {e64(IOp::ftrunc, {x}), x})});
	r = dsel(negint, d(NAN), r);
	r = dsel(eb(IOp::feq, {x, d(0)}), e64(IOp::ior, {d(INFINITY), e64(IOp::iand, {x, sign})}), r);
	r = dsel(eb(IOp::feq, {x, d(INFINITY)}), x, r);
	return dsel(eb(IOp::funord, {x, x}), x, r);
}

// erf and erfc for f32 arguments, in f64: |x| <= 2.5 by erf(x) = 2x/sqrt(pi) e^(-x^2)
// sum (2x^2)^n / (2n+1)!! (positive terms, 48 of them); beyond, erfc by Laplace's continued
// fraction e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) at depth 40. erfc below
// 2.5 is 1 - erf (at most 11 bits of 53 lost: far inside the f32 bound of 16 ulp).
Operand OpenClStd::erf_f64(Operand x, bool complement)
{
	static const std::vector<double> series = [] {
		std::vector<double> c;
		long double t = 1;
		for (int n = 0; n < 48; n++) {
			c.push_back((double)t);
			t *= 2.0L / (2 * n + 3);
		}
		return c;
	}();
	Operand ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
	Operand small = eb(IOp::fle, {ax, d(2.5)});
	Operand a = e64(IOp::fmin, {ax, d(30)});   // e^(-x^2) is 0 beyond
	Operand z = dmul(a, a);
	Operand zl = dfma(a, a, e64(IOp::ixor, {z, k64(1ull << 63)}));   // x^2 = z + zl exactly
	Operand ez = exp_dd(e64(IOp::ixor, {z, k64(1ull << 63)}), e64(IOp::ixor, {zl, k64(1ull << 63)}));
	Operand sm = e64(IOp::fmin, {a, d(2.5)});
	// e^(-x^2) with x^2 as hi + lo (f64 arguments: x^2 is not exact)
	Operand s2 = dmul(sm, sm);
	Operand s2l = dfma(sm, sm, e64(IOp::ixor, {s2, k64(1ull << 63)}));
	Operand e_small = exp_dd(e64(IOp::ixor, {s2, k64(1ull << 63)}), e64(IOp::ixor, {s2l, k64(1ull << 63)}));
	Operand erf_small = dmul(dmul(dmul(sm, d((double)(2 / sqrtl(kPi)))), e_small),
	                         horner(*this, s2, series));   // coefficients 2^n / (2n+1)!! on powers of x^2
	Operand big = e64(IOp::fmax, {a, d(2.5)});
	Operand cf = big;
	for (int k = 40; k >= 1; k--)
		cf = dadd(big, dmul(d(k * 0.5), e64(IOp::frcp, {cf})));
	Operand erfc_big = dmul(dmul(ez, d((double)(1 / sqrtl(kPi)))), e64(IOp::frcp, {cf}));
	Operand r;
	Operand xneg = eb(IOp::flt, {x, d(0)});
	if (!complement) {
		r = dsel(small, erf_small, dsub(d(1), erfc_big));
		r = e64(IOp::ior, {r, e64(IOp::iand, {x, k64(1ull << 63)})});   // odd (keeps -0)
	} else {
		Operand e = dsel(small, dsub(d(1), erf_small), erfc_big);   // erfc(|x|)
		// [0.5, 2.5]: 1 - erf would lose up to 11 bits; Taylor around the nearest eighth x0
		// instead: erfc(x0 + h) = erfc(x0) - 2/sqrt(pi) e^-x0^2 sum b_n h^(n+1)/(n+1), where
		// e^-(x0+h)^2 = e^-x0^2 sum b_n h^n (b_0 = 1, b_1 = -2 x0, b_(n+1) = -2 (x0 b_n + b_(n-1)) /
		// (n+1)); erfc(x0) (hi + lo) and e^-x0^2 from a table (host long double)
		struct Center {
			double x0, hi, lo, ex;
		};
		static const std::vector<Center> centers = [] {
			std::vector<Center> c;
			for (int j = 4; j <= 20; j++) {
				const long double x0 = j / 8.0L, v = erfcl(x0);
				const double h = (double)v;
				c.push_back({(double)x0, h, (double)(v - (long double)h), (double)expl(-x0 * x0)});
			}
			return c;
		}();
		Operand jj = e32(IOp::cvt_s_f, {e64(IOp::fround_even, {dmul(ax, d(8))})}, 0, 1);
		Operand x0 = d(centers[0].x0), ch = d(centers[0].hi), cl = d(centers[0].lo), ex = d(centers[0].ex);
		for (size_t k = 1; k < centers.size(); k++) {
			Operand is_k = eb(IOp::ieq, {jj, k32((uint32_t)(k + 4))});
			x0 = dsel(is_k, d(centers[k].x0), x0);
			ch = dsel(is_k, d(centers[k].hi), ch);
			cl = dsel(is_k, d(centers[k].lo), cl);
			ex = dsel(is_k, d(centers[k].ex), ex);
		}
		Operand hh = dsub(ax, x0);   // exact
		Operand b_prev = d(1), b = dmul(x0, d(-2));
		Operand hp = hh;             // h^(n+1)
		Operand sum = hh;            // b_0 h / 1
		for (int n = 1; n < 22; n++) {
			hp = dmul(hp, hh);
			sum = dfma(dmul(b, d(1.0 / (n + 1))), hp, sum);
			Operand bn = dmul(dadd(dmul(x0, b), b_prev), d(-2.0 / (n + 1)));
			b_prev = b;
			b = bn;
		}
		Operand dd = dmul(dmul(ex, d((double)(2 / sqrtl(kPi)))), sum);
		Operand taylor = dadd(ch, dsub(cl, dd));
		Operand mid = eb(IOp::band, {eb(IOp::fle, {d(0.4375), ax}), eb(IOp::flt, {ax, d(2.5625)})});
		e = dsel(mid, taylor, e);
		r = dsel(xneg, dsub(d(2), e), e);
	}
	return dsel(eb(IOp::funord, {x, x}), x, r);
}

void OpenClStd::math()
{
	const uint32_t rst = t.scalar_type(rt);
	const Type &rty = t.type(rst);
	const bool int_result = rty.k == Type::K::Int;   // ilogb
	const unsigned bits = int_result ? width(arg_type(0)) : width(rt);
	const bool wide = bits == 64;
	const Operand sign = wide ? k64(1ull << 63) : k32(0x80000000u), abs_mask = wide ? k64(~(1ull << 63)) : k32(0x7fffffffu);
	auto E = [&](IOp o, std::vector<Operand> ops) { return ew(wide, o, std::move(ops)); };
	auto C = [&](double v) { return wide ? d(v) : f((float)v); };
	auto sel = [&](Operand c, Operand a, Operand b) { return ew(wide, IOp::select, {c, a, b}); };
	auto fabs_ = [&](Operand x) { return E(IOp::iand, {x, abs_mask}); };
	auto isnan_ = [&](Operand x) { return eb(IOp::funord, {x, x}); };
	auto isinf_ = [&](Operand x) { return eb(IOp::feq, {fabs_(x), C(INFINITY)}); };
	// an f64 kernel for both widths: f32 operands are widened (exactly) and the result rounded once
	auto via64 = [&](size_t nargs, auto fn) {
		map(nargs, [&](std::vector<Operand> c) {
			if (!wide)
				for (Operand &x : c)
					x = to_f64(x);
			Operand r = fn(c);
			return wide ? r : to_f32(r);
		});
	};
	auto f32_only = [&](const char *what) {
		if (wide)
			fail(std::string("OpenCL.std ") + what + " on 64-bit floats is not supported");
	};
	// a / pi with 1/pi as hi + lo: one rounding of the nearly exact product
	auto mul_inv_pi = [&](Operand a) {
		static const double h = (double)(1 / kPi), l = (double)(1 / kPi - (long double)h);
		return dsel(eb(IOp::feq, {a, d(0)}), a, dfma(a, d(h), dmul(a, d(l))));   // keeps -0
	};
	switch (inst) {
	// ---- exact operations ----
	case OpenCLLIB::Ceil: map(1, [&](auto c) { return E(IOp::fceil, {c[0]}); }); return;
	case OpenCLLIB::Floor: map(1, [&](auto c) { return E(IOp::ffloor, {c[0]}); }); return;
	case OpenCLLIB::Trunc: map(1, [&](auto c) { return E(IOp::ftrunc, {c[0]}); }); return;
	case OpenCLLIB::Rint: map(1, [&](auto c) { return E(IOp::fround_even, {c[0]}); }); return;
	case OpenCLLIB::Round:   // halfway cases away from zero: trunc(x) + sign(x) when |x - trunc(x)| >= 0.5
		map(1, [&](auto c) {
			Operand tr = E(IOp::ftrunc, {c[0]});
			Operand up = eb(IOp::fle, {C(0.5), fabs_(E(IOp::fsub, {c[0], tr}))});
			Operand one = E(IOp::ior, {C(1), E(IOp::iand, {c[0], sign})});
			return sel(up, E(IOp::fadd, {tr, one}), tr);
		});
		return;
	case OpenCLLIB::Fabs: map(1, [&](auto c) { return fabs_(c[0]); }); return;
	case OpenCLLIB::Copysign:
		map(2, [&](auto c) { return E(IOp::ior, {fabs_(c[0]), E(IOp::iand, {c[1], sign})}); });
		return;
	case OpenCLLIB::Fma:
	case OpenCLLIB::Mad: map(3, [&](auto c) { return E(IOp::ffma, {c[0], c[1], c[2]}); }); return;
	case OpenCLLIB::Fmax: map(2, [&](auto c) { return E(IOp::fmax, {c[0], c[1]}); }); return;
	case OpenCLLIB::Fmin: map(2, [&](auto c) { return E(IOp::fmin, {c[0], c[1]}); }); return;
	case OpenCLLIB::Fdim:
		map(2, [&](auto c) {
			Operand r = sel(eb(IOp::flt, {c[1], c[0]}), E(IOp::fsub, {c[0], c[1]}), C(0));
			return sel(eb(IOp::bor, {isnan_(c[0]), isnan_(c[1])}), C(NAN), r);
		});
		return;
	case OpenCLLIB::Maxmag:
	case OpenCLLIB::Minmag:
		map(2, [&](auto c) {
			const bool mx = inst == OpenCLLIB::Maxmag;
			Operand ax = fabs_(c[0]), ay = fabs_(c[1]);
			Operand r = E(mx ? IOp::fmax : IOp::fmin, {c[0], c[1]});
			r = sel(eb(IOp::flt, mx ? std::vector<Operand>{ay, ax} : std::vector<Operand>{ax, ay}), c[0], r);
			return sel(eb(IOp::flt, mx ? std::vector<Operand>{ax, ay} : std::vector<Operand>{ay, ax}), c[1], r);
		});
		return;
	case OpenCLLIB::Nan:
		map(1, [&](auto c) {
			if (wide) {
				Operand code = c[0].size == 2 ? c[0] : e64(IOp::zext, {c[0]});
				return e64(IOp::ior, {e64(IOp::iand, {code, k64(0x7ffffffffffffull)}), k64(0x7ff8000000000000ull)});
			}
			Operand code = c[0].size == 2 ? e32(IOp::lo32, {c[0]}) : c[0];
			return e32(IOp::ior, {e32(IOp::iand, {code, k32(0x3fffffu)}), k32(0x7fc00000u)});
		});
		return;
	case OpenCLLIB::Nextafter:
		map(2, [&](auto c) {
			Operand x = c[0], y = c[1];
			Operand one = wide ? k64(1) : k32(1);
			Operand toward_larger_mag = eb(IOp::bxor, {eb(IOp::flt, {x, y}), eb(IOp::flt, {x, C(0)})});
			Operand r = sel(toward_larger_mag, E(IOp::iadd, {x, one}), E(IOp::isub, {x, one}));
			Operand zero_step = E(IOp::ior, {one, E(IOp::iand, {y, sign})});
			r = sel(eb(IOp::feq, {x, C(0)}), zero_step, r);
			r = sel(eb(IOp::feq, {x, y}), y, r);
			return sel(eb(IOp::bor, {isnan_(x), isnan_(y)}), C(NAN), r);
		});
		return;
	case OpenCLLIB::Ldexp:
		map(2, [&](auto c) {
			Operand n = c[1].size == 2 ? e32(IOp::lo32, {c[1]}) : c[1];
			if (!wide)
				return e32(IOp::fldexp, {c[0], n});
			// f64: the exponent field set directly when the result is normal; a denormal result
			// by a normal number times 2^-54 (one rounding); beyond the range 0 or inf
			Operand x = c[0];
			Operand sub = eb(IOp::flt, {fabs_(x), d(0x1p-1022)});
			Operand xs = dsel(sub, dmul(x, d(0x1p54)), x);
			Operand hi = e32(IOp::hi32, {xs});
			Operand ex = e32(IOp::isub, {e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)}), ssel(sub, k32(54), k32(0))});
			n = e32(IOp::smin, {e32(IOp::smax, {n, k32((uint32_t)-4000)}), k32(4000)});
			Operand er = e32(IOp::iadd, {ex, n});   // the result's biased exponent
			auto with_exp = [&](Operand e) {
				return e64(IOp::pack64, {e32(IOp::lo32, {xs}), e32(IOp::ior, {e32(IOp::iand, {hi, k32(0x800fffffu)}), e32(IOp::shl, {e, k32(20)})})});
			};
			Operand normal = with_exp(e32(IOp::smax, {er, k32(1)}));
			Operand denorm = dmul(with_exp(e32(IOp::smin, {e32(IOp::smax, {e32(IOp::iadd, {er, k32(54)}), k32(1)}), k32(2046)})), d(0x1p-54));
			Operand r = dsel(eb(IOp::slt, {er, k32(1)}), denorm, normal);
			r = dsel(eb(IOp::slt, {k32(2046), er}), e64(IOp::ior, {d(INFINITY), e64(IOp::iand, {x, sign})}), r);
			r = dsel(eb(IOp::slt, {er, k32((uint32_t)-53)}), e64(IOp::iand, {x, sign}), r);
			// 0, inf, NaN unchanged
			Operand keep = eb(IOp::bor, {eb(IOp::feq, {x, d(0)}), eb(IOp::bnot, {eb(IOp::flt, {fabs_(x), d(INFINITY)})})});
			return dsel(keep, x, r);
		});
		return;
	case OpenCLLIB::Ilogb:
	case OpenCLLIB::Logb:
		map(1, [&](auto c) {
			Operand x = c[0];
			Operand e;
			if (wide) {
				Operand hi = e32(IOp::hi32, {x});
				Operand field = e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)});
				// denormal: the leading one's position in the 52-bit fraction
				Operand fhi = e32(IOp::iand, {hi, k32(0xfffff)}), lo = e32(IOp::lo32, {x});
				Operand msb = ssel(eb(IOp::ine, {fhi, k32(0)}), e32(IOp::iadd, {e32(IOp::findumsb, {fhi}), k32(32)}), e32(IOp::findumsb, {lo}));
				e = ssel(eb(IOp::ieq, {field, k32(0)}), e32(IOp::isub, {msb, k32(1074)}), e32(IOp::isub, {field, k32(1023)}));
			} else {
				Operand field = e32(IOp::iand, {e32(IOp::ushr, {x, k32(23)}), k32(0xff)});
				Operand msb = e32(IOp::findumsb, {e32(IOp::iand, {x, k32(0x7fffff)})});
				e = ssel(eb(IOp::ieq, {field, k32(0)}), e32(IOp::isub, {msb, k32(149)}), e32(IOp::isub, {field, k32(127)}));
			}
			if (inst == OpenCLLIB::Ilogb) {
				e = ssel(eb(IOp::feq, {x, C(0)}), k32(0x80000000u), e);   // FP_ILOGB0 = INT_MIN
				return ssel(eb(IOp::bor, {isinf_(x), isnan_(x)}), k32(0x7fffffffu), e);   // FP_ILOGBNAN = INT_MAX
			}
			Operand r = wide ? e64(IOp::cvt_f_s, {e}) : e32(IOp::cvt_f_s, {e});
			r = sel(eb(IOp::feq, {x, C(0)}), C(-INFINITY), r);
			r = sel(isinf_(x), C(INFINITY), r);
			return sel(isnan_(x), x, r);
		});
		return;
	case OpenCLLIB::Sqrt: map(1, [&](auto c) { return E(IOp::fsqrt, {c[0]}); }); return;   // correctly rounded
	case OpenCLLIB::Rsqrt: map(1, [&](auto c) { return E(IOp::frsq, {c[0]}); }); return;   // <= 1 ulp (bound 2)
	// ---- pointer results ----
	case OpenCLLIB::Frexp:
	case OpenCLLIB::Modf:
	case OpenCLLIB::Fract:
	case OpenCLLIB::Sincos: {
		const auto &xs = arg(0);
		std::vector<Operand> r, out;
		for (const Operand &x : xs) {
			if (inst == OpenCLLIB::Frexp) {
				// denormals scaled by 2^64 first; 0, inf, NaN give (x, 0)
				Operand sc = sel(eb(IOp::flt, {fabs_(x), C(wide ? 0x1p-1022 : 0x1p-126)}), E(IOp::fmul, {x, C(0x1p64)}), x);
				Operand field, m;
				if (wide) {
					Operand hi = e32(IOp::hi32, {sc});
					field = e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)});
					m = e64(IOp::pack64, {e32(IOp::lo32, {sc}), e32(IOp::ior, {e32(IOp::iand, {hi, k32(0x800fffffu)}), k32(0x3fe00000u)})});
					field = e32(IOp::isub, {field, k32(1022)});
				} else {
					field = e32(IOp::iand, {e32(IOp::ushr, {sc, k32(23)}), k32(0xff)});
					m = e32(IOp::ior, {e32(IOp::iand, {sc, k32(0x807fffffu)}), k32(0x3f000000u)});
					field = e32(IOp::isub, {field, k32(126)});
				}
				Operand was_sub = eb(IOp::flt, {fabs_(x), C(wide ? 0x1p-1022 : 0x1p-126)});
				Operand ex = e32(IOp::isub, {field, ssel(was_sub, k32(64), k32(0))});
				Operand special = eb(IOp::bor, {eb(IOp::feq, {x, C(0)}), eb(IOp::bnot, {eb(IOp::flt, {fabs_(x), C(INFINITY)})})});
				r.push_back(sel(special, x, m));
				out.push_back(ssel(special, k32(0), ex));
			} else if (inst == OpenCLLIB::Modf) {
				Operand tr = E(IOp::ftrunc, {x});
				r.push_back(sel(eb(IOp::feq, {x, tr}), E(IOp::iand, {x, sign}), E(IOp::fsub, {x, tr})));
				out.push_back(tr);
			} else if (inst == OpenCLLIB::Fract) {
				Operand fl = E(IOp::ffloor, {x});
				// below 1 in the result's type (a half arrives widened: its largest value below 1)
				const double below1 = wide ? 0x1.fffffffffffffp-1 : t.is_half(rt) ? 0x1.ffcp-1 : (double)0x1.fffffep-1f;
				Operand fr = E(IOp::fmin, {E(IOp::fsub, {x, fl}), C(below1)});
				fr = sel(isinf_(x), E(IOp::iand, {x, sign}), fr);
				fr = sel(eb(IOp::feq, {x, C(0)}), x, fr);
				r.push_back(sel(isnan_(x), x, fr));
				out.push_back(fl);
			} else {   // sincos: sin returned, cos stored
				Operand cs;
				if (!wide) {
					r.push_back(e32(IOp::fsin, {x}));
					cs = e32(IOp::fcos, {x});
				} else {
					r.push_back(sincos_f64(x, false, &cs));
				}
				out.push_back(cs);
			}
		}
		if (in.w.size() <= 6)
			fail("OpenCL.std instruction without its pointer operand");
		Ptr p = t.pointer(in.w[6]);
		if (inst == OpenCLLIB::Frexp) {   // the exponent's type may be a 64-bit or narrow integer? it is int(n)
			const unsigned eb_ = t.type(t.scalar_type(p.type)).width;
			if (eb_ != 32)
				fail("OpenCL.std frexp with a non-32-bit exponent");
		}
		if (t.is_half(p.type))   // half operands arrive widened (spirv_narrow.cpp): round the stored part too
			for (Operand &o : out)
				o = e32(IOp::cvt_f16_f32, {o});
		t.store(p, p.type, out);
		t.set(res, rt, r);
		return;
	}
	// ---- exponentials and logarithms ----
	case OpenCLLIB::Exp2:
		if (!wide) {   // the device's exp2 (<= 1 ulp; bound 3)
			map(1, [&](auto c) { return e32(IOp::fexp2, {c[0]}); });
			return;
		}
		via64(1, [&](auto c) { return exp_f64(c[0], 1); });
		return;
	case OpenCLLIB::Exp: via64(1, [&](auto c) { return exp_f64(c[0], 0); }); return;
	case OpenCLLIB::Exp10: via64(1, [&](auto c) { return exp_f64(c[0], 2); }); return;
	case OpenCLLIB::Expm1: via64(1, [&](auto c) { return expm1_f64(c[0]); }); return;
	case OpenCLLIB::Log2:
		if (!wide) {   // the device's log2 (<= 1 ulp; bound 3)
			map(1, [&](auto c) { return e32(IOp::flog2, {c[0]}); });
			return;
		}
		via64(1, [&](auto c) { return log_f64(c[0], 1); });
		return;
	case OpenCLLIB::Log:
	case OpenCLLIB::Log10:
		if (!wide) {   // log2 (<= 1 ulp) times the constant in f64, rounded once: <= 1.5 ulp
			const double k = inst == OpenCLLIB::Log ? (double)kLn2 : (double)kLog10_2;
			map(1, [&](auto c) { return to_f32(dmul(to_f64(e32(IOp::flog2, {c[0]})), d(k))); });
			return;
		}
		via64(1, [&](auto c) { return log_f64(c[0], inst == OpenCLLIB::Log ? 0 : 2); });
		return;
	case OpenCLLIB::Log1p: via64(1, [&](auto c) { return log1p_f64(c[0]); }); return;
	case OpenCLLIB::Pow:
	case OpenCLLIB::Powr:
	case OpenCLLIB::Pown:
	case OpenCLLIB::Rootn:
		// f32: exp2(y log2|x|) in f64: |y log2 x| < 300 for every finite f32 result, so the f64
		// kernels' relative error 2^-50 leaves the result within 1 f32 ulp
		// f64: y log|x| as a double-double (log_dd, about 2^-60) into exp_dd: |y log x| <= 745 for
		// a finite non-zero result, so the result is within a few ulp
		map(2, [&](auto c) {
			Operand x = wide ? c[0] : to_f64(c[0]);
			const bool int_y = inst == OpenCLLIB::Pown || inst == OpenCLLIB::Rootn;
			Operand y = int_y ? e64(IOp::cvt_f_s, {c[1]}) : (wide ? c[1] : to_f64(c[1]));
			Operand ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
			Operand r;
			if (!wide) {
				Operand l = log_f64(ax, 1);
				Operand p = inst == OpenCLLIB::Rootn ? ddiv_faithful(l, y) : dmul(y, l);
				r = exp_f64(p, 1);
			} else {
				auto [lh, ll] = log_dd(ax);
				Operand ph, pl;
				if (inst == OpenCLLIB::Rootn) {   // (lh + ll) / y
					ph = ddiv_faithful(lh, y);
					pl = ddiv_faithful(dadd(dfma(e64(IOp::ixor, {ph, k64(1ull << 63)}), y, lh), ll), y);
				} else {
					ph = dmul(y, lh);
					pl = dfma(y, ll, dfma(y, lh, e64(IOp::ixor, {ph, k64(1ull << 63)})));
				}
				r = exp_dd(ph, pl);
			}
			// y an odd integer: the sign of x
			Operand ytr = e64(IOp::ftrunc, {y});
			Operand is_int = eb(IOp::feq, {ytr, y});
			Operand half = dmul(y, d(0.5));
			Operand odd = eb(IOp::band, {is_int, eb(IOp::fne, {e64(IOp::ftrunc, {half}), half})});
			Operand xneg = eb(IOp::ine, {e64(IOp::iand, {x, k64(1ull << 63)}), k64(0)});
			Operand rneg = e64(IOp::ixor, {r, k64(1ull << 63)});
			if (inst != OpenCLLIB::Powr)
				r = dsel(eb(IOp::band, {xneg, odd}), rneg, r);
			Operand nan = d(NAN);
			Operand x_lt0 = eb(IOp::flt, {x, d(0)});
			switch (inst) {
			case OpenCLLIB::Pow:
				r = dsel(eb(IOp::band, {x_lt0, eb(IOp::band, {eb(IOp::bnot, {is_int}), eb(IOp::flt, {ax, d(INFINITY)})})}), nan, r);
				r = dsel(eb(IOp::band, {eb(IOp::feq, {x, d(-1)}), eb(IOp::feq, {e64(IOp::iand, {y, k64(~(1ull << 63))}), d(INFINITY)})}), d(1), r);
				r = dsel(eb(IOp::feq, {x, d(1)}), d(1), r);
				r = dsel(eb(IOp::feq, {y, d(0)}), d(1), r);
				break;
			case OpenCLLIB::Pown: r = dsel(eb(IOp::feq, {y, d(0)}), d(1), r); break;
			case OpenCLLIB::Rootn:
				r = dsel(eb(IOp::band, {x_lt0, eb(IOp::bnot, {odd})}), nan, r);
				r = dsel(eb(IOp::feq, {y, d(0)}), nan, r);
				break;
			default:   // powr: x < 0 NaN; the formula gives the other special cases
				r = dsel(x_lt0, nan, r);
				break;
			}
			Operand anynan = int_y ? eb(IOp::funord, {x, x}) : eb(IOp::bor, {eb(IOp::funord, {x, x}), eb(IOp::funord, {y, y})});
			if (inst == OpenCLLIB::Pow) {   // pow(NaN, 0) = 1, pow(1, NaN) = 1
				Operand keep1 = eb(IOp::bor, {eb(IOp::feq, {y, d(0)}), eb(IOp::feq, {x, d(1)})});
				anynan = eb(IOp::band, {anynan, eb(IOp::bnot, {keep1})});
			}
			if (inst == OpenCLLIB::Pown)
				anynan = eb(IOp::band, {anynan, eb(IOp::fne, {y, d(0)})});
			r = dsel(anynan, nan, r);
			return wide ? r : to_f32(r);
		});
		return;
	case OpenCLLIB::Cbrt:
		// exp2(log2|x| / 3) and one Newton step y + (|x|/y^2 - y)/3, the sign of x
		via64(1, [&](auto c) {
			Operand x = c[0], ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
			Operand y0 = exp_f64(dmul(log_f64(ax, 1), d(1.0 / 3)), 1);
			Operand q = ddiv_faithful(ax, dmul(y0, y0));
			Operand y = dfma(dsub(q, y0), d(1.0 / 3), y0);
			y = e64(IOp::ior, {y, e64(IOp::iand, {x, k64(1ull << 63)})});
			Operand keep = eb(IOp::bor, {eb(IOp::feq, {x, d(0)}), eb(IOp::bnot, {eb(IOp::flt, {ax, d(INFINITY)})})});
			return dsel(keep, x, y);
		});
		return;
	case OpenCLLIB::Hypot:
		via64(2, [&](auto c) {
			Operand ax = e64(IOp::iand, {c[0], k64(~(1ull << 63))}), ay = e64(IOp::iand, {c[1], k64(~(1ull << 63))});
			Operand r;
			if (!wide) {
				r = e64(IOp::fsqrt, {dfma(ax, ax, dmul(ay, ay))});
			} else {   // scaled by the larger one's power of two
				Operand mx = e64(IOp::fmax, {ax, ay});
				Operand e = e32(IOp::iand, {e32(IOp::ushr, {e32(IOp::hi32, {mx}), k32(20)}), k32(0x7ff)});
				Operand ec = e32(IOp::smin, {e32(IOp::smax, {e32(IOp::isub, {e, k32(1023)}), k32(-1000)}), k32(1000)});
				Operand down = pow2_f64(e32(IOp::isub, {k32(0), ec})), up = pow2_f64(ec);
				Operand sx = dmul(ax, down), sy = dmul(ay, down);
				r = dmul(e64(IOp::fsqrt, {dfma(sx, sx, dmul(sy, sy))}), up);
			}
			r = dsel(eb(IOp::bor, {eb(IOp::funord, {ax, ax}), eb(IOp::funord, {ay, ay})}), d(NAN), r);
			return dsel(eb(IOp::bor, {eb(IOp::feq, {ax, d(INFINITY)}), eb(IOp::feq, {ay, d(INFINITY)})}), d(INFINITY), r);
		});
		return;
	// ---- trigonometric ----
	case OpenCLLIB::Sin:
	case OpenCLLIB::Cos:
		if (!wide) {   // the device's sin/cos (<= 1 ulp; bound 4)
			map(1, [&](auto c) { return e32(inst == OpenCLLIB::Sin ? IOp::fsin : IOp::fcos, {c[0]}); });
			return;
		}
		via64(1, [&](auto c) { return sincos_f64(c[0], inst == OpenCLLIB::Cos); });
		return;
	case OpenCLLIB::Tan:
		if (!wide) {   // sin / cos (<= 1 ulp each) in f64, rounded once: <= 2.5 ulp (bound 5)
			map(1, [&](auto c) { return to_f32(ddiv_faithful(to_f64(e32(IOp::fsin, {c[0]})), to_f64(e32(IOp::fcos, {c[0]})))); });
			return;
		}
		via64(1, [&](auto c) {
			Operand cs;
			Operand s = sincos_f64(c[0], false, &cs);
			return ddiv_faithful(s, cs);
		});
		return;
	case OpenCLLIB::Sinpi:
	case OpenCLLIB::Cospi:
	case OpenCLLIB::Tanpi:
		via64(1, [&](auto c) {
			Operand cp;
			Operand sp = sincospi_f64(c[0], &cp);
			// tanpi: +-0 / -+1 and +-1 / +0 come out of the division with the spec's signs
			return inst == OpenCLLIB::Sinpi ? sp : inst == OpenCLLIB::Cospi ? cp : ddiv_faithful(sp, cp);
		});
		return;
	case OpenCLLIB::Asin:
	case OpenCLLIB::Acos:
	case OpenCLLIB::Asinpi:
	case OpenCLLIB::Acospi:
		// |x| <= 1/2: the series; beyond: asin |x| = pi/2 - 2 asin(sqrt((1 - |x|)/2)) ((1 - |x|)/2
		// exact), acos x = 2 asin(sqrt((1 - x)/2)) or pi - 2 asin(sqrt((1 + x)/2))
		via64(1, [&](auto c) {
			static const double pio2h = (double)(kPi / 2), pio2l = (double)(kPi / 2 - (long double)pio2h);
			static const double pih = (double)kPi, pil = (double)(kPi - (long double)pih);
			Operand x = c[0], ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
			Operand small = eb(IOp::fle, {ax, d(0.5)});
			Operand s_small = asin_series(*this, x);   // odd: keeps the sign
			Operand wv = e64(IOp::fsqrt, {dmul(dsub(d(1), ax), d(0.5))});
			Operand two_as = dmul(asin_series(*this, wv), d(2));
			Operand a;
			if (inst == OpenCLLIB::Asin || inst == OpenCLLIB::Asinpi) {
				Operand big = dsub(d(pio2h), dsub(two_as, d(pio2l)));
				big = e64(IOp::ior, {big, e64(IOp::iand, {x, k64(1ull << 63)})});
				a = dsel(small, s_small, big);
			} else {
				Operand mid = dsub(d(pio2h), dsub(s_small, d(pio2l)));
				Operand neg = dsub(d(pih), dsub(two_as, d(pil)));
				a = dsel(small, mid, dsel(eb(IOp::flt, {x, d(0)}), neg, two_as));
			}
			if (inst == OpenCLLIB::Asinpi || inst == OpenCLLIB::Acospi)
				a = mul_inv_pi(a);
			Operand out = eb(IOp::flt, {d(1), ax});
			a = dsel(out, d(NAN), a);
			return dsel(eb(IOp::funord, {x, x}), x, a);
		});
		return;
	case OpenCLLIB::Atan:
	case OpenCLLIB::Atanpi:
		via64(1, [&](auto c) {
			Operand a = atan_f64(c[0]);
			return inst == OpenCLLIB::Atanpi ? mul_inv_pi(a) : a;
		});
		return;
	case OpenCLLIB::Atan2:
	case OpenCLLIB::Atan2pi:
		via64(2, [&](auto c) {
			Operand a = atan2_f64(c[0], c[1]);
			return inst == OpenCLLIB::Atan2pi ? mul_inv_pi(a) : a;
		});
		return;
	// ---- hyperbolic ----
	case OpenCLLIB::Sinh:
	case OpenCLLIB::Cosh:
	case OpenCLLIB::Tanh:
		via64(1, [&](auto c) {
			Operand x = c[0], ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
			Operand sgn = e64(IOp::iand, {x, k64(1ull << 63)});
			// large |x|: e^(|x|/2) squared, halved (no overflow before the result's)
			Operand wv = exp_f64(dmul(ax, d(0.5)), 0);
			Operand large = dmul(wv, dmul(wv, d(0.5)));
			Operand r;
			if (inst == OpenCLLIB::Sinh) {   // (em + em / (em + 1)) / 2
				Operand em = expm1_f64(ax);
				r = dmul(dadd(em, ddiv_faithful(em, dadd(em, d(1)))), d(0.5));
				r = dsel(eb(IOp::flt, {d(20), ax}), large, r);
				r = e64(IOp::ior, {r, sgn});
				r = dsel(eb(IOp::feq, {x, d(0)}), x, r);
			} else if (inst == OpenCLLIB::Cosh) {   // (e + 1/e) / 2
				Operand ex = exp_f64(ax, 0);
				r = dmul(dadd(ex, ddiv_faithful(d(1), ex)), d(0.5));
				r = dsel(eb(IOp::flt, {d(20), ax}), large, r);
			} else {   // em / (em + 2) with em = e^(2|x|) - 1
				Operand em = expm1_f64(dmul(ax, d(2)));
				r = ddiv_faithful(em, dadd(em, d(2)));
				r = dsel(eb(IOp::flt, {d(22), ax}), d(1), r);
				r = e64(IOp::ior, {r, sgn});
				r = dsel(eb(IOp::feq, {x, d(0)}), x, r);
			}
			return dsel(eb(IOp::funord, {x, x}), x, r);
		});
		return;
	case OpenCLLIB::Asinh:
	case OpenCLLIB::Acosh:
	case OpenCLLIB::Atanh:
		via64(1, [&](auto c) {
			Operand x = c[0], ax = e64(IOp::iand, {x, k64(~(1ull << 63))});
			Operand sgn = e64(IOp::iand, {x, k64(1ull << 63)});
			Operand big_log = dadd(log_f64(ax, 0), d((double)kLn2));   // log(2|x|) for |x| > 2^28
			Operand r;
			if (inst == OpenCLLIB::Asinh) {   // log1p(|x| + x^2 / (1 + sqrt(1 + x^2)))
				Operand x2 = dmul(ax, ax);
				r = log1p_f64(dadd(ax, ddiv_faithful(x2, dadd(d(1), e64(IOp::fsqrt, {dadd(d(1), x2)})))));
				r = dsel(eb(IOp::flt, {d(0x1p28), ax}), big_log, r);
				r = e64(IOp::ior, {r, sgn});
				r = dsel(eb(IOp::feq, {x, d(0)}), x, r);
			} else if (inst == OpenCLLIB::Acosh) {   // log1p(t + sqrt(2t + t^2)), t = x - 1
				Operand tt = dsub(x, d(1));
				r = log1p_f64(dadd(tt, e64(IOp::fsqrt, {dfma(tt, tt, dmul(tt, d(2)))})));
				r = dsel(eb(IOp::flt, {d(0x1p28), x}), big_log, r);
				r = dsel(eb(IOp::flt, {x, d(1)}), d(NAN), r);
			} else {   // log1p(2|x| / (1 - |x|)) / 2
				r = dmul(log1p_f64(ddiv_faithful(dmul(ax, d(2)), dsub(d(1), ax))), d(0.5));
				r = dsel(eb(IOp::feq, {ax, d(1)}), d(INFINITY), r);
				r = dsel(eb(IOp::flt, {d(1), ax}), d(NAN), r);
				r = e64(IOp::ior, {r, sgn});
				r = dsel(eb(IOp::feq, {x, d(0)}), x, r);
			}
			return dsel(eb(IOp::funord, {x, x}), x, r);
		});
		return;
	// ---- native_ and half_: the device's instructions (native: implementation-defined
	// precision; half: 8192 ulp, which these stay far inside) ----
	case OpenCLLIB::Native_cos:
	case OpenCLLIB::Half_cos:
	case OpenCLLIB::Native_sin:
	case OpenCLLIB::Half_sin:
	case OpenCLLIB::Native_tan:
	case OpenCLLIB::Half_tan:
	case OpenCLLIB::Native_exp:
	case OpenCLLIB::Half_exp:
	case OpenCLLIB::Native_exp2:
	case OpenCLLIB::Half_exp2:
	case OpenCLLIB::Native_exp10:
	case OpenCLLIB::Half_exp10:
	case OpenCLLIB::Native_log:
	case OpenCLLIB::Half_log:
	case OpenCLLIB::Native_log2:
	case OpenCLLIB::Half_log2:
	case OpenCLLIB::Native_log10:
	case OpenCLLIB::Half_log10:
	case OpenCLLIB::Native_recip:
	case OpenCLLIB::Half_recip:
	case OpenCLLIB::Native_rsqrt:
	case OpenCLLIB::Half_rsqrt:
	case OpenCLLIB::Native_sqrt:
	case OpenCLLIB::Half_sqrt:
		f32_only("native_/half_ functions");
		map(1, [&](auto c) {
			Operand x = c[0];
			switch (inst) {
			case OpenCLLIB::Native_cos:
			case OpenCLLIB::Half_cos: return e32(IOp::fcos, {x});
			case OpenCLLIB::Native_sin:
			case OpenCLLIB::Half_sin: return e32(IOp::fsin, {x});
			case OpenCLLIB::Native_tan:
			case OpenCLLIB::Half_tan: return e32(IOp::fdiv, {e32(IOp::fsin, {x}), e32(IOp::fcos, {x})});
			case OpenCLLIB::Native_exp:
			case OpenCLLIB::Half_exp: return e32(IOp::fexp2, {e32(IOp::fmul, {x, f((float)kLog2e)})});
			case OpenCLLIB::Native_exp2:
			case OpenCLLIB::Half_exp2: return e32(IOp::fexp2, {x});
			case OpenCLLIB::Native_exp10:
			case OpenCLLIB::Half_exp10: return e32(IOp::fexp2, {e32(IOp::fmul, {x, f(3.32192809488736234787f)})});
			case OpenCLLIB::Native_log:
			case OpenCLLIB::Half_log: return e32(IOp::fmul, {e32(IOp::flog2, {x}), f((float)kLn2)});
			case OpenCLLIB::Native_log2:
			case OpenCLLIB::Half_log2: return e32(IOp::flog2, {x});
			case OpenCLLIB::Native_log10:
			case OpenCLLIB::Half_log10: return e32(IOp::fmul, {e32(IOp::flog2, {x}), f((float)kLog10_2)});
			case OpenCLLIB::Native_recip:
			case OpenCLLIB::Half_recip: return e32(IOp::frcp, {x});
			case OpenCLLIB::Native_rsqrt:
			case OpenCLLIB::Half_rsqrt: return e32(IOp::frsq, {x});
			default: return e32(IOp::fsqrt, {x});
			}
		});
		return;
	case OpenCLLIB::Native_divide:
		f32_only("native_divide");
		map(2, [&](auto c) { return e32(IOp::fdiv, {c[0], c[1]}); });
		return;
	case OpenCLLIB::Half_divide:   // x * rcp(y) in f64: no overflow of 1/y for denormal y
		f32_only("half_divide");
		map(2, [&](auto c) { return to_f32(dmul(to_f64(c[0]), e64(IOp::frcp, {to_f64(c[1])}))); });
		return;
	case OpenCLLIB::Native_powr:
	case OpenCLLIB::Half_powr:
		f32_only("native_powr/half_powr");
		map(2, [&](auto c) { return e32(IOp::fexp2, {e32(IOp::fmul, {c[1], e32(IOp::flog2, {c[0]})})}); });
		return;
	case OpenCLLIB::Fmod:
	case OpenCLLIB::Remainder:
	case OpenCLLIB::Remquo:
		return wide ? remainder_f64() : remainder_f32();
	case OpenCLLIB::Erf:
	case OpenCLLIB::Erfc:
		via64(1, [&](auto c) { return erf_f64(c[0], inst == OpenCLLIB::Erfc); });
		return;
	case OpenCLLIB::Tgamma:
	case OpenCLLIB::Lgamma:
		// f64 tgamma in double-double (tgamma_f64); lgamma has no bound in the specification
		via64(1, [&](auto c) {
			if (wide && inst == OpenCLLIB::Tgamma)
				return tgamma_f64(c[0]);
			return gamma_f64(c[0], inst == OpenCLLIB::Lgamma, nullptr);
		});
		return;
	case OpenCLLIB::Lgamma_r: {
		std::vector<Operand> r, signs;
		for (const Operand &x : arg(0)) {
			Operand sg;
			Operand v = gamma_f64(wide ? x : to_f64(x), true, &sg);
			r.push_back(wide ? v : to_f32(v));
			signs.push_back(sg);
		}
		if (in.w.size() <= 6)
			fail("OpenCL.std lgamma_r without its pointer operand");
		Ptr p = t.pointer(in.w[6]);
		t.store(p, p.type, signs);
		t.set(res, rt, r);
		return;
	}
	default: fail("unknown OpenCL.std math instruction " + std::to_string(inst));
	}
}

// fmod, remainder, remquo on f32, exactly: with m_x, m_y the integer significands (24 bits) and
// d = e_x - e_y, r = m_x 2^d mod m_y by steps of at most 8 bits ((r << 8) < 2^32, v_rem_u32), so
// 35 steps cover any d; the quotient's low 7 bits are kept for remquo. The result r 2^e_y is exact.
void OpenClStd::remainder_f32()
{
	const auto &xs = arg(0), &ys = arg(1);
	std::vector<Operand> r, quo;
	for (size_t i = 0; i < xs.size(); i++) {
		Operand x = xs[i], y = ys.size() == 1 ? ys[0] : ys[i];
		Operand ax = e32(IOp::iand, {x, k32(0x7fffffffu)}), ay = e32(IOp::iand, {y, k32(0x7fffffffu)});
		auto parts = [&](Operand a) {   // (significand, exponent with denormals at 1)
			Operand field = e32(IOp::ushr, {a, k32(23)});
			Operand m = e32(IOp::iand, {a, k32(0x7fffff)});
			Operand normal = eb(IOp::ine, {field, k32(0)});
			return std::pair{ssel(normal, e32(IOp::ior, {m, k32(0x800000)}), m), e32(IOp::umax, {field, k32(1)})};
		};
		auto [mx, ex] = parts(ax);
		auto [my, ey] = parts(ay);
		Operand dd = e32(IOp::isub, {ex, ey});
		Operand rem = ssel(eb(IOp::slt, {dd, k32(0)}), mx, e32(IOp::umod, {mx, my}));
		Operand q = ssel(eb(IOp::slt, {dd, k32(0)}), k32(0), e32(IOp::udiv, {mx, my}));
		for (int step = 0; step < 35; step++) {
			// shift by min(max(d - 8 step, 0), 8)
			Operand s = e32(IOp::smin, {e32(IOp::smax, {e32(IOp::isub, {dd, k32(8 * step)}), k32(0)}), k32(8)});
			Operand sh = e32(IOp::shl, {rem, s});
			q = e32(IOp::iadd, {e32(IOp::shl, {q, s}), e32(IOp::udiv, {sh, my})});
			rem = e32(IOp::umod, {sh, my});
		}
		// |x| < |y|: r = |x|, quotient 0
		Operand small = eb(IOp::slt, {dd, k32(0)});
		// the remainder as a float: rem * 2^(ey - 150) (exact: a multiple of y's quantum below |y|)
		Operand rf = e32(IOp::fldexp, {e32(IOp::cvt_f_u, {rem}), e32(IOp::isub, {ey, k32(150)})});
		rf = ssel(small, ax, rf);
		q = ssel(small, k32(0), q);
		if (inst != OpenCLLIB::Fmod) {
			// nearest quotient: 2r > |y|, or 2r == |y| with an odd quotient, takes r - |y|
			Operand r2 = e32(IOp::fmul, {rf, f(2)});
			Operand ayf = ay;
			Operand over = eb(IOp::bor, {eb(IOp::flt, {ayf, r2}),
			                             eb(IOp::band, {eb(IOp::feq, {r2, ayf}), eb(IOp::ine, {e32(IOp::iand, {q, k32(1)}), k32(0)})})});
			rf = ssel(over, e32(IOp::fsub, {rf, ayf}), rf);
			q = e32(IOp::iadd, {q, ssel(over, k32(1), k32(0))});
		}
		Operand res_v = e32(IOp::ixor, {rf, e32(IOp::iand, {x, k32(0x80000000u)})});
		// x inf, y 0, or a NaN: NaN; x finite and y inf: x
		Operand bad = eb(IOp::bor, {eb(IOp::bor, {eb(IOp::funord, {x, y}), eb(IOp::feq, {ax, f(INFINITY)})}), eb(IOp::feq, {ay, k32(0)})});
		res_v = ssel(eb(IOp::feq, {ay, f(INFINITY)}), x, res_v);
		res_v = ssel(bad, f(NAN), res_v);
		r.push_back(res_v);
		// remquo: the low 7 bits of the quotient with the sign of x / y
		Operand q7 = e32(IOp::iand, {q, k32(0x7f)});
		Operand qneg = eb(IOp::ine, {e32(IOp::iand, {e32(IOp::ixor, {x, y}), k32(0x80000000u)}), k32(0)});
		q7 = ssel(qneg, e32(IOp::ineg, {q7}), q7);
		quo.push_back(ssel(eb(IOp::bor, {bad, eb(IOp::feq, {ay, f(INFINITY)})}), k32(0), q7));
	}
	if (inst == OpenCLLIB::Remquo) {
		if (in.w.size() <= 7)
			fail("OpenCL.std remquo without its pointer operand");
		Ptr p = t.pointer(in.w[7]);
		t.store(p, p.type, quo);
	}
	t.set(res, rt, r);
}

// fmod, remainder, remquo on f64, exactly: r = |x| is reduced by y' = |y| 2^k (k = the exponent
// difference - 50, at least 0) with q = trunc(r / y') < 2^51 and r - q y' by one fma, exact since
// the result is a multiple of ulp(y') below 2 y'; a quotient one off is corrected. 44 steps cover
// the largest exponent difference (2^1024 / 2^-1074). The quotient's low 7 bits are kept from the
// steps with k < 7.
void OpenClStd::remainder_f64()
{
	const auto &xs = arg(0), &ys = arg(1);
	std::vector<Operand> res_v, quo;
	auto ilogb64 = [&](Operand v) {   // exponent of a finite non-zero f64, denormals included
		Operand hi = e32(IOp::hi32, {v});
		Operand field = e32(IOp::iand, {e32(IOp::ushr, {hi, k32(20)}), k32(0x7ff)});
		Operand fhi = e32(IOp::iand, {hi, k32(0xfffff)}), lo = e32(IOp::lo32, {v});
		Operand msb = ssel(eb(IOp::ine, {fhi, k32(0)}), e32(IOp::iadd, {e32(IOp::findumsb, {fhi}), k32(32)}), e32(IOp::findumsb, {lo}));
		return ssel(eb(IOp::ieq, {field, k32(0)}), e32(IOp::isub, {msb, k32(1074)}), e32(IOp::isub, {field, k32(1023)}));
	};
	const Operand abs_mask = k64(~(1ull << 63)), sign = k64(1ull << 63);
	for (size_t i = 0; i < xs.size(); i++) {
		Operand x = xs[i], y = ys.size() == 1 ? ys[0] : ys[i];
		Operand ax = e64(IOp::iand, {x, abs_mask}), ay = e64(IOp::iand, {y, abs_mask});
		Operand ey = ilogb64(ay);
		Operand r = ax, qlow = k32(0);
		for (int step = 0; step < 44; step++) {
			Operand active = eb(IOp::fle, {ay, r});
			Operand k = e32(IOp::smax, {e32(IOp::isub, {e32(IOp::isub, {ilogb64(r), ey}), k32(50)}), k32(0)});
			// |y| 2^k in three exact factors of at most 2^1000 (k reaches 2047)
			Operand k1 = e32(IOp::smin, {k, k32(1000)});
			Operand rest = e32(IOp::isub, {k, k1});
			Operand k2 = e32(IOp::smin, {rest, k32(1000)});
			Operand yk = dmul(dmul(dmul(ay, pow2_f64(k1)), pow2_f64(k2)), pow2_f64(e32(IOp::isub, {rest, k2})));
			Operand q = e64(IOp::ftrunc, {ddiv_faithful(r, yk)});
			Operand rn = dfma(e64(IOp::ixor, {q, sign}), yk, r);
			Operand neg = eb(IOp::flt, {rn, d(0)});
			rn = dsel(neg, dadd(rn, yk), rn);
			q = dsel(neg, dsub(q, d(1)), q);
			Operand over = eb(IOp::fle, {yk, rn});
			rn = dsel(over, dsub(rn, yk), rn);
			q = dsel(over, dadd(q, d(1)), q);
			r = dsel(active, rn, r);
			Operand q128 = dsub(q, dmul(e64(IOp::ffloor, {dmul(q, d(1.0 / 128))}), d(128)));
			Operand add = ssel(eb(IOp::slt, {k, k32(7)}), e32(IOp::shl, {e32(IOp::cvt_s_f, {q128}, 0, 1), k}), k32(0));
			qlow = ssel(active, e32(IOp::iand, {e32(IOp::iadd, {qlow, add}), k32(0x7f)}), qlow);
		}
		if (inst != OpenCLLIB::Fmod) {
			// nearest quotient: 2r > |y|, or 2r == |y| with an odd quotient, takes r - |y|
			Operand r2 = dmul(r, d(2));
			Operand up = eb(IOp::bor, {eb(IOp::flt, {ay, r2}),
			                           eb(IOp::band, {eb(IOp::feq, {r2, ay}), eb(IOp::ine, {e32(IOp::iand, {qlow, k32(1)}), k32(0)})})});
			r = dsel(up, dsub(r, ay), r);
			qlow = e32(IOp::iand, {e32(IOp::iadd, {qlow, ssel(up, k32(1), k32(0))}), k32(0x7f)});
		}
		Operand v = e64(IOp::ixor, {r, e64(IOp::iand, {x, sign})});
		Operand bad = eb(IOp::bor, {eb(IOp::bor, {eb(IOp::funord, {x, y}), eb(IOp::feq, {ax, d(INFINITY)})}), eb(IOp::feq, {ay, d(0)})});
		Operand yinf = eb(IOp::feq, {ay, d(INFINITY)});
		v = dsel(yinf, x, v);
		v = dsel(bad, d(NAN), v);
		res_v.push_back(v);
		Operand qneg = eb(IOp::ine, {e64(IOp::iand, {e64(IOp::ixor, {x, y}), sign}), k64(0)});
		Operand q7 = ssel(qneg, e32(IOp::ineg, {qlow}), qlow);
		quo.push_back(ssel(eb(IOp::bor, {bad, yinf}), k32(0), q7));
	}
	if (inst == OpenCLLIB::Remquo) {
		if (in.w.size() <= 7)
			fail("OpenCL.std remquo without its pointer operand");
		Ptr p = t.pointer(in.w[7]);
		t.store(p, p.type, quo);
	}
	t.set(res, rt, res_v);
}

} // namespace mica::compiler::spirv_detail
