// Texture-unit descriptors from Vulkan views and samplers (texture_descriptors.h).
#include "texture_descriptors.h"
#include "format_table.h"
#include "image.h"

extern "C" {
#include "mica_image.h"
}

#include <algorithm>
#include <bit>
#include <cstring>

namespace mica::vk {

static_assert(std::tuple_size_v<ImageDescriptor> == MICA_IMGDESC_DWORDS);
static_assert(std::tuple_size_v<SamplerDescriptor> == MICA_SMPDESC_DWORDS);

namespace {

uint32_t view_type(VkImageViewType t) {
  switch (t) {
  case VK_IMAGE_VIEW_TYPE_1D: return MICA_IMAGE_TYPE_1D;
  case VK_IMAGE_VIEW_TYPE_2D: return MICA_IMAGE_TYPE_2D;
  case VK_IMAGE_VIEW_TYPE_3D: return MICA_IMAGE_TYPE_3D;
  case VK_IMAGE_VIEW_TYPE_CUBE: return MICA_IMAGE_TYPE_CUBE;
  case VK_IMAGE_VIEW_TYPE_1D_ARRAY: return MICA_IMAGE_TYPE_1D_ARRAY;
  case VK_IMAGE_VIEW_TYPE_2D_ARRAY: return MICA_IMAGE_TYPE_2D_ARRAY;
  case VK_IMAGE_VIEW_TYPE_CUBE_ARRAY: return MICA_IMAGE_TYPE_CUBE_ARRAY;
  default: return MICA_IMAGE_TYPE_2D;
  }
}

// VkComponentSwizzle -> the descriptor's swizzle source; IDENTITY is the component itself.
uint32_t swizzle(VkComponentSwizzle s, uint32_t self) {
  switch (s) {
  case VK_COMPONENT_SWIZZLE_ZERO: return MICA_SWIZZLE_ZERO;
  case VK_COMPONENT_SWIZZLE_ONE: return MICA_SWIZZLE_ONE;
  case VK_COMPONENT_SWIZZLE_R: return MICA_SWIZZLE_R;
  case VK_COMPONENT_SWIZZLE_G: return MICA_SWIZZLE_G;
  case VK_COMPONENT_SWIZZLE_B: return MICA_SWIZZLE_B;
  case VK_COMPONENT_SWIZZLE_A: return MICA_SWIZZLE_A;
  default: return MICA_SWIZZLE_R + self;
  }
}

}  // namespace

int texel_format_index(VkFormat format) {
  const FormatInfo* f = find_format(format);
  return f ? format_table_index(*f) : -1;
}

ImageDescriptor image_view_descriptor(const Image& image, const VkImageViewCreateInfo& info) {
  const VkImageCreateInfo& ci = image.info();
  const VkImageSubresourceRange& r = info.subresourceRange;
  mica_image_desc d{};
  // The plane of the view's aspect (a depth or stencil view of a combined format reads one plane;
  // image.h); a colour view may reinterpret the texels in another format of the same size.
  const Image::Plane* plane = image.plane(r.aspectMask);
  if (!plane) plane = &image.plane_at(0);
  d.addr = image.va() + plane->offset;
  d.format = plane->aspect == VK_IMAGE_ASPECT_COLOR_BIT ? uint32_t(texel_format_index(info.format)) : plane->table_format;
  d.type = view_type(info.viewType);
  d.tiling = plane->tiling;
  d.width = ci.extent.width;
  d.height = ci.extent.height;
  d.depth = ci.extent.depth;
  d.layers = ci.arrayLayers;
  d.base_layer = r.baseArrayLayer;
  d.view_layers = r.layerCount == VK_REMAINING_ARRAY_LAYERS ? ci.arrayLayers - r.baseArrayLayer : r.layerCount;
  d.base_level = r.baseMipLevel;
  d.view_levels = r.levelCount == VK_REMAINING_MIP_LEVELS ? ci.mipLevels - r.baseMipLevel : r.levelCount;
  // A multisampled image (2D, one level): the unit lays its samples out as depth slices
  // (mica_image_desc_layout_depth) and takes the sample index where others take the level.
  d.samples_log2 = uint32_t(std::countr_zero(uint32_t(ci.samples)));
  if (ci.imageType == VK_IMAGE_TYPE_3D &&
      (info.viewType == VK_IMAGE_VIEW_TYPE_2D || info.viewType == VK_IMAGE_VIEW_TYPE_2D_ARRAY)) {
    // A 2D (array) view of slices of one level of a 3D image: that level's slices are a layer array
    // of their own (docs/hw/texture.md, "Image descriptor").
    const mica_image_level& l = plane->levels[r.baseMipLevel];
    d.addr = image.va() + plane->offset + l.offset;
    d.width = l.width;
    d.height = l.height;
    d.depth = 1;
    d.layers = l.depth;
    d.base_level = 0;
    d.view_levels = 1;
    if (r.layerCount == VK_REMAINING_ARRAY_LAYERS) d.view_layers = l.depth - r.baseArrayLayer;
  }
  const VkComponentMapping& c = info.components;
  d.swizzle[0] = swizzle(c.r, 0);
  d.swizzle[1] = swizzle(c.g, 1);
  d.swizzle[2] = swizzle(c.b, 2);
  d.swizzle[3] = swizzle(c.a, 3);
  ImageDescriptor out{};
  mica_image_desc_encode(&d, out.data());
  return out;
}

ImageDescriptor buffer_view_descriptor(uint64_t va, uint64_t elements, VkFormat format) {
  mica_image_desc d{};
  d.addr = va;
  d.format = uint32_t(texel_format_index(format));
  d.type = MICA_IMAGE_TYPE_BUFFER;
  d.tiling = MICA_IMAGE_TILING_LINEAR;
  d.width = uint32_t(std::min<uint64_t>(elements, UINT32_MAX));
  d.height = d.depth = d.layers = d.view_layers = d.view_levels = 1;
  for (uint32_t i = 0; i < 4; ++i) d.swizzle[i] = MICA_SWIZZLE_R + i;
  ImageDescriptor out{};
  mica_image_desc_encode(&d, out.data());
  return out;
}

SamplerDescriptor sampler_descriptor(const VkSamplerCreateInfo& info) {
  mica_sampler_desc s{};
  s.mag_filter = info.magFilter == VK_FILTER_LINEAR ? 1 : 0;
  s.min_filter = info.minFilter == VK_FILTER_LINEAR ? 1 : 0;
  s.mipmap_mode = info.mipmapMode == VK_SAMPLER_MIPMAP_MODE_LINEAR ? 1 : 0;
  // The enumerations have Vulkan's values (mica.toml [address_mode], [border_color], [compare_op]).
  s.address[0] = uint32_t(info.addressModeU);
  s.address[1] = uint32_t(info.addressModeV);
  s.address[2] = uint32_t(info.addressModeW);
  s.border_color = info.borderColor <= VK_BORDER_COLOR_INT_OPAQUE_WHITE ? uint32_t(info.borderColor) : 0;
  s.compare_enable = info.compareEnable ? 1 : 0;
  s.compare_op = uint32_t(info.compareOp) & 7;
  s.unnormalized = info.unnormalizedCoordinates ? 1 : 0;
  // The spec clamps the sampler's bias to +-maxSamplerLodBias (physical_device.cpp); the unit adds
  // the field as it is.
  s.lod_bias = std::clamp(info.mipLodBias, -float(MICA_TEX_MAX_LEVELS), float(MICA_TEX_MAX_LEVELS));
  s.min_lod = info.minLod;
  s.max_lod = info.maxLod;
  SamplerDescriptor out{};
  mica_sampler_desc_encode(&s, out.data());
  return out;
}

}  // namespace mica::vk
