// Machine IR with allocated registers -> AsmProgram (mica_inst), plus its text form.
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <span>

#include "asm.h"
#include "machine.h"
#include "mica/isa/names.h"

namespace mica::compiler {

using namespace ir;

mica_inst make_inst(unsigned opcode)
{
	mica_inst i{};
	i.info = mop(opcode);
	for (auto &o : i.opnd)
		o = MICA_OPND_NONE;
	i.words = 1;
	return i;
}

void AsmProgram::compute_succs()
{
	for (size_t b = 0; b < blocks.size(); b++) {
		AsmBlock &bl = blocks[b];
		bl.succs.clear();
		bool falls = true;
		for (const AsmInst &ai : bl.insts) {
			if (ai.inst.info->flags & MICA_OPF_BRANCH && ai.target >= 0)
				bl.succs.push_back((uint32_t)ai.target);
		}
		if (!bl.insts.empty()) {
			const mica_op_info *m = bl.insts.back().inst.info;
			if ((m->flags & MICA_OPF_END) || m->opcode == MICA_OP_S_BRANCH)
				falls = false;
		}
		if (falls && b + 1 < blocks.size())
			bl.succs.push_back((uint32_t)b + 1);
	}
}

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

// CTRL immediates that name a hardware register, a fence scope or a counter are printed in the
// assembly syntax (hwreg(CYCLE_LO), ...), names from src/hw through mica::isa, so the compiler's
// listing reads like the disassembler's; values without a name stay numbers.
static std::string named_imm(unsigned kind, int64_t imm)
{
	std::span<const isa::NamedValue> table;
	const char *func = nullptr;
	switch (kind) {
	case MICA_IMM_HWREG: table = isa::hwreg_names(), func = "hwreg"; break;
	case MICA_IMM_SCOPE: table = isa::fence_scope_names(), func = "scope"; break;
	case MICA_IMM_COUNTER: table = isa::perf_counter_names(), func = "counter"; break;
	default: return std::to_string(imm);
	}
	if (imm >= 0 && imm <= UINT32_MAX)
		if (auto n = isa::name_of(table, static_cast<uint32_t>(imm)))
			return std::string(func) + "(" + std::string(*n) + ")";
	return std::to_string(imm);
}

std::string format_inst(const mica_inst &mi, int64_t target_block)
{
	const mica_op_info *m = mi.info;
	std::string s = m->name;
	auto opnd = [&](unsigned col) -> std::string {
		uint16_t raw = mi.opnd[col];
		unsigned regs = mica_inst_opnd_regs(&mi, col);
		switch (mica_opnd_classify(raw)) {
		case MICA_OC_VGPR:
		case MICA_OC_SGPR: return reg_name(raw, regs);
		case MICA_OC_CONST: {
			if (raw >= MICA_OPND_FLOAT_FIRST) {
				char b[32];
				snprintf(b, sizeof b, "%g", (double)std::bit_cast<float>(mica_float_const_f32[raw - MICA_OPND_FLOAT_FIRST]));
				return b;
			}
			return std::to_string((int64_t)mica_inline_const_value(raw, 64));
		}
		case MICA_OC_LITERAL: {
			char b[32];
			snprintf(b, sizeof b, "0x%" PRIx64, mi.literal);
			return b;
		}
		default: return reg_name(raw, 1);
		}
	};
	std::vector<std::string> parts;
	unsigned ncol = m->format == MICA_FMT_CTRL ? 2 : 4;
	for (unsigned c = 0; c < ncol; c++)
		if (m->kind[c] != MICA_KIND_UNUSED)
			parts.push_back(opnd(c));
	if (m->format == MICA_FMT_MEM && mi.offset)
		parts.push_back("offset:" + std::to_string(mi.offset));
	if (m->format == MICA_FMT_CTRL && m->imm != MICA_IMM_NONE) {
		if (m->imm == MICA_IMM_TARGET && target_block >= 0) {
			parts.push_back("BB" + std::to_string(target_block));
		} else if (m->imm == MICA_IMM_WAITCNT) {
			unsigned gm = ((unsigned)mi.imm >> MICA_WAITCNT_GM_SHIFT) & ((1u << MICA_WAITCNT_BITS) - 1);
			unsigned ls = ((unsigned)mi.imm >> MICA_WAITCNT_LS_SHIFT) & ((1u << MICA_WAITCNT_BITS) - 1);
			std::string w;
			if (gm != MICA_WAITCNT_NOWAIT)
				w += "gm(" + std::to_string(gm) + ")";
			if (ls != MICA_WAITCNT_NOWAIT)
				w += std::string(w.empty() ? "" : " ") + "ls(" + std::to_string(ls) + ")";
			parts.push_back(w.empty() ? "none" : w);
		} else {
			parts.push_back(named_imm(m->imm, mi.imm));
		}
	}
	for (size_t i = 0; i < parts.size(); i++)
		s += (i ? ", " : " ") + parts[i];
	return s;
}

std::string print_asm(const AsmProgram &p)
{
	std::string s;
	for (size_t b = 0; b < p.blocks.size(); b++) {
		s += "BB" + std::to_string(b) + ":\n";
		for (const AsmInst &ai : p.blocks[b].insts) {
			s += "  " + format_inst(ai.inst, ai.target);
			if (ai.nop_for && ai.nop_for < MICA_HAZARD_COUNT)
				s += std::string("  ; ") + mica_hazard_name[ai.nop_for];
			s += "\n";
		}
	}
	return s;
}

} // namespace mica::compiler
