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

namespace mica::compiler {

namespace {

uint32_t round_up(uint32_t v, uint32_t g) { return (v + g - 1) / g * g; }
uint32_t waves_per_group(uint32_t invocations) { return std::max<uint32_t>(1, (invocations + MICA_WAVE_SIZE - 1) / MICA_WAVE_SIZE); }

} // namespace

unsigned vgpr_limit(uint32_t invocations)
{
	uint32_t per_wave = MICA_VGPR_FILE_PER_CU / waves_per_group(invocations);
	return std::min<uint32_t>(MICA_VGPRS_PER_WAVE, per_wave / MICA_VGPR_ALLOC_GRANULE * MICA_VGPR_ALLOC_GRANULE);
}

unsigned sgpr_limit(uint32_t invocations)
{
	uint32_t per_wave = MICA_SGPR_FILE_PER_CU / waves_per_group(invocations);
	return std::min<uint32_t>(MICA_SGPRS_PER_WAVE, per_wave / MICA_SGPR_ALLOC_GRANULE * MICA_SGPR_ALLOC_GRANULE);
}

// Workgroups are resident as a whole: the CU takes as many as its wave slots, register files
// (each wave's count rounded up to the allocation granule) and shared memory allow.
Occupancy estimate_occupancy(uint32_t vgprs, uint32_t sgprs, uint32_t shared_bytes, uint32_t invocations)
{
	const uint32_t wpg = waves_per_group(invocations);
	const uint32_t v = round_up(std::max<uint32_t>(vgprs, 1), MICA_VGPR_ALLOC_GRANULE);
	const uint32_t s = round_up(std::max<uint32_t>(sgprs, 1), MICA_SGPR_ALLOC_GRANULE);
	struct Limit {
		uint32_t groups;
		const char *name;
	} limits[] = {
		{MICA_WAVE_SLOTS_PER_CU / wpg, "wave slots"},
		{MICA_VGPR_FILE_PER_CU / (v * wpg), "VGPRs"},
		{MICA_SGPR_FILE_PER_CU / (s * wpg), "SGPRs"},
		{shared_bytes ? MICA_SHARED_BYTES_PER_CU / shared_bytes : UINT32_MAX, "shared memory"},
	};
	const Limit *lowest = &limits[0];
	for (const Limit &l : limits)
		if (l.groups < lowest->groups)
			lowest = &l;
	return Occupancy{lowest->groups * wpg, lowest->name};
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
