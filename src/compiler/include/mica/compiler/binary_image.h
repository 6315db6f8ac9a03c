// The compiler's output binary is the ISA library's in-memory binary (src/isa, mica/isa/binary.h):
// one implementation of the format (mica.toml [binary], docs/hw/binary-format.md), its canonical
// serialisation (Binary::serialize) and its validating parser (mica::isa::parse_binary). The
// compiler API keeps its own names for the two types.
#pragma once

#include "mica/isa/binary.h"

namespace mica::compiler {

using BinaryImage = isa::Binary;
using BinaryEntry = isa::EntryPoint;

} // namespace mica::compiler
