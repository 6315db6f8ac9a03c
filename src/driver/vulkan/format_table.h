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

// Null for formats image memory does not hold (compressed, depth/stencil, multi-planar, ...).
const FormatInfo* find_format(VkFormat format);

// The format's index in the formats table (the FORMAT field of a texture-unit descriptor).
int format_table_index(const FormatInfo& info);

// Features of images of this format, the same for both tilings (both use the linear layout): the
// transfer features (copies and clears through the DMA engine, command_buffer_image.cpp) and what
// the texture unit does with the format (docs/hw/texture.md): every format can be loaded and
// stored (STORAGE_IMAGE); all but the 64-bit ones sampled (SAMPLED_IMAGE), the non-integer ones
// with linear filtering; R32_UINT and R32_SINT take atomics.
VkFormatFeatureFlags image_format_features(VkFormat format);
// Features of buffer views of this format: formatted loads and stores (uniform and storage texel
// buffers), atomics on R32_UINT / R32_SINT.
VkFormatFeatureFlags buffer_format_features(VkFormat format);

// The texel bytes (info.bytes of them) of a VkClearColorValue, converted as the spec's
// "Fixed-Point Data Conversions" and float rules say (round to nearest, clamp to the range).
std::array<uint8_t, 32> pack_clear_color(const FormatInfo& info, const VkClearColorValue& color);

}  // namespace mica::vk
