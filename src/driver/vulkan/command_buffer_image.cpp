// Transfer commands on images: copies between buffers and images, between images, and colour
// clears, all as DMA copies over the linear layout of image.h (a row, or a whole slice when its
// rows are contiguous on both sides, per copy).
//
// Image layouts need no work: every layout of a Mica image is the same linear bytes, so the layout
// transitions of image barriers are no-ops; the barrier itself still orders memory
// (CmdPipelineBarrier in command_buffer.cpp).
#include "buffer.h"
#include "command_buffer.h"
#include "entrypoints.h"
#include "image.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {
namespace {

uint32_t layer_count(const Image& image, const VkImageSubresourceLayers& s) {
  return s.layerCount == VK_REMAINING_ARRAY_LAYERS ? image.info().arrayLayers - s.baseArrayLayer : s.layerCount;
}

bool is_3d(const Image& image) { return image.info().imageType == VK_IMAGE_TYPE_3D; }

// Buffer <-> image copy of one region; to_image picks the direction.
void copy_buffer_image(CommandBuffer& c, const Buffer& buffer, const Image& image, const VkBufferImageCopy2& r,
                       bool to_image) {
  if (!image.bound() || !buffer.memory()) return;  // invalid use: nothing to address
  const uint64_t texel = image.format().bytes;
  const uint64_t row_length = r.bufferRowLength ? r.bufferRowLength : r.imageExtent.width;
  const uint64_t image_height = r.bufferImageHeight ? r.bufferImageHeight : r.imageExtent.height;
  const uint64_t row_bytes = r.imageExtent.width * texel;
  const uint32_t mip = r.imageSubresource.mipLevel;
  const auto& level = image.level(mip);
  // Rows of a slice are contiguous in both when each covers whole image rows and the buffer is tight.
  const bool whole_slices = r.imageOffset.x == 0 && r.imageExtent.width == level.extent.width &&
                            row_length == r.imageExtent.width;
  const uint32_t layers = layer_count(image, r.imageSubresource);
  for (uint32_t layer = 0; layer < layers; ++layer) {
    for (uint32_t z = 0; z < r.imageExtent.depth; ++z) {
      const uint64_t slice = uint64_t(layer) * r.imageExtent.depth + z;
      const uint32_t rows = whole_slices ? 1 : r.imageExtent.height;
      const uint64_t bytes = whole_slices ? row_bytes * r.imageExtent.height : row_bytes;
      for (uint32_t y = 0; y < rows; ++y) {
        const uint64_t b = buffer.va() + r.bufferOffset + (slice * image_height + y) * row_length * texel;
        const uint64_t i = image.texel_va(mip, r.imageSubresource.baseArrayLayer + layer, r.imageOffset.x,
                                          r.imageOffset.y + int32_t(y), r.imageOffset.z + int32_t(z));
        if (bytes) c.record(to_image ? OpCopy{b, i, bytes} : OpCopy{i, b, bytes});
      }
    }
  }
}

VkBufferImageCopy2 to_region2(const VkBufferImageCopy& r) {
  return {VK_STRUCTURE_TYPE_BUFFER_IMAGE_COPY_2, nullptr, r.bufferOffset, r.bufferRowLength, r.bufferImageHeight,
          r.imageSubresource, r.imageOffset, r.imageExtent};
}

// Image -> image copy of one region. A 3D image's depth slices pair with a 2D image's array layers
// (the spec allows copies between them); formats are size-compatible, so bytes are bytes.
void copy_image_image(CommandBuffer& c, const Image& src, const Image& dst, const VkImageCopy2& r) {
  if (!src.bound() || !dst.bound()) return;
  const uint64_t row_bytes = uint64_t(r.extent.width) * src.format().bytes;
  const uint32_t slices = is_3d(src) ? r.extent.depth : layer_count(src, r.srcSubresource);
  for (uint32_t s = 0; s < slices; ++s) {
    const uint32_t src_layer = r.srcSubresource.baseArrayLayer + (is_3d(src) ? 0 : s);
    const int32_t src_z = r.srcOffset.z + int32_t(is_3d(src) ? s : 0);
    const uint32_t dst_layer = r.dstSubresource.baseArrayLayer + (is_3d(dst) ? 0 : s);
    const int32_t dst_z = r.dstOffset.z + int32_t(is_3d(dst) ? s : 0);
    for (uint32_t y = 0; y < r.extent.height; ++y) {
      const uint64_t from = src.texel_va(r.srcSubresource.mipLevel, src_layer, r.srcOffset.x, r.srcOffset.y + int32_t(y), src_z);
      const uint64_t to = dst.texel_va(r.dstSubresource.mipLevel, dst_layer, r.dstOffset.x, r.dstOffset.y + int32_t(y), dst_z);
      if (row_bytes) c.record(OpCopy{from, to, row_bytes});
    }
  }
}

// Colour clear: the texel pattern is written once into staging memory the command buffer owns,
// then copied over each cleared level (whose layers are contiguous) in pattern-sized pieces.
constexpr uint64_t kClearPatternBytes = 64 * 1024;

void clear_color(CommandBuffer& c, const Image& image, const VkClearColorValue& color, uint32_t count,
                 const VkImageSubresourceRange* ranges) {
  if (!image.bound() || count == 0) return;
  const auto& format = image.format();
  const uint64_t texel = format.bytes;
  const auto bytes = pack_clear_color(format, color);
  const uint64_t pattern_bytes = kClearPatternBytes / texel * texel;
  GpuMemory* pattern = nullptr;
  if (VkResult r = c.staging(pattern_bytes, pattern); r != VK_SUCCESS) return c.set_error(r);
  for (uint64_t at = 0; at < pattern_bytes; at += texel) std::memcpy(pattern->cpu() + at, bytes.data(), texel);
  for (uint32_t i = 0; i < count; ++i) {
    const auto& range = ranges[i];
    const uint32_t levels =
        range.levelCount == VK_REMAINING_MIP_LEVELS ? image.level_count() - range.baseMipLevel : range.levelCount;
    const uint32_t layers = range.layerCount == VK_REMAINING_ARRAY_LAYERS ? image.info().arrayLayers - range.baseArrayLayer
                                                                           : range.layerCount;
    for (uint32_t mip = range.baseMipLevel; mip < range.baseMipLevel + levels && mip < image.level_count(); ++mip) {
      const auto& level = image.level(mip);
      uint64_t dst = image.texel_va(mip, range.baseArrayLayer, 0, 0, 0);
      uint64_t left = level.array_pitch * layers;
      while (left) {
        const uint64_t n = std::min(left, pattern_bytes);
        c.record(OpCopy{pattern->va(), dst, n});
        dst += n;
        left -= n;
      }
    }
  }
}

}  // namespace

