// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mica/isa/assembler.h"
#include "mica/isa/binary.h"

namespace mica::isa::testing {

// Assembles and fails the current test (returning an empty Binary) on any diagnostic.
Binary assemble_ok(const std::string &src);
// All diagnostics of a source that must fail, formatted, one per line.
std::string assemble_errors(const std::string &src);
// A binary that uses every section and field: two entries, literals, branches, const data and
// debug lines.
Binary rich_binary();

}  // namespace mica::isa::testing
