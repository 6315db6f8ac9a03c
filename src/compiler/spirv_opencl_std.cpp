// OpenCL.std: dispatch, and the integer, common, geometric, relational, vector load/store and
// shuffle instructions (the math instructions are in spirv_opencl_std_math.cpp).
#include <cmath>

#include "spirv_opencl_std.h"

namespace mica::compiler::spirv_detail {

void Translator::opencl_std(const Inst &in)
{
	OpenClStd o(*this, in);
	o.run();
	// OpenCL.std instructions do not go through translate_narrow: an 8/16-bit integer result is
	// made canonical (zero-extended) here. rotate, mad_hi and the signed saturating forms left
	// upper bits set, which an unsigned compare of the result then saw (fuzz_expressions:
	// (rotate(a, b) >= b) ? a : c on ushort).
	if (in.w.size() > 2 && vals_.count(in.w[2]))
		if (const unsigned nw = narrow_width(in.w[1]))
			for (Operand &x : vals_[in.w[2]])
				x = narrow_mask(x, nw);
}

const std::vector<Operand> &OpenClStd::arg(size_t i)
{
	if (in.w.size() <= 5 + i)
		fail("OpenCL.std instruction " + std::to_string(inst) + " has too few operands");
	return t.val(in.w[5 + i]);
}

uint32_t OpenClStd::arg_type(size_t i)
{
	arg(i);
	return t.value_type(in.w[5 + i]);
}

unsigned OpenClStd::width(uint32_t type_id)
{
	const Type &s = t.type(t.scalar_type(type_id));
	if (s.k != Type::K::Int && s.k != Type::K::Float)
		fail("OpenCL.std instruction " + std::to_string(inst) + " on a non-numeric type");
	return s.width;
}

void OpenClStd::run()
{
	const auto w = in.w;
	if (w.size() < 5)
		fail("OpenCL.std instruction has too few operands");
	rt = w[1];
	res = w[2];
	inst = w[4];
	if (inst <= OpenCLLIB::Native_tan)
		return math();
	if (inst >= OpenCLLIB::FClamp && inst <= OpenCLLIB::Sign)
		return common();
	if (inst >= OpenCLLIB::Cross && inst <= OpenCLLIB::Fast_normalize)
		return geometric();
	if (inst == OpenCLLIB::Bitselect || inst == OpenCLLIB::Select)
		return relational();
	if (inst >= OpenCLLIB::Vloadn && inst <= OpenCLLIB::Vstorea_halfn_r)
		return vector_memory();
	if (inst == OpenCLLIB::Shuffle || inst == OpenCLLIB::Shuffle2)
		return shuffle();
	if ((inst >= OpenCLLIB::SAbs && inst <= OpenCLLIB::UMul24) || (inst >= OpenCLLIB::UAbs && inst <= OpenCLLIB::UMad_hi))
		return integer();
	if (inst == OpenCLLIB::Printf || inst == OpenCLLIB::Prefetch)
		fail(std::string("OpenCL.std ") + (inst == OpenCLLIB::Printf ? "printf" : "prefetch") +
		     " is not supported by this compiler build");
	fail("unknown OpenCL.std instruction " + std::to_string(inst));
}

// ---- integer (2.2) ----
// 8/16-bit values live zero-extended in 32-bit registers (spirv_narrow.cpp masks narrow results);
// signed operations sign-extend their operands first and compute in 32 bits, where every
// narrow result (sums, products, saturation) is exact.
void OpenClStd::integer()
{
	const unsigned bits = width(rt);
	const bool wide = bits == 64, narrow = bits < 32;
	const bool sgn = inst == OpenCLLIB::SAbs || inst == OpenCLLIB::SAbs_diff || inst == OpenCLLIB::SAdd_sat ||
	                 inst == OpenCLLIB::SHadd || inst == OpenCLLIB::SRhadd || inst == OpenCLLIB::SClamp ||
	                 inst == OpenCLLIB::SMad_hi || inst == OpenCLLIB::SMad_sat || inst == OpenCLLIB::SMax ||
	                 inst == OpenCLLIB::SMin || inst == OpenCLLIB::SMul_hi || inst == OpenCLLIB::SSub_sat ||
	                 inst == OpenCLLIB::SMad24 || inst == OpenCLLIB::SMul24;
	auto E = [&](IOp o, std::vector<Operand> ops) { return ew(wide, o, std::move(ops)); };
	auto K = [&](uint64_t v) { return wide ? k64(v) : k32((uint32_t)v); };
	const unsigned abits = inst == OpenCLLIB::U_Upsample || inst == OpenCLLIB::S_Upsample ? width(arg_type(0)) : bits;
	auto ext = [&](Operand x) { return sgn && abits < 32 ? t.narrow_sext(x, abits) : x; };
	// narrow or 32-bit: limits of the type as 32-bit (sign-extended) values
	const int64_t smax = (int64_t)((1ull << (bits - 1)) - 1), smin = -smax - 1;
	const uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
	auto m = [&](size_t n, auto fn) {
		map(n, [&](std::vector<Operand> c) {
			for (Operand &x : c)
				x = ext(x);
			return fn(c);
		});
	};
	auto sclamp32 = [&](Operand x) { return e32(IOp::smin, {e32(IOp::smax, {x, k32((uint32_t)smin)}), k32((uint32_t)smax)}); };
	auto msb_set = [&](Operand x) { return eb(IOp::slt, {x, K(0)}); };
	switch (inst) {
	case OpenCLLIB::SAbs: m(1, [&](auto c) { return E(IOp::smax, {c[0], E(IOp::ineg, {c[0]})}); }); return;
	case OpenCLLIB::UAbs: m(1, [&](auto c) { return c[0]; }); return;
	case OpenCLLIB::SAbs_diff:
	case OpenCLLIB::UAbs_diff:
		m(2, [&](auto c) {
			Operand gt = eb(sgn ? IOp::slt : IOp::ult, {c[1], c[0]});
			return E(IOp::select, {gt, E(IOp::isub, {c[0], c[1]}), E(IOp::isub, {c[1], c[0]})});
		});
		return;
	case OpenCLLIB::SAdd_sat:
	case OpenCLLIB::SSub_sat:
		m(2, [&](auto c) {
			const bool add = inst == OpenCLLIB::SAdd_sat;
			if (narrow)
				return sclamp32(e32(add ? IOp::iadd : IOp::isub, {c[0], c[1]}));
			Operand r = E(add ? IOp::iadd : IOp::isub, {c[0], c[1]});
			// overflow: the operands' signs agree (add) / differ (sub) and the result's differs from a
			Operand ov = add ? E(IOp::iand, {E(IOp::ixor, {r, c[0]}), E(IOp::ixor, {r, c[1]})})
			                 : E(IOp::iand, {E(IOp::ixor, {c[0], c[1]}), E(IOp::ixor, {c[0], r})});
			Operand sat = E(IOp::select, {msb_set(c[0]), K((uint64_t)smin), K((uint64_t)smax)});
			return E(IOp::select, {msb_set(ov), sat, r});
		});
		return;
	case OpenCLLIB::UAdd_sat:
		m(2, [&](auto c) {
			Operand r = E(IOp::iadd, {c[0], c[1]});
			if (narrow)
				return e32(IOp::umin, {r, k32((uint32_t)umax)});
			return E(IOp::select, {eb(IOp::ult, {r, c[0]}), K(umax), r});
		});
		return;
	case OpenCLLIB::USub_sat:
		m(2, [&](auto c) { return E(IOp::select, {eb(IOp::ult, {c[0], c[1]}), K(0), E(IOp::isub, {c[0], c[1]})}); });
		return;
	case OpenCLLIB::SHadd:
	case OpenCLLIB::UHadd:
	case OpenCLLIB::SRhadd:
	case OpenCLLIB::URhadd:
		// (x >> 1) + (y >> 1) + (x & y & 1), or (x | y) & 1 for the rounding forms: no overflow
		m(2, [&](auto c) {
			const IOp sh = sgn ? IOp::sshr : IOp::ushr;
			const bool round = inst == OpenCLLIB::SRhadd || inst == OpenCLLIB::URhadd;
			Operand low = E(IOp::iand, {E(round ? IOp::ior : IOp::iand, {c[0], c[1]}), K(1)});
			Operand shift = k32(1);
			return E(IOp::iadd, {E(IOp::iadd, {E(sh, {c[0], shift}), E(sh, {c[1], shift})}), low});
		});
		return;
	case OpenCLLIB::SClamp: m(3, [&](auto c) { return E(IOp::smin, {E(IOp::smax, {c[0], c[1]}), c[2]}); }); return;
	case OpenCLLIB::UClamp: m(3, [&](auto c) { return E(IOp::umin, {E(IOp::umax, {c[0], c[1]}), c[2]}); }); return;
	case OpenCLLIB::SMax: m(2, [&](auto c) { return E(IOp::smax, {c[0], c[1]}); }); return;
	case OpenCLLIB::UMax: m(2, [&](auto c) { return E(IOp::umax, {c[0], c[1]}); }); return;
	case OpenCLLIB::SMin: m(2, [&](auto c) { return E(IOp::smin, {c[0], c[1]}); }); return;
	case OpenCLLIB::UMin: m(2, [&](auto c) { return E(IOp::umin, {c[0], c[1]}); }); return;
	case OpenCLLIB::Clz:
		// findumsb gives -1 for 0, so 31 - findumsb(x) is 32 for 0
		m(1, [&](auto c) {
			auto clz32 = [&](Operand x) { return e32(IOp::isub, {k32(31), e32(IOp::findumsb, {x})}); };
			if (!wide)
				return narrow ? e32(IOp::isub, {clz32(c[0]), k32(32 - bits)}) : clz32(c[0]);
			Operand hi = e32(IOp::hi32, {c[0]}), lo = e32(IOp::lo32, {c[0]});
			Operand n = ssel(eb(IOp::ieq, {hi, k32(0)}), e32(IOp::iadd, {clz32(lo), k32(32)}), clz32(hi));
			return e64(IOp::pack64, {n, k32(0)});
		});
		return;
	case OpenCLLIB::Ctz:
		m(1, [&](auto c) {
			if (!wide)
				return ssel(eb(IOp::ieq, {c[0], k32(0)}), k32(bits), e32(IOp::findlsb, {c[0]}));
			Operand hi = e32(IOp::hi32, {c[0]}), lo = e32(IOp::lo32, {c[0]});
			Operand high = ssel(eb(IOp::ieq, {hi, k32(0)}), k32(64), e32(IOp::iadd, {e32(IOp::findlsb, {hi}), k32(32)}));
			Operand n = ssel(eb(IOp::ieq, {lo, k32(0)}), high, e32(IOp::findlsb, {lo}));
			return e64(IOp::pack64, {n, k32(0)});
		});
		return;
	case OpenCLLIB::Popcount:
		m(1, [&](auto c) {
			if (!wide)
				return e32(IOp::bitcount, {c[0]});
			Operand n = e32(IOp::iadd, {e32(IOp::bitcount, {e32(IOp::lo32, {c[0]})}), e32(IOp::bitcount, {e32(IOp::hi32, {c[0]})})});
			return e64(IOp::pack64, {n, k32(0)});
		});
		return;
	case OpenCLLIB::SMul_hi:
	case OpenCLLIB::UMul_hi:
	case OpenCLLIB::SMad_hi:
	case OpenCLLIB::UMad_hi:
		m(inst == OpenCLLIB::SMul_hi || inst == OpenCLLIB::UMul_hi ? 2 : 3, [&](auto c) {
			Operand hi;
			if (narrow)   // the whole product fits in 32 bits
				hi = e32(sgn ? IOp::sshr : IOp::ushr, {e32(IOp::imul, {c[0], c[1]}), k32(bits)});
			else
				hi = E(sgn ? IOp::smulhi : IOp::umulhi, {c[0], c[1]});
			return c.size() == 3 ? E(IOp::iadd, {hi, c[2]}) : hi;
		});
		return;
	case OpenCLLIB::SMad_sat:
	case OpenCLLIB::UMad_sat:
		m(3, [&](auto c) {
			if (narrow) {   // |a * b + c| < 2^31 (16-bit) or < 2^32 unsigned
				Operand r = e32(IOp::iadd, {e32(IOp::imul, {c[0], c[1]}), c[2]});
				if (sgn)
					return sclamp32(r);
				// unsigned 16-bit: 65535^2 + 65535 < 2^32
				return e32(IOp::umin, {r, k32((uint32_t)umax)});
			}
			if (!wide) {   // 32-bit: the exact value in 64 bits
				Operand a = e64(sgn ? IOp::sext : IOp::zext, {c[0]}), b = e64(sgn ? IOp::sext : IOp::zext, {c[1]});
				Operand r = e64(IOp::iadd, {e64(IOp::imul, {a, b}), e64(sgn ? IOp::sext : IOp::zext, {c[2]})});
				if (sgn)
					r = e64(IOp::smin, {e64(IOp::smax, {r, k64((uint64_t)(int64_t)INT32_MIN)}), k64(INT32_MAX)});
				else
					r = e64(IOp::umin, {r, k64(0xffffffffull)});
				return e32(IOp::lo32, {r});
			}
			// 64-bit: the 128-bit product hi:lo, plus c
			Operand lo = e64(IOp::imul, {c[0], c[1]});
			Operand hi = e64(sgn ? IOp::smulhi : IOp::umulhi, {c[0], c[1]});
			Operand sum = e64(IOp::iadd, {lo, c[2]});
			Operand carry = e64(IOp::select, {eb(IOp::ult, {sum, lo}), k64(1), k64(0)});
			if (!sgn) {
				Operand ov = eb(IOp::bor, {eb(IOp::ine, {hi, k64(0)}), eb(IOp::ine, {carry, k64(0)})});
				return e64(IOp::select, {ov, k64(~0ull), sum});
			}
			// signed: c sign-extends to 128 bits; no overflow iff the high word is the sign of sum
			Operand chi = e64(IOp::sshr, {c[2], k32(63)});
			Operand hi2 = e64(IOp::iadd, {e64(IOp::iadd, {hi, chi}), carry});
			Operand ov = eb(IOp::ine, {hi2, e64(IOp::sshr, {sum, k32(63)})});
			Operand sat = e64(IOp::select, {eb(IOp::slt, {hi2, k64(0)}), k64(1ull << 63), k64(~0ull >> 1)});
			return e64(IOp::select, {ov, sat, sum});
		});
		return;
	case OpenCLLIB::Rotate:
		// n = i mod bits; (v << n) | (v >> ((bits - n) mod bits)); n = 0 gives v | v
		m(2, [&](auto c) {
			Operand n = wide ? e32(IOp::lo32, {c[1]}) : c[1];
			n = e32(IOp::iand, {n, k32(bits - 1)});
			Operand back = e32(IOp::iand, {e32(IOp::isub, {k32(bits), n}), k32(bits - 1)});
			return E(IOp::ior, {E(IOp::shl, {c[0], n}), E(IOp::ushr, {c[0], back})});
		});
		return;
	case OpenCLLIB::U_Upsample:
	case OpenCLLIB::S_Upsample:
		// (hi << abits) | lo, lo zero-extended
		map(2, [&](std::vector<Operand> c) {
			if (abits == 32)
				return e64(IOp::pack64, {c[1], c[0]});
			return e32(IOp::ior, {e32(IOp::shl, {c[0], k32(abits)}), c[1]});
		});
		return;
	case OpenCLLIB::SMul24:
	case OpenCLLIB::UMul24:
		// defined for operands in the 24-bit range, where the 32-bit product is exact
		m(2, [&](auto c) { return e32(IOp::imul, {c[0], c[1]}); });
		return;
	case OpenCLLIB::SMad24:
	case OpenCLLIB::UMad24:
		m(3, [&](auto c) { return e32(IOp::iadd, {e32(IOp::imul, {c[0], c[1]}), c[2]}); });
		return;
	default: fail("unknown OpenCL.std integer instruction " + std::to_string(inst));
	}
}

// ---- common (2.3) ----
void OpenClStd::common()
{
	const unsigned bits = width(rt);
	const bool wide = bits == 64;
	auto E = [&](IOp o, std::vector<Operand> ops) { return ew(wide, o, std::move(ops)); };
	auto C = [&](double v) { return wide ? d(v) : f((float)v); };
	switch (inst) {
	case OpenCLLIB::FClamp: map(3, [&](auto c) { return E(IOp::fmin, {E(IOp::fmax, {c[0], c[1]}), c[2]}); }); return;
	case OpenCLLIB::Degrees:
	case OpenCLLIB::Radians: {
		// f32: in f64, one rounding (the bound is 2 ulp)
		const double k = inst == OpenCLLIB::Degrees ? 57.295779513082320876798 : 0.017453292519943295769237;
		map(1, [&](auto c) { return wide ? dmul(c[0], d(k)) : to_f32(dmul(to_f64(c[0]), d(k))); });
		return;
	}
	case OpenCLLIB::FMax_common: map(2, [&](auto c) { return E(IOp::fmax, {c[0], c[1]}); }); return;
	case OpenCLLIB::FMin_common: map(2, [&](auto c) { return E(IOp::fmin, {c[0], c[1]}); }); return;
	case OpenCLLIB::Mix:   // x + (y - x) * a
		map(3, [&](auto c) { return E(IOp::ffma, {E(IOp::fsub, {c[1], c[0]}), c[2], c[0]}); });
		return;
	case OpenCLLIB::Step:   // x < edge ? 0 : 1
		map(2, [&](auto c) { return E(IOp::select, {eb(IOp::flt, {c[1], c[0]}), C(0), C(1)}); });
		return;
	case OpenCLLIB::Smoothstep:
		map(3, [&](auto c) {
			Operand tt = E(IOp::fdiv, {E(IOp::fsub, {c[2], c[0]}), E(IOp::fsub, {c[1], c[0]})});
			tt = E(IOp::fmin, {E(IOp::fmax, {tt, C(0)}), C(1)});
			return E(IOp::fmul, {E(IOp::fmul, {tt, tt}), E(IOp::ffma, {tt, C(-2), C(3)})});
		});
		return;
	case OpenCLLIB::Sign:   // 1.0 / -1.0 / +-0 as is / NaN -> 0
		map(1, [&](auto c) {
			Operand sign = wide ? k64(1ull << 63) : k32(0x80000000u);
			Operand one = E(IOp::ior, {C(1), E(IOp::iand, {c[0], sign})});
			Operand r = E(IOp::select, {eb(IOp::feq, {c[0], C(0)}), c[0], one});
			return E(IOp::select, {eb(IOp::funord, {c[0], c[0]}), C(0), r});
		});
		return;
	default: fail("unknown OpenCL.std common instruction " + std::to_string(inst));
	}
}

// ---- geometric (2.4) ----
// f32: the sums of squares in f64 (no overflow or underflow, one rounding at the end); f64:
// scaled by the largest magnitude's power of two first.
void OpenClStd::geometric()
{
	const unsigned bits = width(rt);
	const bool wide = bits == 64;
	auto norm2 = [&](const std::vector<Operand> &v) {   // f64 sum of squares of f64 values
		Operand acc = d(0);
		for (const Operand &x : v)
			acc = dfma(x, x, acc);
		return acc;
	};
	auto widened = [&](const std::vector<Operand> &v) {
		std::vector<Operand> r;
		for (const Operand &x : v)
			r.push_back(wide ? x : to_f64(x));
		return r;
	};
	// f64 vectors: 2^-e where 2^e is the largest magnitude's power of two (1 for 0, inf, NaN)
	auto scale_of = [&](const std::vector<Operand> &v) {
		Operand mx = d(0);
		for (const Operand &x : v)
			mx = e64(IOp::fmax, {mx, e64(IOp::iand, {x, k64(~(1ull << 63))})});
		Operand e = e32(IOp::iand, {e32(IOp::ushr, {e32(IOp::hi32, {mx}), k32(20)}), k32(0x7ff)});
		// clamp the exponent so that 2^-e is a normal number: denormal inputs scale by 2^1022
		Operand ec = e32(IOp::smin, {e32(IOp::smax, {e32(IOp::isub, {e, k32(1023)}), k32(-1022)}), k32(1022)});
		Operand finite = eb(IOp::band, {eb(IOp::ine, {e, k32(0x7ff)}), eb(IOp::ine, {e, k32(0)})});
		ec = ssel(finite, ec, k32(0));
		return std::pair{pow2_f64(e32(IOp::isub, {k32(0), ec})), pow2_f64(ec)};
	};
	auto scaled = [&](const std::vector<Operand> &v, Operand s) {
		std::vector<Operand> r;
		for (const Operand &x : v)
			r.push_back(dmul(x, s));
		return r;
	};
	switch (inst) {
	case OpenCLLIB::Cross: {
		const auto &a = arg(0), &b = arg(1);
		if (a.size() != 3 && a.size() != 4)
			fail("OpenCL.std cross needs 3- or 4-component vectors");
		auto c = [&](int i, int j) {
			return ew(wide, IOp::fsub, {ew(wide, IOp::fmul, {a[i], b[j]}), ew(wide, IOp::fmul, {a[j], b[i]})});
		};
		std::vector<Operand> r = {c(1, 2), c(2, 0), c(0, 1)};
		if (a.size() == 4)
			r.push_back(wide ? d(0) : f(0));
		t.set(res, rt, r);
		return;
	}
	case OpenCLLIB::Length:
	case OpenCLLIB::Fast_length:
	case OpenCLLIB::Distance:
	case OpenCLLIB::Fast_distance: {
		std::vector<Operand> v = arg(0);
		if (inst == OpenCLLIB::Distance || inst == OpenCLLIB::Fast_distance) {
			const auto &b = arg(1);
			for (size_t i = 0; i < v.size(); i++)   // f32: the difference exact in f64
				v[i] = wide ? dsub(v[i], b[i]) : dsub(to_f64(v[i]), to_f64(b[i]));
		}
		const bool in64 = wide || inst == OpenCLLIB::Distance || inst == OpenCLLIB::Fast_distance;
		Operand r;
		if (in64) {
			auto [down, up] = scale_of(v);
			r = dmul(e64(IOp::fsqrt, {norm2(scaled(v, down))}), up);
			// an infinite component gives inf (even with NaNs elsewhere)
			for (const Operand &x : v)
				r = dsel(eb(IOp::feq, {e64(IOp::iand, {x, k64(~(1ull << 63))}), d(INFINITY)}), d(INFINITY), r);
			if (!wide)
				r = to_f32(r);
		} else {
			r = to_f32(e64(IOp::fsqrt, {norm2(widened(v))}));
		}
		t.set(res, rt, {r});
		return;
	}
	case OpenCLLIB::Normalize:
	case OpenCLLIB::Fast_normalize: {
		const auto &v = arg(0);
		std::vector<Operand> r;
		if (!wide) {
			std::vector<Operand> vd = widened(v);
			Operand inv = ddiv_faithful(d(1), e64(IOp::fsqrt, {norm2(vd)}));
			for (const Operand &x : vd)
				r.push_back(to_f32(dmul(x, inv)));
		} else {
			auto [down, up] = scale_of(v);
			std::vector<Operand> s = scaled(v, down);
			Operand inv = ddiv_faithful(d(1), e64(IOp::fsqrt, {norm2(s)}));
			for (const Operand &x : s)
				r.push_back(dmul(x, inv));
		}
		// a zero vector is returned as it is
		Operand zero;
		for (const Operand &x : v) {
			Operand z = eb(IOp::feq, {x, wide ? d(0) : f(0)});
			zero = zero.kind == Operand::Kind::none ? z : eb(IOp::band, {zero, z});
		}
		for (size_t i = 0; i < r.size(); i++)
			r[i] = ew(wide, IOp::select, {zero, v[i], r[i]});
		t.set(res, rt, r);
		return;
	}
	default: fail("unknown OpenCL.std geometric instruction " + std::to_string(inst));
	}
}

// ---- relational (2.5) ----
void OpenClStd::relational()
{
	const unsigned bits = width(rt);
	const bool wide = bits == 64;
	if (inst == OpenCLLIB::Bitselect) {   // (a & ~c) | (b & c)
		map(3, [&](auto c) {
			// ~c: the ISA's NOT is 32-bit, so 64-bit lanes xor with all ones (fuzz_expressions found
			// 'no instruction for 64-bit inot' for bitselect on long vectors)
			Operand not_c = wide ? ew(wide, IOp::ixor, {c[2], Operand::c64(~0ull)}) : ew(wide, IOp::inot, {c[2]});
			return ew(wide, IOp::ior, {ew(wide, IOp::iand, {c[0], not_c}), ew(wide, IOp::iand, {c[1], c[2]})});
		});
		return;
	}
	// select(a, b, c): scalar c: c != 0 ? b : a; vector c: the most significant bit of each
	// component of c decides
	const uint32_t ct = arg_type(2);
	const unsigned cbits = width(ct);
	const bool vec = t.type(ct).k == Type::K::Vector;
	map(3, [&](auto c) {
		Operand take_b;
		if (!vec)
			take_b = eb(IOp::ine, {c[2], cbits == 64 ? k64(0) : k32(0)});
		else if (cbits < 32)
			take_b = eb(IOp::ine, {e32(IOp::iand, {c[2], k32(1u << (cbits - 1))}), k32(0)});
		else
			take_b = eb(IOp::slt, {c[2], cbits == 64 ? k64(0) : k32(0)});
		return ew(wide, IOp::select, {take_b, c[1], c[0]});
	});
}

// ---- shuffle (2.7) ----
void OpenClStd::shuffle()
{
	std::vector<Operand> src = arg(0);
	const size_t m = src.size();
	size_t mask_arg = 1;
	if (inst == OpenCLLIB::Shuffle2) {
		const auto &y = arg(1);
		src.insert(src.end(), y.begin(), y.end());
		mask_arg = 2;
	}
	const auto &mask = arg(mask_arg);
	const unsigned mbits = width(arg_type(mask_arg));
	const bool wide = width(rt) == 64;
	// only the low bits that can index the source count: m (shuffle) or 2m (shuffle2) elements
	const uint32_t sel_mask = (uint32_t)src.size() - 1;
	if (src.size() & sel_mask)
		fail("OpenCL.std shuffle of a vector whose size is not a power of two");
	(void)m;
	std::vector<Operand> r;
	for (const Operand &mk : mask) {
		Operand k = mbits == 64 ? (mk.is_const() ? k32((uint32_t)mk.value) : e32(IOp::lo32, {mk})) : mk;
		if (k.is_const()) {
			r.push_back(src[k.value & sel_mask]);
			continue;
		}
		k = e32(IOp::iand, {k, k32(sel_mask)});
		Operand v = src[0];
		for (uint32_t j = 1; j < src.size(); j++)
			v = ew(wide, IOp::select, {eb(IOp::ieq, {k, k32(j)}), src[j], v});
		r.push_back(v);
	}
	t.set(res, rt, r);
}

// ---- vector data load and store (2.6) ----
// vloadn(offset, p, n) reads p[offset * n + i]; vstoren(data, offset, p) writes them;
// vload_half* read halves and widen them to f32 (exact); vstore_half* round f32/f64 to f16 with
// the instruction's rounding mode (RTE without _r). The a-forms align a 3-vector to 4 elements.
void OpenClStd::vector_memory()
{
	const auto w = in.w;
	const bool load = inst == OpenCLLIB::Vloadn || inst == OpenCLLIB::Vload_half || inst == OpenCLLIB::Vload_halfn ||
	                  inst == OpenCLLIB::Vloada_halfn;
	// operands: load: offset, p [, n]; store: data, offset, p [, rounding mode]
	const size_t off_i = load ? 0 : 1, ptr_i = load ? 1 : 2;
	if (w.size() <= 5 + ptr_i)
		fail("OpenCL.std vector load/store has too few operands");
	const Operand offset = arg(off_i).at(0);
	Ptr p = t.pointer(w[5 + ptr_i]);
	const uint32_t elem_type = p.type;
	const Type &et = t.type(elem_type);
	if (et.k != Type::K::Int && et.k != Type::K::Float)
		fail("OpenCL.std vector load/store through a pointer to a non-scalar type");
	const uint32_t esize = et.width / 8;
	const bool half = inst != OpenCLLIB::Vloadn && inst != OpenCLLIB::Vstoren;
	if (half && !(et.k == Type::K::Float && et.width == 16))
		fail("OpenCL.std vload_half/vstore_half need a pointer to half");
	uint32_t n = 1;
	if (load)
		n = inst == OpenCLLIB::Vload_half ? 1 : (uint32_t)t.type(rt).count;
	else
		n = (uint32_t)arg(0).size();
	const bool aligned = inst == OpenCLLIB::Vloada_halfn || inst == OpenCLLIB::Vstorea_halfn || inst == OpenCLLIB::Vstorea_halfn_r;
	const bool scalar_half = inst == OpenCLLIB::Vload_half || inst == OpenCLLIB::Vstore_half || inst == OpenCLLIB::Vstore_half_r;
	const uint32_t stride = scalar_half ? 1 : (aligned && n == 3 ? 4 : n);
	// byte offset = offset * stride * esize
	const uint64_t scale = (uint64_t)stride * esize;
	if (p.phys) {
		Operand o64 = offset.size == 2 ? offset : e64(IOp::zext, {offset});
		Operand scaled = offset.is_const() ? k64(offset.value * scale) : e64(IOp::imul, {o64, k64(scale)});
		p.dyn = p.dyn.kind == Operand::Kind::none ? scaled : e64(IOp::iadd, {p.dyn, scaled});
	} else {
		Operand o32 = t.low_dword(offset);
		if (o32.is_const()) {
			p.const_off += (uint32_t)(o32.value * scale);
		} else {
			Operand scaled = t.imul(o32, k32((uint32_t)scale));
			Operand sum = p.dyn.kind == Operand::Kind::none ? scaled : t.iadd(p.dyn, scaled);
			if (t.robust_checked(p)) {
				auto either = [&](Operand a, Operand b) { return a.kind == Operand::Kind::none ? b : eb(IOp::bor, {a, b}); };
				if (scale > 1)
					p.wrapped = either(p.wrapped, eb(IOp::ult, {k32(0xffffffffu / (uint32_t)scale), o32}));
				if (p.dyn.kind != Operand::Kind::none)
					p.wrapped = either(p.wrapped, eb(IOp::ult, {sum, scaled}));
			}
			p.dyn = sum;
		}
	}
	auto at = [&](uint32_t i) {
		Ptr q = p;
		q.const_off += i * esize;
		return q;
	};
	if (load) {
		std::vector<Operand> r;
		for (uint32_t i = 0; i < n; i++) {
			Operand x = t.load(at(i), elem_type).at(0);
			r.push_back(half ? e32(IOp::cvt_f32_f16, {x}) : x);
		}
		t.set(res, rt, r);
		return;
	}
	const auto &data = arg(0);
	int mode = 0;   // FPRoundingMode: RTE 0, RTZ 1, RTP 2, RTN 3
	if (inst == OpenCLLIB::Vstore_half_r || inst == OpenCLLIB::Vstore_halfn_r || inst == OpenCLLIB::Vstorea_halfn_r) {
		if (w.size() <= 8)
			fail("OpenCL.std vstore_half_r has no rounding mode");
		mode = (int)w[8];
		if (mode < 0 || mode > 3)
			fail("OpenCL.std vstore_half_r with an unknown rounding mode " + std::to_string(mode));
	}
	const bool src64 = half && width(arg_type(0)) == 64;
	for (uint32_t i = 0; i < n; i++) {
		Operand x = data.at(i);
		if (half) {
			// nearest-even first (f64 through f32 rounded to odd: one correct rounding), then one
			// step towards the wanted direction when the nearest value lies on the wrong side
			Operand x32 = src64 ? t.f64_to_f32_round_odd(x) : x;
			Operand h = e32(IOp::cvt_f16_f32, {x32});
			if (mode != 0) {
				Operand back = e32(IOp::cvt_f32_f16, {h});
				Operand bd = to_f64(back), xd = src64 ? x : to_f64(x);
				Operand above = eb(IOp::flt, {xd, bd}), below = eb(IOp::flt, {bd, xd});
				Operand neg = eb(IOp::ine, {e32(IOp::iand, {h, k32(0x8000)}), k32(0)});
				// magnitude steps: +1 on the bit pattern moves away from zero, -1 towards it
				Operand down_mag = e32(IOp::isub, {h, k32(1)}), up_mag = e32(IOp::iadd, {h, k32(1)});
				Operand zero = eb(IOp::ieq, {e32(IOp::iand, {h, k32(0x7fff)}), k32(0)});
				// stepping away from a zero of the wrong sign: the smallest denormal of x's sign
				Operand xneg = eb(IOp::flt, {xd, d(0)});
				Operand tiny = ssel(xneg, k32(0x8001), k32(0x0001));
				Operand r = h;
				if (mode == 1) {   // towards zero: the nearest value's magnitude is too large
					Operand too_big = eb(IOp::select, {neg, below, above});
					r = ssel(too_big, down_mag, h);
				} else if (mode == 2) {   // towards +inf: the nearest value is below x
					Operand step = ssel(neg, down_mag, ssel(zero, tiny, up_mag));
					r = ssel(below, ssel(zero, tiny, step), h);
				} else {   // towards -inf: the nearest value is above x
					Operand step = ssel(neg, up_mag, ssel(zero, tiny, down_mag));
					r = ssel(above, ssel(zero, tiny, step), h);
				}
				h = r;
			}
			x = e32(IOp::iand, {h, k32(0xffff)});
		}
		t.store(at(i), elem_type, {x});
	}
}

} // namespace mica::compiler::spirv_detail
