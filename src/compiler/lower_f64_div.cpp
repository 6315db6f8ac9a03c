// f64 division correctly rounded (IEEE 754 round to nearest even), as OpenCL requires of x / y on
// doubles; Vulkan's OpFDiv (and OpFRem/OpFMod's quotient) on doubles gets the same. The
// ISA has no divide: v_rcp_f64 is correctly rounded (docs/hw/isa.md), so a * rcp(b) is within
// about 1.5 ulp, and this sequence fixes it, straight-line (no control flow):
//
//  1. Both operands are split into a significand in [1, 2) and an exponent (denormals scaled by
//     2^64 first), so the refinement below never overflows, underflows or meets a denormal
//     reciprocal; the quotient is (as / bs) * 2^k with k = ea - eb.
//  2. y = rcp(bs); q0 = as * y; one Newton correction q1 = q0 + (as - bs q0) y (the residual by
//     fma) makes q1 faithful; Markstein's theorem (y within half an ulp of 1/bs, q1 within one ulp
//     of as/bs) then makes q = RN(q1 + (as - bs q1) y) the correctly rounded quotient, and
//     r = as - bs q (exact, by fma) says on which side of q the true quotient lies.
//  3. q * 2^k in two exact steps (k clamped to where the result is certainly 0 or infinite): a
//     normal result is exact, overflow rounds to infinity as it should. A denormal result is
//     rounded a second time, which is wrong only when q * 2^k lies exactly halfway between two
//     denormals while the true quotient does not (r != 0): then the neighbour on the true
//     quotient's side is taken.
//  4. Zero, infinite and NaN operands take |a| * rcp(|b|) with a finite b replaced by 1, which gives
//     IEEE's answers (0/0 and inf/inf NaN, x/0 inf, x/inf 0, signs by xor).
//
// Checked against the host's division on the device model over edge values, hard cases (true
// quotients near rounding midpoints, halfway denormals, the overflow threshold) and random pairs:
// tests/compiler/f64/f64_div_sqrt_test.cpp. docs/compiler.md "f64 division".
#include <bit>
#include <cmath>

#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

Operand Translator::fdiv_f64(Operand a, Operand b)
{
	using IOp = IO::Op;
	constexpr uint64_t kSign = 1ull << 63;
	auto e64 = [&](IOp op, std::vector<Operand> ops) { return emit(op, r64(), std::move(ops)); };
	auto e32 = [&](IOp op, std::vector<Operand> ops) { return emit(op, r32(), std::move(ops)); };
	auto eb = [&](IOp op, std::vector<Operand> ops) { return emit(op, rbool(), std::move(ops)); };
	auto d = [](double v) { return Operand::c64(std::bit_cast<uint64_t>(v)); };
	auto k32 = [](uint32_t v) { return Operand::c32(v); };
	auto fma = [&](Operand x, Operand y, Operand z) { return e64(IOp::ffma, {x, y, z}); };
	auto mul = [&](Operand x, Operand y) { return e64(IOp::fmul, {x, y}); };
	auto neg = [&](Operand x) { return e64(IOp::ixor, {x, Operand::c64(kSign)}); };
	auto sel = [&](Operand c, Operand x, Operand y) { return e64(IOp::select, {c, x, y}); };
	// 2^n as a double for an i32 n in [-1022, 1023]
	auto pow2 = [&](Operand n) { return e64(IOp::pack64, {k32(0), e32(IOp::shl, {e32(IOp::iadd, {n, k32(1023)}), k32(20)})}); };
	// |x| = m * 2^e with m in [1, 2), for a finite non-zero |x|
	auto split = [&](Operand x, Operand &m) {
		Operand sub = eb(IOp::flt, {x, d(0x1p-1022)});
		Operand xn = sel(sub, mul(x, d(0x1p64)), x);
		Operand hi = e32(IOp::hi32, {xn});
		Operand e = e32(IOp::isub, {e32(IOp::ushr, {hi, k32(20)}), emit(IOp::select, r32(), {sub, k32(1023 + 64), k32(1023)})});
		m = e64(IOp::pack64, {e32(IOp::lo32, {xn}), e32(IOp::ior, {e32(IOp::iand, {hi, k32(0x000fffffu)}), k32(0x3ff00000u)})});
		return e;
	};

	Operand sign = e64(IOp::iand, {e64(IOp::ixor, {a, b}), Operand::c64(kSign)});
	Operand ax = e64(IOp::iand, {a, Operand::c64(~kSign)});
	Operand bx = e64(IOp::iand, {b, Operand::c64(~kSign)});
	Operand as, bs;
	Operand k = e32(IOp::isub, {split(ax, as), split(bx, bs)});

	// the quotient of the significands, correctly rounded, and its exact residual
	Operand y = e64(IOp::frcp, {bs});
	Operand nbs = neg(bs);
	Operand q0 = mul(as, y);
	Operand q1 = fma(fma(nbs, q0, as), y, q0);
	Operand q = fma(fma(nbs, q1, as), y, q1);
	Operand r = fma(nbs, q, as);

	// q * 2^k: below 2^-1076 the result is 0 (q < 2), from 2^1025 up infinite (q > 1/2)
	k = e32(IOp::smin, {e32(IOp::smax, {k, k32((uint32_t)-1076)}), k32(1025)});
	Operand n1 = e32(IOp::sshr, {k, k32(1)});
	Operand n2 = e32(IOp::isub, {k, n1});
	auto scale = [&](Operand v) { return mul(mul(v, pow2(n1)), pow2(n2)); };
	Operand c = scale(q);
	// a denormal, zero or smallest normal c: was q * 2^k halfway between two denormals? c scaled back is exact
	// (a multiple of the denormal quantum), and so is q - cs (Sterbenz); halfway means |q - cs|
	// is half the quantum 2^-1074 scaled by 2^-k
	Operand cs = mul(mul(c, pow2(e32(IOp::ineg, {n2}))), pow2(e32(IOp::ineg, {n1})));
	Operand delta = e64(IOp::fsub, {q, cs});
	Operand half = pow2(e32(IOp::smax, {e32(IOp::isub, {k32((uint32_t)-1075), k}), k32((uint32_t)-1022)}));
	Operand tie = eb(IOp::feq, {e64(IOp::iand, {delta, Operand::c64(~kSign)}), half});
	// c is on the wrong side when the true quotient lies beyond q away from c: delta and r of one sign
	Operand wrong_side = eb(IOp::bxor, {eb(IOp::flt, {delta, d(0)}), eb(IOp::flt, {d(0), r})});
	Operand fix = eb(IOp::band, {eb(IOp::band, {eb(IOp::fle, {c, d(0x1p-1022)}), tie}),
	                             eb(IOp::band, {eb(IOp::fne, {r, d(0)}), wrong_side})});
	Operand res = sel(fix, scale(e64(IOp::fadd, {q, delta})), c);

	// zero, infinite or NaN operands: |a| * rcp(|b| or 1)
	Operand a_ok = eb(IOp::band, {eb(IOp::flt, {d(0), ax}), eb(IOp::flt, {ax, d(INFINITY)})});
	Operand b_ok = eb(IOp::band, {eb(IOp::flt, {d(0), bx}), eb(IOp::flt, {bx, d(INFINITY)})});
	Operand special = mul(ax, e64(IOp::frcp, {sel(b_ok, d(1), bx)}));
	res = sel(eb(IOp::band, {a_ok, b_ok}), res, special);
	return e64(IOp::ixor, {res, sign});
}

} // namespace mica::compiler::spirv_detail
