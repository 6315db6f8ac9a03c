#include "capabilities.h"

namespace mica::vk {

// Mirrors the SPIR-V capabilities the compiler accepts (src/compiler/spirv_to_ir.cpp,
// check_capability): Int64, Float64, GroupNonUniform{,Vote,Ballot,Arithmetic,Shuffle,
// ShuffleRelative}, VulkanMemoryModel{,DeviceScope}. A shader needing anything else is refused
// by the compiler, so the matching feature is not advertised.
const ShaderCapabilities& shader_capabilities() {
  static const ShaderCapabilities caps = [] {
    ShaderCapabilities c;
    c.int64 = true;
    c.float64 = true;
    c.vulkan_memory_model = true;
    c.subgroup_operations = VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_VOTE_BIT |
                            VK_SUBGROUP_FEATURE_BALLOT_BIT | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT |
                            VK_SUBGROUP_FEATURE_SHUFFLE_BIT | VK_SUBGROUP_FEATURE_SHUFFLE_RELATIVE_BIT;
    return c;
  }();
  return caps;
}

}  // namespace mica::vk
