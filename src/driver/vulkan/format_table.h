// The texel formats of image memory (src/hw/mica_formats.toml) as Vulkan formats, and what the
// driver can do with each: which format features it reports and how a clear colour becomes texel
// bytes.
#pragma once

#include "object.h"

#include <array>
#include <cstdint>
#include <optional>

namespace mica::vk {

struct FormatInfo {
  VkFormat format;
  uint32_t bytes;    // per texel
  uint32_t numeric;  // enum mica_numeric
  uint32_t component_count;
  struct Component {
    uint32_t channel, bits, offset;  // channel 0..3 = R, G, B, A, 4 = shared exponent; offset from the LSB
  };
  std::array<Component, 4> components;
};

// Null for formats the formats table does not hold (compressed, combined depth/stencil,
// multi-planar, ...).
const FormatInfo* find_format(VkFormat format);

// How an image of a Vulkan format is held: one plane per aspect. Colour formats and the
// single-aspect depth or stencil formats (D16_UNORM, X8_D24_UNORM_PACK32, D32_SFLOAT, S8_UINT) are
// one plane of that table format; D24_UNORM_S8_UINT is an X8_D24_UNORM_PACK32 depth plane and an
// S8_UINT stencil plane, D32_SFLOAT_S8_UINT a D32_SFLOAT plane and an S8_UINT plane
// (docs/hw/texture.md, "Depth and stencil"). A copy of one aspect is then a copy of one plane in
// exactly the buffer layout the spec's copy rules give that aspect (D24: 4 bytes, the depth in the
// low 24 bits; D32: 4; S8: 1).
struct FormatPlane {
  VkImageAspectFlagBits aspect;
  const FormatInfo* info;
};
struct ImageFormat {
  uint32_t plane_count = 0;
  std::array<FormatPlane, 2> planes{};
  VkImageAspectFlags aspects = 0;
  bool depth_stencil() const { return aspects & (VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT); }
};
std::optional<ImageFormat> image_format(VkFormat format);
// A block-compressed format of the table (BC1-BC7: 4x4 blocks the texture unit decodes).
bool format_is_compressed(VkFormat format);

// The format's index in the formats table (the FORMAT field of a texture-unit descriptor).
int format_table_index(const FormatInfo& info);

// Features of images of this format for a tiling. What the device does, the same for both tilings (the
// texture unit reads both layouts): the transfer features (copies and clears through the DMA engine,
// command_buffer_image.cpp) and what the texture unit does with the format (docs/hw/texture.md): every
// colour format can be loaded and stored (STORAGE_IMAGE); all but the 64-bit ones sampled
// (SAMPLED_IMAGE), the non-integer ones with linear filtering; R32_UINT and R32_SINT take every atomic,
// R32_SFLOAT exchange and add (STORAGE_IMAGE_ATOMIC: VK_EXT_shader_atomic_float's image features).
// Block-compressed formats (BC1-BC7): SAMPLED_IMAGE, FILTER_LINEAR and the transfer features (copies
// move blocks), no storage. Depth and stencil formats: SAMPLED_IMAGE (with depth comparison, and
// FILTER_LINEAR where there is a depth aspect) and the transfer features; no storage.
// Then, OPTIMAL tiling only, the graphics bits the spec's required-format tables make mandatory
// (BLIT_SRC/DST, COLOR_ATTACHMENT(_BLEND), DEPTH_STENCIL_ATTACHMENT: required_formats.txt, generated
// into required_formats.h), exactly those: conformance requires them although only a graphics queue,
// which Mica does not expose, can use them (docs/vulkan.md "Images").
VkFormatFeatureFlags image_format_features(VkFormat format, VkImageTiling tiling);
// Features of buffer views of this format: formatted loads and stores (uniform and storage texel
// buffers), atomics on R32_UINT / R32_SINT / R32_SFLOAT, and the VERTEX_BUFFER bit where the spec's
// tables require it (only a graphics pipeline, which Mica has not, reads vertex buffers).
VkFormatFeatureFlags buffer_format_features(VkFormat format);

// The texel bytes (info.bytes of them) of a VkClearColorValue, converted as the spec's
// "Fixed-Point Data Conversions" and float rules say (round to nearest, clamp to the range).
std::array<uint8_t, 32> pack_clear_color(const FormatInfo& info, const VkClearColorValue& color);

}  // namespace mica::vk
