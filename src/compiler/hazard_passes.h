// Hazard NOP insertion, wait-count insertion and the static verifier (all on AsmProgram).
#pragma once

#include <vector>

#include "hazard_rules.h"

namespace mica::compiler {

struct HazardPassStats {
	std::vector<uint32_t> nops_per_hazard = std::vector<uint32_t>(MICA_HAZARD_COUNT, 0);
	std::vector<uint32_t> cycles_per_hazard = std::vector<uint32_t>(MICA_HAZARD_COUNT, 0);
	uint32_t waits = 0;
};

// Forward dataflow over the CFG to a fixpoint (loops included); inserts s_waitcnt before any
// instruction touching a register whose load result may still be in flight (MEM_RESULT).
void insert_waits(AsmProgram &p, HazardPassStats &stats);
// Same scheme for the distance rules; inserts s_nop N before the consumer. Rules are keyed by the
// program's revision and power profile.
void insert_hazard_nops(AsmProgram &p, HazardPassStats &stats);
// Checks every rule on every path; returns the violations (empty when the program is safe).
std::vector<Violation> verify_hazards(const AsmProgram &p);

} // namespace mica::compiler
