#include "vk_image_helpers.h"

#include <cstring>
#include <stdexcept>
#include <vulkan/vulkan.hpp>
#include <vulkan/vulkan_format_traits.hpp>

namespace vktest {

TexelKind kind_of(VkFormat f) {
  switch (f) {
#define K(x) case VK_FORMAT_##x:
    K(R8_UINT) K(R8G8_UINT) K(R8G8B8_UINT) K(B8G8R8_UINT) K(R8G8B8A8_UINT) K(B8G8R8A8_UINT) K(A8B8G8R8_UINT_PACK32)
    K(A2R10G10B10_UINT_PACK32) K(A2B10G10R10_UINT_PACK32) K(R16_UINT) K(R16G16_UINT) K(R16G16B16_UINT)
    K(R16G16B16A16_UINT) K(R32_UINT) K(R32G32_UINT) K(R32G32B32_UINT) K(R32G32B32A32_UINT) K(R64_UINT)
    K(R64G64_UINT) K(R64G64B64_UINT) K(R64G64B64A64_UINT) K(S8_UINT)
    return TexelKind::u;
    K(R8_SINT) K(R8G8_SINT) K(R8G8B8_SINT) K(B8G8R8_SINT) K(R8G8B8A8_SINT) K(B8G8R8A8_SINT) K(A8B8G8R8_SINT_PACK32)
    K(A2R10G10B10_SINT_PACK32) K(A2B10G10R10_SINT_PACK32) K(R16_SINT) K(R16G16_SINT) K(R16G16B16_SINT)
    K(R16G16B16A16_SINT) K(R32_SINT) K(R32G32_SINT) K(R32G32B32_SINT) K(R32G32B32A32_SINT) K(R64_SINT)
    K(R64G64_SINT) K(R64G64B64_SINT) K(R64G64B64A64_SINT)
    return TexelKind::i;
#undef K
  default:
    return TexelKind::f;
  }
}

bool is_srgb(VkFormat f) {
  switch (f) {
  case VK_FORMAT_R8_SRGB: case VK_FORMAT_R8G8_SRGB: case VK_FORMAT_R8G8B8_SRGB: case VK_FORMAT_B8G8R8_SRGB:
  case VK_FORMAT_R8G8B8A8_SRGB: case VK_FORMAT_B8G8R8A8_SRGB: case VK_FORMAT_A8B8G8R8_SRGB_PACK32:
    return true;
  default:
    return false;
  }
}

bool has_alpha(VkFormat f) {
  const auto format = vk::Format(f);
  for (uint8_t c = 0; c < vk::componentCount(format); ++c)
    if (std::strcmp(vk::componentName(format, c), "A") == 0) return true;
  return false;
}

bool is_depth_stencil(VkFormat f) {
  return f == VK_FORMAT_D16_UNORM || f == VK_FORMAT_X8_D24_UNORM_PACK32 || f == VK_FORMAT_D32_SFLOAT ||
         f == VK_FORMAT_S8_UINT || (f >= VK_FORMAT_D16_UNORM_S8_UINT && f <= VK_FORMAT_D32_SFLOAT_S8_UINT);
}

VkImageAspectFlags aspects_of(VkFormat f) {
  if (f == VK_FORMAT_S8_UINT) return VK_IMAGE_ASPECT_STENCIL_BIT;
  if (f >= VK_FORMAT_D16_UNORM_S8_UINT && f <= VK_FORMAT_D32_SFLOAT_S8_UINT)
    return VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT;
  if (is_depth_stencil(f)) return VK_IMAGE_ASPECT_DEPTH_BIT;
  return VK_IMAGE_ASPECT_COLOR_BIT;
}

VkImageAspectFlags view_aspect_of(VkFormat f) {
  const VkImageAspectFlags a = aspects_of(f);
  return (a & VK_IMAGE_ASPECT_DEPTH_BIT) ? VkImageAspectFlags(VK_IMAGE_ASPECT_DEPTH_BIT) : a;
}

VkImageCreateInfo image_info(const ImageDesc& d) {
  VkImageCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
  ci.imageType = d.type;
  ci.format = d.format;
  ci.extent = d.extent;
  ci.mipLevels = d.levels;
  ci.arrayLayers = d.layers;
  ci.samples = d.samples;
  ci.tiling = d.tiling;
  ci.usage = d.usage;
  return ci;
}

Image::Image(vkrun::Context& ctx, const ImageDesc& d) : device_(ctx.device()) {
  const VkImageCreateInfo ci = image_info(d);
  vkrun::check(vkCreateImage(device_, &ci, nullptr, &image), "vkCreateImage");
  try {
    VkMemoryRequirements mr;
    vkGetImageMemoryRequirements(device_, image, &mr);
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = mr.size;
    ai.memoryTypeIndex = ctx.host_visible_type(mr.memoryTypeBits);
    vkrun::check(vkAllocateMemory(device_, &ai, nullptr, &memory), "vkAllocateMemory");
    vkrun::check(vkBindImageMemory(device_, image, memory, 0), "vkBindImageMemory");
    if (d.view != kNoView) {
      VkImageViewCreateInfo vi{};
      vi.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
      vi.image = image;
      vi.viewType = d.view;
      vi.format = d.format;
      vi.subresourceRange = {view_aspect_of(d.format), 0, d.levels, 0, d.layers};
      vkrun::check(vkCreateImageView(device_, &vi, nullptr, &view), "vkCreateImageView");
    }
  } catch (...) {
    release();  // a constructor that throws runs no destructor of its own
    throw;
  }
}

Image::~Image() { release(); }

void Image::release() {
  vkDestroyImageView(device_, view, nullptr);
  vkDestroyImage(device_, image, nullptr);
  vkFreeMemory(device_, memory, nullptr);
}

VkSamplerCreateInfo sampler_info(VkFilter filter, VkSamplerAddressMode mode, VkSamplerMipmapMode mip, float max_lod) {
  VkSamplerCreateInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO;
  si.magFilter = si.minFilter = filter;
  si.mipmapMode = mip;
  si.addressModeU = si.addressModeV = si.addressModeW = mode;
  si.maxLod = max_lod;
  return si;
}

Sampler::Sampler(VkDevice device, const VkSamplerCreateInfo& info) : device_(device) {
  vkrun::check(vkCreateSampler(device_, &info, nullptr, &sampler_), "vkCreateSampler");
}

Sampler::~Sampler() { vkDestroySampler(device_, sampler_, nullptr); }

BufferView::BufferView(VkDevice device, VkBuffer buffer, VkFormat format) : device_(device) {
  VkBufferViewCreateInfo bvi{};
  bvi.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO;
  bvi.buffer = buffer;
  bvi.format = format;
  bvi.range = VK_WHOLE_SIZE;
  vkrun::check(vkCreateBufferView(device_, &bvi, nullptr, &view_), "vkCreateBufferView");
}

BufferView::~BufferView() { vkDestroyBufferView(device_, view_, nullptr); }

void to_general(VkCommandBuffer cb, VkImage image, VkImageAspectFlags aspects) {
  VkImageMemoryBarrier ib{};
  ib.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
  ib.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  ib.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  ib.newLayout = VK_IMAGE_LAYOUT_GENERAL;
  ib.srcQueueFamilyIndex = ib.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  ib.image = image;
  ib.subresourceRange = {aspects, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS};
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr,
                       1, &ib);
}

