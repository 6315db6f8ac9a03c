// Dead code elimination: pure instructions (and loads) whose results are never used are removed;
// liveness is propagated from side effects and terminators through operands.
#include "passes.h"

namespace mica::compiler {

using namespace ir;

void replace_uses(Program &p, const std::vector<Operand> &repl)
{
	auto resolve = [&](Operand o) {
		for (int guard = 0; guard < 64 && o.is_temp() && o.id < repl.size() &&
		                    repl[o.id].kind != Operand::Kind::none; guard++)
			o = repl[o.id];
		return o;
	};
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs)
			for (Operand &o : ins.ops)
				if (o.is_temp())
					o = resolve(o);
}

std::vector<uint32_t> definitions_per_temp(const Program &p)
{
	std::vector<uint32_t> defs(p.temps.size(), 0);
	for (const Block &b : p.blocks)
		for (const Instr &ins : b.instrs)
			for (const Operand &d : ins.defs)
				if (d.is_temp())
					defs[d.id]++;
	return defs;
}

bool dce(Program &p)
{
	std::vector<bool> live(p.temps.size(), false);
	std::vector<const Instr *> def_of(p.temps.size(), nullptr);
	std::vector<const Instr *> work;
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs) {
			for (const Operand &d : ins.defs)
				if (d.is_temp())
					def_of[d.id] = &ins;
			if (op_has_side_effects(ins.op))
				work.push_back(&ins);
		}
	while (!work.empty()) {
		const Instr *ins = work.back();
		work.pop_back();
		for (const Operand &o : ins->ops) {
			if (!o.is_temp() || live[o.id])
				continue;
			live[o.id] = true;
			if (def_of[o.id])
				work.push_back(def_of[o.id]);
		}
	}
	bool changed = false;
	for (Block &b : p.blocks) {
		std::vector<Instr> kept;
		kept.reserve(b.instrs.size());
		for (Instr &ins : b.instrs) {
			bool dead = !op_has_side_effects(ins.op) && !ins.defs.empty();
			for (const Operand &d : ins.defs)
				if (!d.is_temp() || live[d.id])
					dead = false;
			if (dead)
				changed = true;
			else
				kept.push_back(std::move(ins));
		}
		b.instrs = std::move(kept);
	}
	return changed;
}

} // namespace mica::compiler
