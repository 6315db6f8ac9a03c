// Images, image views and samplers: creation, memory requirements and binding, the linear layout
// (image.h) and the image format queries.
#include "image.h"
#include "device.h"
#include "device_limits.h"
#include "entrypoints.h"

#include <algorithm>
#include <bit>

namespace mica::vk {
namespace {

// The limits reported in VkPhysicalDeviceLimits (physical_device.cpp): the spec's minimums.
constexpr uint32_t kMaxDimension1D = 4096, kMaxDimension2D = 4096, kMaxDimension3D = 256, kMaxArrayLayers = 256;

// Create flags whose meaning the layout supports as it is.
constexpr VkImageCreateFlags kSupportedCreateFlags =
    VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT | VK_IMAGE_CREATE_ALIAS_BIT |
    VK_IMAGE_CREATE_2D_ARRAY_COMPATIBLE_BIT | VK_IMAGE_CREATE_EXTENDED_USAGE_BIT;
// Copies and clears (DMA engine), shader access through the texture unit, and the attachment usages
// where the format reports the attachment features the spec's tables make mandatory (no Mica queue
// renders, so nothing ever uses such an image as an attachment; format_table.h).
constexpr VkImageUsageFlags kSupportedUsage =
    VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
    VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
    VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT;

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// The sample counts the texture unit holds (SAMPLES_LOG2 0..3: mica.toml [texture]). The limits of
// VkPhysicalDeviceLimits (sampledImage*, storageImage*, framebuffer*SampleCounts) report the same.
static_assert(kSupportedSampleCounts == ((2u << MICA_TEX_MAX_SAMPLES_LOG2) - 1));

VkMemoryRequirements requirements_for(const Image& image) {
  VkMemoryRequirements r{};
  r.size = align_up(std::max<uint64_t>(image.size(), 1), kImageMemoryAlignment);
  r.alignment = kImageMemoryAlignment;
  r.memoryTypeBits = (1u << kMemoryTypeCount) - 1;
  return r;
}

void fill_dedicated(void* next) {
  if (auto* d = find_in_chain_mut<VkMemoryDedicatedRequirements>(next, VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS)) {
    d->prefersDedicatedAllocation = VK_FALSE;
    d->requiresDedicatedAllocation = VK_FALSE;
  }
}

// Whether the format query allows this image (and its extent, levels and layers are within the limits).
// Attachment usages included: allowed exactly where the format reports the attachment feature (the
// spec's mandatory ones), refused elsewhere like any other usage the query refuses.
bool creatable(const VkImageCreateInfo& ci) {
  VkImageFormatProperties p;
  if (image_format_properties(ci.format, ci.imageType, ci.tiling, ci.usage, ci.flags, &p) != VK_SUCCESS) return false;
  // Multisampled: one level (VUID-VkImageCreateInfo-samples-02257; sampleCounts covers the rest).
  if (ci.samples != VK_SAMPLE_COUNT_1_BIT && ci.mipLevels != 1) return false;
  return (ci.samples & p.sampleCounts) && std::has_single_bit(uint32_t(ci.samples)) && ci.mipLevels != 0 && ci.mipLevels <= p.maxMipLevels &&
         ci.arrayLayers != 0 && ci.arrayLayers <= p.maxArrayLayers && ci.extent.width != 0 && ci.extent.height != 0 &&
         ci.extent.depth != 0 && ci.extent.width <= p.maxExtent.width && ci.extent.height <= p.maxExtent.height &&
         ci.extent.depth <= p.maxExtent.depth;
}

}  // namespace

Image::Image(const VkImageCreateInfo& info, const ImageFormat& format) : info_(info) {
  info_.pNext = nullptr;
  info_.pQueueFamilyIndices = nullptr;
  // 1D images are LINEAR whatever the API asked (the unit's 1D view types are LINEAR only).
  const uint32_t tiling = info.tiling == VK_IMAGE_TILING_OPTIMAL && info.imageType != VK_IMAGE_TYPE_1D
                              ? MICA_IMAGE_TILING_OPTIMAL
                              : MICA_IMAGE_TILING_LINEAR;
  uint64_t at = 0;
  for (uint32_t i = 0; i < format.plane_count; ++i) {
    Plane p{};
    p.aspect = format.planes[i].aspect;
    p.format = format.planes[i].info;
    p.table_format = uint32_t(format_table_index(*p.format));
    p.tiling = tiling;
    p.block_width = mica_texel_formats[p.table_format].block_width;
    p.block_height = mica_texel_formats[p.table_format].block_height;
    p.offset = at = align_up(at, kImageMemoryAlignment);
    // A multisampled image's samples are the depth slices of each layer (mica_image.h).
    const uint32_t depth = info.samples > VK_SAMPLE_COUNT_1_BIT ? uint32_t(info.samples) : info.extent.depth;
    for (uint32_t mip = 0; mip < info.mipLevels; ++mip) {
      mica_image_level l{};
      mica_image_level_layout(p.table_format, tiling, info.extent.width, info.extent.height, depth, info.arrayLayers,
                              mip, &l);
      p.levels.push_back(l);
    }
    at += mica_image_size(p.table_format, tiling, info.extent.width, info.extent.height, depth, info.arrayLayers,
                          info.mipLevels);
    planes_.push_back(std::move(p));
  }
  size_ = at;
}

const Image::Plane* Image::plane(VkImageAspectFlags aspect) const {
  for (const Plane& p : planes_)
    if (p.aspect & aspect) return &p;
  return nullptr;
}

// The spec's "Supported Sample Counts" (VkImageFormatProperties): one sample for LINEAR tiling,
// types other than 2D, cube-compatible images and formats whose optimal tiling has neither
// attachment feature; otherwise every count the texture unit holds, whatever the usage: Mica's
// per-usage limits (sampledImage*, storageImage*, framebuffer*SampleCounts) are all that same set,
// so their intersection for any usage is too. A multisampled image also has one level (below).
VkSampleCountFlags sample_counts(VkFormat format, VkImageType type, VkImageTiling tiling, VkImageCreateFlags flags) {
  if (tiling != VK_IMAGE_TILING_OPTIMAL || type != VK_IMAGE_TYPE_2D || (flags & VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT))
    return VK_SAMPLE_COUNT_1_BIT;
  const VkFormatFeatureFlags optimal = image_format_features(format, VK_IMAGE_TILING_OPTIMAL);
  if (!(optimal & (VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)))
    return VK_SAMPLE_COUNT_1_BIT;
  return kSupportedSampleCounts;
}

VkResult image_format_properties(VkFormat format, VkImageType type, VkImageTiling tiling, VkImageUsageFlags usage,
                                 VkImageCreateFlags flags, VkImageFormatProperties* out) {
  *out = {};
  const auto planes = image_format(format);
  if (!planes) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if (tiling != VK_IMAGE_TILING_LINEAR && tiling != VK_IMAGE_TILING_OPTIMAL) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if (usage & ~kSupportedUsage) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  // Each usage needs the format's feature for that tiling ("Image Creation Limits").
  const VkFormatFeatureFlags features = image_format_features(format, tiling);
  if ((usage & VK_IMAGE_USAGE_SAMPLED_BIT) && !(features & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((usage & VK_IMAGE_USAGE_STORAGE_BIT) && !(features & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((usage & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT) && !(features & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((usage & VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT) &&
      !(features & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((usage & VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT) &&
      !(features & (VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  // A transient attachment is only an attachment (VUID-VkImageCreateInfo-usage-00963/00966).
  constexpr VkImageUsageFlags kAttachments = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                             VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
                                             VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
  if ((usage & VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT) &&
      (!(usage & kAttachments) || (usage & ~(kAttachments | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT))))
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if (flags & ~kSupportedCreateFlags) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((flags & VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT) && type != VK_IMAGE_TYPE_2D) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  if ((flags & VK_IMAGE_CREATE_2D_ARRAY_COMPATIBLE_BIT) && type != VK_IMAGE_TYPE_3D)
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  // Block-compressed images are 2D or 3D (blocks are 4x4x1; the texture unit refuses 1D views of them).
  if (format_is_compressed(format) && type == VK_IMAGE_TYPE_1D) return VK_ERROR_FORMAT_NOT_SUPPORTED;
  VkImageFormatProperties p{};
  switch (type) {
  case VK_IMAGE_TYPE_1D:
    p.maxExtent = {kMaxDimension1D, 1, 1};
    break;
  case VK_IMAGE_TYPE_2D:
    p.maxExtent = {kMaxDimension2D, kMaxDimension2D, 1};
    break;
  case VK_IMAGE_TYPE_3D:
    p.maxExtent = {kMaxDimension3D, kMaxDimension3D, kMaxDimension3D};
    break;
  default:
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
  }
  uint32_t largest = std::max({p.maxExtent.width, p.maxExtent.height, p.maxExtent.depth});
  p.maxMipLevels = uint32_t(std::bit_width(largest));
  p.maxArrayLayers = type == VK_IMAGE_TYPE_3D ? 1 : kMaxArrayLayers;
  p.sampleCounts = sample_counts(format, type, tiling, flags);
  p.maxResourceSize = uint64_t(1) << 31;
  *out = p;
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateImage(VkDevice device, const VkImageCreateInfo* pCreateInfo,
                                           const VkAllocationCallbacks* pAllocator, VkImage* pImage) {
  return guarded([&] {
    *pImage = VK_NULL_HANDLE;
    // Within the spec an application only creates what the format query allowed; anything else
    // (sparse, sample or level counts the query does not allow, storage/sampled/attachment usage, unknown
    // formats) is refused here rather than half-created.
    if (!creatable(*pCreateInfo)) return VK_ERROR_FEATURE_NOT_PRESENT;
    const auto& ci = *pCreateInfo;
    auto image = host_make<Image>(Device::from(device)->child_allocation(pAllocator), ci, *image_format(ci.format));
    if (image->size() > Device::from(device)->physical().info().vram_bytes) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    *pImage = release_to_handle<VkImage>(std::move(image));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyImage(VkDevice, VkImage image, const VkAllocationCallbacks*) {
  take_from_handle<Image>(image);
}

VKAPI_ATTR void VKAPI_CALL GetImageMemoryRequirements(VkDevice, VkImage image, VkMemoryRequirements* pRequirements) {
  *pRequirements = requirements_for(*from_handle<Image>(image));
}

VKAPI_ATTR void VKAPI_CALL GetImageMemoryRequirements2(VkDevice device, const VkImageMemoryRequirementsInfo2* pInfo,
                                                       VkMemoryRequirements2* pRequirements) {
  GetImageMemoryRequirements(device, pInfo->image, &pRequirements->memoryRequirements);
  fill_dedicated(pRequirements->pNext);
}

VKAPI_ATTR void VKAPI_CALL GetDeviceImageMemoryRequirements(VkDevice, const VkDeviceImageMemoryRequirements* pInfo,
                                                            VkMemoryRequirements2* pRequirements) {
  pRequirements->memoryRequirements = {};
  if (!creatable(*pInfo->pCreateInfo)) return;  // vkCreateImage would refuse it: no requirements
  Image image(*pInfo->pCreateInfo, *image_format(pInfo->pCreateInfo->format));
  pRequirements->memoryRequirements = requirements_for(image);
  fill_dedicated(pRequirements->pNext);
}

// No sparse images: no sparse requirements.
VKAPI_ATTR void VKAPI_CALL GetImageSparseMemoryRequirements(VkDevice, VkImage, uint32_t* pCount,
                                                            VkSparseImageMemoryRequirements*) {
  *pCount = 0;
}
VKAPI_ATTR void VKAPI_CALL GetImageSparseMemoryRequirements2(VkDevice, const VkImageSparseMemoryRequirementsInfo2*,
                                                             uint32_t* pCount, VkSparseImageMemoryRequirements2*) {
  *pCount = 0;
}
VKAPI_ATTR void VKAPI_CALL GetDeviceImageSparseMemoryRequirements(VkDevice, const VkDeviceImageMemoryRequirements*,
                                                                  uint32_t* pCount, VkSparseImageMemoryRequirements2*) {
  *pCount = 0;
}

VKAPI_ATTR VkResult VKAPI_CALL BindImageMemory(VkDevice, VkImage image, VkDeviceMemory memory, VkDeviceSize offset) {
  from_handle<Image>(image)->bind(from_handle<GpuMemory>(memory), offset);
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL BindImageMemory2(VkDevice, uint32_t count, const VkBindImageMemoryInfo* pInfos) {
  for (uint32_t i = 0; i < count; ++i)
    from_handle<Image>(pInfos[i].image)->bind(from_handle<GpuMemory>(pInfos[i].memory), pInfos[i].memoryOffset);
  return VK_SUCCESS;
}

// The layout of one aspect's plane. The spec defines it for LINEAR images only; for an OPTIMAL one
// the offset, size and pitches are reported as they are (rowPitch: the bytes of one row of 4x4
// tiles), which only says where the subresource lives.
VKAPI_ATTR void VKAPI_CALL GetImageSubresourceLayout(VkDevice, VkImage image, const VkImageSubresource* pSubresource,
                                                     VkSubresourceLayout* pLayout) {
  const auto* img = from_handle<Image>(image);
  *pLayout = {};
  const Image::Plane* p = img->plane(pSubresource->aspectMask);
  if (!p || pSubresource->mipLevel >= img->level_count() || pSubresource->arrayLayer >= img->info().arrayLayers) return;
  const mica_image_level& l = p->levels[pSubresource->mipLevel];
  pLayout->offset = p->offset + l.offset + pSubresource->arrayLayer * l.layer_pitch;
  pLayout->size = l.layer_pitch;
  pLayout->rowPitch = l.row_pitch;
  pLayout->arrayPitch = l.layer_pitch;
  pLayout->depthPitch = l.slice_pitch;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateImageView(VkDevice device, const VkImageViewCreateInfo* pCreateInfo,
                                               const VkAllocationCallbacks* pAllocator, VkImageView* pView) {
  return guarded([&] {
    *pView = VK_NULL_HANDLE;
    // A view of a format image memory can hold; its descriptor is computed now (image.h).
    if (!image_format(pCreateInfo->format)) return VK_ERROR_FEATURE_NOT_PRESENT;
    auto view = host_make<ImageView>(Device::from(device)->child_allocation(pAllocator),
                                     *from_handle<Image>(pCreateInfo->image), *pCreateInfo);
    *pView = release_to_handle<VkImageView>(std::move(view));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyImageView(VkDevice, VkImageView view, const VkAllocationCallbacks*) {
  take_from_handle<ImageView>(view);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateSampler(VkDevice device, const VkSamplerCreateInfo* pCreateInfo,
                                             const VkAllocationCallbacks* pAllocator, VkSampler* pSampler) {
  return guarded([&] {
    // Sampler Y'CbCr conversion is not supported (the feature is off): refuse a chain asking for it.
    if (find_in_chain<VkSamplerYcbcrConversionInfo>(pCreateInfo->pNext, VK_STRUCTURE_TYPE_SAMPLER_YCBCR_CONVERSION_INFO)) {
      *pSampler = VK_NULL_HANDLE;
      return VK_ERROR_FEATURE_NOT_PRESENT;
    }
    auto sampler = host_make<Sampler>(Device::from(device)->child_allocation(pAllocator), *pCreateInfo);
    *pSampler = release_to_handle<VkSampler>(std::move(sampler));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroySampler(VkDevice, VkSampler sampler, const VkAllocationCallbacks*) {
  take_from_handle<Sampler>(sampler);
}

}  // namespace mica::vk
