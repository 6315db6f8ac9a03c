#include "descriptor_set.h"
#include "buffer.h"
#include "entrypoints.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {

void DescriptorSet::write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range) {
  if (!b.addressable || element != 0) return;  // no table entry (see BindingLayout::addressable)
  // The size field is 32 bits; larger ranges are clamped (maxStorageBufferRange is UINT32_MAX).
  entries_[b.binding] = {va, range > UINT32_MAX ? UINT32_MAX : uint32_t(range), 0};
}

void DescriptorSet::copy_from(const DescriptorSet& src, const BindingLayout& src_b, const BindingLayout& dst_b) {
  if (!src_b.addressable || !dst_b.addressable) return;
  entries_[dst_b.binding] = src.entries_[src_b.binding];
}

DescriptorPool::DescriptorPool(const VkDescriptorPoolCreateInfo& info) : max_sets_(info.maxSets) {
  for (uint32_t i = 0; i < info.poolSizeCount; ++i) capacity_[info.pPoolSizes[i].type] += info.pPoolSizes[i].descriptorCount;
}

VkResult DescriptorPool::allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out) {
  if (sets_.size() >= max_sets_) return VK_ERROR_OUT_OF_POOL_MEMORY;
  for (const auto& b : layout->bindings())
    if (used_[b.type] + layout->descriptor_count(b.type) > capacity_[b.type]) return VK_ERROR_OUT_OF_POOL_MEMORY;
  for (const auto& b : layout->bindings()) used_[b.type] += b.count;
  auto set = std::make_unique<DescriptorSet>(*this, std::move(layout));
  out = set.get();
  sets_.emplace(out, std::move(set));
  return VK_SUCCESS;
}

void DescriptorPool::free(DescriptorSet* set) {
  auto it = sets_.find(set);
  if (it == sets_.end()) return;
  for (const auto& b : set->layout().bindings()) used_[b.type] -= b.count;
  sets_.erase(it);
}

void DescriptorPool::reset() {
  sets_.clear();
  used_.clear();
}

