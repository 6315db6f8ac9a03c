// Descriptor pools, sets and update templates. A set is GPU memory of its pool laid out by its
// layout (descriptor_layout.h): writes and copies store descriptors straight into it, and a
// dispatch reads it there (or, for sets with dynamic descriptors, from a copy made when the
// dispatch is recorded, with the bind's dynamic offsets applied). Inline uniform blocks' bytes live
// in the same memory, after the descriptors.
#pragma once

#include "binding_model.h"
#include "descriptor_layout.h"
#include "descriptor_memory.h"
#include "object.h"

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace mica::vk {

class DescriptorPool;

class DescriptorSet : public NonDispatchable<VK_OBJECT_TYPE_DESCRIPTOR_SET> {
public:
  DescriptorSet(DescriptorPool& pool, std::shared_ptr<const DescriptorSetLayout> layout, DescriptorMemory::Range memory);
  // A push descriptor set (VK_KHR_push_descriptor): host memory only, owned by the command buffer
  // that pushes into it; every dispatch uploads a copy of its descriptors (like a set with dynamic
  // offsets), so later pushes do not change what earlier dispatches read. va() is 0.
  explicit DescriptorSet(std::shared_ptr<const DescriptorSetLayout> layout);
  bool is_push() const { return pool_ == nullptr; }
  const DescriptorSetLayout& layout() const { return *layout_; }
  const std::shared_ptr<const DescriptorSetLayout>& shared_layout() const { return layout_; }
  const DescriptorMemory::Range& memory() const { return memory_; }
  uint64_t va() const { return memory_.va; }

  void write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range);
  // An image-type element (binding_model.h): the image descriptor and/or the sampler descriptor
  // (null: left as it is; immutable samplers are never overwritten).
  void write_image(const BindingLayout& b, uint32_t element, const uint32_t* image, const uint32_t* sampler);
  // The raw bytes of an element (element_bytes(b.type) of them), for copies between sets.
  std::vector<uint8_t> element_bytes_of(const BindingLayout& b, uint32_t element) const;
  void write_element_bytes(const BindingLayout& b, uint32_t element, const std::vector<uint8_t>& bytes);
  BufferDescriptor descriptor(const BindingLayout& b, uint32_t element) const;
  // Inline uniform block bytes [offset, offset + bytes) of binding b (clamped to the block).
  void write_inline(const BindingLayout& b, uint32_t offset, const void* data, uint32_t bytes);
  const uint8_t* inline_data(const BindingLayout& b) const { return memory_.cpu + b.inline_offset; }
  // The set's descriptors (layout().descriptor_bytes()) with dynamic offset i added to the i-th
  // dynamic descriptor (binding order, then element order), for a dispatch to upload.
  std::vector<uint8_t> with_dynamic_offsets(const std::vector<uint32_t>& offsets) const;

private:
  void put(uint32_t offset, const BufferDescriptor& d);

  DescriptorPool* pool_;  // null for a push descriptor set
  std::shared_ptr<const DescriptorSetLayout> layout_;
  std::vector<uint8_t> host_;  // a push descriptor set's memory
  DescriptorMemory::Range memory_;
};

class DescriptorPool : public NonDispatchable<VK_OBJECT_TYPE_DESCRIPTOR_POOL> {
public:
  static VkResult create(Device& device, const VkDescriptorPoolCreateInfo& info, const HostAllocation& where,
                         std::unique_ptr<DescriptorPool>& out);
  DescriptorPool(Device& device, const VkDescriptorPoolCreateInfo& info, const VkAllocationCallbacks* allocator);

  VkResult allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out);
  void free(DescriptorSet* set);
  void reset();

private:
  uint32_t max_sets_ = 0;
  uint32_t max_inline_blocks_ = 0;   // VkDescriptorPoolInlineUniformBlockCreateInfo
  uint32_t used_inline_blocks_ = 0;
  DescriptorMemory memory_;
  AllocatorCopy allocator_;  // the pool's allocator, also used for its sets
  std::map<VkDescriptorType, uint64_t> capacity_;  // descriptors of each type the pool was sized for
  std::map<VkDescriptorType, uint64_t> used_;
  std::map<DescriptorSet*, std::unique_ptr<DescriptorSet>> sets_;
};

class DescriptorUpdateTemplate : public NonDispatchable<VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE> {
public:
  std::vector<VkDescriptorUpdateTemplateEntry> entries;
};

// One VkWriteDescriptorSet / one template update applied to a set (pool-allocated or pushed): what
// vkUpdateDescriptorSets(WithTemplate) and vkCmdPushDescriptorSet(WithTemplate)KHR share.
void apply_descriptor_write(DescriptorSet& set, const VkWriteDescriptorSet& write);
void apply_descriptor_template(DescriptorSet& set, const DescriptorUpdateTemplate& t, const void* data);

}  // namespace mica::vk
