// SPDX-License-Identifier: MIT
#include "hazard_proof.h"

#include <map>
#include <set>

#include "../env_switch.h"
#include "hazard_verify.h"

namespace mica::sim::cu::jit {

namespace {

// The decoder's form of a slot's instruction, as far as the hazard rules read it (operands,
// immediate or memory offset, literal).
mica_inst to_mica_inst(const DecodedInst &d)
{
	mica_inst mi{};
	mi.info = d.info;
	mi.words = d.words;
	for (unsigned i = 0; i < 4; i++) {
		mi.opnd[i] = d.opnd[i];
		if (d.opnd[i] == MICA_OPND_LITERAL && d.info->kind[i] != MICA_KIND_UNUSED) {
			mi.has_literal = 1;
			mi.literal = d.k[i];
		}
	}
	if (d.info->format == MICA_FMT_MEM)
		mi.offset = d.imm;
	else
		mi.imm = d.imm;
	return mi;
}

bool proof_enabled() { return switched_on("MICA_CU_JIT_HAZARD_PROOF"); }

} // namespace

bool hazard_free(const Code &code)
{
	static const bool enabled = proof_enabled();
	if (!enabled || !code.slots.count(0))
		return false;
	// Block leaders: the launch offset, branch targets, the instruction after a branch or an
	// end, and any slot the one before it does not fall through to.
	std::set<uint64_t> leaders{0};
	uint64_t expect = 0;
	for (const auto &[off, slot] : code.slots) {
		if (slot.state != SlotState::Ok)
			return false;
		const DecodedInst &d = slot.inst;
		const uint64_t next = off + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
		if (off != expect)
			leaders.insert(off);
		if (d.flags & MICA_OPF_BRANCH) {
			const uint64_t target = branch_target(off, d);
			if (!code.slots.count(target))
				return false; // the wave would run code the proof has not seen
			leaders.insert(target);
			leaders.insert(next);
		}
		if ((d.flags & MICA_OPF_END) || d.op == MICA_OP_S_TRAP)
			leaders.insert(next);
		expect = next;
	}
	compiler::AsmProgram p;
	p.revision = code.revision;
	p.power_profile = code.power_profile;
	std::map<uint64_t, uint32_t> block_of;
	for (const auto &[off, slot] : code.slots) {
		if (leaders.count(off)) {
			block_of[off] = static_cast<uint32_t>(p.blocks.size());
			p.blocks.emplace_back();
		}
		compiler::AsmInst ai;
		ai.inst = to_mica_inst(slot.inst);
		ai.pc = off;
		p.blocks.back().insts.push_back(ai);
	}
	// Successors: the branch target, and the next instruction unless the block ends the wave or
	// jumps unconditionally. After s_trap too, which may only add paths (a proof over more
	// paths than the wave can take still holds on its own).
	for (compiler::AsmBlock &b : p.blocks) {
		compiler::AsmInst &last = b.insts.back();
		const DecodedInst &d = code.slots.at(last.pc).inst;
		const uint64_t next = last.pc + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
		if (d.flags & MICA_OPF_BRANCH) {
			const uint32_t target = block_of.at(branch_target(last.pc, d));
			last.target = static_cast<int32_t>(target);
			b.succs.push_back(target);
		}
		const bool falls = !(d.flags & MICA_OPF_END) && (!(d.flags & MICA_OPF_BRANCH) || (d.flags & MICA_OPF_COND));
		if (!falls)
			continue;
		auto it = block_of.find(next);
		if (it != block_of.end())
			b.succs.push_back(it->second);
		else if (d.op != MICA_OP_S_TRAP)
			return false; // falls into code the discovery did not reach (not expected)
	}
	return compiler::verify_hazards(p).empty();
}

} // namespace mica::sim::cu::jit
