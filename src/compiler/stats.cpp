// Statistics and the static cycle estimate.
// The estimate walks the final program in layout order with a simple issue model: one cycle per
// instruction, s_nop N = N+1, and an s_waitcnt costs the remaining latency (mica.toml [units]) of
// the newest operation it waits for. Loop bodies are counted 'loop_trip_guess' times per nesting
// level since trip counts are unknown statically.
#include <algorithm>
#include <cstdio>

#include "compiler_internal.h"
#include "machine.h"

namespace mica::compiler {

uint64_t estimate_cycles(const AsmProgram &p, unsigned loop_trip_guess)
{
	uint64_t total = 0;
	for (const AsmBlock &b : p.blocks) {
		uint64_t cycles = 0;
		std::vector<uint64_t> gm_done, ls_done;   // completion cycle of outstanding ops (in block)
		for (const AsmInst &ai : b.insts) {
			const mica_op_info *m = ai.inst.info;
			if (m->opcode == MICA_OP_S_WAITCNT) {
				unsigned gm = ((unsigned)ai.inst.imm >> MICA_WAITCNT_GM_SHIFT) & 63;
				unsigned ls = ((unsigned)ai.inst.imm >> MICA_WAITCNT_LS_SHIFT) & 63;
				auto wait = [&](std::vector<uint64_t> &v, unsigned allowed) {
					while (v.size() > allowed) {
						cycles = std::max(cycles, v.front());
						v.erase(v.begin());
					}
				};
				if (gm != MICA_WAITCNT_NOWAIT)
					wait(gm_done, gm);
				if (ls != MICA_WAITCNT_NOWAIT)
					wait(ls_done, ls);
				cycles += 1;
				continue;
			}
			unsigned ctr = mica_unit_table[m->unit].counter;
			if (ctr == MICA_COUNTER_GM)
				gm_done.push_back(cycles + mica_unit_table[m->unit].latency);
			else if (ctr == MICA_COUNTER_LS)
				ls_done.push_back(cycles + mica_unit_table[m->unit].latency);
			cycles += issue_cycles(ai.inst);
		}
		uint64_t weight = 1;
		for (uint32_t d = 0; d < b.loop_depth && d < 4; d++)
			weight *= loop_trip_guess;
		total += cycles * weight;
	}
	return total;
}

std::string format_stats(const Stats &s, bool json)
{
	std::string out;
	char buf[256];
	if (json) {
		snprintf(buf, sizeof buf,
		         "{\"instructions\": %u, \"code_bytes\": %u, \"vgprs\": %u, \"sgprs\": %u, \"spills\": %u, "
		         "\"shared_bytes\": %u, \"waves_per_cu\": %u, \"estimated_cycles\": %llu, \"nops_inserted\": %u, "
		         "\"waits_inserted\": %u, \"hazards\": {",
		         s.instructions, s.code_bytes, s.vgprs, s.sgprs, s.spills, s.shared_bytes, s.waves_per_cu,
		         (unsigned long long)s.estimated_cycles, s.nops_inserted, s.waits_inserted);
		out = buf;
		bool first = true;
		for (unsigned h = 1; h < MICA_HAZARD_COUNT && h < s.nops_per_hazard.size(); h++) {
			snprintf(buf, sizeof buf, "%s\"%s\": {\"nops\": %u, \"cycles\": %u}", first ? "" : ", ", mica_hazard_name[h],
			         s.nops_per_hazard[h], h < s.nop_cycles_per_hazard.size() ? s.nop_cycles_per_hazard[h] : 0);
			out += buf;
			first = false;
		}
		out += "}}\n";
		return out;
	}
	snprintf(buf, sizeof buf,
	         "instructions:     %u (%u bytes)\nregisters:        %u VGPRs, %u SGPRs, %u spills\nshared memory:    %u bytes\n"
	         "occupancy:        %u waves per CU\nestimated cycles: %llu\nNOPs inserted:    %u\nwaits inserted:   %u\n",
	         s.instructions, s.code_bytes, s.vgprs, s.sgprs, s.spills, s.shared_bytes, s.waves_per_cu,
	         (unsigned long long)s.estimated_cycles, s.nops_inserted, s.waits_inserted);
	out = buf;
	for (unsigned h = 1; h < MICA_HAZARD_COUNT && h < s.nops_per_hazard.size(); h++) {
		snprintf(buf, sizeof buf, "  %-20s %u NOPs, %u cycles\n", mica_hazard_name[h], s.nops_per_hazard[h],
		         h < s.nop_cycles_per_hazard.size() ? s.nop_cycles_per_hazard[h] : 0);
		out += buf;
	}
	return out;
}

} // namespace mica::compiler
