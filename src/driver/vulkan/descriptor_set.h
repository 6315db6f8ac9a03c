// Descriptor pools, sets and update templates. A set is its slice of the binding model's
// descriptor table, kept in host memory (see binding_model.h for why that is enough); dynamic
// buffer descriptors hold the base address and get their offset when the dispatch is recorded.
// Inline uniform blocks are the exception that has GPU memory: their bytes live in a range of the
// pool's GPU buffer owned by the set, and the binding's table entry points at them.
#pragma once

#include "binding_model.h"
#include "descriptor_layout.h"
#include "gpu_memory.h"
#include "object.h"

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace mica::vk {

class DescriptorPool;

class DescriptorSet : public Object {
public:
  // inline_va/inline_cpu: the set's range of the pool's GPU buffer for its inline uniform blocks
  // (layout.inline_bytes() bytes; unused when the layout has none).
  DescriptorSet(DescriptorPool& pool, std::shared_ptr<const DescriptorSetLayout> layout, uint64_t inline_offset,
                uint64_t inline_va, uint8_t* inline_cpu);
  const DescriptorSetLayout& layout() const { return *layout_; }
  DescriptorPool& pool() const { return pool_; }
  const std::array<BufferDescriptor, kBindingsPerSet>& entries() const { return entries_; }
  uint64_t inline_offset() const { return inline_offset_; }

  void write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range);
  void copy_from(const DescriptorSet& src, const BindingLayout& src_b, const BindingLayout& dst_b);
  // Inline uniform block bytes [offset, offset + bytes) of binding b (clamped to the block).
  void write_inline(const BindingLayout& b, uint32_t offset, const void* data, uint32_t bytes);
  const uint8_t* inline_data(const BindingLayout& b) const { return inline_cpu_ + b.inline_offset; }

private:
  DescriptorPool& pool_;
  std::shared_ptr<const DescriptorSetLayout> layout_;
  std::array<BufferDescriptor, kBindingsPerSet> entries_{};
  uint64_t inline_offset_ = 0;
  uint8_t* inline_cpu_ = nullptr;
};

class DescriptorPool : public Object {
public:
  static VkResult create(Device& device, const VkDescriptorPoolCreateInfo& info, const HostAllocation& where,
                         std::unique_ptr<DescriptorPool>& out);
  DescriptorPool(const VkDescriptorPoolCreateInfo& info, const VkAllocationCallbacks* allocator);

  VkResult allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out);
  void free(DescriptorSet* set);
  void reset();

private:
  // Inline uniform block memory: first fit over free ranges of inline_memory_.
  bool take_inline(uint64_t bytes, uint64_t& offset);
  void give_back_inline(uint64_t offset, uint64_t bytes);

  uint32_t max_sets_ = 0;
  uint32_t max_inline_blocks_ = 0;   // VkDescriptorPoolInlineUniformBlockCreateInfo
  uint32_t used_inline_blocks_ = 0;
  std::unique_ptr<GpuMemory> inline_memory_;
  std::map<uint64_t, uint64_t> inline_free_;  // offset -> bytes, coalesced
  AllocatorCopy allocator_;  // the pool's allocator, also used for its sets
  std::map<VkDescriptorType, uint64_t> capacity_;  // descriptors of each type the pool was sized for
  std::map<VkDescriptorType, uint64_t> used_;
  std::map<DescriptorSet*, std::unique_ptr<DescriptorSet>> sets_;
};

class DescriptorUpdateTemplate : public Object {
public:
  std::vector<VkDescriptorUpdateTemplateEntry> entries;
};

}  // namespace mica::vk