// ---- entry points ----------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorPool(VkDevice, const VkDescriptorPoolCreateInfo* pCreateInfo,
                                                    const VkAllocationCallbacks*, VkDescriptorPool* pPool) {
  return guarded([&] {
    *pPool = release_to_handle<VkDescriptorPool>(std::make_unique<DescriptorPool>(*pCreateInfo));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDescriptorPool(VkDevice, VkDescriptorPool pool, const VkAllocationCallbacks*) {
  take_from_handle<DescriptorPool>(pool);
}

VKAPI_ATTR VkResult VKAPI_CALL ResetDescriptorPool(VkDevice, VkDescriptorPool pool, VkDescriptorPoolResetFlags) {
  from_handle<DescriptorPool>(pool)->reset();
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL AllocateDescriptorSets(VkDevice, const VkDescriptorSetAllocateInfo* pInfo,
                                                      VkDescriptorSet* pSets) {
  return guarded([&] {
    auto* pool = from_handle<DescriptorPool>(pInfo->descriptorPool);
    for (uint32_t i = 0; i < pInfo->descriptorSetCount; ++i) {
      DescriptorSet* set = nullptr;
      VkResult r = pool->allocate(from_handle<DescriptorSetLayoutHandle>(pInfo->pSetLayouts[i])->layout, set);
      if (r != VK_SUCCESS) {
        // On failure nothing stays allocated and every handle is null.
        for (uint32_t j = 0; j < i; ++j) pool->free(from_handle<DescriptorSet>(pSets[j]));
        for (uint32_t j = 0; j < pInfo->descriptorSetCount; ++j) pSets[j] = VK_NULL_HANDLE;
        return r;
      }
      pSets[i] = to_handle<VkDescriptorSet>(set);
    }
    return VK_SUCCESS;
  });
}

VKAPI_ATTR VkResult VKAPI_CALL FreeDescriptorSets(VkDevice, VkDescriptorPool pool, uint32_t count,
                                                  const VkDescriptorSet* pSets) {
  for (uint32_t i = 0; i < count; ++i)
    if (pSets[i]) from_handle<DescriptorPool>(pool)->free(from_handle<DescriptorSet>(pSets[i]));
  return VK_SUCCESS;
}

namespace {

// Applies one write of 'count' consecutive descriptors, rolling over into the following bindings
// as the spec requires for writes longer than the remaining elements of a binding.
template <typename WriteOne>
void for_each_element(DescriptorSet& set, uint32_t binding, uint32_t element, uint32_t count, WriteOne&& write) {
  const auto& bindings = set.layout().bindings();
  auto it = std::find_if(bindings.begin(), bindings.end(), [&](const BindingLayout& b) { return b.binding == binding; });
  for (uint32_t i = 0; i < count && it != bindings.end();) {
    if (element >= it->count) {
      ++it;
      element = 0;
      continue;
    }
    write(*it, element, i);
    ++element;
    ++i;
  }
}

void write_descriptor(DescriptorSet& set, const BindingLayout& b, uint32_t element, VkDescriptorType type,
                      const VkDescriptorBufferInfo* buffer) {
  if (!is_supported_descriptor_type(type)) return;  // see GetDescriptorSetLayoutSupport
  if (!buffer || buffer->buffer == VK_NULL_HANDLE) {
    set.write_buffer(b, element, 0, 0);
    return;
  }
  const auto* buf = from_handle<Buffer>(buffer->buffer);
  uint64_t range = buffer->range == VK_WHOLE_SIZE ? buf->size() - buffer->offset : buffer->range;
  set.write_buffer(b, element, buf->va() + buffer->offset, range);
}

}  // namespace

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSets(VkDevice, uint32_t writeCount, const VkWriteDescriptorSet* pWrites,
                                                uint32_t copyCount, const VkCopyDescriptorSet* pCopies) {
  for (uint32_t w = 0; w < writeCount; ++w) {
    const auto& wr = pWrites[w];
    auto* set = from_handle<DescriptorSet>(wr.dstSet);
    for_each_element(*set, wr.dstBinding, wr.dstArrayElement, wr.descriptorCount,
                     [&](const BindingLayout& b, uint32_t element, uint32_t i) {
                       write_descriptor(*set, b, element, wr.descriptorType,
                                        wr.pBufferInfo ? &wr.pBufferInfo[i] : nullptr);
                     });
  }
  for (uint32_t c = 0; c < copyCount; ++c) {
    const auto& cp = pCopies[c];
    auto* src = from_handle<DescriptorSet>(cp.srcSet);
    auto* dst = from_handle<DescriptorSet>(cp.dstSet);
    // Copy element by element so copies that roll over binding boundaries work on both sides.
    std::vector<std::pair<const BindingLayout*, uint32_t>> src_elems;
    for_each_element(*src, cp.srcBinding, cp.srcArrayElement, cp.descriptorCount,
                     [&](const BindingLayout& b, uint32_t e, uint32_t) { src_elems.emplace_back(&b, e); });
    for_each_element(*dst, cp.dstBinding, cp.dstArrayElement, cp.descriptorCount,
                     [&](const BindingLayout& b, uint32_t e, uint32_t i) {
                       if (i < src_elems.size() && src_elems[i].second == 0 && e == 0)
                         dst->copy_from(*src, *src_elems[i].first, b);
                     });
  }
}

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorUpdateTemplate(VkDevice, const VkDescriptorUpdateTemplateCreateInfo* pInfo,
                                                              const VkAllocationCallbacks*,
                                                              VkDescriptorUpdateTemplate* pTemplate) {
  return guarded([&] {
    auto t = std::make_unique<DescriptorUpdateTemplate>();
    t->entries.assign(pInfo->pDescriptorUpdateEntries, pInfo->pDescriptorUpdateEntries + pInfo->descriptorUpdateEntryCount);
    *pTemplate = release_to_handle<VkDescriptorUpdateTemplate>(std::move(t));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyDescriptorUpdateTemplate(VkDevice, VkDescriptorUpdateTemplate t,
                                                           const VkAllocationCallbacks*) {
  take_from_handle<DescriptorUpdateTemplate>(t);
}

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSetWithTemplate(VkDevice, VkDescriptorSet descriptorSet,
                                                           VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                                           const void* pData) {
  auto* set = from_handle<DescriptorSet>(descriptorSet);
  const auto* t = from_handle<DescriptorUpdateTemplate>(descriptorUpdateTemplate);
  const auto* base = static_cast<const uint8_t*>(pData);
  for (const auto& e : t->entries) {
    for_each_element(*set, e.dstBinding, e.dstArrayElement, e.descriptorCount,
                     [&](const BindingLayout& b, uint32_t element, uint32_t i) {
                       const uint8_t* p = base + e.offset + size_t(i) * e.stride;
                       if (!is_supported_descriptor_type(e.descriptorType)) return;
                       VkDescriptorBufferInfo info;
                       std::memcpy(&info, p, sizeof info);
                       write_descriptor(*set, b, element, e.descriptorType, &info);
                     });
  }
}

}  // namespace mica::vk
