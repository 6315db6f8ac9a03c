// SPDX-License-Identifier: MIT
#include "mica/isa/disassembler.h"

#include <cstdio>
#include <map>
#include <set>

#include "mica/isa/names.h"
#include "text.h"

namespace mica::isa {
namespace {

std::string reg_text(char prefix, unsigned first, unsigned regs)
{
	if (regs <= 1)
		return prefix + std::to_string(first);
	return std::string(1, prefix) + "[" + std::to_string(first) + ":" + std::to_string(first + regs - 1) + "]";
}

// A literal that the assembler would otherwise turn into an inline constant is wrapped in
// lit(...) so that reassembly keeps the literal word.
std::string literal_text(uint64_t value, unsigned bits)
{
	unsigned raw = 0;
	const int64_t as_int = bits == 64 ? static_cast<int64_t>(value) : static_cast<int32_t>(static_cast<uint32_t>(value));
	if (text::int_inline_raw(as_int, &raw))
		return "lit(" + text::hex(value) + ")";
	return text::hex(value);
}

std::string operand_text(const mica_inst &inst, unsigned i)
{
	const unsigned raw = inst.opnd[i];
	const unsigned regs = mica_inst_opnd_regs(&inst, i);
	switch (mica_opnd_classify(raw)) {
	case MICA_OC_VGPR: return reg_text('v', raw - MICA_OPND_VGPR_FIRST, regs);
	case MICA_OC_SGPR: return reg_text('s', raw - MICA_OPND_SGPR_FIRST, regs);
	case MICA_OC_EXEC: return "exec";
	case MICA_OC_VCC: return "vcc";
	case MICA_OC_SCC: return "scc";
	case MICA_OC_LANE_ID: return "lane_id";
	// "off" reads naturally for an absent address part; a discarded result is "none".
	case MICA_OC_NONE: return inst.info->format == MICA_FMT_MEM && i != 0 ? "off" : "none";
	case MICA_OC_CONST:
		if (raw >= MICA_OPND_FLOAT_FIRST)
			return text::float_const_spelling(raw - MICA_OPND_FLOAT_FIRST);
		if (raw >= MICA_OPND_INT_NEG_FIRST)
			return "-" + std::to_string(raw - MICA_OPND_INT_NEG_FIRST + 1);
		return std::to_string(raw - MICA_OPND_INT_CONST_FIRST);
	case MICA_OC_LITERAL: {
		const unsigned bits = mica_kind_table[inst.info->kind[i]].regs == 2 ? 64 : 32;
		return literal_text(bits == 64 ? inst.literal : (inst.literal & 0xffffffffu), bits);
	}
	default: return "<reserved " + std::to_string(raw) + ">";
	}
}

std::string signed_hex(int64_t v)
{
	return v < 0 ? "-" + text::hex(static_cast<uint64_t>(-v)) : text::hex(static_cast<uint64_t>(v));
}

std::string named_or_number(std::span<const NamedValue> table, const char *func, int32_t imm)
{
	if (imm >= 0)
		if (auto n = name_of(table, static_cast<uint32_t>(imm)))
			return std::string(func) + "(" + std::string(*n) + ")";
	return std::to_string(imm);
}

std::string waitcnt_text(int32_t imm)
{
	const uint32_t v = static_cast<uint32_t>(imm);
	const uint32_t field = (1u << MICA_WAITCNT_BITS) - 1;
	const uint32_t known = (field << MICA_WAITCNT_GM_SHIFT) | (field << MICA_WAITCNT_LS_SHIFT);
	const uint32_t gm = (v >> MICA_WAITCNT_GM_SHIFT) & field, ls = (v >> MICA_WAITCNT_LS_SHIFT) & field;
	if ((v & ~known) || (gm == MICA_WAITCNT_NOWAIT && ls == MICA_WAITCNT_NOWAIT))
		return text::hex(v);
	std::string s;
	if (gm != MICA_WAITCNT_NOWAIT)
		s += "gm(" + std::to_string(gm) + ")";
	if (ls != MICA_WAITCNT_NOWAIT)
		s += std::string(s.empty() ? "" : " ") + "ls(" + std::to_string(ls) + ")";
	return s;
}

std::string imm_text(const mica_inst &inst, uint64_t pc, const LabelLookup *labels)
{
	switch (inst.info->imm) {
	case MICA_IMM_TARGET: {
		const int64_t target = static_cast<int64_t>(pc) + MICA_INSTRUCTION_BYTES + inst.imm;
		if (labels && target >= 0)
			if (auto l = (*labels)(static_cast<uint64_t>(target)))
				return *l;
		return signed_hex(target);
	}
	case MICA_IMM_WAITCNT: return waitcnt_text(inst.imm);
	case MICA_IMM_SCOPE: return named_or_number(fence_scope_names(), "scope", inst.imm);
	case MICA_IMM_HWREG: return named_or_number(hwreg_names(), "hwreg", inst.imm);
	case MICA_IMM_COUNTER: return named_or_number(perf_counter_names(), "counter", inst.imm);
	default: return std::to_string(inst.imm);
	}
}

std::string disassemble(const mica_inst &inst, uint64_t pc, const LabelLookup *labels)
{
	std::string s = inst.info->name;
	bool first = true;
	auto add = [&](const std::string &t) {
		s += first ? " " : ", ";
		s += t;
		first = false;
	};
	for (unsigned i = 0; i < 4; i++)
		if (inst.info->kind[i] != MICA_KIND_UNUSED)
			add(operand_text(inst, i));
	if (inst.info->format == MICA_FMT_CTRL && inst.info->imm != MICA_IMM_NONE)
		add(imm_text(inst, pc, labels));
	if (inst.info->format == MICA_FMT_MEM && inst.offset != 0)
		s += " offset:" + std::to_string(inst.offset);
	return s;
}

}  // namespace

std::string code_label_name(uint64_t code_offset)
{
	char buf[32];
	std::snprintf(buf, sizeof buf, "L_%06llx", static_cast<unsigned long long>(code_offset));
	return buf;
}

std::string disassemble_instruction(const mica_inst &inst, uint64_t pc) { return disassemble(inst, pc, nullptr); }

std::string disassemble_instruction(const mica_inst &inst, uint64_t pc, const LabelLookup &labels)
{
	return disassemble(inst, pc, &labels);
}

std::string disassemble_binary(const Binary &b)
{
	std::string out = "; Mica binary: " + std::to_string(b.entries.size()) + " entries, " +
		std::to_string(b.code.size()) + " bytes of code, " + std::to_string(b.const_data.size()) +
		" bytes of const data\n";
	const auto rev = name_of(revision_names(), b.target_revision);
	out += ".target " + (rev ? std::string(*rev) : std::to_string(b.target_revision)) + "\n";
	const auto prof = name_of(profile_names(), b.power_profile);
	out += ".profile " + (prof ? std::string(*prof) : std::to_string(b.power_profile)) + "\n";
	if (b.flags)
		out += ".binary_flags " + text::hex(b.flags) + "\n";
	for (const EntryPoint &e : b.entries) {
		out += "\n.kernel " + text::quote_name(e.name) + ", " + text::hex(e.code_offset) + "\n";
		out += ".vgprs " + std::to_string(e.vgpr_count) + "\n";
		out += ".sgprs " + std::to_string(e.sgpr_count) + "\n";
		out += ".shared " + std::to_string(e.shared_bytes) + "\n";
		out += ".workgroup " + std::to_string(e.wg_size[0]) + ", " + std::to_string(e.wg_size[1]) + ", " +
			std::to_string(e.wg_size[2]) + "\n";
		out += ".scratch " + std::to_string(e.scratch_bytes) + "\n";
		if (e.flags)
			out += ".flags " + text::hex(e.flags) + "\n";
	}

	// First pass: decode everything and collect branch targets that are instruction starts.
	struct Decoded {
		size_t off;
		mica_inst inst;
		bool ok;
	};
	std::vector<Decoded> insts;
	std::set<uint64_t> starts, targets;
	for (size_t off = 0; off + MICA_INSTRUCTION_BYTES <= b.code.size();) {
		const size_t nwords = (b.code.size() - off) / MICA_INSTRUCTION_BYTES;
		uint64_t words[2] = {code_word(b.code, off), nwords > 1 ? code_word(b.code, off + 8) : 0};
		Decoded d{off, {}, false};
		d.ok = mica_decode(words, nwords > 1 ? 2 : 1, &d.inst, nullptr) == MICA_DEC_OK;
		starts.insert(off);
		if (d.ok && (d.inst.info->flags & MICA_OPF_BRANCH))
			targets.insert(off + MICA_INSTRUCTION_BYTES + static_cast<int64_t>(d.inst.imm));
		off += d.ok ? d.inst.words * MICA_INSTRUCTION_BYTES : MICA_INSTRUCTION_BYTES;
		insts.push_back(d);
	}
	const LabelLookup labels = [&](uint64_t off) -> std::optional<std::string> {
		if (targets.count(off) && starts.count(off))
			return code_label_name(off);
		return std::nullopt;
	};

	out += "\n.text\n";
	size_t line_idx = 0;
	for (const Decoded &d : insts) {
		if (labels(d.off))
			out += code_label_name(d.off) + ":\n";
		for (const EntryPoint &e : b.entries)
			if (e.code_offset == d.off)
				out += "    ; entry " + text::quote_name(e.name) + "\n";
		while (line_idx < b.debug_lines.size() && b.debug_lines[line_idx].code_offset <= d.off) {
			if (b.debug_lines[line_idx].code_offset == d.off)
				out += "    .line " + std::to_string(b.debug_lines[line_idx].line) + "\n";
			line_idx++;
		}
		if (d.ok)
			out += "    " + disassemble(d.inst, d.off, &labels) + "\n";
		else
			out += "    ; undecodable word " + text::hex(code_word(b.code, d.off)) + "\n";
	}

	if (!b.const_data.empty()) {
		out += "\n.const\n";
		for (size_t i = 0; i < b.const_data.size(); i += 16) {
			out += "    .byte ";
			for (size_t j = i; j < b.const_data.size() && j < i + 16; j++) {
				char buf[8];
				std::snprintf(buf, sizeof buf, "%s0x%02x", j == i ? "" : ", ", b.const_data[j]);
				out += buf;
			}
			out += "\n";
		}
	}
	return out;
}

}  // namespace mica::isa
