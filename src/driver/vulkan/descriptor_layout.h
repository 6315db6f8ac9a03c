// Descriptor set layouts and pipeline layouts: where each binding lives in descriptor-set memory,
// which bindings take dynamic offsets, and the push-constant range.
#pragma once

#include "binding_model.h"
#include "object.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace mica::vk {

struct BindingLayout {
  uint32_t binding = 0;
  VkDescriptorType type = VK_DESCRIPTOR_TYPE_MAX_ENUM;
  uint32_t count = 0;
  uint32_t dynamic_index = 0;  // first dynamic-offset slot of the binding (dynamic types)
  uint32_t array_offset = 0;   // byte offset of the binding's array header in set memory
  uint32_t inline_offset = 0;  // inline uniform block: byte offset of its bytes in set memory
  // Whether the binding has descriptors in set memory: a buffer type with elements (an inline
  // uniform block: one element describing its bytes). Others point at the set's empty header.
  bool addressable = false;
  // SAMPLER / COMBINED_IMAGE_SAMPLER bindings with pImmutableSamplers: their sampler descriptors,
  // written into every set's elements at allocation (writes leave them alone).
  std::vector<std::array<uint32_t, 4>> immutable_samplers;
  uint32_t elements() const { return type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK ? 1 : count; }
  uint32_t entry_offset() const { return binding * kDescriptorBytes; }
  uint32_t element_offset(uint32_t element) const {
    return array_offset + kArrayHeaderBytes + element * element_bytes(type);
  }
};

// Set memory of a layout (binding_model.h): the entries, dense by binding number; an empty header
// (count 0, then one zero descriptor) for bindings without elements; each addressable binding's
// header and elements; then the inline uniform blocks' bytes. The first descriptor_bytes() are
// what a dispatch copies when it applies dynamic offsets.
class DescriptorSetLayout : public Object {
public:
  static VkResult create(const VkDescriptorSetLayoutCreateInfo& info, std::unique_ptr<DescriptorSetLayout>& out);

  const BindingLayout* find(uint32_t binding) const;
  const std::vector<BindingLayout>& bindings() const { return bindings_; }
  uint32_t dynamic_count() const { return dynamic_count_; }   // dynamic descriptors per set
  // Descriptors per type, for pool accounting (inline uniform blocks: bytes).
  uint32_t descriptor_count(VkDescriptorType type) const;
  uint32_t inline_blocks() const { return inline_blocks_; }
  uint32_t empty_header() const { return empty_header_; }
  uint32_t descriptor_bytes() const { return descriptor_bytes_; }  // entries, headers, elements
  uint64_t set_bytes() const { return set_bytes_; }                // ... and inline blocks

  // The memory of a fresh set: entries and headers filled in, no descriptor written.
  void initial_memory(uint8_t* out, uint64_t inline_va) const;

private:
  std::vector<BindingLayout> bindings_;  // sorted by binding number
  uint32_t dynamic_count_ = 0;
  uint32_t inline_blocks_ = 0;
  uint32_t empty_header_ = 0;
  uint32_t descriptor_bytes_ = 0;
  uint64_t set_bytes_ = 0;
};

class PipelineLayout : public Object {
public:
  static VkResult create(const VkPipelineLayoutCreateInfo& info, std::unique_ptr<PipelineLayout>& out);

  uint32_t set_count() const { return uint32_t(sets_.size()); }
  // Layouts are copied (shared ownership) because the application may destroy its set layouts
  // while the pipeline layout is still in use.
  const DescriptorSetLayout* set_layout(uint32_t set) const { return set < sets_.size() ? sets_[set].get() : nullptr; }
  std::shared_ptr<const DescriptorSetLayout> shared_set_layout(uint32_t set) const {
    return set < sets_.size() ? sets_[set] : nullptr;
  }
  uint32_t dynamic_offset_base(uint32_t set) const { return dynamic_base_[set]; }
  uint32_t dynamic_count() const { return dynamic_total_; }
  uint32_t push_constant_bytes() const { return push_bytes_; }

private:
  std::vector<std::shared_ptr<const DescriptorSetLayout>> sets_;
  std::vector<uint32_t> dynamic_base_;
  uint32_t dynamic_total_ = 0;
  uint32_t push_bytes_ = 0;
};

struct PipelineLayoutHandle : public NonDispatchable<VK_OBJECT_TYPE_PIPELINE_LAYOUT> {
  std::shared_ptr<const PipelineLayout> layout;
};

// Set layouts are reference counted so that pipeline layouts and sets can outlive the handle.
struct DescriptorSetLayoutHandle : public NonDispatchable<VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT> {
  std::shared_ptr<DescriptorSetLayout> layout;
};

}  // namespace mica::vk
