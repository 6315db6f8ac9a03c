// Descriptor set layouts and pipeline layouts: where each binding lives in descriptor-set memory,
// which bindings take dynamic offsets, and the push-constant range.
#pragma once

#include "binding_model.h"
#include "object.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mica::vk {

struct BindingLayout {
  uint32_t binding = 0;
  VkDescriptorType type = VK_DESCRIPTOR_TYPE_MAX_ENUM;
  uint32_t count = 0;
  uint32_t dynamic_index = 0;  // first dynamic-offset slot of the binding (dynamic types)
  uint32_t inline_offset = 0;  // inline uniform block: offset of its bytes in the set's inline data
  // Whether the binding model has a table entry for it: a supported type, binding number below
  // kBindingsPerSet and at most one element (the compiler refuses shaders that use others); an
  // inline uniform block of at most kMaxInlineUniformBlockBytes.
  bool addressable = false;
};

class DescriptorSetLayout : public Object {
public:
  static VkResult create(const VkDescriptorSetLayoutCreateInfo& info, std::unique_ptr<DescriptorSetLayout>& out);

  const BindingLayout* find(uint32_t binding) const;
  const std::vector<BindingLayout>& bindings() const { return bindings_; }
  uint32_t dynamic_count() const { return dynamic_count_; }   // dynamic descriptors per set
  // Descriptors per type, for pool accounting (inline uniform blocks: bytes).
  uint32_t descriptor_count(VkDescriptorType type) const;
  // Inline uniform blocks: GPU bytes a set needs for all of them (aligned blocks), and how many.
  uint32_t inline_bytes() const { return inline_bytes_; }
  uint32_t inline_blocks() const { return inline_blocks_; }

private:
  std::vector<BindingLayout> bindings_;  // sorted by binding number
  uint32_t dynamic_count_ = 0;
  uint32_t inline_bytes_ = 0;
  uint32_t inline_blocks_ = 0;
};

class PipelineLayout : public Object {
public:
  static VkResult create(const VkPipelineLayoutCreateInfo& info, std::unique_ptr<PipelineLayout>& out);

  uint32_t set_count() const { return uint32_t(sets_.size()); }
  // Layouts are copied (shared ownership) because the application may destroy its set layouts
  // while the pipeline layout is still in use.
  const DescriptorSetLayout* set_layout(uint32_t set) const { return set < sets_.size() ? sets_[set].get() : nullptr; }
  uint32_t dynamic_offset_base(uint32_t set) const { return dynamic_base_[set]; }
  uint32_t dynamic_count() const { return dynamic_total_; }
  uint32_t push_constant_bytes() const { return push_bytes_; }

private:
  std::vector<std::shared_ptr<const DescriptorSetLayout>> sets_;
  std::vector<uint32_t> dynamic_base_;
  uint32_t dynamic_total_ = 0;
  uint32_t push_bytes_ = 0;
};

struct PipelineLayoutHandle : public Object {
  std::shared_ptr<const PipelineLayout> layout;
};

// Set layouts are reference counted so that pipeline layouts and sets can outlive the handle.
struct DescriptorSetLayoutHandle : public Object {
  std::shared_ptr<DescriptorSetLayout> layout;
};

}  // namespace mica::vk
