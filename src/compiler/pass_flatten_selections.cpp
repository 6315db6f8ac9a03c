// Flattening of short selections (if-conversion): a selection whose one arm only computes a few
// values (pure, non-trapping operations) and whose other edge goes straight to the merge becomes
// straight-line code: the arm's instructions run on every lane and the merge's phis become
// selects on the condition. GLSL's `a && b` / `a || b` with a cheap `b` is the usual case; as
// control flow it costs an EXEC save, an else mask, skip branches and a lane-mask phi merge in
// each arm, as a select one or three scalar instructions (docs/compiler.md "Uniform loops" and
// "Flattened selections").
//
//   H: selection_merge M; cbr c, T, M       H: ...; T's instructions; br T
//   T: x = ...; br M                  ->    T: br M
//   M: p = phi x, T, y, H                   M: p = select c, x, y
//
// T stays as an empty block so that no block becomes unreachable. The edge H -> M must be direct:
// `a ? f() : c`, whose empty else is a block of its own, stays a branch.
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

constexpr size_t kMaxSpeculated = 4;

bool same_operand(const Operand &a, const Operand &b)
{
	return a.is_temp() && b.is_temp() && a.id == b.id;
}

// Cheap 32-bit and boolean operations that cannot trap (no division, no multi-instruction
// expansions such as the transcendental functions or 64-bit arithmetic).
bool speculatable(const Program &p, const Instr &ins)
{
	if (ins.defs.size() != 1 || !ins.defs[0].is_temp() || p.temps[ins.defs[0].id].size != 1)
		return false;
	switch (ins.op) {
	case Op::copy: case Op::iadd: case Op::isub: case Op::imul: case Op::ineg:
	case Op::iand: case Op::ior: case Op::ixor: case Op::inot: case Op::shl: case Op::ushr: case Op::sshr:
	case Op::umin: case Op::umax: case Op::smin: case Op::smax:
	case Op::fadd: case Op::fsub: case Op::fmul: case Op::ffma: case Op::fmin: case Op::fmax:
	case Op::ieq: case Op::ine: case Op::ult: case Op::ule: case Op::slt: case Op::sle:
	case Op::feq: case Op::fne: case Op::flt: case Op::fle: case Op::funord:
	case Op::band: case Op::bor: case Op::bxor: case Op::bnot: case Op::select: case Op::b2i:
		for (const Operand &o : ins.ops)
			if (o.size == 2)
				return false;
		return true;
	default:
		return false;
	}
}

bool flatten_one(Program &p, uint32_t h)
{
	Block &hb = p.blocks[h];
	if (hb.merge != Block::Merge::selection || hb.instrs.empty() || hb.instrs.back().op != Op::cbr)
		return false;
	const uint32_t m = hb.merge_block;
	const Instr &term = hb.instrs.back();
	const uint32_t on_true = term.ops[1].id, on_false = term.ops[2].id;
	if ((on_true == m) == (on_false == m))
		return false;
	// The other edge goes straight to the merge (the pass runs before critical edges are split).
	const uint32_t t = on_true == m ? on_false : on_true;
	Block &tb = p.blocks[t];
	if (tb.preds.size() != 1 || tb.merge != Block::Merge::none || tb.instrs.empty() || tb.instrs.back().op != Op::br ||
	    tb.instrs.back().ops[0].id != m || tb.instrs.size() - 1 > kMaxSpeculated)
		return false;
	for (size_t i = 0; i + 1 < tb.instrs.size(); i++)
		if (!speculatable(p, tb.instrs[i]))
			return false;
	Block &mb = p.blocks[m];
	if (mb.preds.size() != 2)
		return false;
	const Operand cond = term.ops[0];
	// Phis: the value on the condition's true side first.
	std::vector<Instr> selects;
	size_t phis = 0;
	for (const Instr &phi : mb.instrs) {
		if (phi.op != Op::phi)
			break;
		phis++;
		Operand from_t, from_h;
		for (size_t k = 0; k + 1 < phi.ops.size(); k += 2) {
			if (phi.ops[k + 1].id == t)
				from_t = phi.ops[k];
			else if (phi.ops[k + 1].id == h)
				from_h = phi.ops[k];
			else
				return false;
		}
		if (from_t.kind == Operand::Kind::none || from_h.kind == Operand::Kind::none)
			return false;
		Instr sel;
		sel.op = Op::select;
		sel.defs = phi.defs;
		const Operand if_true = on_true == t ? from_t : from_h, if_false = on_true == t ? from_h : from_t;
		sel.ops = {cond, if_true, if_false};
		// `a && b`: false where a is; `a || b`: true where a is.
		auto is = [&](const Operand &o, uint64_t v) { return same_operand(o, cond) || (o.is_const() && o.value == v); };
		if (phi.defs[0].is_temp() && p.temps[phi.defs[0].id].is_bool) {
			if (is(if_false, 0)) {
				sel.op = Op::band;
				sel.ops = {cond, if_true};
			} else if (is(if_true, 1)) {
				sel.op = Op::bor;
				sel.ops = {cond, if_false};
			}
		}
		selects.push_back(std::move(sel));
	}
	// H runs T's instructions and goes on through T, which only branches.
	Instr br = tb.instrs.back();
	hb.instrs.pop_back();
	hb.instrs.insert(hb.instrs.end(), tb.instrs.begin(), tb.instrs.end() - 1);
	Instr to_t;
	to_t.op = Op::br;
	to_t.ops = {Operand::block(t)};
	hb.instrs.push_back(std::move(to_t));
	hb.merge = Block::Merge::none;
	hb.merge_block = kNone;
	tb.instrs.assign(1, br);
	mb.instrs.erase(mb.instrs.begin(), mb.instrs.begin() + (long)phis);
	mb.instrs.insert(mb.instrs.begin(), selects.begin(), selects.end());
	return true;
}

} // namespace

bool flatten_selections(Program &p)
{
	bool changed = false;
	p.recompute_preds();
	for (uint32_t h = 0; h < p.blocks.size(); h++)
		if (flatten_one(p, h)) {
			changed = true;
			p.recompute_preds();
		}
	return changed;
}

} // namespace mica::compiler
