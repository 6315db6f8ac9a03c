// SPDX-License-Identifier: MIT
// Assembler for the syntax in docs/hw/assembly.md. Operand rules are the decoder's: every
// instruction is encoded with mica_encode, driven by the generated tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mica/isa/binary.h"

namespace mica::isa {

struct Diagnostic {
	std::string file;
	unsigned line, column;  // 1-based
	std::string message;

	// "file:line:column: error: message"
	std::string format() const;
};

struct AssembleResult {
	std::optional<Binary> binary;  // set only when there are no diagnostics
	std::vector<Diagnostic> diagnostics;
};

AssembleResult assemble(std::string_view source, std::string_view filename);

}  // namespace mica::isa
