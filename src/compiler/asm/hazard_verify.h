// The static hazard verifier (docs/hw/hazards.md): every rule of mica.toml [[hazard]] on every
// path of a decoded program, for its revision and power profile.
#pragma once

#include <vector>

#include "hazard_rules.h"

namespace mica::compiler {

// Checks every rule on every path from block 0 (a wave's launch); returns the violations (empty
// when the program is safe).
std::vector<Violation> verify_hazards(const AsmProgram &p);

} // namespace mica::compiler
