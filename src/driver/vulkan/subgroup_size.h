// VK_EXT_subgroup_size_control (core 1.3): which subgroup size a compute stage is compiled for.
// Waves are 32 lanes; the compiler runs subgroups of 8 or 16 lanes inside them (docs/compiler.md
// "Subgroup sizes"), so the device offers 8, 16 and 32.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>

#include "mica_hw.h"

namespace mica::vk {

constexpr uint32_t kMinSubgroupSize = 8;
constexpr uint32_t kMaxSubgroupSize = MICA_WAVE_SIZE;
// The size a stage gets when it asks for none, and the one reported as subgroupSize.
constexpr uint32_t kDefaultSubgroupSize = MICA_WAVE_SIZE;

// The stage's subgroup size: VkPipelineShaderStageRequiredSubgroupSizeCreateInfo's when chained,
// else the default (also with ALLOW_VARYING_SUBGROUP_SIZE, which lets the driver pick any).
// False, with the reason, for a required size that is not a power of two in [min, max].
bool choose_subgroup_size(const VkPipelineShaderStageCreateInfo& stage, uint32_t& size, std::string& why);

}  // namespace mica::vk
