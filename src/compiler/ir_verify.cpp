// IR verifier, run between passes (Options::verify_ir; on by default in debug builds and tests).
#include <unordered_set>

#include "ir.h"

namespace mica::compiler::ir {

std::string verify(const Program &p)
{
	auto where = [&](size_t b, size_t i) { return "BB" + std::to_string(b) + " instruction " + std::to_string(i) + ": "; };
	if (p.blocks.empty())
		return "program has no blocks";
	std::vector<int> defined(p.temps.size(), 0);
	for (size_t b = 0; b < p.blocks.size(); b++) {
		const Block &bl = p.blocks[b];
		for (size_t i = 0; i < bl.instrs.size(); i++) {
			const Instr &ins = bl.instrs[i];
			if (ins.op == Op::mach && !ins.mop)
				return where(b, i) + "machine instruction without opcode";
			for (const Operand &d : ins.defs) {
				if (d.kind != Operand::Kind::temp)
					continue;
				if (d.id == 0 || d.id >= p.temps.size())
					return where(b, i) + "definition of unknown temporary %" + std::to_string(d.id);
				bool partial_ok = p.level == Level::machine && d.part + d.size <= p.temps[d.id].size;
				if (d.size != p.temps[d.id].size && !partial_ok)
					return where(b, i) + "definition size does not match class of %" + std::to_string(d.id);
				defined[d.id]++;
			}
			for (const Operand &o : ins.ops) {
				if (o.kind == Operand::Kind::temp && (o.id == 0 || o.id >= p.temps.size()))
					return where(b, i) + "use of unknown temporary %" + std::to_string(o.id);
				if (o.kind == Operand::Kind::temp && o.part + o.size > p.temps[o.id].size)
					return where(b, i) + "operand reads past the end of %" + std::to_string(o.id);
				if (o.kind == Operand::Kind::block && o.id >= p.blocks.size())
					return where(b, i) + "reference to unknown block BB" + std::to_string(o.id);
			}
			if (p.level == Level::mid) {
				bool term = op_is_terminator(ins.op);
				if (term != (i + 1 == bl.instrs.size()))
					return where(b, i) + (term ? "terminator in the middle of a block" : "block does not end in a terminator");
				if (ins.op == Op::phi) {
					if (i > 0 && bl.instrs[i - 1].op != Op::phi)
						return where(b, i) + "phi after a non-phi instruction";
					if (ins.ops.size() != 2 * bl.preds.size())
						return where(b, i) + "phi has " + std::to_string(ins.ops.size() / 2) + " incoming values for " +
						       std::to_string(bl.preds.size()) + " predecessors";
					for (size_t k = 1; k < ins.ops.size(); k += 2) {
						bool is_pred = false;
						for (uint32_t pr : bl.preds)
							is_pred |= pr == ins.ops[k].id;
						if (!is_pred)
							return where(b, i) + "phi names BB" + std::to_string(ins.ops[k].id) + " which is not a predecessor";
					}
				}
			}
		}
		if (p.level == Level::mid && bl.instrs.empty())
			return "BB" + std::to_string(b) + ": empty block";
		if (p.level == Level::machine) {
			for (uint32_t s : bl.succs)
				if (s >= p.blocks.size())
					return "BB" + std::to_string(b) + ": successor out of range";
			for (size_t i = 0; i + 1 < bl.instrs.size(); i++)
				if (bl.instrs[i].op == Op::mach && (bl.instrs[i].mop->flags & MICA_OPF_BRANCH))
					return "BB" + std::to_string(b) + ": branch in the middle of a block";
		}
	}
	if (p.level == Level::mid) {
		for (size_t t = 1; t < p.temps.size(); t++)
			if (defined[t] > 1)
				return "temporary %" + std::to_string(t) + " is defined " + std::to_string(defined[t]) + " times (not SSA)";
		for (size_t b = 0; b < p.blocks.size(); b++)
			for (const Instr &ins : p.blocks[b].instrs)
				for (const Operand &o : ins.ops)
					if (o.kind == Operand::Kind::temp && !defined[o.id])
						return "BB" + std::to_string(b) + ": use of undefined temporary %" + std::to_string(o.id);
	}
	return "";
}

} // namespace mica::compiler::ir
