// SPDX-License-Identifier: MIT
// Introspection of the compute-unit engine for its own tests and benchmarks (the device uses
// only make_compute_engine from src/sim/engine.h).
#pragma once

#include <array>
#include <cstdint>

#include "../engine.h"

namespace mica::sim::cu {

// Opcodes (by mica opcode value) that any dispatch of this engine has executed; all false for
// an engine not made by make_compute_engine.
std::array<bool, MICA_OPCODE_SPACE> executed_opcodes(const ComputeEngine &engine);
// Whether the engine translates programs (MICA_CU_ENGINE / the requested engine resolved to jit).
bool uses_jit(const ComputeEngine &engine);
// Instructions the translated code of this engine handed back to the interpreter, summed over
// the dispatches so far.
uint64_t jit_interpreted(const ComputeEngine &engine);

} // namespace mica::sim::cu
