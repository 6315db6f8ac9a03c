// Hazard NOP insertion for the distance rules (VALU_LONG_RAW/WAW, SALU_VALU_FORWARD,
// LP_VALU_FORWARD, R1_VCC_BRANCH, SEC_WAVE_START_TLB), keyed by revision and power profile.
// Forward dataflow over the CFG like the wait-count pass: a block's entry state joins its
// predecessors' exits (max cycles still owed per register), blocks are revisited until the
// states are stable, and the NOPs of a block are recomputed from scratch on each visit.
#include "hazard_passes.h"

namespace mica::compiler {

void insert_hazard_nops(AsmProgram &p, HazardPassStats &stats)
{
	auto entry = [](uint32_t b) {
		DistanceState s;
		if (b == 0)
			s.since_start = 0;
		return s;
	};
	auto rewrite = [&](uint32_t b, DistanceState &s) {
		auto &insts = p.blocks[b].insts;
		std::vector<AsmInst> result;
		for (AsmInst &ai : insts) {
			if (ai.nop_for && ai.inst.info->opcode == MICA_OP_S_NOP)
				continue;
			Need n = distance_need(s, ai.inst, p.revision, p.power_profile);
			if (n.cycles) {
				AsmInst nop;
				nop.inst = make_inst(MICA_OP_S_NOP);
				nop.inst.imm = (int32_t)n.cycles - 1;
				nop.nop_for = (uint8_t)n.hazard;
				distance_issue(s, nop.inst, p.revision, p.power_profile);
				result.push_back(nop);
			}
			distance_issue(s, ai.inst, p.revision, p.power_profile);
			result.push_back(ai);
		}
		insts = std::move(result);
	};
	auto same = [](const DistanceState &a, const DistanceState &b) {
		return a.remain == b.remain && a.since_start == b.since_start;
	};
	forward_dataflow<DistanceState>(p, entry, rewrite, same);
	for (auto &v : stats.nops_per_hazard)
		v = 0;
	for (auto &v : stats.cycles_per_hazard)
		v = 0;
	for (const AsmBlock &b : p.blocks)
		for (const AsmInst &ai : b.insts)
			if (ai.nop_for && ai.inst.info->opcode == MICA_OP_S_NOP && ai.nop_for < MICA_HAZARD_COUNT) {
				stats.nops_per_hazard[ai.nop_for]++;
				stats.cycles_per_hazard[ai.nop_for] += (uint32_t)ai.inst.imm + 1;
			}
}

} // namespace mica::compiler
