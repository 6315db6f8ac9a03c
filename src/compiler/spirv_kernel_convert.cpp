// OpenCL conversions (convert_T_sat_rXX): SaturatedConversion and FPRoundingMode decorations on
// the conversion instructions, OpSatConvertSToU / OpSatConvertUToS (OpenCL C 6.4.3, SPIR-V
// environment 3.x). Undecorated conversions keep the common translation.
#include <bit>
#include <cmath>

#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

namespace {
enum class Round { none, rte, rtz, rtp, rtn };
}

std::vector<Operand> Translator::convert_with_decorations(const Inst &in)
{
	auto w = in.w;
	if (w.size() < 4)
		fail("conversion has too few operands");
	const Op op = (Op)in.op;
	const uint32_t rt = w[1], res = w[2], src = w[3];
	const bool sat = has_deco(res, spv::Decoration::SaturatedConversion) || op == Op::OpSatConvertSToU ||
	                 op == Op::OpSatConvertUToS;
	Round round = Round::none;
	if (has_deco(res, spv::Decoration::FPRoundingMode))
		switch ((spv::FPRoundingMode)deco_arg(res, spv::Decoration::FPRoundingMode)) {
		case spv::FPRoundingMode::RTE: round = Round::rte; break;
		case spv::FPRoundingMode::RTZ: round = Round::rtz; break;
		case spv::FPRoundingMode::RTP: round = Round::rtp; break;
		case spv::FPRoundingMode::RTN: round = Round::rtn; break;
		default: fail("unknown FPRoundingMode");
		}
	if (!sat && round == Round::none)
		return {};
	const Type &dt = type(scalar_type(rt));
	const Type &st = type(scalar_type(value_type(src)));
	const uint32_t dw = dt.width, sw = st.width;
	if (st.k == Type::K::Float && sw == 16 && !narrow_active_)
		return {};   // half sources: widened to f32 by spirv_narrow.cpp, which comes back here
	if (dt.k == Type::K::Float && dw == 16) {   // half results: spirv_half.cpp
		if (sat)
			fail("SaturatedConversion on a conversion to half");
		return convert_to_half(in, round == Round::rtz ? 1 : round == Round::rtp ? 2 : round == Round::rtn ? 3 : 0);
	}
	const auto &xs = val(src);
	std::vector<Operand> out;
	auto c64 = [](int64_t v) { return Operand::c64((uint64_t)v); };
	// Integer saturation: the source as a 64-bit integer, clamped to the destination's range.
	auto int_sat = [&](Operand x, bool src_signed, bool dst_signed) {
		Operand v = x;
		if (sw < 32)
			v = src_signed ? narrow_sext(x, sw) : x;
		if (sw <= 32)
			v = emit(src_signed ? IO::Op::sext : IO::Op::zext, r64(), {v});
		const int64_t dmax = dst_signed ? (int64_t)((1ull << (dw - 1)) - 1) : (dw == 64 ? -1 : (int64_t)((1ull << dw) - 1));
		const int64_t dmin = dst_signed ? (dw == 64 ? INT64_MIN : -(int64_t)(1ull << (dw - 1))) : 0;
		if (src_signed) {
			if (!dst_signed || dw < 64)
				v = emit(IO::Op::select, r64(), {emit(IO::Op::slt, rbool(), {v, c64(dmin)}), c64(dmin), v});
			if (dw < 64)   // a 64-bit destination holds every non-negative source
				v = emit(IO::Op::select, r64(), {emit(IO::Op::slt, rbool(), {c64(dmax), v}), c64(dmax), v});
		} else if (!(dw == 64 && !dst_signed)) {
			v = emit(IO::Op::select, r64(), {emit(IO::Op::ult, rbool(), {c64(dmax), v}), c64(dmax), v});
		}
		if (dw == 64)
			return v;
		Operand lo = low_dword(v);
		return dw < 32 ? narrow_mask(lo, dw) : lo;
	};
	// The f32 'r' that round-to-nearest-even gave, moved one ulp where the directed mode wants:
	// 'up' / 'down' say r is above / below the exact value.
	auto directed = [&](Operand r, Operand up, Operand down) {
		Operand zero = emit(IO::Op::feq, rbool(), {r, Operand::c32(0)});
		Operand neg = emit(IO::Op::flt, rbool(), {r, Operand::c32(0)});
		Operand plus1 = emit(IO::Op::iadd, r32(), {r, Operand::c32(1)});
		Operand minus1 = emit(IO::Op::isub, r32(), {r, Operand::c32(1)});
		// next toward -inf / +inf of a nonzero r; from zero the smallest denormal of that sign
		Operand next_down = emit(IO::Op::select, r32(), {zero, Operand::c32(0x80000001u), emit(IO::Op::select, r32(), {neg, plus1, minus1})});
		Operand next_up = emit(IO::Op::select, r32(), {zero, Operand::c32(1), emit(IO::Op::select, r32(), {neg, minus1, plus1})});
		Operand fix, adjusted;
		if (round == Round::rtn) {
			fix = up;
			adjusted = next_down;
		} else if (round == Round::rtp) {
			fix = down;
			adjusted = next_up;
		} else {   // rtz: away from zero was wrong; toward zero is the magnitude's bits less one
			Operand pos_up = emit(IO::Op::band, rbool(), {up, emit(IO::Op::bnot, rbool(), {neg})});
			Operand neg_down = emit(IO::Op::band, rbool(), {down, neg});
			fix = emit(IO::Op::band, rbool(), {emit(IO::Op::bor, rbool(), {pos_up, neg_down}), emit(IO::Op::bnot, rbool(), {zero})});
			adjusted = minus1;   // inf -> FLT_MAX
		}
		return emit(IO::Op::select, r32(), {fix, adjusted, r});
	};
	for (const Operand &x0 : xs) {
		Operand x = x0;
		switch (op) {
		case Op::OpSatConvertSToU: out.push_back(int_sat(x, true, false)); break;
		case Op::OpSatConvertUToS: out.push_back(int_sat(x, false, true)); break;
		case Op::OpSConvert:
		case Op::OpUConvert:
			if (round != Round::none)
				fail("FPRoundingMode on an integer conversion");
			out.push_back(int_sat(x, op == Op::OpSConvert, op == Op::OpSConvert));
			break;
		case Op::OpConvertFToS:
		case Op::OpConvertFToU: {
			const bool s = op == Op::OpConvertFToS;
			const bool wide = sw == 64;
			RegClass frc = wide ? r64() : r32();
			auto fc = [&](double v) {
				return wide ? Operand::c64(std::bit_cast<uint64_t>(v)) : Operand::c32(std::bit_cast<uint32_t>((float)v));
			};
			// Rounding first (RTZ is what the conversion does).
			if (round == Round::rte)
				x = emit(IO::Op::fround_even, frc, {x});
			else if (round == Round::rtp)
				x = emit(IO::Op::fceil, frc, {x});
			else if (round == Round::rtn)
				x = emit(IO::Op::ffloor, frc, {x});
			if (!sat) {
				out.push_back(scalar_rc_op(s ? IO::Op::cvt_s_f : IO::Op::cvt_u_f, rt, {x}, 0, wide ? 1 : 0));
				if (dw < 32)
					out.back() = narrow_mask(out.back(), dw);
				continue;
			}
			// Saturation: NaN -> 0, below the range -> min, at or above 2^(bits) -> max.
			const double lo = s ? -std::ldexp(1.0, (int)dw - 1) : 0.0;
			const double hi = s ? std::ldexp(1.0, (int)dw - 1) : std::ldexp(1.0, (int)dw);
			Operand nan = emit(IO::Op::fne, rbool(), {x, x});
			Operand below = emit(IO::Op::flt, rbool(), {x, fc(lo)});
			Operand above = emit(IO::Op::fle, rbool(), {fc(hi), x});
			// In range (or clamped into it) for the hardware conversion: 0 for NaN.
			Operand safe = emit(IO::Op::select, frc, {emit(IO::Op::bor, rbool(), {nan, emit(IO::Op::bor, rbool(), {below, above})}),
			                                          fc(0.0), x});
			const uint32_t cw = dw == 64 ? 64 : 32;
			RegClass irc = cw == 64 ? r64() : r32();
			Operand v = emit(s ? IO::Op::cvt_s_f : IO::Op::cvt_u_f, irc, {safe}, 0, wide ? 1 : 0);
			auto k = [&](int64_t c) { return cw == 64 ? Operand::c64((uint64_t)c) : Operand::c32((uint32_t)c); };
			const int64_t imax = s ? (int64_t)((1ull << (dw - 1)) - 1) : (dw == 64 ? -1 : (int64_t)((1ull << dw) - 1));
			const int64_t imin = s ? (dw == 64 ? INT64_MIN : -(int64_t)(1ull << (dw - 1))) : 0;
			v = emit(IO::Op::select, irc, {below, k(imin), v});
			v = emit(IO::Op::select, irc, {above, k(imax), v});
			if (dw < 32)
				v = narrow_mask(v, dw);
			out.push_back(v);
			break;
		}
		case Op::OpFConvert: {
			if (sat)
				fail("SaturatedConversion on a float conversion");
			if (!(sw == 64 && dw == 32)) {
				// Widening is exact; other narrowings round to nearest even.
				if (round != Round::rte && sw > dw)
					fail("FPRoundingMode on a conversion from f" + std::to_string(sw) + " to f" + std::to_string(dw) + " is not supported");
				return {};
			}
			Operand r = emit(IO::Op::cvt_f_f, r32(), {x}, 0, 1);   // round to nearest even
			if (round == Round::rte) {
				out.push_back(r);
				break;
			}
			// Directed: compare the result (exact in f64) with the source and step one ulp.
			Operand back = emit(IO::Op::cvt_f_f, r64(), {r});
			Operand valid = emit(IO::Op::bnot, rbool(), {emit(IO::Op::fne, rbool(), {x, x})});
			Operand up = emit(IO::Op::band, rbool(), {valid, emit(IO::Op::flt, rbool(), {x, back})});
			Operand down = emit(IO::Op::band, rbool(), {valid, emit(IO::Op::flt, rbool(), {back, x})});
			out.push_back(directed(r, up, down));
			break;
		}
		case Op::OpConvertSToF:
		case Op::OpConvertUToF: {
			if (sat)
				fail("SaturatedConversion on a conversion to float");
			const bool s = op == Op::OpConvertSToF;
			if (round == Round::rte || (dw == 64 && sw <= 32))
				return {};   // the common conversion rounds to nearest even; 32-bit ints fit f64 exactly
			if (sw == 64) {
				// r = RNE(x); r is an integer value, exact back in 64 bits unless it reached
				// 2^63 (signed) / 2^64 (unsigned), which is above every x.
				Operand r = emit(s ? IO::Op::cvt_f_s : IO::Op::cvt_f_u, r32(), {x}, 0, 1);
				const float limit = s ? 9223372036854775808.0f : 18446744073709551616.0f;
				Operand over = emit(IO::Op::fle, rbool(), {Operand::c32(std::bit_cast<uint32_t>(limit)), r});
				Operand safe = emit(IO::Op::select, r32(), {over, Operand::c32(0), r});
				Operand back = emit(s ? IO::Op::cvt_s_f : IO::Op::cvt_u_f, r64(), {safe});
				const IO::Op lt = s ? IO::Op::slt : IO::Op::ult;
				Operand up = emit(IO::Op::bor, rbool(), {over, emit(lt, rbool(), {x, back})});
				Operand down = emit(IO::Op::band, rbool(), {emit(IO::Op::bnot, rbool(), {over}), emit(lt, rbool(), {back, x})});
				out.push_back(directed(r, up, down));
				break;
			}
			// 8/16/32-bit integers are exact in f64: convert there, then round f64 -> f32 as above.
			Operand v = sw < 32 && s ? narrow_sext(x, sw) : x;
			Operand d = emit(s ? IO::Op::cvt_f_s : IO::Op::cvt_f_u, r64(), {v});
			Operand r = emit(IO::Op::cvt_f_f, r32(), {d}, 0, 1);
			Operand back = emit(IO::Op::cvt_f_f, r64(), {r});
			out.push_back(directed(r, emit(IO::Op::flt, rbool(), {d, back}), emit(IO::Op::flt, rbool(), {back, d})));
			break;
		}
		default:
			return {};
		}
	}
	return out;
}

} // namespace mica::compiler::spirv_detail
