// Constant folding and algebraic simplification of 32-bit integer, boolean and select operations.
// Float arithmetic is folded only where the result is exact in IEEE (add/sub/mul of constants are
// rounded the same way by the host and the device); transcendental results are left to the device.
#include <bit>
#include <cstring>
#include <optional>

#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

std::optional<uint32_t> fold32(Op op, const std::vector<uint32_t> &v)
{
	auto f = [](uint32_t x) { return std::bit_cast<float>(x); };
	auto u = [](float x) { return std::bit_cast<uint32_t>(x); };
	uint32_t a = v.size() > 0 ? v[0] : 0, b = v.size() > 1 ? v[1] : 0;
	int32_t sa = (int32_t)a, sb = (int32_t)b;
	switch (op) {
	case Op::iadd: return a + b;
	case Op::isub: return a - b;
	case Op::imul: return a * b;
	case Op::udiv: if (!b) return std::nullopt; return a / b;
	case Op::umod: if (!b) return std::nullopt; return a % b;
	case Op::sdiv: if (!b || (sa == INT32_MIN && sb == -1)) return std::nullopt; return (uint32_t)(sa / sb);
	case Op::srem: if (!b || (sa == INT32_MIN && sb == -1)) return std::nullopt; return (uint32_t)(sa % sb);
	case Op::smod: {
		if (!b || (sa == INT32_MIN && sb == -1)) return std::nullopt;
		int32_t r = sa % sb;
		if (r && ((r < 0) != (sb < 0))) r += sb;
		return (uint32_t)r;
	}
	case Op::ineg: return 0u - a;
	case Op::iand: return a & b;
	case Op::ior: return a | b;
	case Op::ixor: return a ^ b;
	case Op::inot: return ~a;
	case Op::shl: return a << (b & 31);
	case Op::ushr: return a >> (b & 31);
	case Op::sshr: return (uint32_t)(sa >> (b & 31));
	case Op::umin: return std::min(a, b);
	case Op::umax: return std::max(a, b);
	case Op::smin: return (uint32_t)std::min(sa, sb);
	case Op::smax: return (uint32_t)std::max(sa, sb);
	case Op::bitcount: return (uint32_t)std::popcount(a);
	case Op::ieq: return a == b;
	case Op::ine: return a != b;
	case Op::ult: return a < b;
	case Op::ule: return a <= b;
	case Op::slt: return sa < sb;
	case Op::sle: return sa <= sb;
	case Op::band: return a & b & 1;
	case Op::bor: return (a | b) & 1;
	case Op::bxor: return (a ^ b) & 1;
	case Op::bnot: return (a & 1) ^ 1;
	case Op::b2i: return a & 1;
	case Op::select: return (a & 1) ? b : v[2];
	case Op::fadd: return u(f(a) + f(b));
	case Op::fsub: return u(f(a) - f(b));
	case Op::fmul: return u(f(a) * f(b));
	case Op::feq: return f(a) == f(b);
	case Op::fne: return !(f(a) == f(b));
	case Op::flt: return f(a) < f(b);
	case Op::fle: return f(a) <= f(b);
	case Op::cvt_f_s: return u((float)sa);
	case Op::cvt_f_u: return u((float)a);
	default: return std::nullopt;
	}
}

bool is_c(const Operand &o, uint32_t v) { return o.is_const() && o.size == 1 && (uint32_t)o.value == v; }

} // namespace

bool constant_fold(Program &p)
{
	std::vector<Operand> repl(p.temps.size());
	bool changed = false;
	auto resolve = [&](Operand o) {
		while (o.is_temp() && repl[o.id].kind != Operand::Kind::none)
			o = repl[o.id];
		return o;
	};
	for (Block &b : p.blocks) {
		for (Instr &ins : b.instrs) {
			for (Operand &o : ins.ops)
				o = resolve(o);
			if (ins.defs.size() != 1 || !ins.defs[0].is_temp() || op_has_side_effects(ins.op) ||
			    op_reads_memory(ins.op) || ins.op == Op::phi)
				continue;
			const Operand d = ins.defs[0];
			if (d.size != 1)
				continue;
			bool all_const = !ins.ops.empty();
			std::vector<uint32_t> v;
			for (const Operand &o : ins.ops) {
				all_const &= o.is_const() && o.size == 1;
				v.push_back((uint32_t)o.value);
			}
			std::optional<Operand> r;
			bool float_op = ins.op >= Op::fadd && ins.op <= Op::fldexp;
			bool crossy = ins.op >= Op::ballot && ins.op <= Op::shuffle;
			if (all_const && !crossy) {
				if (auto x = fold32(ins.op, v))
					r = Operand::c32(*x);
			} else if (!crossy && !float_op) {
				const auto &o = ins.ops;
				switch (ins.op) {
				case Op::iadd:
					if (is_c(o[1], 0)) r = o[0];
					else if (is_c(o[0], 0)) r = o[1];
					break;
				case Op::isub:
				case Op::shl:
				case Op::ushr:
				case Op::sshr:
				case Op::ior:
				case Op::ixor:
					if (is_c(o[1], 0)) r = o[0];
					else if ((ins.op == Op::ior || ins.op == Op::ixor) && is_c(o[0], 0)) r = o[1];
					break;
				case Op::imul:
					if (is_c(o[1], 1)) r = o[0];
					else if (is_c(o[0], 1)) r = o[1];
					else if (is_c(o[0], 0) || is_c(o[1], 0)) r = Operand::c32(0);
					else if (o[1].is_const() && std::has_single_bit((uint32_t)o[1].value)) {
						ins.op = Op::shl;
						ins.ops[1] = Operand::c32((uint32_t)std::countr_zero((uint32_t)o[1].value));
						changed = true;
					}
					break;
				case Op::udiv:
					if (is_c(o[1], 1)) r = o[0];
					else if (o[1].is_const() && std::has_single_bit((uint32_t)o[1].value)) {
						ins.op = Op::ushr;
						ins.ops[1] = Operand::c32((uint32_t)std::countr_zero((uint32_t)o[1].value));
						changed = true;
					}
					break;
				case Op::umod:
					if (o[1].is_const() && std::has_single_bit((uint32_t)o[1].value)) {
						ins.op = Op::iand;
						ins.ops[1] = Operand::c32((uint32_t)o[1].value - 1);
						changed = true;
					}
					break;
				case Op::iand:
					if (is_c(o[1], 0xffffffffu)) r = o[0];
					else if (is_c(o[0], 0xffffffffu)) r = o[1];
					else if (is_c(o[0], 0) || is_c(o[1], 0)) r = Operand::c32(0);
					break;
				case Op::band:
					if (is_c(o[0], 1)) r = o[1];
					else if (is_c(o[1], 1)) r = o[0];
					else if (is_c(o[0], 0) || is_c(o[1], 0)) r = Operand::c32(0);
					break;
				case Op::bor:
					if (is_c(o[0], 0)) r = o[1];
					else if (is_c(o[1], 0)) r = o[0];
					else if (is_c(o[0], 1) || is_c(o[1], 1)) r = Operand::c32(1);
					break;
				case Op::select:
					if (o[0].is_const()) r = (o[0].value & 1) ? o[1] : o[2];
					else if (o[1] == o[2]) r = o[1];
					break;
				default:
					break;
				}
			}
			if (r && r->size == d.size) {
				repl[d.id] = *r;
				changed = true;
			}
		}
	}
	if (changed)
		replace_uses(p, repl);
	return changed;
}

} // namespace mica::compiler
