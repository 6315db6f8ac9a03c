// cl_khr_fp16 (half arithmetic in OpenCL C), the parts the generic 16-bit float path of
// spirv_narrow.cpp (widen to f32, compute, round once to half) cannot do alone:
//   - conversions to half with a rounding mode (convert_half_rtz/_rtp/_rtn from float, double
//     and every integer type): rounded to half in the requested direction from a value that
//     carries the source's exactness;
//   - OpenCL.std fma on half: correctly rounded, which f32 cannot give (the f32 fma rounds once
//     and the rounding to half a second time); computed in f64 instead;
//   - which OpenCL.std instructions see their half operands widened to f32 (the arithmetic
//     ones) and which move half bits as they are (vector loads/stores, shuffles, select).
// Division needs nothing here: the f32 quotient a * rcp(b) (rcp correctly rounded, docs/hw/isa.md)
// rounded to half is the correctly rounded half quotient for every pair of halves (checked on
// the host for every divisor and every dividend of one binade, 32.5 million pairs, and on the
// device model by kernel_half_test.cpp for every dividend).
#include "spirv_opencl_std.h"

namespace mica::compiler::spirv_detail {

// The 16-bit pattern of 'r' (binary16, nearest even from y) moved one half ulp where the
// directed mode wants it: mode 1 toward zero, 2 toward +inf, 3 toward -inf; 'up' / 'down' say r
// is above / below the exact value.
Operand Translator::half_directed(Operand r, Operand up, Operand down, int mode)
{
	using IOp = IO::Op;
	auto k = [](uint32_t v) { return Operand::c32(v); };
	Operand zero = emit(IOp::ieq, rbool(), {emit(IOp::iand, r32(), {r, k(0x7fff)}), k(0)});
	Operand neg = emit(IOp::ine, rbool(), {emit(IOp::iand, r32(), {r, k(0x8000)}), k(0)});
	Operand plus1 = emit(IOp::iadd, r32(), {r, k(1)});
	Operand minus1 = emit(IOp::isub, r32(), {r, k(1)});
	Operand fix, adjusted;
	if (mode == 3) {   // toward -inf: from zero the smallest negative denormal
		fix = up;
		adjusted = emit(IOp::select, r32(), {zero, k(0x8001), emit(IOp::select, r32(), {neg, plus1, minus1})});
	} else if (mode == 2) {
		fix = down;
		adjusted = emit(IOp::select, r32(), {zero, k(0x0001), emit(IOp::select, r32(), {neg, minus1, plus1})});
	} else {   // toward zero: a result rounded away from zero steps back (inf -> the largest half)
		Operand pos_up = emit(IOp::band, rbool(), {up, emit(IOp::bnot, rbool(), {neg})});
		Operand neg_down = emit(IOp::band, rbool(), {down, neg});
		fix = emit(IOp::band, rbool(), {emit(IOp::bor, rbool(), {pos_up, neg_down}), emit(IOp::bnot, rbool(), {zero})});
		adjusted = minus1;
	}
	return emit(IOp::select, r32(), {fix, adjusted, r});
}

// f32 y rounded to half: mode 0 nearest even, 1 toward zero, 2 toward +inf, 3 toward -inf.
// Exact when y is the exact value, and also when y is an f64 rounded to odd (the round-to-odd
// f32 lies strictly between the same two halves as the f64, or is the f64 itself).
Operand Translator::f32_to_half(Operand y, int mode)
{
	using IOp = IO::Op;
	Operand r = emit(IOp::cvt_f16_f32, r32(), {y});
	if (mode == 0)
		return r;
	Operand back = emit(IOp::cvt_f32_f16, r32(), {r});
	Operand valid = emit(IOp::bnot, rbool(), {emit(IOp::fne, rbool(), {y, y})});
	Operand up = emit(IOp::band, rbool(), {valid, emit(IOp::flt, rbool(), {y, back})});
	Operand down = emit(IOp::band, rbool(), {valid, emit(IOp::flt, rbool(), {back, y})});
	return half_directed(r, up, down, mode);
}

// A conversion to half (OpFConvert, OpConvertSToF, OpConvertUToF) with FPRoundingMode 'mode'.
std::vector<Operand> Translator::convert_to_half(const Inst &in, int mode)
{
	using IOp = IO::Op;
	const Op op = (Op)in.op;
	const uint32_t src = in.w[3];
	const Type &st = type(scalar_type(value_type(src)));
	const unsigned sw = st.width;
	std::vector<Operand> out;
	for (const Operand &x : val(src)) {
		Operand y;   // f32 carrying the exact value or its round-to-odd image
		if (op == Op::OpFConvert) {
			if (sw == 16)
				y = emit(IOp::cvt_f32_f16, r32(), {x});
			else
				y = sw == 64 ? f64_to_f32_round_odd(x) : x;
		} else if (op == Op::OpConvertSToF || op == Op::OpConvertUToF) {
			const bool s = op == Op::OpConvertSToF;
			Operand v = sw < 32 && s ? narrow_sext(x, sw) : x;
			if (sw <= 16) {   // exact in f32
				y = emit(s ? IOp::cvt_f_s : IOp::cvt_f_u, r32(), {v});
			} else {
				// 32-bit integers are exact in f64; a 64-bit one rounds only beyond 2^53, far
				// above the largest half, where every mode's answer depends on sign alone.
				Operand d = emit(s ? IOp::cvt_f_s : IOp::cvt_f_u, r64(), {v});
				y = f64_to_f32_round_odd(d);
			}
		} else {
			fail("conversion to half from " + spirv_named(spirv_opcode_name(in.op), in.op));
		}
		out.push_back(f32_to_half(y, mode));
	}
	return out;
}

// OpenCL.std fma with a half result, computed in f64: the product of two halves is exact there
// (22 significant bits) and the f64 fma rounds the sum once. That rounding cannot move a sum onto
// a half rounding midpoint M it is not on: every term is a multiple of 2^-48, so a sum within an
// f64 ulp of M but not on it needs M >= 2^5 and a term with bits below 2^(e(M)-53). The addend
// cannot have them without being below the smallest half; a product that small leaves the
// addend within 2^(e(M)-30) of M on the half grid, i.e. equal to M, which is no half. Rounding
// the f64 to half (round-to-odd through f32) is then the correctly rounded fma.
bool Translator::translate_half_fma(const Inst &in)
{
	using IOp = IO::Op;
	const auto &w = in.w;
	if ((Op)in.op != Op::OpExtInst || !opencl_ext_ || w.size() < 8 || w[3] != opencl_ext_ || w[4] != OpenCLLIB::Fma ||
	    !is_half(w[1]))
		return false;
	const auto &a = val(w[5]), &b = val(w[6]), &c = val(w[7]);
	if (a.size() != b.size() || a.size() != c.size())
		fail("OpenCL.std fma with operands of different sizes");
	auto wide = [&](Operand h) { return emit(IOp::cvt_f_f, r64(), {emit(IOp::cvt_f32_f16, r32(), {h})}); };
	std::vector<Operand> r;
	for (size_t i = 0; i < a.size(); i++) {
		Operand d = emit(IOp::ffma, r64(), {wide(a[i]), wide(b[i]), wide(c[i])});
		r.push_back(emit(IOp::cvt_f16_f32, r32(), {f64_to_f32_round_odd(d)}));
	}
	set(w[2], w[1], r);
	return true;
}

// OpenCL.std instructions that only move or select the bits of their half operands: they see
// halves as they are (widening and rounding back would quiet signalling NaNs, and vloadn /
// vstoren on half vectors are memory operations on halves).
bool Translator::opencl_std_moves_halves(uint32_t inst)
{
	return (inst >= OpenCLLIB::Vloadn && inst <= OpenCLLIB::Vstorea_halfn_r) || inst == OpenCLLIB::Shuffle ||
	       inst == OpenCLLIB::Shuffle2 || inst == OpenCLLIB::Select || inst == OpenCLLIB::Bitselect ||
	       inst == OpenCLLIB::Printf || inst == OpenCLLIB::Prefetch;
}

} // namespace mica::compiler::spirv_detail
