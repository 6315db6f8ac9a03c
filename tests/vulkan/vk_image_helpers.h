// The scaffolding the Vulkan image tests share (test_images, test_image_shaders, test_image_ms,
// test_image_bptc, test_float_atomic_minmax): what a format's texels are to a shader, images with
// their memory and view, samplers, the layout and memory barriers, copy regions and the lavapipe
// reference. Most image tests run the same commands on Mica and on lavapipe, so everything here
// takes the vkrun::Context (or VkDevice) to work on; descriptor sets and pipelines are vk_test.h's.
#pragma once

#include "vk_test.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace vktest {

// How a shader reads and writes a format's texels: as floats (UNORM, SNORM, SFLOAT, sRGB, depth,
// compressed), unsigned or signed integers. The tests index their per-kind shaders (*_f, *_u, *_i)
// with it, in this order.
enum class TexelKind { f, u, i };
TexelKind kind_of(VkFormat format);

// The uncompressed 8-bit sRGB formats (lavapipe's sRGB decode approximates the spec's formula).
bool is_srgb(VkFormat format);
// Whether the format has an alpha component, from Vulkan-Hpp's format traits (generated from vk.xml,
// not from Mica's tables).
bool has_alpha(VkFormat format);
// The depth and/or stencil formats.
bool is_depth_stencil(VkFormat format);
// Every aspect of a format (barriers, clears), and the one its views, copies and samples read:
// depth before stencil, S8_UINT's stencil, colour otherwise.
VkImageAspectFlags aspects_of(VkFormat format);
VkImageAspectFlags view_aspect_of(VkFormat format);

// What to create. Memory is host visible (both devices offer it for images, and
// SubresourceLayoutIsWhereTheBytesAre maps it). view: the view type over every level and layer, or
// kNoView (an image with only transfer usage may not have a view).
constexpr VkImageViewType kNoView = VK_IMAGE_VIEW_TYPE_MAX_ENUM;
struct ImageDesc {
  VkFormat format = VK_FORMAT_UNDEFINED;
  VkExtent3D extent = {1, 1, 1};
  VkImageUsageFlags usage = 0;
  VkImageViewType view = VK_IMAGE_VIEW_TYPE_2D;
  VkImageType type = VK_IMAGE_TYPE_2D;
  uint32_t levels = 1;
  uint32_t layers = 1;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkImageTiling tiling = VK_IMAGE_TILING_OPTIMAL;
};

// The create info of 'desc' (for the tests of vkCreateImage's answers themselves).
VkImageCreateInfo image_info(const ImageDesc& desc);

// An image with its own memory and (unless desc.view says none) a view; throws vkrun::Error when a
// create, allocate or bind call fails. Destroyed with its scope, before the context it was made on.
class Image {
public:
  Image(vkrun::Context& ctx, const ImageDesc& desc);
  ~Image();
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;

private:
  void release();
  VkDevice device_;
};

// Sampler create infos: the spec's defaults (NEAREST, REPEAT, maxLod 0) with the filter, address
// mode, mipmap mode and maxLod the caller names.
VkSamplerCreateInfo sampler_info(VkFilter filter = VK_FILTER_NEAREST,
                                 VkSamplerAddressMode mode = VK_SAMPLER_ADDRESS_MODE_REPEAT,
                                 VkSamplerMipmapMode mip = VK_SAMPLER_MIPMAP_MODE_NEAREST, float max_lod = 0.0f);

class Sampler {
public:
  Sampler(VkDevice device, const VkSamplerCreateInfo& info);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  operator VkSampler() const { return sampler_; }
  const VkSampler* get() const { return &sampler_; }  // for immutable-sampler bindings

private:
  VkDevice device_;
  VkSampler sampler_ = VK_NULL_HANDLE;
};

// A texel-buffer view over all of 'buffer'.
class BufferView {
public:
  BufferView(VkDevice device, VkBuffer buffer, VkFormat format);
  ~BufferView();
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  operator VkBufferView() const { return view_; }

private:
  VkDevice device_;
  VkBufferView view_ = VK_NULL_HANDLE;
};

// UNDEFINED -> GENERAL for every level and layer of 'aspects' of 'image', before the transfers that
// fill it (the tests keep every image in GENERAL; a no-op on Mica, what lavapipe needs too).
void to_general(VkCommandBuffer cb, VkImage image, VkImageAspectFlags aspects = VK_IMAGE_ASPECT_COLOR_BIT);
// Every write before visible to every read and write after, between the steps of a command buffer
// (uploads, dispatches, copies, readbacks).
void memory_barrier(VkCommandBuffer cb);
// The same between transfers only (copies and clears).
void transfer_barrier(VkCommandBuffer cb);

// A buffer <-> image region of the whole extent of level 'level', 'layers' layers from 0, of 'aspect',
// tightly packed at 'offset' in the buffer.
VkBufferImageCopy copy_region(VkExtent3D extent, VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT,
                              uint32_t layers = 1, VkDeviceSize offset = 0, uint32_t level = 0);

// Whether both devices offer all of 'need' on OPTIMAL images of 'format' (the formats a differential
// test can compare).
bool both_offer(const vkrun::Context& a, const vkrun::Context& b, VkFormat format, VkFormatFeatureFlags need);

// The three variants of a program, indexed by TexelKind: <stem>_f.spv, <stem>_u.spv, <stem>_i.spv.
std::array<std::vector<uint32_t>, 3> per_kind_spirv(const std::string& stem);

// Mesa's lavapipe as the reference device, or null when it is not installed (the test then skips).
std::unique_ptr<vkrun::Context> open_lavapipe();
constexpr const char* kNoLavapipe = "lavapipe is not available as the reference";

// The float whose bits a shader wrote.
float as_float(uint32_t bits);

}  // namespace vktest
