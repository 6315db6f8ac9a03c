// VkImage, VkImageView, VkSampler. An image is bytes in device memory that the DMA engine copies and
// clears and the texture unit reads and writes through view descriptors (texture_descriptors.h).
// Both tilings use the same linear layout (the texture unit's LINEAR layout), documented in
// docs/vulkan.md ("Images"):
//   mip levels one after another, each starting kImageLevelAlignment-aligned; within a level the
//   array layers one after another (arrayPitch apart), within a layer the depth slices
//   (depthPitch apart), within a slice the rows (rowPitch = width * texel bytes apart, no padding).
#pragma once

#include "format_table.h"
#include "gpu_memory.h"
#include "object.h"
#include "texture_descriptors.h"

#include <vector>

namespace mica::vk {

constexpr uint64_t kImageLevelAlignment = 16;
constexpr uint64_t kImageMemoryAlignment = 256;

class Image : public NonDispatchable<VK_OBJECT_TYPE_IMAGE> {
public:
  struct Level {
    VkExtent3D extent;
    uint64_t offset, row_pitch, depth_pitch, array_pitch;
  };

  Image(const VkImageCreateInfo& info, const FormatInfo& format);
  const VkImageCreateInfo& info() const { return info_; }
  const FormatInfo& format() const { return format_; }
  uint64_t size() const { return size_; }
  const Level& level(uint32_t mip) const { return levels_[mip]; }
  uint32_t level_count() const { return uint32_t(levels_.size()); }

  void bind(GpuMemory* memory, uint64_t offset) {
    memory_ = memory;
    offset_ = offset;
  }
  bool bound() const { return memory_ != nullptr; }
  uint64_t va() const { return memory_ ? memory_->va() + offset_ : 0; }
  // GPU address of texel (x, y, z) of a layer of a mip level.
  uint64_t texel_va(uint32_t mip, uint32_t layer, int32_t x, int32_t y, int32_t z) const {
    const Level& l = levels_[mip];
    return va() + l.offset + layer * l.array_pitch + uint64_t(z) * l.depth_pitch + uint64_t(y) * l.row_pitch +
           uint64_t(x) * format_.bytes;
  }

private:
  VkImageCreateInfo info_;  // pNext and pQueueFamilyIndices cleared
  const FormatInfo& format_;
  std::vector<Level> levels_;
  uint64_t size_ = 0;
  GpuMemory* memory_ = nullptr;
  uint64_t offset_ = 0;
};

// A view: its texture-unit descriptor is computed once, at creation (the image is bound by then).
class ImageView : public NonDispatchable<VK_OBJECT_TYPE_IMAGE_VIEW> {
public:
  ImageView(const Image& image, const VkImageViewCreateInfo& info)
      : image_(image), info_(info), descriptor_(image_view_descriptor(image, info)) {
    info_.pNext = nullptr;
  }
  const Image& image() const { return image_; }
  const VkImageViewCreateInfo& info() const { return info_; }
  const ImageDescriptor& descriptor() const { return descriptor_; }

private:
  const Image& image_;
  VkImageViewCreateInfo info_;
  ImageDescriptor descriptor_;
};

class Sampler : public NonDispatchable<VK_OBJECT_TYPE_SAMPLER> {
public:
  explicit Sampler(const VkSamplerCreateInfo& info) : info_(info), descriptor_(sampler_descriptor(info)) {
    info_.pNext = nullptr;
  }
  const VkSamplerCreateInfo& info() const { return info_; }
  const SamplerDescriptor& descriptor() const { return descriptor_; }

private:
  VkSamplerCreateInfo info_;
  SamplerDescriptor descriptor_;
};

// What vkGetPhysicalDeviceImageFormatProperties reports: VK_SUCCESS and the limits, or
// VK_ERROR_FORMAT_NOT_SUPPORTED for a combination Mica cannot create.
VkResult image_format_properties(VkFormat format, VkImageType type, VkImageTiling tiling, VkImageUsageFlags usage,
                                 VkImageCreateFlags flags, VkImageFormatProperties* out);

}  // namespace mica::vk
