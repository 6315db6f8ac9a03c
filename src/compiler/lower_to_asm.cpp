// Machine IR with allocated registers -> AsmProgram (mica_inst); its text form is asm/asm_program.cpp.
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <span>

#include "asm.h"
#include "ir.h"
#include "machine.h"

namespace mica::compiler {

using namespace ir;

bool lower_to_asm(const Program &p, AsmProgram &out, std::string &error)
{
	out = AsmProgram{};
	out.revision = p.revision;
	out.power_profile = p.power_profile;
	auto code_of = [&](const Operand &o, mica_inst &mi, bool &lit_used, uint16_t &code) -> bool {
		switch (o.kind) {
		case Operand::Kind::none: code = MICA_OPND_NONE; return true;
		case Operand::Kind::reg: code = o.reg; return true;
		case Operand::Kind::temp:
			if (o.id >= p.temp_reg.size() || p.temp_reg[o.id] == 0xffff) {
				error = "internal error: %" + std::to_string(o.id) + " has no register";
				return false;
			}
			code = (uint16_t)(p.temp_reg[o.id] + o.part);
			return true;
		case Operand::Kind::constant: {
			int64_t v = o.size == 2 ? (int64_t)o.value : (int64_t)(int32_t)(uint32_t)o.value;
			if (v >= 0 && v <= 64) {
				code = (uint16_t)(MICA_OPND_INT_CONST_FIRST + v);
				return true;
			}
			if (v >= -16 && v < 0) {
				code = (uint16_t)(MICA_OPND_INT_NEG_FIRST + (-v - 1));
				return true;
			}
			if (lit_used && mi.literal != (o.size == 2 ? o.value : (uint32_t)o.value)) {
				error = "internal error: two different literals in one instruction";
				return false;
			}
			lit_used = true;
			mi.literal = o.size == 2 ? o.value : (uint32_t)o.value;
			code = MICA_OPND_LITERAL;
			return true;
		}
		case Operand::Kind::block: code = MICA_OPND_NONE; return true;
		}
		return false;
	};
	for (const Block &b : p.blocks) {
		AsmBlock ab;
		ab.loop_depth = b.loop_depth;
		for (const Instr &ins : b.instrs) {
			if (ins.op != Op::mach) {
				error = std::string("internal error: non-machine instruction ") + op_name(ins.op) + " after isel";
				return false;
			}
			AsmInst ai;
			ai.inst = make_inst(ins.mop->opcode);
			ai.nop_for = (uint8_t)ins.hazard;
			ai.const_data_rel = ins.fixup == kFixupConstData;
			bool lit = false;
			const unsigned fmt = ins.mop->format;
			if (!ins.defs.empty() && !code_of(ins.defs[0], ai.inst, lit, ai.inst.opnd[0]))
				return false;
			if (fmt == MICA_FMT_CTRL) {
				ai.inst.imm = (int32_t)ins.imm;
				for (const Operand &o : ins.ops) {
					if (o.kind == Operand::Kind::block)
						ai.target = (int32_t)o.id;
					else if (o.kind != Operand::Kind::none && !(o.kind == Operand::Kind::reg && o.reg == MICA_OPND_NONE) &&
					         !code_of(o, ai.inst, lit, ai.inst.opnd[1]))
						return false;
				}
			} else {
				for (size_t i = 0; i < ins.ops.size() && i < 3; i++)
					if (!code_of(ins.ops[i], ai.inst, lit, ai.inst.opnd[i + 1]))
						return false;
				if (fmt == MICA_FMT_MEM)
					ai.inst.offset = (int32_t)ins.imm;
			}
			ai.inst.has_literal = lit;
			ai.inst.words = lit ? 2 : 1;
			ab.insts.push_back(ai);
		}
		out.blocks.push_back(std::move(ab));
	}
	out.compute_succs();
	return true;
}

} // namespace mica::compiler
