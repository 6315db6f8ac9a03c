// SPDX-License-Identifier: MIT
// Private helpers shared by the assembler and the disassembler so both agree on spelling.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mica_isa.h"

namespace mica::isa::text {

std::string hex(uint64_t v);
// Spelling of inline float constant i (0-based, in mica.toml order), e.g. "-0.5", "2.0".
std::string float_const_spelling(unsigned i);
// The inline-constant operand value (raw) an integer maps to, if any.
bool int_inline_raw(int64_t v, unsigned *raw);
// IEEE half from float, round to nearest even.
uint16_t f32_to_f16(float f);
// Name of operand column i in a format ("dst", "src0", "addr", ...).
const char *column_name(unsigned format, unsigned i);
// "VGPR, SGPR, exec, ..." for an allow mask.
std::string allowed_list(unsigned allow);
// The class name of a classified operand, e.g. "a VGPR".
const char *class_phrase(enum mica_opnd_class c);
bool is_ident_start(char c);
bool is_ident_char(char c);
// Entry names: bare when they are identifiers, else a quoted string with \" \\ \xNN escapes.
std::string quote_name(std::string_view name);
// Whether the instruction's 32-bit float operands are f16 (mnemonic ends in _f16).
bool uses_f16(const mica_op_info &info);

}  // namespace mica::isa::text
