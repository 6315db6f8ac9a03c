// Static hazard verifier: runs every rule of mica.toml [[hazard]] over every path of a program
// (forward dataflow to a fixpoint, joins take the worst case) and reports each instruction that
// issues too early. The kernel's validator reuses this logic for SEC_WAVE_START_TLB.
#include "hazard_verify.h"
#include "machine.h"

namespace mica::compiler {

std::vector<Violation> verify_hazards(const AsmProgram &p)
{
	size_t nb = p.blocks.size();
	std::vector<DistanceState> dout(nb);
	std::vector<WaitState> wout(nb);
	std::vector<bool> visited(nb, false);
	std::vector<std::vector<uint32_t>> preds(nb);
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t s : p.blocks[b].succs)
			preds[s].push_back(b);
	std::vector<Violation> found;
	bool changed = true;
	for (int iter = 0; changed && iter < 1000; iter++) {
		changed = false;
		found.clear();
		for (uint32_t b = 0; b < nb; b++) {
			DistanceState d;
			WaitState w;
			if (b == 0)
				d.since_start = 0;
			for (uint32_t pr : preds[b])
				if (visited[pr]) {
					d.merge(dout[pr]);
					w.merge(wout[pr]);
				}
			for (const AsmInst &ai : p.blocks[b].insts) {
				Need n = distance_need(d, ai.inst, p.revision, p.power_profile);
				if (n.cycles) {
					Violation v;
					v.hazard = n.hazard;
					v.pc = ai.pc;
					v.reg = n.reg;
					v.required = n.required;
					v.actual = n.required > n.cycles ? n.required - n.cycles : 0;
					v.text = std::string(mica_hazard_name[n.hazard]) + " at byte " + std::to_string(ai.pc) + " (" +
					         format_inst(ai.inst) + "): " +
					         (n.hazard == MICA_HAZARD_SEC_WAVE_START_TLB
					              ? std::string("memory access or branch ") + std::to_string(n.cycles) +
					                    " cycle(s) too early after wave start"
					              : reg_name((uint16_t)n.reg, 1) + " needs " + std::to_string(n.cycles) +
					                    " more cycle(s)");
					found.push_back(v);
				}
				unsigned gm, ls, reg = 0;
				if (wait_need(w, ai.inst, gm, ls, reg)) {
					Violation v;
					v.hazard = MICA_HAZARD_MEM_RESULT;
					v.pc = ai.pc;
					v.reg = reg;
					v.required = v.actual = 0;
					v.text = std::string(mica_hazard_name[MICA_HAZARD_MEM_RESULT]) + " at byte " + std::to_string(ai.pc) +
					         " (" + format_inst(ai.inst) + "): " + reg_name((uint16_t)reg, 1) +
					         " is read or written while a load into it may be in flight";
					found.push_back(v);
					wait_apply(w, gm, ls);   // report once per load
				}
				distance_issue(d, ai.inst, p.revision, p.power_profile);
				wait_issue(w, ai.inst);
			}
			bool same = visited[b] && dout[b].remain == d.remain && dout[b].since_start == d.since_start &&
			            wout[b].counter == w.counter && wout[b].younger == w.younger && wout[b].ls_has_smem == w.ls_has_smem;
			if (!same) {
				visited[b] = true;
				dout[b] = d;
				wout[b] = w;
				changed = true;
			}
		}
	}
	return found;
}

} // namespace mica::compiler
