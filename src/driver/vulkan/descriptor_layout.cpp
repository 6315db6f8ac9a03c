#include "descriptor_layout.h"
#include "entrypoints.h"

#include <algorithm>

namespace mica::vk {

const BindingLayout* DescriptorSetLayout::find(uint32_t binding) const {
  auto it = std::lower_bound(bindings_.begin(), bindings_.end(), binding,
                             [](const BindingLayout& b, uint32_t n) { return b.binding < n; });
  return it != bindings_.end() && it->binding == binding ? &*it : nullptr;
}

uint32_t DescriptorSetLayout::descriptor_count(VkDescriptorType type) const {
  uint32_t n = 0;
  for (const auto& b : bindings_)
    if (b.type == type) n += b.count;
  return n;
}

VkResult DescriptorSetLayout::create(const VkDescriptorSetLayoutCreateInfo& info,
                                     std::unique_ptr<DescriptorSetLayout>& out) {
  auto layout = std::make_unique<DescriptorSetLayout>();
  for (uint32_t i = 0; i < info.bindingCount; ++i) {
    const auto& src = info.pBindings[i];
    BindingLayout b;
    b.binding = src.binding;
    b.type = src.descriptorType;
    b.count = src.descriptorCount;
    layout->bindings_.push_back(b);
  }
  std::sort(layout->bindings_.begin(), layout->bindings_.end(),
            [](const BindingLayout& a, const BindingLayout& c) { return a.binding < c.binding; });
  // Dynamic offsets are consumed in binding-number order, then array-element order.
  uint32_t dynamic = 0;
  for (auto& b : layout->bindings_) {
    b.addressable = is_supported_descriptor_type(b.type) && b.binding < kBindingsPerSet && b.count <= 1;
    if (is_dynamic(b.type)) {
      b.dynamic_index = dynamic;
      dynamic += b.count;
    }
  }
  layout->dynamic_count_ = dynamic;
  out = std::move(layout);
  return VK_SUCCESS;
}

VkResult PipelineLayout::create(const VkPipelineLayoutCreateInfo& info, std::unique_ptr<PipelineLayout>& out) {
  auto layout = std::make_unique<PipelineLayout>();
  for (uint32_t i = 0; i < info.setLayoutCount; ++i) {
    auto* handle = from_handle<DescriptorSetLayoutHandle>(info.pSetLayouts[i]);
    // A null set layout is allowed (graphics pipeline libraries); treat it as an empty set.
    std::shared_ptr<const DescriptorSetLayout> set = handle ? handle->layout : nullptr;
    layout->dynamic_base_.push_back(layout->dynamic_total_);
    if (set) layout->dynamic_total_ += set->dynamic_count();
    layout->sets_.push_back(std::move(set));
  }
  for (uint32_t i = 0; i < info.pushConstantRangeCount; ++i) {
    const auto& r = info.pPushConstantRanges[i];
    layout->push_bytes_ = std::max(layout->push_bytes_, r.offset + r.size);
  }
  out = std::move(layout);
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorSetLayout(VkDevice, const VkDescriptorSetLayoutCreateInfo* pCreateInfo,
                                                         const VkAllocationCallbacks*, VkDescriptorSetLayout* pLayout) {
  return guarded([&] {
    std::unique_ptr<DescriptorSetLayout> layout;
    VkResult r = DescriptorSetLayout::create(*pCreateInfo, layout);
    if (r != VK_SUCCESS) return r;
    auto handle = std::make_unique<DescriptorSetLayoutHandle>();
    handle->layout = std::move(layout);
    *pLayout = release_to_handle<VkDescriptorSetLayout>(std::move(handle));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDescriptorSetLayout(VkDevice, VkDescriptorSetLayout layout,
                                                      const VkAllocationCallbacks*) {
  take_from_handle<DescriptorSetLayoutHandle>(layout);
}

VKAPI_ATTR void VKAPI_CALL GetDescriptorSetLayoutSupport(VkDevice, const VkDescriptorSetLayoutCreateInfo* pCreateInfo,
                                                         VkDescriptorSetLayoutSupport* pSupport) {
  bool ok = true;
  uint64_t dynamic = 0, total = 0;
  for (uint32_t i = 0; i < pCreateInfo->bindingCount; ++i) {
    const auto& b = pCreateInfo->pBindings[i];
    if (b.descriptorCount == 0) continue;
    if (!is_supported_descriptor_type(b.descriptorType) || b.binding >= kBindingsPerSet || b.descriptorCount > 1)
      ok = false;
    if (is_dynamic(b.descriptorType)) dynamic += b.descriptorCount;
    total += b.descriptorCount;
  }
  if (dynamic > kMaxDynamicBuffers || total > kBindingsPerSet) ok = false;
  pSupport->supported = ok ? VK_TRUE : VK_FALSE;
}

VKAPI_ATTR VkResult VKAPI_CALL CreatePipelineLayout(VkDevice, const VkPipelineLayoutCreateInfo* pCreateInfo,
                                                    const VkAllocationCallbacks*, VkPipelineLayout* pLayout) {
  return guarded([&] {
    std::unique_ptr<PipelineLayout> layout;
    VkResult r = PipelineLayout::create(*pCreateInfo, layout);
    if (r != VK_SUCCESS) return r;
    auto handle = std::make_unique<PipelineLayoutHandle>();
    handle->layout = std::move(layout);
    *pLayout = release_to_handle<VkPipelineLayout>(std::move(handle));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyPipelineLayout(VkDevice, VkPipelineLayout layout, const VkAllocationCallbacks*) {
  take_from_handle<PipelineLayoutHandle>(layout);
}

}  // namespace mica::vk
