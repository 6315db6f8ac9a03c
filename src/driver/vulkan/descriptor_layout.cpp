#include "descriptor_layout.h"
#include "device.h"
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
  uint64_t inline_bytes = 0;
  for (auto& b : layout->bindings_) {
    if (b.type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      // descriptorCount is the block's size in bytes (a multiple of 4).
      b.addressable = b.binding < kBindingsPerSet && b.count <= kMaxInlineUniformBlockBytes;
      if (b.count == 0) continue;
      inline_bytes = (inline_bytes + kInlineUniformBlockAlignment - 1) / kInlineUniformBlockAlignment *
                     kInlineUniformBlockAlignment;
      b.inline_offset = uint32_t(inline_bytes);
      inline_bytes += b.count;
      if (inline_bytes > UINT32_MAX / 2) return VK_ERROR_OUT_OF_HOST_MEMORY;  // absurd sizes
      layout->inline_blocks_++;
      continue;
    }
    b.addressable = is_supported_descriptor_type(b.type) && b.binding < kBindingsPerSet && b.count <= 1;
    if (is_dynamic(b.type)) {
      b.dynamic_index = dynamic;
      dynamic += b.count;
    }
  }
  layout->inline_bytes_ = uint32_t(inline_bytes);
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

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorSetLayout(VkDevice device, const VkDescriptorSetLayoutCreateInfo* pCreateInfo,
                                                         const VkAllocationCallbacks* pAllocator,
                                                         VkDescriptorSetLayout* pLayout) {
  return guarded([&] {
    std::unique_ptr<DescriptorSetLayout> layout;
    VkResult r = DescriptorSetLayout::create(*pCreateInfo, layout);
    if (r != VK_SUCCESS) return r;
    // The layout itself is shared with the pipeline layouts and sets made from it and may outlive
    // the handle, so only the handle comes from the application's allocator.
    auto handle = host_make<DescriptorSetLayoutHandle>(Device::from(device)->child_allocation(pAllocator));
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
    if (b.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      // One table entry per block, whatever its size.
      if (b.binding >= kBindingsPerSet || b.descriptorCount > kMaxInlineUniformBlockBytes) ok = false;
      total += 1;
      continue;
    }
    if (!is_supported_descriptor_type(b.descriptorType) || b.binding >= kBindingsPerSet || b.descriptorCount > 1)
      ok = false;
    if (is_dynamic(b.descriptorType)) dynamic += b.descriptorCount;
    total += b.descriptorCount;
  }
  if (dynamic > kMaxDynamicBuffers || total > kBindingsPerSet) ok = false;
  pSupport->supported = ok ? VK_TRUE : VK_FALSE;
}

VKAPI_ATTR VkResult VKAPI_CALL CreatePipelineLayout(VkDevice device, const VkPipelineLayoutCreateInfo* pCreateInfo,
                                                    const VkAllocationCallbacks* pAllocator, VkPipelineLayout* pLayout) {
  return guarded([&] {
    std::unique_ptr<PipelineLayout> layout;
    VkResult r = PipelineLayout::create(*pCreateInfo, layout);
    if (r != VK_SUCCESS) return r;
    auto handle = host_make<PipelineLayoutHandle>(Device::from(device)->child_allocation(pAllocator));
    handle->layout = std::move(layout);
    *pLayout = release_to_handle<VkPipelineLayout>(std::move(handle));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyPipelineLayout(VkDevice, VkPipelineLayout layout, const VkAllocationCallbacks*) {
  take_from_handle<PipelineLayoutHandle>(layout);
}

}  // namespace mica::vk
