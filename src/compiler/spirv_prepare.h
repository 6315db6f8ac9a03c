// Front end, step 1: SPIR-V validation and canonicalisation with SPIRV-Tools.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace mica::compiler {

struct PrepareResult {
	bool ok = false;
	std::string error;                // validator / optimizer message
	std::vector<uint32_t> words;      // canonicalised module
	// Empty when the full recipe's output validated; otherwise the fallback recipe that gave
	// 'words' (e.g. "without ssa-rewrite": SPIRV-Tools broke the valid input, docs/compiler.md).
	std::string fallback;
};

// GLSL.std.450 Modf/Frexp (result through a pointer) -> ModfStruct/FrexpStruct + OpStore, so the
// pointed-to local can be promoted (spirv_outparams.cpp). A module without them is returned as is.
std::vector<uint32_t> lower_extinst_out_params(std::span<const uint32_t> words);

// OpBitcast of an OpConstantComposite of 8/16-bit components -> OpCopyObject of a constant with
// the packed bits (SPIRV-Tools 2023.1 mis-folds it; spirv_constant_bitcast.cpp). A module
// without one is returned as is.
std::vector<uint32_t> fold_narrow_constant_bitcasts(std::span<const uint32_t> words);

// Loops counted by a shift, multiplication or division of a constant start (`s >>= 1` until 0)
// get a second counter stepping by one and the exit test `j < T`, T their trip count as run here
// (at most 'max_trips'), so SPIRV-Tools' unroller sees an ordinary counted loop
// (spirv_counted_loops.cpp). A module without such a loop is returned as is.
std::vector<uint32_t> count_stepped_loops(std::span<const uint32_t> words, uint32_t max_trips);

// Validates 'words' (Vulkan 1.3 environment rules), applies specialisation constants, and runs the
// SPIRV-Tools passes our front end relies on: merge-return, exhaustive inlining, SSA rewrite
// (mem2reg), scalar replacement, and at opt_level > 0 the performance recipe (folding, DCE, CSE).
// When the optimized module does not validate (SPIRV-Tools broke a valid input), the same input
// is canonicalised again with fallback recipes (PrepareResult::fallback; docs/compiler.md).
PrepareResult prepare_spirv(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec,
                            int opt_level, const std::string &entry_point = "main");

// Whether the module declares the Kernel capability (OpenCL; docs/compiler.md "Kernel programs").
bool is_kernel_module(std::span<const uint32_t> words);

// Kernel-model modules: validated against the universal environment of their SPIR-V version
// and returned unchanged (SPIRV-Tools' inlining and promotion passes leave Kernel modules alone;
// the translator inlines calls and the structurizer gives the CFG its constructs).
PrepareResult prepare_kernel_spirv(std::span<const uint32_t> words);

} // namespace mica::compiler
