// Wait-count insertion (MEM_RESULT). Forward dataflow over the CFG: the state at a block's entry
// is the join (union of in-flight registers, fewest younger operations) of its predecessors'
// exits; blocks are re-processed until no state changes, so loops reach a fixpoint. Inserted
// waits are recomputed on every visit, which keeps the result independent of visit order.
#include "hazard_passes.h"

namespace mica::compiler {

void insert_waits(AsmProgram &p, HazardPassStats &stats)
{
	size_t nb = p.blocks.size();
	std::vector<WaitState> out(nb);
	std::vector<bool> visited(nb, false);
	std::vector<std::vector<uint32_t>> preds(nb);
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t s : p.blocks[b].succs)
			preds[s].push_back(b);
	bool changed = true;
	for (int iter = 0; changed && iter < 1000; iter++) {
		changed = false;
		for (uint32_t b = 0; b < nb; b++) {
			WaitState s;
			for (uint32_t pr : preds[b])
				if (visited[pr])
					s.merge(out[pr]);
			auto &insts = p.blocks[b].insts;
			std::vector<AsmInst> result;
			for (AsmInst &ai : insts) {
				if (ai.inserted_wait)
					continue;
				unsigned gm, ls, reg = 0;
				if (wait_need(s, ai.inst, gm, ls, reg)) {
					AsmInst w;
					w.inst = make_inst(MICA_OP_S_WAITCNT);
					w.inst.imm = waitcnt_imm(gm, ls);
					w.inserted_wait = true;
					w.nop_for = MICA_HAZARD_MEM_RESULT;
					wait_issue(s, w.inst);
					result.push_back(w);
				}
				wait_issue(s, ai.inst);
				result.push_back(ai);
			}
			insts = std::move(result);
			bool same = visited[b] && out[b].counter == s.counter && out[b].younger == s.younger &&
			            out[b].ls_has_smem == s.ls_has_smem;
			if (!same) {
				visited[b] = true;
				out[b] = s;
				changed = true;
			}
		}
	}
	stats.waits = 0;
	for (const AsmBlock &b : p.blocks)
		for (const AsmInst &ai : b.insts)
			stats.waits += ai.inserted_wait;
}

} // namespace mica::compiler
