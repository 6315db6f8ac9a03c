// 64-bit forms of the extended-result integer instructions: OpIAddCarry, OpISubBorrow,
// OpUMulExtended, OpSMulExtended. The ISA multiplies 32-bit values (imul: low half, umulhi:
// high half), so the 128-bit product is built from four 32 x 32 -> 64 partial products.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

// {low 64 bits, high 64 bits} of a * b (unsigned, or signed two's complement).
std::pair<Operand, Operand> Translator::mul_extended64(Operand a, Operand b, bool is_signed)
{
	using IOp = IO::Op;
	auto lo = [&](Operand x) { return emit(IOp::lo32, r32(), {x}); };
	auto hi = [&](Operand x) { return emit(IOp::hi32, r32(), {x}); };
	auto wide = [&](Operand x, Operand y) {   // full 64-bit product of two 32-bit values
		return emit(IOp::pack64, r64(), {emit(IOp::imul, r32(), {x, y}), emit(IOp::umulhi, r32(), {x, y})});
	};
	auto zext = [&](Operand x) { return emit(IOp::pack64, r64(), {x, Operand::c32(0)}); };
	auto add = [&](Operand x, Operand y) { return emit(IOp::iadd, r64(), {x, y}); };
	auto shr32 = [&](Operand x) { return zext(hi(x)); };
	const Operand a0 = lo(a), a1 = hi(a), b0 = lo(b), b1 = hi(b);
	const Operand p00 = wide(a0, b0), p01 = wide(a0, b1), p10 = wide(a1, b0), p11 = wide(a1, b1);
	// mid < 3 * 2^32: no overflow in 64 bits
	const Operand mid = add(add(shr32(p00), zext(lo(p01))), zext(lo(p10)));
	const Operand low = emit(IOp::pack64, r64(), {lo(p00), lo(mid)});
	Operand high = add(add(add(p11, shr32(p01)), shr32(p10)), shr32(mid));
	if (is_signed) {
		// Signed high half = unsigned high half - (a < 0 ? b : 0) - (b < 0 ? a : 0).
		const Operand zero = Operand::c64(0);
		high = emit(IOp::isub, r64(), {high, emit(IOp::select, r64(), {emit(IOp::slt, rbool(), {a, zero}), b, zero})});
		high = emit(IOp::isub, r64(), {high, emit(IOp::select, r64(), {emit(IOp::slt, rbool(), {b, zero}), a, zero})});
	}
	return {low, high};
}

} // namespace mica::compiler::spirv_detail
