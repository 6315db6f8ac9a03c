// Descriptor pools, sets and update templates. A set is its slice of the binding model's
// descriptor table, kept in host memory (see binding_model.h for why that is enough); dynamic
// buffer descriptors hold the base address and get their offset when the dispatch is recorded.
#pragma once

#include "binding_model.h"
#include "descriptor_layout.h"
#include "object.h"

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace mica::vk {

class DescriptorPool;

class DescriptorSet : public Object {
public:
  DescriptorSet(DescriptorPool& pool, std::shared_ptr<const DescriptorSetLayout> layout)
      : pool_(pool), layout_(std::move(layout)) {}
  const DescriptorSetLayout& layout() const { return *layout_; }
  DescriptorPool& pool() const { return pool_; }
  const std::array<BufferDescriptor, kBindingsPerSet>& entries() const { return entries_; }

  void write_buffer(const BindingLayout& b, uint32_t element, uint64_t va, uint64_t range);
  void copy_from(const DescriptorSet& src, const BindingLayout& src_b, const BindingLayout& dst_b);

private:
  DescriptorPool& pool_;
  std::shared_ptr<const DescriptorSetLayout> layout_;
  std::array<BufferDescriptor, kBindingsPerSet> entries_{};
};

class DescriptorPool : public Object {
public:
  explicit DescriptorPool(const VkDescriptorPoolCreateInfo& info);

  VkResult allocate(std::shared_ptr<const DescriptorSetLayout> layout, DescriptorSet*& out);
  void free(DescriptorSet* set);
  void reset();

private:
  uint32_t max_sets_ = 0;
  std::map<VkDescriptorType, uint64_t> capacity_;  // descriptors of each type the pool was sized for
  std::map<VkDescriptorType, uint64_t> used_;
  std::map<DescriptorSet*, std::unique_ptr<DescriptorSet>> sets_;
};

class DescriptorUpdateTemplate : public Object {
public:
  std::vector<VkDescriptorUpdateTemplateEntry> entries;
};

}  // namespace mica::vk
