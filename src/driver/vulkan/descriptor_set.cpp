#include "descriptor_set.h"
#include "buffer.h"
#include "device.h"
#include "entrypoints.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {

DescriptorSet::DescriptorSet(DescriptorPool& pool, std::shared_ptr<const DescriptorSetLayout> layout,
                             uint64_t inline_offset, uint64_t inline_va, uint8_t* inline_cpu)
    : pool_(pool), layout_(std::move(layout)), inline_offset_(inline_offset), inline_cpu_(inline_cpu) {
  // Inline uniform blocks have a fixed address for the set's life: their entries are final now.
  for (const auto& b : layout_->bindings()) {
    if (b.type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || b.count == 0) continue;
    std::memset(inline_cpu_ + b.inline_offset, 0, b.count);
    if (b.addressable) entries_[b.binding] = {inline_va + b.inline_offset, b.count, 0};
  }
}

void DescriptorSet::write_inline(const BindingLayout& b, uint32_t offset, const void* data, uint32_t bytes) {
  if (b.type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || offset >= b.count) return;
  // memmove: a copy between two blocks of one set may overlap nothing, but costs nothing either.
  std::memmove(inline_cpu_ + b.inline_offset + offset, data, std::min(bytes, b.count - offset));
}

void DescriptorSet::write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range) {
  if (!b.addressable || element != 0) return;  // no table entry (see BindingLayout::addressable)
  // The size field is 32 bits; larger ranges are clamped (maxStorageBufferRange is UINT32_MAX).
  entries_[b.binding] = {va, range > UINT32_MAX ? UINT32_MAX : uint32_t(range), 0};
}

void DescriptorSet::copy_from(const DescriptorSet& src, const BindingLayout& src_b, const BindingLayout& dst_b) {
  if (!src_b.addressable || !dst_b.addressable) return;
  entries_[dst_b.binding] = src.entries_[src_b.binding];
}

DescriptorPool::DescriptorPool(const VkDescriptorPoolCreateInfo& info, const VkAllocationCallbacks* allocator)
    : max_sets_(info.maxSets), allocator_(allocator) {
  for (uint32_t i = 0; i < info.poolSizeCount; ++i) capacity_[info.pPoolSizes[i].type] += info.pPoolSizes[i].descriptorCount;
  if (const auto* iub = find_in_chain<VkDescriptorPoolInlineUniformBlockCreateInfo>(
          info.pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO))
    max_inline_blocks_ = iub->maxInlineUniformBlockBindings;
}

VkResult DescriptorPool::create(Device& device, const VkDescriptorPoolCreateInfo& info, const HostAllocation& where,
                                std::unique_ptr<DescriptorPool>& out) {
  auto pool = host_make<DescriptorPool>(where, info, where.callbacks);
  // GPU memory for the inline uniform blocks the pool was sized for: their bytes, plus alignment
  // padding for each block and each set's start.
  const auto it = pool->capacity_.find(VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK);
  if (it != pool->capacity_.end() && it->second > 0 && pool->max_inline_blocks_ > 0) {
    const uint64_t bytes = it->second + (uint64_t(pool->max_inline_blocks_) + pool->max_sets_) * kInlineUniformBlockAlignment;
    VkResult r = GpuMemory::create(device, bytes, GpuMemory::Usage::driver_shared, pool->inline_memory_);
    if (r != VK_SUCCESS) return r;
    pool->inline_free_[0] = pool->inline_memory_->size();
  }
  out = std::move(pool);
  return VK_SUCCESS;
}

bool DescriptorPool::take_inline(uint64_t bytes, uint64_t& offset) {
  for (auto it = inline_free_.begin(); it != inline_free_.end(); ++it) {
    if (it->second < bytes) continue;
    offset = it->first;
    const uint64_t rest = it->second - bytes;
    inline_free_.erase(it);
    if (rest) inline_free_[offset + bytes] = rest;
    return true;
  }
  return false;
}

void DescriptorPool::give_back_inline(uint64_t offset, uint64_t bytes) {
  auto it = inline_free_.emplace(offset, bytes).first;
  auto next = std::next(it);
  if (next != inline_free_.end() && it->first + it->second == next->first) {
    it->second += next->second;
    inline_free_.erase(next);
  }
  if (it != inline_free_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      inline_free_.erase(it);
    }
  }
}

namespace {
uint64_t inline_reservation(const DescriptorSetLayout& layout) {
  return (uint64_t(layout.inline_bytes()) + kInlineUniformBlockAlignment - 1) / kInlineUniformBlockAlignment *
         kInlineUniformBlockAlignment;
}
}  // namespace

