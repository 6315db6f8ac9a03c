// VkBuffer and VkBufferView: a range of a GpuMemory, addressed by GPU VA once bound.
#pragma once

#include "gpu_memory.h"
#include "object.h"
#include "texture_descriptors.h"

namespace mica::vk {

class Buffer : public NonDispatchable<VK_OBJECT_TYPE_BUFFER> {
public:
  Buffer(uint64_t size, VkBufferUsageFlags usage) : size_(size), usage_(usage) {}
  uint64_t size() const { return size_; }
  VkBufferUsageFlags usage() const { return usage_; }
  void bind(GpuMemory* memory, uint64_t offset) {
    memory_ = memory;
    offset_ = offset;
  }
  GpuMemory* memory() const { return memory_; }
  uint64_t va() const { return memory_ ? memory_->va() + offset_ : 0; }

private:
  uint64_t size_;
  VkBufferUsageFlags usage_;
  GpuMemory* memory_ = nullptr;
  uint64_t offset_ = 0;
};

class BufferView : public NonDispatchable<VK_OBJECT_TYPE_BUFFER_VIEW> {
public:
  // 'elements': the texels of 'format' in 'range' bytes (the descriptor's WIDTH).
  BufferView(uint64_t va, uint64_t range, VkFormat format, uint64_t elements)
      : va_(va), range_(range), format_(format), descriptor_(buffer_view_descriptor(va, elements, format)) {}
  uint64_t va() const { return va_; }
  uint64_t range() const { return range_; }
  VkFormat format() const { return format_; }
  const ImageDescriptor& descriptor() const { return descriptor_; }

private:
  uint64_t va_, range_;
  VkFormat format_;
  ImageDescriptor descriptor_;
};

}  // namespace mica::vk
