// SPDX-License-Identifier: MIT
// The Mica shader binary (docs/hw/binary-format.md): an in-memory form, its canonical
// serialization and a parser that validates every field before anything else trusts the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mica_isa.h"

namespace mica::isa {

struct EntryPoint {
	std::string name;
	uint32_t code_offset = 0;  // byte offset into code, MICA_CODE_ALIGNMENT aligned
	uint16_t vgpr_count = 0, sgpr_count = 0;
	uint32_t shared_bytes = 0;
	uint16_t wg_size[3] = {1, 1, 1};
	uint16_t flags = 0;
	uint32_t scratch_bytes = 0;

	bool operator==(const EntryPoint &) const = default;
};

struct DebugLine {
	uint32_t code_offset = 0, line = 0;

	bool operator==(const DebugLine &) const = default;
};

struct Binary {
	uint16_t target_revision = MICA_REV_R2;
	uint16_t power_profile = MICA_PROFILE_PERF;
	uint32_t flags = 0;
	std::vector<uint8_t> code;        // a whole number of 64-bit little-endian instruction words
	std::vector<uint8_t> const_data;  // placed at code base + align_up(code size, 256) when loaded
	std::vector<EntryPoint> entries;
	std::vector<DebugLine> debug_lines;

	// Canonical layout: header, entry table, code (8-aligned), const data, debug lines (8-aligned),
	// string table. parse_binary(serialize()) gives back an equal Binary.
	std::vector<uint8_t> serialize() const;

	bool operator==(const Binary &) const = default;
};

struct BinaryError {
	size_t offset = 0;  // byte offset in the file of the offending field or instruction
	std::string message;
};

// Validates everything (see docs/hw/binary-format.md) and never reads outside `bytes`.
std::variant<Binary, BinaryError> parse_binary(std::span<const uint8_t> bytes);

// Where const data lands relative to the code base when a binary is loaded.
uint64_t const_data_load_offset(const Binary &b);

// Reads the 64-bit instruction word at byte offset `off` of code (little endian).
uint64_t code_word(std::span<const uint8_t> code, size_t off);

}  // namespace mica::isa
