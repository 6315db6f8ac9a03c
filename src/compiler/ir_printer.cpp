// Readable text form of the IR (ACO-like): one instruction per line, classes on every temporary.
#include <cinttypes>
#include <cstdio>

#include "ir.h"
#include "machine.h"

namespace mica::compiler::ir {

std::string print_regclass(const RegClass &rc)
{
	switch (rc.bank) {
	case Bank::sbool: return "sb";
	case Bank::mask: return "m";
	case Bank::sgpr: return "s" + std::to_string(rc.size);
	case Bank::vgpr: return "v" + std::to_string(rc.size);
	case Bank::undecided: break;
	}
	return rc.is_bool ? "b" : "u" + std::to_string(rc.size);
}

std::string print_operand(const Program &p, const Operand &o)
{
	char buf[64];
	switch (o.kind) {
	case Operand::Kind::none:
		return "none";
	case Operand::Kind::temp: {
		std::string s = "%" + std::to_string(o.id) + ":" +
		                (o.id < p.temps.size() ? print_regclass(p.temps[o.id]) : std::string("?"));
		// Part of a tuple: ".K" its dword K (size 1), ".K-L" its dwords K..L.
		if (o.id < p.temps.size() && (o.part != 0 || o.size != p.temps[o.id].size)) {
			s += "." + std::to_string(o.part);
			if (o.size != 1)
				s += "-" + std::to_string(o.part + o.size - 1);
		}
		if (o.id < p.temp_reg.size() && p.temp_reg[o.id] != 0xffff)
			s += "@" + reg_name(static_cast<uint16_t>(p.temp_reg[o.id] + o.part), o.size);
		return s;
	}
	case Operand::Kind::constant:
		if (o.size == 2)
			snprintf(buf, sizeof buf, "0x%" PRIx64 "L", o.value);
		else if ((int32_t)o.value >= -64 && (int32_t)o.value <= 4096)
			snprintf(buf, sizeof buf, "%d", (int32_t)o.value);
		else
			snprintf(buf, sizeof buf, "0x%x", (uint32_t)o.value);
		return buf;
	case Operand::Kind::reg:
		return reg_name(o.reg, o.size);
	case Operand::Kind::block:
		return "BB" + std::to_string(o.id);
	}
	return "?";
}

std::string print_instr(const Program &p, const Instr &ins)
{
	std::string s;
	for (size_t i = 0; i < ins.defs.size(); i++)
		s += (i ? ", " : "") + print_operand(p, ins.defs[i]);
	if (!ins.defs.empty())
		s += " = ";
	s += ins.op == Op::mach ? ins.mop->name : op_name(ins.op);
	size_t nops = ins.ops.size();
	// Unused trailing machine operand fields ('none') are not printed.
	while (ins.op == Op::mach && nops > 0 && ins.ops[nops - 1].kind == Operand::Kind::reg &&
	       ins.ops[nops - 1].reg == MICA_OPND_NONE)
		nops--;
	for (size_t i = 0; i < nops; i++)
		s += (i ? ", " : " ") + print_operand(p, ins.ops[i]);
	if (ins.imm)
		s += " imm=" + std::to_string(ins.imm);
	if (ins.aux)
		s += " aux=" + std::to_string(ins.aux);
	return s;
}

std::string print_program(const Program &p)
{
	std::string s = p.level == Level::mid ? "program mid" : "program machine";
	s += " wg(" + std::to_string(p.wg_size[0]) + "," + std::to_string(p.wg_size[1]) + "," +
	     std::to_string(p.wg_size[2]) + ")";
	if (p.shared_bytes)
		s += " shared(" + std::to_string(p.shared_bytes) + ")";
	s += "\n";
	for (size_t b = 0; b < p.blocks.size(); b++) {
		const Block &bl = p.blocks[b];
		s += "BB" + std::to_string(b) + ":";
		if (bl.merge == Block::Merge::selection)
			s += " selection_merge BB" + std::to_string(bl.merge_block);
		else if (bl.merge == Block::Merge::loop)
			s += " loop_merge BB" + std::to_string(bl.merge_block) + " continue BB" +
			     std::to_string(bl.continue_block);
		if (p.level == Level::machine && !bl.succs.empty()) {
			s += " succs";
			for (uint32_t x : bl.succs)
				s += " BB" + std::to_string(x);
		}
		s += "\n";
		for (const Instr &ins : bl.instrs)
			s += "  " + print_instr(p, ins) + "\n";
	}
	return s;
}

} // namespace mica::compiler::ir
