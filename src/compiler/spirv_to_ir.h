// Front end, step 2: translate a validated, canonicalised SPIR-V module into the mid-level IR.
// The SPIR-V words are walked with the enumerants of SPIRV-Headers' spirv.hpp11; unsupported
// features are refused with a message that names them (capability, opcode, built-in, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ir.h"
#include "mica_hw.h"

namespace mica::compiler {

// Binding model (docs/compiler.md; mica.toml [launch_abi]): user-data SGPRs the program expects at
// launch and the layout of descriptor-set memory.
namespace abi {
constexpr unsigned kDescSetsSgpr = MICA_ABI_S_DESCRIPTOR_SETS;       // s[0:1]: set table address
constexpr unsigned kPushConstSgpr = MICA_ABI_S_PUSH_CONSTANTS;       // s[2:3]: push-constant block address
constexpr unsigned kNumWorkgroupsSgpr = MICA_ABI_S_NUM_WORKGROUPS;   // s4..s6: workgroup count x, y, z
constexpr unsigned kBaseWorkgroupSgpr = MICA_ABI_S_BASE_WORKGROUP;   // s7..s9: base workgroup (vkCmdDispatchBase)
constexpr unsigned kMaxSets = MICA_ABI_DESCRIPTOR_SETS_MAX;          // set table entries (u64 each)
constexpr unsigned kDescStride = MICA_ABI_DESCRIPTOR_BYTES;          // entry / element: u64 address, u32 size, u32 array
constexpr unsigned kArrayHeaderBytes = MICA_ABI_DESCRIPTOR_ARRAY_HEADER_BYTES;   // u32 count, 3 x u32 0
// Image, sampler and texel-buffer bindings: each element is an image descriptor followed by a sampler
// descriptor (docs/hw/texture.md), after the binding's array header (the Vulkan driver's binding_model.h).
constexpr unsigned kImageElementBytes = MICA_TEX_IMAGE_DESCRIPTOR_BYTES + MICA_TEX_SAMPLER_DESCRIPTOR_BYTES;
constexpr unsigned kSamplerInElement = MICA_TEX_IMAGE_DESCRIPTOR_BYTES;
// s[10:11]: the scratch buffer (VGPR spills and function-scope variables kept in memory)
constexpr unsigned kScratchBaseSgpr = 10;
// Kernel-model programs: s[0:1] argument block, s[2:3] dispatch block (docs/compiler.md "Kernel programs")
constexpr unsigned kKernelArgsSgpr = MICA_ABI_S_KERNEL_ARGS;
constexpr unsigned kKernelDispatchSgpr = MICA_ABI_S_KERNEL_DISPATCH;
// Function-scope variables in scratch memory: at most this many bytes per invocation
constexpr unsigned kMaxLocalBytes = 16384;
} // namespace abi

// How storage/uniform buffer accesses through descriptors are bounds-checked against the
// descriptor's size: not at all, per access (Options::robust_buffer_access: the whole vector or
// struct is in bounds or none of it is), or per scalar component (Options::robust_buffer_access2).
enum class RobustAccess { off, per_access, per_component };
namespace spirv_detail {
struct KernelOptions;
}
// kernel: the Kernel-model options and reflection (nullptr for GLCompute modules).
bool spirv_to_ir(std::span<const uint32_t> words, const std::string &entry_point, ir::Program &out,
                 std::string &error, RobustAccess robust = RobustAccess::off,
                 const spirv_detail::KernelOptions *kernel = nullptr, uint32_t subgroup_size = 32);

} // namespace mica::compiler
