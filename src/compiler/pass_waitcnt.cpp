// Wait-count insertion (MEM_RESULT). Forward dataflow over the CFG: the state at a block's entry
// is the join (union of in-flight registers, fewest younger operations) of its predecessors'
// exits; blocks are re-processed until no state changes, so loops reach a fixpoint. Inserted
// waits are recomputed on every visit, which keeps the result independent of visit order.
#include "hazard_passes.h"

namespace mica::compiler {

void insert_waits(AsmProgram &p, HazardPassStats &stats)
{
	auto rewrite = [&](uint32_t b, WaitState &s) {
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
	};
	auto same = [](const WaitState &a, const WaitState &b) {
		return a.counter == b.counter && a.younger == b.younger && a.ls_has_smem == b.ls_has_smem;
	};
	forward_dataflow<WaitState>(p, [](uint32_t) { return WaitState{}; }, rewrite, same);
	stats.waits = 0;
	for (const AsmBlock &b : p.blocks)
		for (const AsmInst &ai : b.insts)
			stats.waits += ai.inserted_wait;
}

} // namespace mica::compiler
