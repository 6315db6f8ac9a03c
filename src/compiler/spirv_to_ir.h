// Front end, step 2: translate a validated, canonicalised SPIR-V module into the mid-level IR.
// The SPIR-V words are walked with the enumerants of SPIRV-Headers' spirv.hpp11; unsupported
// features are refused with a message that names them (capability, opcode, built-in, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ir.h"

namespace mica::compiler {

// Binding model (docs/compiler.md): user-data SGPRs the program expects at launch.
namespace abi {
constexpr unsigned kDescTableSgpr = 0;        // s[0:1]: descriptor table address
constexpr unsigned kPushConstSgpr = 2;        // s[2:3]: push-constant block address
constexpr unsigned kNumWorkgroupsSgpr = 4;    // s4..s6: workgroup count x, y, z
constexpr unsigned kBaseWorkgroupSgpr = 7;    // s7..s9: base workgroup (vkCmdDispatchBase)
constexpr unsigned kDescStride = 16;          // per binding: u64 address, u32 size, u32 reserved
constexpr unsigned kBindingsPerSet = 32;
constexpr unsigned kMaxSets = 4;
// s[10:11]: the scratch buffer (VGPR spills and function-scope variables kept in memory)
constexpr unsigned kScratchBaseSgpr = 10;
// Function-scope variables in scratch memory: at most this many bytes per invocation
constexpr unsigned kMaxLocalBytes = 16384;
} // namespace abi

// robust_buffer_access: storage/uniform buffer accesses through descriptors are bounds-checked
// against the descriptor's size (Options::robust_buffer_access).
bool spirv_to_ir(std::span<const uint32_t> words, const std::string &entry_point, ir::Program &out,
                 std::string &error, bool robust_buffer_access = false);

} // namespace mica::compiler
