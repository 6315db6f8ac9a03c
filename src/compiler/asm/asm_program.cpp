// AsmProgram's own code: building, successors and the text form of decoded Mica instructions
// (asm.h). Apart from the compiler's IR, so that the static hazard verifier can run on any
// decoded program (micac --verify, the device model's translating engine).
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <span>

#include "asm.h"
#include "hazard_rules.h"
#include "machine.h"
#include "mica/isa/names.h"

namespace mica::compiler {

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
			unsigned gm, ls;
			waitcnt_fields(mi.imm, gm, ls);
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
