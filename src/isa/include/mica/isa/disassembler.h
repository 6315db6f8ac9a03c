// SPDX-License-Identifier: MIT
// Disassembler: text in the syntax of docs/hw/assembly.md, which mica-as reads back to the same
// bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mica/isa/binary.h"
#include "mica_isa.h"

namespace mica::isa {

// Returns a label name for a code offset, or nothing to print the offset as a number.
using LabelLookup = std::function<std::optional<std::string>(uint64_t code_offset)>;

// One decoded instruction. pc is its byte offset in the code; branch targets are printed as the
// absolute code offset (pc + 8 + imm), which is also what the assembler accepts.
std::string disassemble_instruction(const mica_inst &inst, uint64_t pc);
std::string disassemble_instruction(const mica_inst &inst, uint64_t pc, const LabelLookup &labels);

// A whole binary as an assembly source: header and entry directives, code with labels at branch
// targets and .line directives, and the const section. assemble() of the result reproduces b.
// The binary is expected to have passed parse_binary (code that does not decode is emitted as
// a comment, so the result would not reassemble).
std::string disassemble_binary(const Binary &b);

// The name of the label disassemble_binary gives a code offset.
std::string code_label_name(uint64_t code_offset);

}  // namespace mica::isa
