// Internal entry points shared by the public API, micac and the tests.
#pragma once

#include <string>
#include <vector>

#include "asm.h"
#include "hazard_passes.h"
#include "ir.h"
#include "mica/compiler/compiler.h"

namespace mica::compiler {

uint64_t estimate_cycles(const AsmProgram &p, unsigned loop_trip_guess = 8);

// Back half of the pipeline from machine IR: (schedule,) register allocation unless every
// temporary already has a register, waits, hazard NOPs, encoding, binary image and stats.
bool compile_machine(ir::Program &machine, const Options &opts, CompileResult &result, std::string &error,
                     AsmProgram *asm_out = nullptr);

// The mid-level pipeline on a parsed/translated program (used by compile_spirv and by tests that
// feed IR text). Returns the machine program after register allocation.
bool run_mid_passes(ir::Program &mid, const Options &opts, std::string &log, std::string &error);

// Assembly input: the machine-IR text format with physical registers (see docs/compiler.md).
std::variant<CompileResult, CompileError> compile_assembly(const std::string &text, const Options &opts);

// Static hazard verifier over every entry point of a binary for its revision/profile (or the
// ones given). Empty result: no violation.
std::variant<std::vector<Violation>, std::string> verify_binary(const BinaryImage &img, int revision = -1,
                                                               int profile = -1);

} // namespace mica::compiler

namespace mica::compiler {
// Already-encoded code (e.g. from the mica-as assembler): decode, insert waits and hazard NOPs,
// re-encode (branch offsets are recomputed). Register counts are taken from 'entry'.
std::variant<CompileResult, CompileError> finish_code(std::span<const uint8_t> code, const BinaryEntry &entry,
                                                      const Options &opts);
} // namespace mica::compiler