VkResult DescriptorPool::allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out) {
  if (sets_.size() >= max_sets_) return VK_ERROR_OUT_OF_POOL_MEMORY;
  for (const auto& b : layout->bindings())
    if (used_[b.type] + layout->descriptor_count(b.type) > capacity_[b.type]) return VK_ERROR_OUT_OF_POOL_MEMORY;
  uint64_t inline_offset = 0;
  const uint64_t inline_bytes = inline_reservation(*layout);
  if (inline_bytes) {
    if (!inline_memory_ || used_inline_blocks_ + layout->inline_blocks() > max_inline_blocks_)
      return VK_ERROR_OUT_OF_POOL_MEMORY;
    // The bytes were accounted for above; failing here means the free ranges are too scattered.
    if (!take_inline(inline_bytes, inline_offset)) return VK_ERROR_FRAGMENTED_POOL;
  }
  std::unique_ptr<DescriptorSet> set;
  try {
    set = host_make<DescriptorSet>(host_allocation(allocator_.get(), nullptr), *this, layout, inline_offset,
                                   inline_bytes ? inline_memory_->va() + inline_offset : 0,
                                   inline_bytes ? inline_memory_->cpu() + inline_offset : nullptr);
    out = set.get();
    sets_.emplace(out, std::move(set));
  } catch (const std::bad_alloc&) {
    if (inline_bytes) give_back_inline(inline_offset, inline_bytes);
    throw;
  }
  for (const auto& b : layout->bindings()) used_[b.type] += b.count;
  used_inline_blocks_ += layout->inline_blocks();
  return VK_SUCCESS;
}

void DescriptorPool::free(DescriptorSet* set) {
  auto it = sets_.find(set);
  if (it == sets_.end()) return;
  for (const auto& b : set->layout().bindings()) used_[b.type] -= b.count;
  used_inline_blocks_ -= set->layout().inline_blocks();
  if (const uint64_t bytes = inline_reservation(set->layout())) give_back_inline(set->inline_offset(), bytes);
  sets_.erase(it);
}

void DescriptorPool::reset() {
  sets_.clear();
  used_.clear();
  used_inline_blocks_ = 0;
  inline_free_.clear();
  if (inline_memory_) inline_free_[0] = inline_memory_->size();
}

// ---- entry points ----------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorPool(VkDevice device, const VkDescriptorPoolCreateInfo* pCreateInfo,
                                                    const VkAllocationCallbacks* pAllocator, VkDescriptorPool* pPool) {
  return guarded([&] {
    auto* dev = Device::from(device);
    std::unique_ptr<DescriptorPool> pool;
    VkResult r = DescriptorPool::create(*dev, *pCreateInfo, dev->child_allocation(pAllocator), pool);
    if (r == VK_SUCCESS) *pPool = release_to_handle<VkDescriptorPool>(std::move(pool));
    return r;
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

// Inline uniform blocks address bytes: 'offset' and 'bytes' are byte counts, and a range longer
// than the rest of the block continues at byte 0 of the next non-empty binding (the consecutive
// binding rule). 'move(b, block_offset, chunk_offset, n)' handles one piece.
template <typename Move>
void for_each_inline_range(const DescriptorSet& set, uint32_t binding, uint32_t offset, uint32_t bytes, Move&& move) {
  const auto& bindings = set.layout().bindings();
  auto it = std::find_if(bindings.begin(), bindings.end(), [&](const BindingLayout& b) { return b.binding == binding; });
  uint32_t done = 0;
  for (; it != bindings.end() && done < bytes; ++it, offset = 0) {
    if (it->type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) return;
    if (offset >= it->count) continue;
    const uint32_t n = std::min(bytes - done, it->count - offset);
    move(*it, offset, done, n);
    done += n;
  }
}

void write_inline(DescriptorSet& set, uint32_t binding, uint32_t offset, const void* data, uint32_t bytes) {
  if (!data) return;
  for_each_inline_range(set, binding, offset, bytes, [&](const BindingLayout& b, uint32_t at, uint32_t from, uint32_t n) {
    set.write_inline(b, at, static_cast<const uint8_t*>(data) + from, n);
  });
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
    if (wr.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      const auto* iub = find_in_chain<VkWriteDescriptorSetInlineUniformBlock>(
          wr.pNext, VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK);
      if (iub) write_inline(*set, wr.dstBinding, wr.dstArrayElement, iub->pData, std::min(iub->dataSize, wr.descriptorCount));
      continue;
    }
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
    const BindingLayout* src_binding = src->layout().find(cp.srcBinding);
    if (src_binding && src_binding->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      // Byte ranges: gather from the source (through a buffer: both sets may share a pool), then write.
      std::vector<uint8_t> bytes(cp.descriptorCount, 0);
      for_each_inline_range(*src, cp.srcBinding, cp.srcArrayElement, cp.descriptorCount,
                            [&](const BindingLayout& b, uint32_t at, uint32_t to, uint32_t n) {
                              std::memcpy(bytes.data() + to, src->inline_data(b) + at, n);
                            });
      write_inline(*dst, cp.dstBinding, cp.dstArrayElement, bytes.data(), cp.descriptorCount);
      continue;
    }
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

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorUpdateTemplate(VkDevice device,
                                                              const VkDescriptorUpdateTemplateCreateInfo* pInfo,
                                                              const VkAllocationCallbacks* pAllocator,
                                                              VkDescriptorUpdateTemplate* pTemplate) {
  return guarded([&] {
    auto t = host_make<DescriptorUpdateTemplate>(Device::from(device)->child_allocation(pAllocator));
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
    if (e.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      // The entry's bytes are at offset; dstArrayElement and descriptorCount are in bytes.
      write_inline(*set, e.dstBinding, e.dstArrayElement, base + e.offset, e.descriptorCount);
      continue;
    }
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
