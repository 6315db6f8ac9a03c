// SPDX-License-Identifier: MIT
// Whether a program the JIT translates is hazard-free, by the compiler's static hazard verifier
// (docs/hw/hazards.md, src/compiler/asm/hazard_verify.cpp) over exactly the code it translates.
#pragma once

#include "codegen.h"

namespace mica::sim::cu::jit {

// True when every rule of mica.toml [[hazard]] holds on every path a wave can take through
// 'code' from its launch, for code.revision and code.power_profile. Then no operand test of the
// pipeline model can fail while a wave runs it (the verifier counts the fewest cycles an
// instruction can take, and a wait covering a load is required before any access of its
// destination), so the translation leaves out the operand tests and the pipeline records
// (codegen.cpp, Emitter::hazard_free_). False, conservatively, when the code is not all of the
// program a wave can run: a slot that could not be fetched or decoded, a branch to code outside
// the translation. MICA_CU_JIT_HAZARD_PROOF=0 answers false for every program (measurements).
bool hazard_free(const Code &code);

} // namespace mica::sim::cu::jit
