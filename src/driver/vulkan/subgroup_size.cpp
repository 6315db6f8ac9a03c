#include "subgroup_size.h"

#include "object.h"

namespace mica::vk {

bool choose_subgroup_size(const VkPipelineShaderStageCreateInfo& stage, uint32_t& size, std::string& why) {
  size = kDefaultSubgroupSize;
  const auto* required = find_in_chain<VkPipelineShaderStageRequiredSubgroupSizeCreateInfo>(
      stage.pNext, VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_REQUIRED_SUBGROUP_SIZE_CREATE_INFO);
  if (!required) return true;
  const uint32_t n = required->requiredSubgroupSize;
  if (n < kMinSubgroupSize || n > kMaxSubgroupSize || (n & (n - 1))) {
    why = "requiredSubgroupSize " + std::to_string(n) + " is not a power of two between minSubgroupSize " +
          std::to_string(kMinSubgroupSize) + " and maxSubgroupSize " + std::to_string(kMaxSubgroupSize);
    return false;
  }
  size = n;
  return true;
}

}  // namespace mica::vk
