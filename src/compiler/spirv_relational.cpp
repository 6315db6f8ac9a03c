// The floating-point class and relational tests of SPIR-V (OpIsInf, OpIsFinite, OpIsNormal,
// OpSignBitSet, OpOrdered, OpUnordered, OpLessOrGreater): OpenCL C's isinf/isfinite/isnormal/
// signbit/isordered/isunordered/islessgreater, on 32- and 64-bit floats and on 16-bit floats
// (which translate_narrow hands over widened to f32, exactly).
//
// The class tests look at the bits: NaN and infinity have an all-ones exponent, a normal number
// an exponent that is neither all zeros nor all ones, and the sign bit is the top bit, also of a
// NaN (signbit(-nan) is 1). A 64-bit float is tested on its high dword, which holds the sign and
// the whole exponent. Nothing here depends on the denormal mode: the bits are read as integers.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::relational_op(const Inst &in)
{
	using IOp = IO::Op;
	auto w = in.w;
	const Op op = (Op)in.op;
	const bool binary_op = op == Op::OpOrdered || op == Op::OpUnordered || op == Op::OpLessOrGreater;
	if (w.size() < (binary_op ? 5u : 4u))
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	const auto &a = val(w[3]);
	static const std::vector<Operand> none;
	const auto &b = binary_op ? val(w[4]) : none;
	if (binary_op && a.size() != b.size())
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " operands of different sizes");
	// A half widened to f32 is normal in f16 only from 2^-14 (f32 exponent field 113) up.
	const bool half = is_half(value_type(w[3]));
	std::vector<Operand> r;
	for (size_t i = 0; i < a.size(); i++) {
		const Operand x = a[i];
		const bool wide = x.size == 2;
		// sign and exponent: the dword holding them, the exponent mask, the smallest normal
		// number's exponent field
		const Operand top = wide ? emit(IOp::hi32, r32(), {x}) : x;
		const uint32_t exp_mask = wide ? 0x7ff00000u : 0x7f800000u;
		const uint32_t min_normal = wide ? 0x00100000u : half ? 0x38800000u : 0x00800000u;
		auto magnitude = [&] { return emit(IOp::iand, r32(), {top, Operand::c32(0x7fffffffu)}); };
		Operand res;
		switch (op) {
		case Op::OpIsNan: res = emit(IOp::funord, rbool(), {x, x}); break;
		case Op::OpIsInf:
			if (wide)   // the high dword is the infinity's and the low dword zero (else a NaN)
				res = emit(IOp::band, rbool(), {emit(IOp::ieq, rbool(), {magnitude(), Operand::c32(exp_mask)}),
				                                 emit(IOp::ieq, rbool(), {emit(IOp::lo32, r32(), {x}), Operand::c32(0)})});
			else
				res = emit(IOp::ieq, rbool(), {magnitude(), Operand::c32(exp_mask)});
			break;
		case Op::OpIsFinite: res = emit(IOp::ult, rbool(), {magnitude(), Operand::c32(exp_mask)}); break;
		case Op::OpIsNormal:
			// min_normal <= |x| < exponent all ones, as one unsigned compare
			res = emit(IOp::ult, rbool(), {emit(IOp::isub, r32(), {magnitude(), Operand::c32(min_normal)}),
			                               Operand::c32(exp_mask - min_normal)});
			break;
		case Op::OpSignBitSet: res = emit(IOp::slt, rbool(), {top, Operand::c32(0)}); break;
		case Op::OpOrdered: res = emit(IOp::bnot, rbool(), {emit(IOp::funord, rbool(), {x, b[i]})}); break;
		case Op::OpUnordered: res = emit(IOp::funord, rbool(), {x, b[i]}); break;
		case Op::OpLessOrGreater:
			res = emit(IOp::bor, rbool(), {emit(IOp::flt, rbool(), {x, b[i]}), emit(IOp::flt, rbool(), {b[i], x})});
			break;
		default: fail(spirv_named(spirv_opcode_name(in.op), in.op) + " is not a relational instruction");
		}
		r.push_back(res);
	}
	set(w[2], w[1], r);
}

} // namespace mica::compiler::spirv_detail