namespace {
void barrier(VkCommandBuffer cb, VkPipelineStageFlags stages, VkAccessFlags src, VkAccessFlags dst) {
  VkMemoryBarrier mb{};
  mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  mb.srcAccessMask = src;
  mb.dstAccessMask = dst;
  vkCmdPipelineBarrier(cb, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
}
}  // namespace

void memory_barrier(VkCommandBuffer cb) {
  barrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT,
          VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
}

void transfer_barrier(VkCommandBuffer cb) {
  barrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
          VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
}

VkBufferImageCopy copy_region(VkExtent3D extent, VkImageAspectFlags aspect, uint32_t layers, VkDeviceSize offset,
                              uint32_t level) {
  return {offset, 0, 0, {aspect, level, 0, layers}, {0, 0, 0}, extent};
}

bool both_offer(const vkrun::Context& a, const vkrun::Context& b, VkFormat format, VkFormatFeatureFlags need) {
  for (const vkrun::Context* c : {&a, &b}) {
    VkFormatProperties p{};
    vkGetPhysicalDeviceFormatProperties(c->physical(), format, &p);
    if ((p.optimalTilingFeatures & need) != need) return false;
  }
  return true;
}

std::array<std::vector<uint32_t>, 3> per_kind_spirv(const std::string& stem) {
  return {vkrun::read_spirv(vkrun::spv_path(stem + "_f.spv")), vkrun::read_spirv(vkrun::spv_path(stem + "_u.spv")),
          vkrun::read_spirv(vkrun::spv_path(stem + "_i.spv"))};
}

std::unique_ptr<vkrun::Context> open_lavapipe() {
  try {
    return std::make_unique<vkrun::Context>("llvmpipe");
  } catch (const std::exception&) {
    return nullptr;
  }
}

float as_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace vktest
