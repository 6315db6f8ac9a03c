// Statistics and the static cycle estimate.
// The estimate walks the final program in layout order with a simple issue model: one cycle per
// instruction, s_nop N = N+1, and an s_waitcnt costs the remaining latency (mica.toml [units]) of
// the newest operation it waits for. Loop bodies are counted 'loop_trip_guess' times per nesting
// level since trip counts are unknown statically.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "compiler_internal.h"
#include "machine.h"
#include "mica_occupancy.h"

namespace mica::compiler {

// The arithmetic is the device's own (src/hw/mica_occupancy.c): the device model refuses and the
// kernel rejects a dispatch whose workgroup does not fit one CU, so the compiler's register limits
// must come from the same function.
unsigned vgpr_limit(uint32_t invocations)
{
	return mica_workgroup_vgpr_limit(invocations);
}

unsigned sgpr_limit(uint32_t invocations)
{
	return mica_workgroup_sgpr_limit(invocations);
}

// Workgroups are resident as a whole: the CU takes as many as its wave slots, register files
// (each wave's count rounded up to the allocation granule) and shared memory allow. A wave is
// counted as holding at least one granule of each file.
Occupancy estimate_occupancy(uint32_t vgprs, uint32_t sgprs, uint32_t shared_bytes, uint32_t invocations)
{
	mica_cu_limit binding = MICA_CU_LIMIT_NONE;
	const uint32_t groups = mica_workgroups_per_cu(invocations, std::max<uint32_t>(vgprs, 1),
	                                               std::max<uint32_t>(sgprs, 1), shared_bytes, &binding);
	return Occupancy{groups * mica_waves_per_workgroup(invocations), mica_cu_limit_name(binding)};
}

uint64_t estimate_cycles(const AsmProgram &p, unsigned loop_trip_guess)
{
	uint64_t total = 0;
	for (const AsmBlock &b : p.blocks) {
		uint64_t cycles = 0;
		std::vector<uint64_t> gm_done, ls_done;   // completion cycle of outstanding ops (in block)
		for (const AsmInst &ai : b.insts) {
			const mica_op_info *m = ai.inst.info;
			if (m->opcode == MICA_OP_S_WAITCNT) {
				unsigned gm, ls;
				waitcnt_fields(ai.inst.imm, gm, ls);
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
	char buf[384];
	if (json) {
		snprintf(buf, sizeof buf,
		         "{\"instructions\": %u, \"code_bytes\": %u, \"vgprs\": %u, \"sgprs\": %u, \"spills\": %u, "
		         "\"scratch_bytes\": %u, \"shared_bytes\": %u, \"waves_per_cu\": %u, \"occupancy_limited_by\": \"%s\", "
		         "\"estimated_cycles\": %llu, \"nops_inserted\": %u, "
		         "\"waits_inserted\": %u, \"hazards\": {",
		         s.instructions, s.code_bytes, s.vgprs, s.sgprs, s.spills, s.scratch_bytes, s.shared_bytes,
		         s.waves_per_cu, s.occupancy_limited_by.c_str(), (unsigned long long)s.estimated_cycles, s.nops_inserted, s.waits_inserted);
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
	         "instructions:     %u (%u bytes)\nregisters:        %u VGPRs, %u SGPRs, %u spills\n"
	         "scratch memory:   %u bytes per lane\nshared memory:    %u bytes\n"
	         "occupancy:        %u waves per CU (limited by %s)\nestimated cycles: %llu\nNOPs inserted:    %u\nwaits inserted:   %u\n",
	         s.instructions, s.code_bytes, s.vgprs, s.sgprs, s.spills, s.scratch_bytes, s.shared_bytes,
	         s.waves_per_cu, s.occupancy_limited_by.c_str(), (unsigned long long)s.estimated_cycles, s.nops_inserted, s.waits_inserted);
	out = buf;
	for (unsigned h = 1; h < MICA_HAZARD_COUNT && h < s.nops_per_hazard.size(); h++) {
		snprintf(buf, sizeof buf, "  %-20s %u NOPs, %u cycles\n", mica_hazard_name[h], s.nops_per_hazard[h],
		         h < s.nop_cycles_per_hazard.size() ? s.nop_cycles_per_hazard[h] : 0);
		out += buf;
	}
	return out;
}

} // namespace mica::compiler
