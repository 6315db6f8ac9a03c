#include "descriptor_set.h"
#include "buffer.h"
#include "device.h"
#include "entrypoints.h"
#include "image.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace mica::vk {

DescriptorSet::DescriptorSet(DescriptorPool& pool, std::shared_ptr<const DescriptorSetLayout> layout,
                             DescriptorMemory::Range memory)
    : pool_(&pool), layout_(std::move(layout)), memory_(memory) {
  layout_->initial_memory(memory_.cpu, memory_.va);
}

DescriptorSet::DescriptorSet(std::shared_ptr<const DescriptorSetLayout> layout)
    : pool_(nullptr), layout_(std::move(layout)), host_(layout_->set_bytes()) {
  memory_.bytes = host_.size();
  memory_.cpu = host_.data();
  layout_->initial_memory(memory_.cpu, 0);
}

void DescriptorSet::put(uint32_t offset, const BufferDescriptor& d) { std::memcpy(memory_.cpu + offset, &d, sizeof d); }

BufferDescriptor DescriptorSet::descriptor(const BindingLayout& b, uint32_t element) const {
  BufferDescriptor d{};
  if (b.addressable && element < b.elements()) std::memcpy(&d, memory_.cpu + b.element_offset(element), sizeof d);
  return d;
}

void DescriptorSet::write_inline(const BindingLayout& b, uint32_t offset, const void* data, uint32_t bytes) {
  if (b.type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || !b.addressable || offset >= b.count) return;
  // memmove: a copy within one set may name overlapping ranges.
  std::memmove(memory_.cpu + b.inline_offset + offset, data, std::min(bytes, b.count - offset));
}

void DescriptorSet::write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range) {
  if (!b.addressable || b.type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || element >= b.count) return;
  // The size field is 32 bits; larger ranges are clamped (maxStorageBufferRange is UINT32_MAX).
  const uint32_t size = range > UINT32_MAX ? UINT32_MAX : uint32_t(range);
  put(b.element_offset(element), {va, size, 0});
  // Element 0 is also the binding's entry, which programs that declare a single block read.
  if (element == 0) put(b.entry_offset(), {va, size, b.array_offset});
}

void DescriptorSet::write_image(const BindingLayout& b, uint32_t element, const uint32_t* image, const uint32_t* sampler) {
  if (!b.addressable || !is_image_descriptor_type(b.type) || element >= b.count) return;
  uint8_t* at = memory_.cpu + b.element_offset(element);
  if (image) std::memcpy(at, image, MICA_TEX_IMAGE_DESCRIPTOR_BYTES);
  if (sampler && element >= b.immutable_samplers.size())
    std::memcpy(at + kSamplerInElement, sampler, MICA_TEX_SAMPLER_DESCRIPTOR_BYTES);
}

std::vector<uint8_t> DescriptorSet::element_bytes_of(const BindingLayout& b, uint32_t element) const {
  std::vector<uint8_t> out(element_bytes(b.type), 0);
  if (b.addressable && element < b.elements())
    std::memcpy(out.data(), memory_.cpu + b.element_offset(element), out.size());
  return out;
}

void DescriptorSet::write_element_bytes(const BindingLayout& b, uint32_t element, const std::vector<uint8_t>& bytes) {
  if (!b.addressable || element >= b.elements() || bytes.size() != element_bytes(b.type)) return;
  if (!is_image_descriptor_type(b.type)) return;
  write_image(b, element, reinterpret_cast<const uint32_t*>(bytes.data()),
              reinterpret_cast<const uint32_t*>(bytes.data() + kSamplerInElement));
}

std::vector<uint8_t> DescriptorSet::with_dynamic_offsets(const std::vector<uint32_t>& offsets) const {
  std::vector<uint8_t> out(memory_.cpu, memory_.cpu + layout_->descriptor_bytes());
  auto add = [&](uint32_t at, uint32_t offset) {
    uint64_t address;
    std::memcpy(&address, out.data() + at, sizeof address);
    address += offset;
    std::memcpy(out.data() + at, &address, sizeof address);
  };
  for (const auto& b : layout_->bindings()) {
    if (!is_dynamic(b.type) || !b.addressable) continue;
    for (uint32_t e = 0; e < b.count && b.dynamic_index + e < offsets.size(); ++e) {
      add(b.element_offset(e), offsets[b.dynamic_index + e]);
      if (e == 0) add(b.entry_offset(), offsets[b.dynamic_index]);
    }
  }
  return out;
}

namespace {
// Set memory a pool's sizes suggest: every set's entries and empty header, and per descriptor an
// element and (at worst) its own header and entry; inline uniform blocks' bytes. Only the size of
// the pool's first chunk of GPU memory depends on it.
uint64_t expected_set_memory(const VkDescriptorPoolCreateInfo& info) {
  uint64_t bytes = uint64_t(info.maxSets) * (kArrayHeaderBytes + 2 * kDescriptorBytes);
  for (uint32_t i = 0; i < info.poolSizeCount; ++i)
    bytes += uint64_t(info.pPoolSizes[i].descriptorCount) *
             (info.pPoolSizes[i].type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK ? 1 : 3 * kDescriptorBytes);
  return bytes;
}
}  // namespace

