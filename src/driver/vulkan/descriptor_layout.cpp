#include "descriptor_layout.h"
#include "device.h"
#include "entrypoints.h"
#include "image.h"

#include <algorithm>
#include <cstring>

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
    // Set memory is dense by binding number (binding_model.h): larger numbers cannot be placed.
    if (src.binding > kMaxBindingNumber) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    BindingLayout b;
    b.binding = src.binding;
    b.type = src.descriptorType;
    b.count = src.descriptorCount;
    if ((b.type == VK_DESCRIPTOR_TYPE_SAMPLER || b.type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER) &&
        src.pImmutableSamplers)
      for (uint32_t e = 0; e < b.count; ++e)
        b.immutable_samplers.push_back(from_handle<Sampler>(src.pImmutableSamplers[e])->descriptor());
    layout->bindings_.push_back(b);
  }
  std::sort(layout->bindings_.begin(), layout->bindings_.end(),
            [](const BindingLayout& a, const BindingLayout& c) { return a.binding < c.binding; });
  // Entries for bindings 0..highest, then the empty header, then every binding's header and
  // elements, then the inline blocks; sizes in 64 bits so absurd counts are refused, not wrapped.
  uint64_t at = layout->bindings_.empty() ? 0 : uint64_t(layout->bindings_.back().binding + 1) * kDescriptorBytes;
  layout->empty_header_ = uint32_t(at);
  at += kArrayHeaderBytes + kDescriptorBytes;
  // Dynamic offsets are consumed in binding-number order, then array-element order.
  uint32_t dynamic = 0;
  uint64_t elements = 0;
  for (auto& b : layout->bindings_) {
    b.array_offset = layout->empty_header_;
    const bool inline_block = b.type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK;
    b.addressable = is_supported_descriptor_type(b.type) && b.count > 0 &&
                    (!inline_block || b.count <= kMaxInlineUniformBlockBytes);
    if (is_dynamic(b.type)) {
      b.dynamic_index = dynamic;
      dynamic += b.count;
    }
    if (!b.addressable) continue;
    b.array_offset = uint32_t(at);
    at += kArrayHeaderBytes + uint64_t(b.elements()) * element_bytes(b.type);
    elements += b.elements();
    if (inline_block) layout->inline_blocks_++;
  }
  if (elements > kMaxDescriptorsPerSet) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  layout->descriptor_bytes_ = uint32_t(at);
  for (auto& b : layout->bindings_) {
    if (b.type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || !b.addressable) continue;
    // descriptorCount is the block's size in bytes (a multiple of 4).
    at = (at + kInlineUniformBlockAlignment - 1) / kInlineUniformBlockAlignment * kInlineUniformBlockAlignment;
    b.inline_offset = uint32_t(at);
    at += b.count;
  }
  layout->set_bytes_ = (at + kDescriptorBytes - 1) / kDescriptorBytes * kDescriptorBytes;
  layout->dynamic_count_ = dynamic;
  out = std::move(layout);
  return VK_SUCCESS;
}

void DescriptorSetLayout::initial_memory(uint8_t* out, uint64_t inline_va) const {
  std::memset(out, 0, set_bytes_);
  auto put = [&](uint32_t offset, const BufferDescriptor& d) { std::memcpy(out + offset, &d, sizeof d); };
  // Every entry names a header, so an arrayed access to any binding finds a count.
  if (!bindings_.empty())
    for (uint32_t n = 0; n <= bindings_.back().binding; ++n) put(n * kDescriptorBytes, {0, 0, empty_header_});
  for (const auto& b : bindings_) {
    if (!b.addressable) continue;
    const uint32_t count = b.elements();
    std::memcpy(out + b.array_offset, &count, sizeof count);
    put(b.entry_offset(), {0, 0, b.array_offset});
    for (uint32_t e = 0; e < b.immutable_samplers.size() && e < count; ++e)
      std::memcpy(out + b.element_offset(e) + kSamplerInElement, b.immutable_samplers[e].data(),
                  MICA_TEX_SAMPLER_DESCRIPTOR_BYTES);
    if (b.type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) continue;
    // Inline uniform blocks have a fixed address for the set's life: their descriptors are final.
    const BufferDescriptor block{inline_va + b.inline_offset, b.count, 0};
    put(b.entry_offset(), {block.address, block.size, b.array_offset});
    put(b.element_offset(0), block);
  }
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

// Supported: buffer, image, sampler, texel-buffer and input-attachment descriptors (and inline
// uniform blocks of at most kMaxInlineUniformBlockBytes), binding numbers up to kMaxBindingNumber,
// at most kMaxDescriptorsPerSet descriptors, kMaxDynamicBuffers dynamic ones of each type and
// kMaxInlineUniformBlocks blocks. Other types (acceleration structures, mutable, ...) are not.
VKAPI_ATTR void VKAPI_CALL GetDescriptorSetLayoutSupport(VkDevice, const VkDescriptorSetLayoutCreateInfo* pCreateInfo,
                                                         VkDescriptorSetLayoutSupport* pSupport) {
  bool ok = true;
  // Dynamic uniform and storage buffers are limited separately, as the two limits say (dEQP-VK.api.
  // maintenance3_check.descriptor_set asks for both at their maximum in one layout).
  uint64_t dynamic_uniform = 0, dynamic_storage = 0, total = 0, blocks = 0;
  for (uint32_t i = 0; i < pCreateInfo->bindingCount; ++i) {
    const auto& b = pCreateInfo->pBindings[i];
    if (b.binding > kMaxBindingNumber) ok = false;
    if (b.descriptorCount == 0) continue;
    if (!is_supported_descriptor_type(b.descriptorType)) ok = false;
    if (b.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      if (b.descriptorCount > kMaxInlineUniformBlockBytes) ok = false;
      blocks += 1;
      total += 1;
      continue;
    }
    if (b.descriptorType == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC) dynamic_uniform += b.descriptorCount;
    if (b.descriptorType == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC) dynamic_storage += b.descriptorCount;
    total += b.descriptorCount;
  }
  if (dynamic_uniform > kMaxDynamicBuffers || dynamic_storage > kMaxDynamicBuffers || total > kMaxDescriptorsPerSet ||
      blocks > kMaxInlineUniformBlocks)
    ok = false;
  pSupport->supported = ok ? VK_TRUE : VK_FALSE;
  // Variable descriptor counts (descriptorBindingVariableDescriptorCount) are not supported: the
  // chained structure reports 0.
  if (auto* variable = find_in_chain_mut<VkDescriptorSetVariableDescriptorCountLayoutSupport>(
          pSupport->pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_SET_VARIABLE_DESCRIPTOR_COUNT_LAYOUT_SUPPORT))
    variable->maxVariableDescriptorCount = 0;
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