VKAPI_ATTR void VKAPI_CALL CmdCopyBufferToImage(VkCommandBuffer cb, VkBuffer src, VkImage dst, VkImageLayout,
                                                uint32_t count, const VkBufferImageCopy* pRegions) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < count; ++i)
      copy_buffer_image(c, *from_handle<Buffer>(src), *from_handle<Image>(dst), to_region2(pRegions[i]), true);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyBufferToImage2(VkCommandBuffer cb, const VkCopyBufferToImageInfo2* pInfo) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < pInfo->regionCount; ++i)
      copy_buffer_image(c, *from_handle<Buffer>(pInfo->srcBuffer), *from_handle<Image>(pInfo->dstImage),
                        pInfo->pRegions[i], true);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyImageToBuffer(VkCommandBuffer cb, VkImage src, VkImageLayout, VkBuffer dst,
                                                uint32_t count, const VkBufferImageCopy* pRegions) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < count; ++i)
      copy_buffer_image(c, *from_handle<Buffer>(dst), *from_handle<Image>(src), to_region2(pRegions[i]), false);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyImageToBuffer2(VkCommandBuffer cb, const VkCopyImageToBufferInfo2* pInfo) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < pInfo->regionCount; ++i)
      copy_buffer_image(c, *from_handle<Buffer>(pInfo->dstBuffer), *from_handle<Image>(pInfo->srcImage),
                        pInfo->pRegions[i], false);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyImage(VkCommandBuffer cb, VkImage src, VkImageLayout, VkImage dst, VkImageLayout,
                                        uint32_t count, const VkImageCopy* pRegions) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < count; ++i) {
      const auto& r = pRegions[i];
      const VkImageCopy2 r2{VK_STRUCTURE_TYPE_IMAGE_COPY_2, nullptr, r.srcSubresource, r.srcOffset,
                            r.dstSubresource, r.dstOffset, r.extent};
      copy_image_image(c, *from_handle<Image>(src), *from_handle<Image>(dst), r2);
    }
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyImage2(VkCommandBuffer cb, const VkCopyImageInfo2* pInfo) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < pInfo->regionCount; ++i)
      copy_image_image(c, *from_handle<Image>(pInfo->srcImage), *from_handle<Image>(pInfo->dstImage), pInfo->pRegions[i]);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdClearColorImage(VkCommandBuffer cb, VkImage image, VkImageLayout,
                                              const VkClearColorValue* pColor, uint32_t count,
                                              const VkImageSubresourceRange* pRanges) {
  recording(cb, [&](CommandBuffer& c) { clear_color(c, *from_handle<Image>(image), *pColor, count, pRanges); });
}

// The following need a graphics queue (blit, resolve, depth/stencil clear), which Mica does not
// have, and no Mica format supports them (no BLIT_*, no depth/stencil formats, one sample only): a
// valid application cannot record them. They record nothing rather than jump through a null pointer.
VKAPI_ATTR void VKAPI_CALL CmdClearDepthStencilImage(VkCommandBuffer, VkImage, VkImageLayout,
                                                     const VkClearDepthStencilValue*, uint32_t,
                                                     const VkImageSubresourceRange*) {}
VKAPI_ATTR void VKAPI_CALL CmdBlitImage(VkCommandBuffer, VkImage, VkImageLayout, VkImage, VkImageLayout, uint32_t,
                                        const VkImageBlit*, VkFilter) {}
VKAPI_ATTR void VKAPI_CALL CmdBlitImage2(VkCommandBuffer, const VkBlitImageInfo2*) {}
VKAPI_ATTR void VKAPI_CALL CmdResolveImage(VkCommandBuffer, VkImage, VkImageLayout, VkImage, VkImageLayout, uint32_t,
                                           const VkImageResolve*) {}
VKAPI_ATTR void VKAPI_CALL CmdResolveImage2(VkCommandBuffer, const VkResolveImageInfo2*) {}

}  // namespace mica::vk
