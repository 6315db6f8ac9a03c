// Transfer commands on images: copies between buffers and images, between images, and colour and
// depth/stencil clears, all as DMA over the texture unit's layout of image.h. A copy with an OPTIMAL
// side is one DMA_COPY_TILED per region (and per plane): the DMA engine walks the 4x4 tiles itself
// (src/hw mica_dma.h). A copy between LINEAR sides (and the rare OPTIMAL copy the tiled packet
// refuses: regions of one image whose footprints interleave) moves runs of texels that are
// contiguous on both sides as DMA_COPYs: a row (LINEAR), or the part of a row inside one 4x4 tile,
// or a whole slice when the rows of a LINEAR image and of the buffer are contiguous. An aspect of a
// depth/stencil image is one plane (image.h), so a per-aspect copy moves that plane's texels in the
// spec's buffer layout for the aspect.
#include "buffer.h"
#include "command_buffer.h"
#include "entrypoints.h"
#include "image.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace mica::vk {
namespace {

uint32_t layer_count(const Image& image, const VkImageSubresourceLayers& s) {
  return s.layerCount == VK_REMAINING_ARRAY_LAYERS ? image.info().arrayLayers - s.baseArrayLayer : s.layerCount;
}

bool is_3d(const Image& image) { return image.info().imageType == VK_IMAGE_TYPE_3D; }

// Samples per texel; a multisampled image's samples are the depth slices of each layer (image.h),
// so its copies move layers x samples slices.
uint32_t samples(const Image& image) { return uint32_t(image.info().samples); }

// Where slice s of a copy starting at (base layer, z0) lies: a 3D image's depth slices, a
// multisampled image's samples of consecutive layers, or a 2D image's layers.
void slice_at(const Image& image, uint32_t base_layer, uint32_t z0, uint32_t s, uint32_t& layer, uint32_t& z) {
  if (is_3d(image)) {
    layer = base_layer;
    z = z0 + s;
  } else if (samples(image) > 1) {
    layer = base_layer + s / samples(image);
    z = s % samples(image);
  } else {
    layer = base_layer + s;
    z = z0;
  }
}

// Texel extents and offsets in elements (blocks of a compressed format, else texels).
uint32_t elements(uint32_t texels, uint32_t block) { return (texels + block - 1) / block; }

constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();

// One side of a DMA_COPY_TILED on a plane's level: the box starts at element (x0, y0) of depth
// slice z of 'layer', and its 'slices' are the level's layers from there or, for a 3D image, its
// depth slices. False if a pitch the box uses does not fit the packet's 32-bit fields.
bool image_surface(const Image& image, const Image::Plane& p, uint32_t mip, uint32_t layer, uint32_t z, uint32_t x0,
                   uint32_t y0, uint32_t slices, mica_dma_surface& out) {
  const mica_image_level& l = p.levels[mip];
  const uint64_t slice_pitch = slices > 1 ? (is_3d(image) || samples(image) > 1 ? l.slice_pitch : l.layer_pitch) : 0;
  if (l.row_pitch > kU32Max || slice_pitch > kU32Max) return false;
  out = {image.element_va(p, mip, layer, 0, 0, z), uint32_t(l.row_pitch), uint32_t(slice_pitch), x0, y0, p.tiling};
  return true;
}

// MICA_VK_TILED_DMA=0 turns the tiled packet off (every copy run by run, as before it existed):
// a measurement knob for docs/performance.md, read once.
bool tiled_dma_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("MICA_VK_TILED_DMA");
    return !v || std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

// Records the box as one tiled DMA if the device takes it (the driver checks with the device's own
// rules: mica_dma.h); false if not, and the caller copies run by run.
bool record_tiled(CommandBuffer& c, const mica_dma_tiled& box) {
  if (!tiled_dma_enabled() || mica_dma_tiled_check(&box) != MICA_DMA_TILED_OK) return false;
  c.record(device::TiledCopy{box});
  return true;
}

// Buffer <-> image copy of one region with an OPTIMAL image as one tiled DMA; false if it cannot be.
bool copy_buffer_image_tiled(CommandBuffer& c, const Buffer& buffer, const Image& image, const Image::Plane& plane,
                             const VkBufferImageCopy2& r, bool to_image) {
  const uint32_t bw = plane.block_width, bh = plane.block_height;
  const uint64_t bytes_per = plane.format->bytes;
  const uint64_t row_length = elements(r.bufferRowLength ? r.bufferRowLength : r.imageExtent.width, bw);
  const uint64_t image_height = elements(r.bufferImageHeight ? r.bufferImageHeight : r.imageExtent.height, bh);
  const uint32_t layers = layer_count(image, r.imageSubresource);
  // The box's slices: the region's layers (2D arrays) or depth slices (3D); Vulkan has no image with both.
  if (layers > 1 && r.imageExtent.depth > 1) return false;
  const uint32_t slices = std::max(layers, r.imageExtent.depth);
  const uint64_t buffer_pitch = row_length * bytes_per, buffer_slice = slices > 1 ? buffer_pitch * image_height : 0;
  mica_dma_surface img, buf{buffer.va() + r.bufferOffset, uint32_t(buffer_pitch), uint32_t(buffer_slice), 0, 0,
                            MICA_IMAGE_TILING_LINEAR};
  if (bytes_per > MICA_DMA_TILED_MAX_ELEMENT_BYTES || buffer_pitch > kU32Max || buffer_slice > kU32Max ||
      !image_surface(image, plane, r.imageSubresource.mipLevel, r.imageSubresource.baseArrayLayer,
                     uint32_t(r.imageOffset.z), uint32_t(r.imageOffset.x) / bw, uint32_t(r.imageOffset.y) / bh, slices,
                     img))
    return false;
  mica_dma_tiled box{};
  box.src = to_image ? buf : img;
  box.dst = to_image ? img : buf;
  box.width = elements(r.imageExtent.width, bw);
  box.height = elements(r.imageExtent.height, bh);
  box.depth = slices;
  box.element_bytes = uint32_t(bytes_per);
  return record_tiled(c, box);
}

// Buffer <-> image copy of one region; to_image picks the direction. A compressed image's region is
// whole blocks (the spec's copy rules): rows of blocks in the buffer, bufferRowLength and
// bufferImageHeight in texels.
void copy_buffer_image(CommandBuffer& c, const Buffer& buffer, const Image& image, const VkBufferImageCopy2& r,
                       bool to_image) {
  if (!image.bound() || !buffer.memory()) return;  // invalid use: nothing to address
  if (samples(image) > 1) return;  // invalid use: buffer copies need a single-sampled image
  const Image::Plane* plane = image.plane(r.imageSubresource.aspectMask);
  const uint32_t mip = r.imageSubresource.mipLevel;
  if (!plane || mip >= image.level_count()) return;  // invalid use: no such subresource
  if (plane->tiling == MICA_IMAGE_TILING_OPTIMAL && copy_buffer_image_tiled(c, buffer, image, *plane, r, to_image))
    return;
  const uint32_t bw = plane->block_width, bh = plane->block_height;
  const uint64_t bytes_per = plane->format->bytes;
  const uint32_t width = elements(r.imageExtent.width, bw), height = elements(r.imageExtent.height, bh);
  const uint32_t x0 = uint32_t(r.imageOffset.x) / bw, y0 = uint32_t(r.imageOffset.y) / bh;
  const uint64_t row_length = elements(r.bufferRowLength ? r.bufferRowLength : r.imageExtent.width, bw);
  const uint64_t image_height = elements(r.bufferImageHeight ? r.bufferImageHeight : r.imageExtent.height, bh);
  const auto& level = plane->levels[mip];
  // Rows of a slice are contiguous in both when each covers whole rows of a LINEAR image and the
  // buffer is tight.
  const bool whole_slices = plane->tiling == MICA_IMAGE_TILING_LINEAR && x0 == 0 &&
                            width == elements(level.width, bw) && row_length == width;
  const uint32_t layers = layer_count(image, r.imageSubresource);
  auto copy = [&](uint64_t b, uint64_t i, uint64_t bytes) {
    if (bytes) c.record(to_image ? OpCopy{b, i, bytes} : OpCopy{i, b, bytes});
  };
  for (uint32_t layer = 0; layer < layers; ++layer) {
    for (uint32_t z = 0; z < r.imageExtent.depth; ++z) {
      const uint64_t slice = uint64_t(layer) * r.imageExtent.depth + z;
      const uint32_t image_layer = r.imageSubresource.baseArrayLayer + layer, image_z = uint32_t(r.imageOffset.z) + z;
      if (whole_slices) {
        copy(buffer.va() + r.bufferOffset + slice * image_height * row_length * bytes_per,
             image.element_va(*plane, mip, image_layer, 0, y0, image_z), uint64_t(width) * height * bytes_per);
        continue;
      }
      for (uint32_t y = 0; y < height; ++y) {
        const uint64_t row = buffer.va() + r.bufferOffset + (slice * image_height + y) * row_length * bytes_per;
        for (uint32_t x = 0; x < width;) {
          const uint32_t n = Image::contiguous_texels(*plane, x0 + x, width - x);
          copy(row + x * bytes_per, image.element_va(*plane, mip, image_layer, x0 + x, y0 + y, image_z), n * bytes_per);
          x += n;
        }
      }
    }
  }
}

VkBufferImageCopy2 to_region2(const VkBufferImageCopy& r) {
  return {VK_STRUCTURE_TYPE_BUFFER_IMAGE_COPY_2, nullptr, r.bufferOffset, r.bufferRowLength, r.bufferImageHeight,
          r.imageSubresource, r.imageOffset, r.imageExtent};
}

// Image -> image copy of one region. A 3D image's depth slices pair with a 2D image's array layers
// (the spec allows copies between them); formats are size-compatible, so bytes are bytes. Each
// aspect of the region copies its plane.
void copy_image_image(CommandBuffer& c, const Image& src, const Image& dst, const VkImageCopy2& r) {
  if (!src.bound() || !dst.bound()) return;
  for (VkImageAspectFlags aspect : {VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_ASPECT_STENCIL_BIT}) {
    if (!(r.srcSubresource.aspectMask & aspect)) continue;
    const Image::Plane* sp = src.plane(aspect);
    const Image::Plane* dp = dst.plane(r.dstSubresource.aspectMask & aspect ? aspect : r.dstSubresource.aspectMask);
    if (!sp || !dp || r.srcSubresource.mipLevel >= src.level_count() || r.dstSubresource.mipLevel >= dst.level_count())
      continue;
    // Extent and source offset in source texels, destination offset in destination texels; a
    // compressed side counts blocks (size-compatible copies pair one block with one texel).
    const uint64_t bytes_per = sp->format->bytes;
    const uint32_t width = elements(r.extent.width, sp->block_width), height = elements(r.extent.height, sp->block_height);
    const uint32_t sx0 = uint32_t(r.srcOffset.x) / sp->block_width, sy0 = uint32_t(r.srcOffset.y) / sp->block_height;
    const uint32_t dx0 = uint32_t(r.dstOffset.x) / dp->block_width, dy0 = uint32_t(r.dstOffset.y) / dp->block_height;
    // Both sides have the same sample count (VUID-vkCmdCopyImage-srcImage-00136): every sample moves.
    if (samples(src) != samples(dst)) continue;
    const uint32_t slices = is_3d(src) ? r.extent.depth : layer_count(src, r.srcSubresource) * samples(src);
    // A whole slice of one level onto a whole slice of the same shape and tiling is one run (tiles
    // and all): the usual full-level copy between OPTIMAL images needs no per-tile-row copies.
    const mica_image_level& sl = sp->levels[r.srcSubresource.mipLevel];
    const mica_image_level& dl = dp->levels[r.dstSubresource.mipLevel];
    const bool whole_slices = sp->tiling == dp->tiling && sl.slice_pitch == dl.slice_pitch &&
                              sl.row_pitch == dl.row_pitch && sx0 == 0 && sy0 == 0 && dx0 == 0 && dy0 == 0 &&
                              width == elements(sl.width, sp->block_width) &&
                              height == elements(sl.height, sp->block_height) &&
                              width == elements(dl.width, dp->block_width) &&
                              height == elements(dl.height, dp->block_height);
    // With an OPTIMAL side (and not one whole-slice run), one tiled DMA for all slices.
    if (!whole_slices && (sp->tiling == MICA_IMAGE_TILING_OPTIMAL || dp->tiling == MICA_IMAGE_TILING_OPTIMAL) &&
        bytes_per == dp->format->bytes && bytes_per <= MICA_DMA_TILED_MAX_ELEMENT_BYTES) {
      mica_dma_tiled box{};
      box.width = width;
      box.height = height;
      box.depth = slices;
      box.element_bytes = uint32_t(bytes_per);
      if (image_surface(src, *sp, r.srcSubresource.mipLevel, r.srcSubresource.baseArrayLayer, uint32_t(r.srcOffset.z),
                        sx0, sy0, slices, box.src) &&
          image_surface(dst, *dp, r.dstSubresource.mipLevel, r.dstSubresource.baseArrayLayer, uint32_t(r.dstOffset.z),
                        dx0, dy0, slices, box.dst) &&
          record_tiled(c, box))
        continue;
    }
    for (uint32_t s = 0; s < slices; ++s) {
      uint32_t src_layer, src_z, dst_layer, dst_z;
      slice_at(src, r.srcSubresource.baseArrayLayer, uint32_t(r.srcOffset.z), s, src_layer, src_z);
      slice_at(dst, r.dstSubresource.baseArrayLayer, uint32_t(r.dstOffset.z), s, dst_layer, dst_z);
      if (whole_slices) {
        c.record(OpCopy{src.element_va(*sp, r.srcSubresource.mipLevel, src_layer, 0, 0, src_z),
                        dst.element_va(*dp, r.dstSubresource.mipLevel, dst_layer, 0, 0, dst_z), sl.slice_pitch});
        continue;
      }
      for (uint32_t y = 0; y < height; ++y) {
        for (uint32_t x = 0; x < width;) {
          const uint32_t n =
              Image::contiguous_texels(*dp, dx0 + x, Image::contiguous_texels(*sp, sx0 + x, width - x));
          c.record(OpCopy{src.element_va(*sp, r.srcSubresource.mipLevel, src_layer, sx0 + x, sy0 + y, src_z),
                          dst.element_va(*dp, r.dstSubresource.mipLevel, dst_layer, dx0 + x, dy0 + y, dst_z),
                          n * bytes_per});
          x += n;
        }
      }
    }
  }
}

// A clear: the texel pattern is written once into staging memory the command buffer owns, then
// copied over each cleared level of the plane (whose layers are contiguous, tiles and all) in
// pattern-sized pieces.
constexpr uint64_t kClearPatternBytes = 64 * 1024;

void clear_plane(CommandBuffer& c, const Image& image, const Image::Plane& plane, const std::array<uint8_t, 32>& bytes,
                 uint32_t count, const VkImageSubresourceRange* ranges) {
  const uint64_t texel = plane.format->bytes;
  const uint64_t pattern_bytes = kClearPatternBytes / texel * texel;
  GpuMemory* pattern = nullptr;
  if (VkResult r = c.staging(pattern_bytes, pattern); r != VK_SUCCESS) return c.set_error(r);
  for (uint64_t at = 0; at < pattern_bytes; at += texel) std::memcpy(pattern->cpu() + at, bytes.data(), texel);
  for (uint32_t i = 0; i < count; ++i) {
    const auto& range = ranges[i];
    if (!(range.aspectMask & plane.aspect)) continue;
    const uint32_t levels =
        range.levelCount == VK_REMAINING_MIP_LEVELS ? image.level_count() - range.baseMipLevel : range.levelCount;
    const uint32_t layers = range.layerCount == VK_REMAINING_ARRAY_LAYERS ? image.info().arrayLayers - range.baseArrayLayer
                                                                           : range.layerCount;
    for (uint32_t mip = range.baseMipLevel; mip < range.baseMipLevel + levels && mip < image.level_count(); ++mip) {
      const auto& level = plane.levels[mip];
      uint64_t dst = image.texel_va(plane, mip, range.baseArrayLayer, 0, 0, 0);
      uint64_t left = level.layer_pitch * layers;
      while (left) {
        const uint64_t n = std::min(left, pattern_bytes);
        c.record(OpCopy{pattern->va(), dst, n});
        dst += n;
        left -= n;
      }
    }
  }
}

void clear_color(CommandBuffer& c, const Image& image, const VkClearColorValue& color, uint32_t count,
                 const VkImageSubresourceRange* ranges) {
  const Image::Plane* plane = image.plane(VK_IMAGE_ASPECT_COLOR_BIT);
  // (a compressed image cannot be cleared: VUID-vkCmdClearColorImage-image-01545)
  if (!image.bound() || count == 0 || !plane || plane->block_width != 1) return;
  clear_plane(c, image, *plane, pack_clear_color(*plane->format, color), count, ranges);
}

// A depth value is packed as the depth plane's R (UNORM rounded to nearest, or the f32 bits), a
// stencil value as the stencil plane's 8-bit R.
void clear_depth_stencil(CommandBuffer& c, const Image& image, const VkClearDepthStencilValue& value, uint32_t count,
                         const VkImageSubresourceRange* ranges) {
  if (!image.bound() || count == 0) return;
  if (const Image::Plane* depth = image.plane(VK_IMAGE_ASPECT_DEPTH_BIT)) {
    VkClearColorValue v{};
    v.float32[0] = value.depth;
    clear_plane(c, image, *depth, pack_clear_color(*depth->format, v), count, ranges);
  }
  if (const Image::Plane* stencil = image.plane(VK_IMAGE_ASPECT_STENCIL_BIT)) {
    VkClearColorValue v{};
    v.uint32[0] = value.stencil;
    clear_plane(c, image, *stencil, pack_clear_color(*stencil->format, v), count, ranges);
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

VKAPI_ATTR void VKAPI_CALL CmdClearDepthStencilImage(VkCommandBuffer cb, VkImage image, VkImageLayout,
                                                     const VkClearDepthStencilValue* pDepthStencil, uint32_t count,
                                                     const VkImageSubresourceRange* pRanges) {
  recording(cb, [&](CommandBuffer& c) {
    clear_depth_stencil(c, *from_handle<Image>(image), *pDepthStencil, count, pRanges);
  });
}

// vkCmdBlitImage(2) and vkCmdResolveImage(2) need a graphics queue: entrypoints.txt lists them as
// no-queue commands (they report the invalid call and record nothing).

}  // namespace mica::vk