DescriptorPool::DescriptorPool(Device& device, const VkDescriptorPoolCreateInfo& info, const VkAllocationCallbacks* allocator)
    : max_sets_(info.maxSets), memory_(device, expected_set_memory(info)), allocator_(allocator) {
  for (uint32_t i = 0; i < info.poolSizeCount; ++i) capacity_[info.pPoolSizes[i].type] += info.pPoolSizes[i].descriptorCount;
  if (const auto* iub = find_in_chain<VkDescriptorPoolInlineUniformBlockCreateInfo>(
          info.pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO))
    max_inline_blocks_ = iub->maxInlineUniformBlockBindings;
}

VkResult DescriptorPool::create(Device& device, const VkDescriptorPoolCreateInfo& info, const HostAllocation& where,
                                std::unique_ptr<DescriptorPool>& out) {
  out = host_make<DescriptorPool>(where, device, info, where.callbacks);
  return VK_SUCCESS;
}

VkResult DescriptorPool::allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out) {
  if (sets_.size() >= max_sets_) return VK_ERROR_OUT_OF_POOL_MEMORY;
  for (const auto& b : layout->bindings())
    if (used_[b.type] + layout->descriptor_count(b.type) > capacity_[b.type]) return VK_ERROR_OUT_OF_POOL_MEMORY;
  if (layout->inline_blocks() && used_inline_blocks_ + layout->inline_blocks() > max_inline_blocks_)
    return VK_ERROR_OUT_OF_POOL_MEMORY;
  DescriptorMemory::Range range;
  VkResult r = memory_.allocate(layout->set_bytes(), range);
  if (r != VK_SUCCESS) return r;
  std::unique_ptr<DescriptorSet> set;
  try {
    set = host_make<DescriptorSet>(host_allocation(allocator_.get(), nullptr), *this, layout, range);
    out = set.get();
    sets_.emplace(out, std::move(set));
  } catch (const std::bad_alloc&) {
    memory_.free(range);
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
  memory_.free(set->memory());
  sets_.erase(it);
}

void DescriptorPool::reset() {
  sets_.clear();
  used_.clear();
  used_inline_blocks_ = 0;
  memory_.reset();
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
      VkResult r;
      try {
        r = pool->allocate(from_handle<DescriptorSetLayoutHandle>(pInfo->pSetLayouts[i])->layout, set);
      } catch (const std::bad_alloc&) {
        // A failing host allocator: the same clean-up as any other failure (dEQP-VK.api.
        // object_management.alloc_callback_fail_multiple.descriptor_set found handles left set).
        r = VK_ERROR_OUT_OF_HOST_MEMORY;
      }
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

// An image-type descriptor from a VkDescriptorImageInfo or a texel buffer view.
void write_image_descriptor(DescriptorSet& set, const BindingLayout& b, uint32_t element, VkDescriptorType type,
                            const VkDescriptorImageInfo* image, const VkBufferView* view) {
  switch (type) {
  case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
  case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER: {
    static const ImageDescriptor kNull{};
    const BufferView* v = view ? from_handle<BufferView>(*view) : nullptr;
    set.write_image(b, element, v ? v->descriptor().data() : kNull.data(), nullptr);
    return;
  }
  case VK_DESCRIPTOR_TYPE_SAMPLER:
    if (image && image->sampler) set.write_image(b, element, nullptr, from_handle<Sampler>(image->sampler)->descriptor().data());
    return;
  default: {
    if (!image) return;
    const ImageView* v = image->imageView ? from_handle<ImageView>(image->imageView) : nullptr;
    static const ImageDescriptor kNull{};
    const uint32_t* smp = type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER && image->sampler
                              ? from_handle<Sampler>(image->sampler)->descriptor().data()
                              : nullptr;
    set.write_image(b, element, v ? v->descriptor().data() : kNull.data(), smp);
    return;
  }
  }
}

void write_descriptor(DescriptorSet& set, const BindingLayout& b, uint32_t element, VkDescriptorType type,
                      const VkDescriptorBufferInfo* buffer) {
  if (!is_supported_descriptor_type(type) || is_image_descriptor_type(type)) return;  // see GetDescriptorSetLayoutSupport
  if (!buffer || buffer->buffer == VK_NULL_HANDLE) {
    set.write_buffer(b, element, 0, 0);
    return;
  }
  const auto* buf = from_handle<Buffer>(buffer->buffer);
  uint64_t range = buffer->range == VK_WHOLE_SIZE ? buf->size() - buffer->offset : buffer->range;
  set.write_buffer(b, element, buf->va() + buffer->offset, range);
}

}  // namespace

void apply_descriptor_write(DescriptorSet& set, const VkWriteDescriptorSet& wr) {
  if (wr.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
    const auto* iub = find_in_chain<VkWriteDescriptorSetInlineUniformBlock>(
        wr.pNext, VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK);
    if (iub) write_inline(set, wr.dstBinding, wr.dstArrayElement, iub->pData, std::min(iub->dataSize, wr.descriptorCount));
    return;
  }
  for_each_element(set, wr.dstBinding, wr.dstArrayElement, wr.descriptorCount,
                   [&](const BindingLayout& b, uint32_t element, uint32_t i) {
                     if (is_image_descriptor_type(wr.descriptorType))
                       write_image_descriptor(set, b, element, wr.descriptorType,
                                              wr.pImageInfo ? &wr.pImageInfo[i] : nullptr,
                                              wr.pTexelBufferView ? &wr.pTexelBufferView[i] : nullptr);
                     else
                       write_descriptor(set, b, element, wr.descriptorType, wr.pBufferInfo ? &wr.pBufferInfo[i] : nullptr);
                   });
}

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSets(VkDevice, uint32_t writeCount, const VkWriteDescriptorSet* pWrites,
                                                uint32_t copyCount, const VkCopyDescriptorSet* pCopies) {
  for (uint32_t w = 0; w < writeCount; ++w) apply_descriptor_write(*from_handle<DescriptorSet>(pWrites[w].dstSet), pWrites[w]);
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
                              // A block past the limits has no bytes in set memory: it reads as zeros.
                              if (b.addressable) std::memcpy(bytes.data() + to, src->inline_data(b) + at, n);
                            });
      write_inline(*dst, cp.dstBinding, cp.dstArrayElement, bytes.data(), cp.descriptorCount);
      continue;
    }
    // Copy element by element so copies that roll over binding boundaries work on both sides; the
    // source is read whole first, since source and destination may overlap within one set.
    std::vector<std::pair<const BindingLayout*, uint32_t>> src_elems;
    for_each_element(*src, cp.srcBinding, cp.srcArrayElement, cp.descriptorCount,
                     [&](const BindingLayout& b, uint32_t e, uint32_t) { src_elems.emplace_back(&b, e); });
    std::vector<BufferDescriptor> values;
    std::vector<std::vector<uint8_t>> image_values;
    for (const auto& [b, e] : src_elems) {
      values.push_back(src->descriptor(*b, e));
      image_values.push_back(is_image_descriptor_type(b->type) ? src->element_bytes_of(*b, e) : std::vector<uint8_t>{});
    }
    for_each_element(*dst, cp.dstBinding, cp.dstArrayElement, cp.descriptorCount,
                     [&](const BindingLayout& b, uint32_t e, uint32_t i) {
                       if (i >= values.size() || !src_elems[i].first->addressable) return;
                       if (is_image_descriptor_type(src_elems[i].first->type))
                         dst->write_element_bytes(b, e, image_values[i]);
                       else if (is_supported_descriptor_type(src_elems[i].first->type))
                         dst->write_buffer(b, e, values[i].address, values[i].size);
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

void apply_descriptor_template(DescriptorSet& target, const DescriptorUpdateTemplate& t, const void* pData) {
  auto* set = &target;
  const auto* base = static_cast<const uint8_t*>(pData);
  for (const auto& e : t.entries) {
    if (e.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      // The entry's bytes are at offset; dstArrayElement and descriptorCount are in bytes.
      write_inline(*set, e.dstBinding, e.dstArrayElement, base + e.offset, e.descriptorCount);
      continue;
    }
    for_each_element(*set, e.dstBinding, e.dstArrayElement, e.descriptorCount,
                     [&](const BindingLayout& b, uint32_t element, uint32_t i) {
                       const uint8_t* p = base + e.offset + size_t(i) * e.stride;
                       if (!is_supported_descriptor_type(e.descriptorType)) return;
                       if (is_image_descriptor_type(e.descriptorType)) {
                         VkDescriptorImageInfo image{};
                         VkBufferView view = VK_NULL_HANDLE;
                         const bool texel = e.descriptorType == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER ||
                                            e.descriptorType == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
                         if (texel)
                           std::memcpy(&view, p, sizeof view);
                         else
                           std::memcpy(&image, p, sizeof image);
                         write_image_descriptor(*set, b, element, e.descriptorType, &image, &view);
                         return;
                       }
                       VkDescriptorBufferInfo info;
                       std::memcpy(&info, p, sizeof info);
                       write_descriptor(*set, b, element, e.descriptorType, &info);
                     });
  }
}

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSetWithTemplate(VkDevice, VkDescriptorSet descriptorSet,
                                                           VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                                           const void* pData) {
  apply_descriptor_template(*from_handle<DescriptorSet>(descriptorSet),
                            *from_handle<DescriptorUpdateTemplate>(descriptorUpdateTemplate), pData);
}

}  // namespace mica::vk
