// Workgroup fences where the wave has something to wait for (-O1 and up, on the final
// instructions, before the wait-count and hazard passes).
//
// A workgroup-scope s_fence only waits for the wave's own outstanding memory operations (as
// `s_waitcnt 0,0`; docs/hw/isa.md). GLSL's `if (lid < stride) partial[lid] += ...; barrier();`
// puts the barrier's fence at the top of the join block, where waves whose lanes all skipped the
// body arrive with nothing outstanding: there the fence waits for nothing and only costs an
// instruction. So a fence that opens a block (behind ALU instructions only, such as the join's
// EXEC restore: a fence orders memory operations, not those) moves into the predecessors that may
// still have an operation in flight, when each of those falls into the block and nowhere else
// (the fence then runs on exactly the paths that needed it, where it ran before, next to the
// same memory operations); predecessors with nothing in flight lose it. Which
// operations may be in flight at a block's end is a forward dataflow (any memory instruction
// starts one on its counter; a wait for zero, or a fence, ends them). The tree reduction: one
// instruction fewer per idle level of every wave, 841 -> 789 per 256-lane workgroup.
#include <algorithm>

#include "hazard_passes.h"

namespace mica::compiler {

namespace {

struct InFlight {
	bool gm = false, ls = false; // an operation of that counter may be outstanding
	void merge(const InFlight &o)
	{
		gm |= o.gm;
		ls |= o.ls;
	}
	bool any() const { return gm || ls; }
};

void issue(InFlight &s, const mica_inst &mi)
{
	const mica_op_info *m = mi.info;
	if (m->opcode == MICA_OP_S_FENCE) {
		s = InFlight{};
		return;
	}
	if (m->opcode == MICA_OP_S_WAITCNT) {
		unsigned gm, ls;
		waitcnt_fields(mi.imm, gm, ls);
		s.gm &= gm != 0;
		s.ls &= ls != 0;
		return;
	}
	switch (mica_unit_table[m->unit].counter) {
	case MICA_COUNTER_GM: s.gm = true; break;
	case MICA_COUNTER_LS: s.ls = true; break;
	default: break;
	}
}

bool is_workgroup_fence(const AsmInst &ai)
{
	return ai.inst.info->opcode == MICA_OP_S_FENCE && (uint32_t)ai.inst.imm == MICA_SCOPE_WORKGROUP;
}

} // namespace

bool sink_workgroup_fences(AsmProgram &p)
{
	p.compute_succs();
	const size_t nb = p.blocks.size();
	// What may be in flight at each block's end: the fixpoint's exit states (the dataflow's last
	// visit of each block is at the fixpoint; nothing is rewritten).
	std::vector<InFlight> out(nb);
	forward_dataflow<InFlight>(
		p, [](uint32_t) { return InFlight{}; },
		[&](uint32_t b, InFlight &s) {
			for (const AsmInst &ai : p.blocks[b].insts)
				issue(s, ai.inst);
			out[b] = s;
		},
		[](const InFlight &a, const InFlight &b) { return a.gm == b.gm && a.ls == b.ls; });
	std::vector<std::vector<uint32_t>> preds(nb);
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t s : p.blocks[b].succs)
			if (std::find(preds[s].begin(), preds[s].end(), b) == preds[s].end())
				preds[s].push_back(b);
	bool moved = false;
	for (uint32_t b = 1; b < nb; b++) {
		AsmBlock &blk = p.blocks[b];
		// The block's first fence, behind ALU instructions only (the EXEC restore at the join):
		// a fence orders memory operations, so it may go ahead of those.
		size_t at = 0;
		while (at < blk.insts.size() && blk.insts[at].inst.info->format == MICA_FMT_ALU)
			at++;
		if (at == blk.insts.size() || !is_workgroup_fence(blk.insts[at]) || preds[b].empty())
			continue;
		bool idle_pred = false, ok = true;
		for (uint32_t q : preds[b]) {
			if (!out[q].any()) {
				idle_pred = true;
				continue;
			}
			const std::vector<uint32_t> &qs = p.blocks[q].succs;
			ok &= q != b && std::all_of(qs.begin(), qs.end(), [&](uint32_t s) { return s == b; });
		}
		if (!ok || !idle_pred)
			continue;
		const AsmInst fence = blk.insts[at];
		blk.insts.erase(blk.insts.begin() + (ptrdiff_t)at);
		for (uint32_t q : preds[b]) {
			if (!out[q].any())
				continue;
			std::vector<AsmInst> &qi = p.blocks[q].insts;
			const bool ends_in_branch = !qi.empty() && qi.back().inst.info->opcode == MICA_OP_S_BRANCH;
			qi.insert(ends_in_branch ? qi.end() - 1 : qi.end(), fence);
		}
		moved = true;
	}
	return moved;
}

} // namespace mica::compiler
