// Constant parts of shared-memory addresses into the ds instructions' immediate offset. An index
// `lid + 128` of a uint array is `(lid + 128) << 2` by the time it reaches the IR: the constant
// sits under the shift, and the address costs a v_add and a v_shl per access although `lid << 2`
// is usually computed already. Two rewrites, in one walk:
//   - t = x + C1 (or x - C1) used only by s = t << C2 (or t * C2) becomes t = x << C2 (x * C2)
//     and s = t + (C1 << C2); exact in 32-bit modular arithmetic, no instruction added (CSE then
//     shares t with the other `x << C2`);
//   - a load_shared / store_shared whose address is a + C takes a as its address and C in its
//     offset when the sum fits the signed 16-bit field (docs/hw/isa.md, MEM format).
// The device adds the offset to the 32-bit address without wrapping (docs/hw/isa.md "ds"), so
// the two forms differ only where a + C wraps past 2^32, an address past any shared allocation:
// both fault SHARED_OUT_OF_RANGE then or the folded one does (an index far out of bounds, which
// no valid program makes).

#include "mica_isa.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

constexpr int64_t kOffsetMax = (int64_t{1} << (MICA_MEM_OFFSET_BITS - 1)) - 1;
constexpr int64_t kOffsetMin = -(int64_t{1} << (MICA_MEM_OFFSET_BITS - 1));

bool is_int32(const Instr *i, Op op)
{
	return i && i->op == op && i->defs.size() == 1 && i->defs[0].is_temp() && i->defs[0].size == 1 &&
	       i->ops.size() == 2 && i->ops[0].size == 1 && i->ops[1].size == 1;
}

// x + C, C + x or x - C as (x, signed C); nothing otherwise.
bool split_constant(const Instr *i, Operand &x, int32_t &c)
{
	if (is_int32(i, Op::iadd) && i->ops[1].is_const() && !i->ops[0].is_const()) {
		x = i->ops[0], c = (int32_t)(uint32_t)i->ops[1].value;
		return true;
	}
	if (is_int32(i, Op::iadd) && i->ops[0].is_const() && !i->ops[1].is_const()) {
		x = i->ops[1], c = (int32_t)(uint32_t)i->ops[0].value;
		return true;
	}
	if (is_int32(i, Op::isub) && i->ops[1].is_const() && !i->ops[0].is_const()) {
		x = i->ops[0], c = (int32_t)(0u - (uint32_t)i->ops[1].value);
		return true;
	}
	return false;
}

} // namespace

bool fold_offsets(Program &p)
{
	std::vector<Instr *> def(p.temps.size(), nullptr);
	std::vector<uint32_t> uses(p.temps.size(), 0);
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs) {
			for (const Operand &d : ins.defs)
				if (d.is_temp())
					def[d.id] = &ins;
			for (const Operand &o : ins.ops)
				if (o.is_temp())
					uses[o.id]++;
		}
	bool changed = false;
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs) {
			// (x + C1) << C2 -> (x << C2) + (C1 << C2), the sum's only use being the shift.
			if ((is_int32(&ins, Op::shl) || is_int32(&ins, Op::imul)) && ins.ops[0].is_temp() && ins.ops[1].is_const() &&
			    uses[ins.ops[0].id] == 1) {
				Instr *sum = def[ins.ops[0].id];
				Operand x;
				int32_t c1 = 0;
				const uint32_t c2 = (uint32_t)ins.ops[1].value;
				if (sum && split_constant(sum, x, c1) && (ins.op == Op::imul || c2 < 32)) {
					const uint32_t scaled = ins.op == Op::shl ? (uint32_t)c1 << c2 : (uint32_t)c1 * c2;
					sum->op = ins.op;
					sum->ops = {x, ins.ops[1]};
					ins.op = Op::iadd;
					ins.ops[1] = Operand::c32(scaled);
					changed = true;
				}
			}
			// load_shared / store_shared of a + C: a, offset + C.
			if ((ins.op == Op::load_shared || ins.op == Op::store_shared) && !ins.ops.empty() && ins.ops[0].is_temp()) {
				Operand a;
				int32_t c = 0;
				const Instr *sum = def[ins.ops[0].id];
				if (sum && split_constant(sum, a, c) && a.is_temp() && ins.imm + c >= kOffsetMin && ins.imm + c <= kOffsetMax) {
					ins.ops[0] = a;
					ins.imm += c;
					changed = true;
				}
			}
		}
	return changed;
}

} // namespace mica::compiler
