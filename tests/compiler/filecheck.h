// A small FileCheck (after LLVM's): CHECK, CHECK-NEXT, CHECK-NOT, CHECK-LABEL directives matched
// in order against an output; whitespace runs compare equal; {{regex}} embeds a regular
// expression.
#pragma once

#include <string>

namespace mica::compiler::test {

// Returns "" when every directive in 'checks' (lines containing "CHECK") matches 'output'.
std::string filecheck(const std::string &checks, const std::string &output, const std::string &prefix = "CHECK");

} // namespace mica::compiler::test
