// Loop-invariant code motion: pure, non-cross-lane instructions inside a structured loop whose
// operands are all defined outside it are hoisted to the end of the loop's preheader (the single
// block outside the loop that branches unconditionally to the header).
#include "passes.h"

namespace mica::compiler {

using namespace ir;

bool licm(Program &p)
{
	bool changed = false;
	for (uint32_t h = 0; h < p.blocks.size(); h++) {
		if (p.blocks[h].merge != Block::Merge::loop)
			continue;
		std::vector<bool> in = loop_blocks(p, h);
		uint32_t pre = kNone;
		int outside = 0;
		for (uint32_t pr : p.blocks[h].preds)
			if (!in[pr]) {
				pre = pr;
				outside++;
			}
		if (outside != 1 || p.blocks[pre].instrs.empty() || p.blocks[pre].instrs.back().op != Op::br)
			continue;
		std::vector<bool> defined_inside(p.temps.size(), false);
		for (uint32_t b = 0; b < p.blocks.size(); b++)
			if (in[b])
				for (const Instr &ins : p.blocks[b].instrs)
					for (const Operand &d : ins.defs)
						if (d.is_temp())
							defined_inside[d.id] = true;
		bool progress = true;
		while (progress) {
			progress = false;
			for (uint32_t b = 0; b < p.blocks.size(); b++) {
				if (!in[b])
					continue;
				auto &instrs = p.blocks[b].instrs;
				for (size_t i = 0; i < instrs.size(); i++) {
					Instr &ins = instrs[i];
					bool cross = ins.op >= Op::ballot && ins.op <= Op::shuffle;
					if (ins.op == Op::phi || op_has_side_effects(ins.op) || op_reads_memory(ins.op) || cross ||
					    ins.defs.size() != 1 || !ins.defs[0].is_temp())
						continue;
					// Division by a value the loop guards against is not speculated.
					if (ins.op == Op::udiv || ins.op == Op::sdiv || ins.op == Op::umod || ins.op == Op::srem ||
					    ins.op == Op::smod)
						continue;
					bool invariant = true;
					for (const Operand &o : ins.ops)
						if (o.is_temp() && defined_inside[o.id])
							invariant = false;
					if (!invariant)
						continue;
					defined_inside[ins.defs[0].id] = false;
					auto &pi = p.blocks[pre].instrs;
					pi.insert(pi.end() - 1, ins);
					instrs.erase(instrs.begin() + (long)i);
					i--;
					progress = changed = true;
				}
			}
		}
	}
	return changed;
}

} // namespace mica::compiler
