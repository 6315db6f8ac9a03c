// Image, sampler and texel-buffer descriptors of the texture unit (docs/hw/texture.md), built from
// Vulkan objects with the encoders of src/hw (mica_image.h), so the driver and the device agree on
// every field by construction.
#pragma once

#include "object.h"

#include <array>
#include <cstdint>

namespace mica::vk {

class Image;

using ImageDescriptor = std::array<uint32_t, 8>;    // MICA_IMGDESC_DWORDS
using SamplerDescriptor = std::array<uint32_t, 4>;  // MICA_SMPDESC_DWORDS

// The formats table index (the descriptor's FORMAT) of a Vulkan format, or -1.
int texel_format_index(VkFormat format);

// The descriptor of a view of 'image' (bound to memory). Images of both tilings use the linear
// layout (image.h), which is the texture unit's LINEAR layout.
ImageDescriptor image_view_descriptor(const Image& image, const VkImageViewCreateInfo& info);
// A texel buffer view: BUFFER type, 'elements' texels of 'format' at 'va'.
ImageDescriptor buffer_view_descriptor(uint64_t va, uint64_t elements, VkFormat format);
SamplerDescriptor sampler_descriptor(const VkSamplerCreateInfo& info);

}  // namespace mica::vk
