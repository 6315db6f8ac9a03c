// SPV_KHR_integer_dot_product: OpSDot / OpUDot / OpSUDot and their AccSat forms, on integer
// vectors of any supported width (DotProductInputAll) and on 4x8-bit vectors packed in a 32-bit
// integer (DotProductInput4x8BitPacked). Components are sign- or zero-extended to the result
// width, multiplied and summed in that width (an overflow there is undefined behaviour in
// SPIR-V, so wrapping is fine); only the final accumulation saturates.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::integer_dot(const Inst &in)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	const bool acc_sat = op == Op::OpSDotAccSat || op == Op::OpUDotAccSat || op == Op::OpSUDotAccSat;
	if (w.size() < (acc_sat ? 6u : 5u))
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	const bool a_signed = op == Op::OpSDot || op == Op::OpSDotAccSat || op == Op::OpSUDot || op == Op::OpSUDotAccSat;
	const bool b_signed = op == Op::OpSDot || op == Op::OpSDotAccSat;
	const bool result_signed = a_signed;   // SDot and SUDot saturate as signed, UDot as unsigned
	const RegClass rc = rc_of(w[1]);
	const bool wide = rc.size == 2;
	const auto &va = val(w[3]);
	const auto &vb = val(w[4]);
	if (va.size() != vb.size() || va.empty())
		fail("integer dot product operand shape mismatch");
	const bool packed = type(val_type_.at(w[3])).k != Type::K::Vector;
	// Component i of an operand, extended to the result width.
	auto component = [&](const std::vector<Operand> &v, size_t i, bool is_signed) {
		Operand x;
		if (packed) {
			if (v[0].size != 1)
				fail("packed integer dot product operands must be 32-bit");
			x = emit(is_signed ? IO::Op::bfe_s : IO::Op::bfe_u, r32(), {v[0], Operand::c32(8 * (uint32_t)i), Operand::c32(8)});
		} else {
			x = v[i];
		}
		if (wide && x.size == 1)
			x = emit(is_signed ? IO::Op::sext : IO::Op::zext, r64(), {x});
		return x;
	};
	const size_t n = packed ? 4 : va.size();
	Operand sum;
	for (size_t i = 0; i < n; i++) {
		Operand p = emit(IO::Op::imul, rc, {component(va, i, a_signed), component(vb, i, b_signed)});
		sum = i == 0 ? p : emit(IO::Op::iadd, rc, {sum, p});
	}
	if (!acc_sat) {
		set(w[2], w[1], {sum});
		return;
	}
	// Saturating accumulation in the result width.
	const Operand acc = val(w[5]).at(0);
	if (const unsigned nw = narrow_width(w[1])) {
		// 8/16-bit result: operands extended to 32 bits (spirv_narrow.cpp), so acc + sum is
		// exact there and is clamped to the narrow range (the caller masks it).
		const Operand r = emit(IO::Op::iadd, r32(), {acc, sum});
		if (result_signed) {
			Operand hi = emit(IO::Op::smin, r32(), {r, Operand::c32((1u << (nw - 1)) - 1)});
			set(w[2], w[1], {emit(IO::Op::smax, r32(), {hi, Operand::c32(~0u << (nw - 1))})});
		} else {
			set(w[2], w[1], {emit(IO::Op::umin, r32(), {r, Operand::c32((1u << nw) - 1)})});
		}
		return;
	}
	const Operand r = emit(IO::Op::iadd, rc, {acc, sum});
	const Operand zero = wide ? Operand::c64(0) : Operand::c32(0);
	Operand result;
	if (result_signed) {
		// Overflow when both inputs have a sign the result does not share.
		Operand both = emit(IO::Op::iand, rc, {emit(IO::Op::ixor, rc, {acc, r}), emit(IO::Op::ixor, rc, {sum, r})});
		Operand overflow = emit(IO::Op::slt, rbool(), {both, zero});
		Operand min = wide ? Operand::c64(1ull << 63) : Operand::c32(0x80000000u);
		Operand max = wide ? Operand::c64(~0ull >> 1) : Operand::c32(0x7fffffffu);
		Operand bound = emit(IO::Op::select, rc, {emit(IO::Op::slt, rbool(), {acc, zero}), min, max});
		result = emit(IO::Op::select, rc, {overflow, bound, r});
	} else {
		Operand overflow = emit(IO::Op::ult, rbool(), {r, acc});
		result = emit(IO::Op::select, rc, {overflow, wide ? Operand::c64(~0ull) : Operand::c32(~0u), r});
	}
	set(w[2], w[1], {result});
}

} // namespace mica::compiler::spirv_detail
