// SPDX-License-Identifier: MIT
// Text listings of a validated binary, for mica-objdump.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "mica/isa/binary.h"

namespace mica::objdump {

// Header fields (read from the raw, already validated bytes) and the entry table.
std::string headers(std::span<const uint8_t> bytes, const isa::Binary &b);
// Code listing: offset, raw words, instruction; labels at entries and branch targets, debug lines.
std::string disassembly(const isa::Binary &b);
// Hex dump of const data with its load offset.
std::string const_dump(const isa::Binary &b);

}  // namespace mica::objdump
