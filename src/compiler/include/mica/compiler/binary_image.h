// The compiler's view of a Mica shader binary (mica.toml [binary]): what it produces and what the
// hazard verifier reads. Serialisation follows struct mica_bin_header / mica_bin_entry exactly.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace mica::compiler {

struct BinaryEntry {
	std::string name;
	uint32_t code_offset = 0;
	uint16_t vgpr_count = 0, sgpr_count = 0;
	uint32_t shared_bytes = 0;
	uint16_t wg_size[3] = {1, 1, 1};
	uint16_t flags = 0;
	uint32_t scratch_bytes = 0;
};

struct BinaryImage {
	uint16_t target_revision = 2, power_profile = 0;
	uint32_t flags = 0;
	std::vector<uint8_t> code, const_data;
	std::vector<BinaryEntry> entries;
	std::vector<std::pair<uint32_t, uint32_t>> debug_lines;   // code offset, source line

	std::vector<uint8_t> serialize() const;
	static std::variant<BinaryImage, std::string> parse(std::span<const uint8_t> bytes);
};

} // namespace mica::compiler
