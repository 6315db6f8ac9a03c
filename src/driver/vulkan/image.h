// VkImage, VkImageView, VkSampler. An image is bytes in device memory that the DMA engine copies and
// clears and the texture unit reads and writes through view descriptors (texture_descriptors.h).
// Its layout is the texture unit's (src/hw mica_image.h, docs/vulkan.md "Images"): one plane per
// aspect (format_table.h: colour and single-aspect formats have one, combined depth/stencil formats
// a depth and a stencil plane), each plane the unit's image layout of its table format,
//   mip levels one after another, each starting MICA_TEX_LEVEL_ALIGNMENT-aligned; within a level
//   the array layers, within a layer the depth slices, within a slice the rows (LINEAR) or the rows
//   of 4x4-texel tiles (OPTIMAL: VK_IMAGE_TILING_OPTIMAL images other than 1D),
// planes one after another at kImageMemoryAlignment-aligned offsets.
#pragma once

#include "format_table.h"
#include "gpu_memory.h"
#include "object.h"
#include "texture_descriptors.h"

#include "mica_image.h"

#include <vector>

namespace mica::vk {

constexpr uint64_t kImageMemoryAlignment = 256;
// Sample counts of multisampled images: 1, 2, 4 and 8 (the texture unit's SAMPLES_LOG2 0..3). The
// image format query and every sample-count limit of VkPhysicalDeviceLimits report this set.
constexpr VkSampleCountFlags kSupportedSampleCounts =
    VK_SAMPLE_COUNT_1_BIT | VK_SAMPLE_COUNT_2_BIT | VK_SAMPLE_COUNT_4_BIT | VK_SAMPLE_COUNT_8_BIT;

class Image : public NonDispatchable<VK_OBJECT_TYPE_IMAGE> {
public:
  struct Plane {
    VkImageAspectFlagBits aspect;
    const FormatInfo* format;  // the table format of the plane's texels
    uint32_t table_format;     // its index (a descriptor's FORMAT)
    uint32_t tiling;           // MICA_IMAGE_TILING_*
    uint64_t offset;           // from the image's base
    uint32_t block_width, block_height;  // texels per element: 4 x 4 for block-compressed formats
    std::vector<mica_image_level> levels;
  };

  Image(const VkImageCreateInfo& info, const ImageFormat& format);
  const VkImageCreateInfo& info() const { return info_; }
  uint64_t size() const { return size_; }
  uint32_t level_count() const { return info_.mipLevels; }
  uint32_t plane_count() const { return uint32_t(planes_.size()); }
  // The plane holding an aspect (COLOR, DEPTH or STENCIL; for a mask of several, the first held),
  // or null if the image has no such aspect.
  const Plane* plane(VkImageAspectFlags aspect) const;
  const Plane& plane_at(uint32_t i) const { return planes_[i]; }

  void bind(GpuMemory* memory, uint64_t offset) {
    memory_ = memory;
    offset_ = offset;
  }
  bool bound() const { return memory_ != nullptr; }
  uint64_t va() const { return memory_ ? memory_->va() + offset_ : 0; }
  // GPU address of texel (x, y, z) of a layer (z: the sample of a multisampled image) of a mip level of a plane.
  uint64_t texel_va(const Plane& p, uint32_t mip, uint32_t layer, uint32_t x, uint32_t y, uint32_t z) const {
    const mica_image_level& l = p.levels[mip];
    return va() + p.offset + l.offset + mica_image_texel_offset(p.table_format, p.tiling, &l, x, y, z, layer);
  }
  // GPU address of element (block, or texel) (ex, ey) of a layer of a mip level of a plane.
  uint64_t element_va(const Plane& p, uint32_t mip, uint32_t layer, uint32_t ex, uint32_t ey, uint32_t z) const {
    return texel_va(p, mip, layer, ex * p.block_width, ey * p.block_height, z);
  }
  // How many elements from element column x (at most 'limit') lie contiguously in memory along a row:
  // the rest of the row when LINEAR, the rest of the 4-texel tile row when OPTIMAL.
  static uint32_t contiguous_texels(const Plane& p, uint32_t x, uint32_t limit) {
    if (p.tiling == MICA_IMAGE_TILING_LINEAR) return limit;
    return std::min(limit, MICA_TEX_TILE_WIDTH - x % MICA_TEX_TILE_WIDTH);
  }

private:
  VkImageCreateInfo info_;  // pNext and pQueueFamilyIndices cleared
  std::vector<Plane> planes_;
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
