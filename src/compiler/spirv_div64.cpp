// 64-bit integer division and remainder in software: the ISA only divides 32-bit values.
// Unsigned: restoring division, one quotient bit per step, fully unrolled (straight-line code,
// so it needs no control flow and runs the same for every lane). Signed forms divide the
// magnitudes and fix the signs. Division by zero gives an undefined value, as SPIR-V allows
// (here: quotient all ones, remainder the dividend).
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

std::pair<Operand, Operand> Translator::udivrem64(Operand n, Operand d)
{
	using IOp = IO::Op;
	auto e = [&](IOp op, std::vector<Operand> ops) { return emit(op, r64(), std::move(ops)); };
	auto b = [&](IOp op, std::vector<Operand> ops) { return emit(op, rbool(), std::move(ops)); };
	// Steps assume d < 2^63, so the partial remainder (< d) shifted left never overflows.
	Operand q = Operand::c64(0), r = Operand::c64(0);
	for (int k = 63; k >= 0; k--) {
		Operand bit = e(IOp::iand, {e(IOp::ushr, {n, Operand::c32((uint32_t)k)}), Operand::c64(1)});
		r = k == 63 ? bit : e(IOp::ior, {e(IOp::shl, {r, Operand::c32(1)}), bit});
		Operand ge = b(IOp::ule, {d, r});
		r = e(IOp::select, {ge, e(IOp::isub, {r, d}), r});
		q = e(IOp::select, {ge, e(IOp::ior, {q, Operand::c64(1ull << k)}), q});
	}
	// d >= 2^63: the quotient is 0 or 1.
	Operand big = b(IOp::ine, {e(IOp::ushr, {d, Operand::c32(63)}), Operand::c64(0)});
	Operand one = b(IOp::ule, {d, n});
	Operand bq = e(IOp::select, {one, Operand::c64(1), Operand::c64(0)});
	Operand br = e(IOp::select, {one, e(IOp::isub, {n, d}), n});
	return {e(IOp::select, {big, bq, q}), e(IOp::select, {big, br, r})};
}

Operand Translator::div64(IO::Op op, Operand a, Operand b)
{
	using IOp = IO::Op;
	auto e = [&](IOp o, std::vector<Operand> ops) { return emit(o, r64(), std::move(ops)); };
	auto bo = [&](IOp o, std::vector<Operand> ops) { return emit(o, rbool(), std::move(ops)); };
	if (op == IOp::udiv)
		return udivrem64(a, b).first;
	if (op == IOp::umod)
		return udivrem64(a, b).second;
	Operand an = bo(IOp::slt, {a, Operand::c64(0)});
	Operand bn = bo(IOp::slt, {b, Operand::c64(0)});
	Operand aa = e(IOp::select, {an, e(IOp::isub, {Operand::c64(0), a}), a});
	Operand ab = e(IOp::select, {bn, e(IOp::isub, {Operand::c64(0), b}), b});
	auto [q, r] = udivrem64(aa, ab);
	if (op == IOp::sdiv)
		return e(IOp::select, {bo(IOp::bxor, {an, bn}), e(IOp::isub, {Operand::c64(0), q}), q});
	// srem: the sign of the dividend.
	Operand rem = e(IOp::select, {an, e(IOp::isub, {Operand::c64(0), r}), r});
	if (op == IOp::srem)
		return rem;
	// smod: the sign of the divisor: a non-zero remainder of the other sign gets b added.
	Operand fix = bo(IOp::band, {bo(IOp::ine, {rem, Operand::c64(0)}), bo(IOp::bxor, {an, bn})});
	return e(IOp::select, {fix, e(IOp::iadd, {rem, b}), rem});
}

} // namespace mica::compiler::spirv_detail
