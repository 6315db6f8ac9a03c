// Images, image views, samplers and the transfer commands on images (issue 13, first slice).
//
// - RequiredFormats walks the spec's "Required Format Support" tables (the optimal-tiling and
//   buffer features of Vulkan 1.3's mandatory-format tables, transcribed in
//   src/driver/vulkan/required_formats.txt, from which the driver also generates its graphics bits)
//   against what Mica reports: every required feature is reported, graphics bits included
//   (blits, attachments, vertex buffers), and nothing beyond what Mica implements (transfers,
//   sampled/storage/atomic/texel-buffer features through the texture unit) and the graphics bits
//   the table lists (none on LINEAR tiling, whose features the spec's tables do not cover).
// - RoundTripMatchesLavapipe: for every format Mica reports transfer features for, the same buffer
//   -> image -> image -> buffer copies and colour clears on Mica and on lavapipe must give the
//   same bytes (a clear's normalized channels within 1 of lavapipe's, where the spec allows
//   either rounding).
#include "vk_image_helpers.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>

// The sample counts of multisampled images (docs/vulkan.md "Images"; test_image_ms.cpp).
constexpr VkSampleCountFlags kAllSampleCounts =
    VK_SAMPLE_COUNT_1_BIT | VK_SAMPLE_COUNT_2_BIT | VK_SAMPLE_COUNT_4_BIT | VK_SAMPLE_COUNT_8_BIT;

namespace {

enum : VkFormatFeatureFlags {
  S = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT,
  F = VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT,
  BS = VK_FORMAT_FEATURE_BLIT_SRC_BIT,
  BD = VK_FORMAT_FEATURE_BLIT_DST_BIT,
  C = VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT,
  CB = VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT,
  ST = VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT,
  SA = VK_FORMAT_FEATURE_STORAGE_IMAGE_ATOMIC_BIT,
  DS = VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT,
  V = VK_FORMAT_FEATURE_VERTEX_BUFFER_BIT,
  U = VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT,
  SB = VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT,
  SBA = VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_ATOMIC_BIT,
  T = VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT,
};

struct Required {
  VkFormat format;
  const char* name;
  VkFormatFeatureFlags optimal;  // the transfer features are required with any image feature
  VkFormatFeatureFlags buffer;
  std::string feature;  // the device feature that makes the row mandatory ("" = always)
  std::string group;    // "one-of:GROUP": mandatory on at least one format of the group
};

// Vulkan 1.3, "Required Format Support", transcribed in src/driver/vulkan/required_formats.txt
// (MICA_REQUIRED_FORMATS names it): format name and VkFormat value, optimal-tiling features, buffer
// features, and what makes the row mandatory (a device feature or a one-of group).
std::vector<Required> required_formats() {
  static const std::map<std::string, VkFormatFeatureFlags> kNames = {
      {"S", S}, {"F", F}, {"BS", BS}, {"BD", BD}, {"C", C}, {"CB", CB}, {"ST", ST}, {"SA", SA}, {"DS", DS},
      {"V", V}, {"U", U}, {"SB", SB}, {"SBA", SBA}, {"0", 0}};
  static std::vector<std::string> names;  // keeps the c_str()s alive
  std::vector<Required> out;
  const char* path = std::getenv("MICA_REQUIRED_FORMATS");
  std::ifstream in(path ? path : "");
  if (!in) throw std::runtime_error("MICA_REQUIRED_FORMATS does not name the required-formats table");
  auto flags = [&](const std::string& list) {
    VkFormatFeatureFlags f = 0;
    size_t at = 0;
    while (at <= list.size()) {
      const size_t bar = std::min(list.find('|', at), list.size());
      const auto it = kNames.find(list.substr(at, bar - at));
      if (it == kNames.end()) throw std::runtime_error("unknown feature in " + list);
      f |= it->second;
      at = bar + 1;
    }
    return f;
  };
  names.reserve(256);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string name, optimal, buffer, gate;
    int value = 0;
    words >> name >> value >> optimal >> buffer;
    if (!words || value <= 0) throw std::runtime_error("malformed line: " + line);
    words >> gate;  // optional
    const VkFormat format = VkFormat(value);
    names.push_back(name);
    Required r{format, names.back().c_str(), flags(optimal), flags(buffer), "", ""};
    (gate.rfind("one-of:", 0) == 0 ? r.group : r.feature) = gate;
    out.push_back(r);
  }
  return out;
}

// What Mica implements on images: copies and clears, and through the texture unit storage (loads,
// stores, atomics) and sampling; on buffers texel-buffer access. The graphics bits (blits,
// attachments, vertex buffers) are reported exactly where the spec's tables require them.
constexpr VkFormatFeatureFlags kImplementedImage = T | S | F | ST | SA;
constexpr VkFormatFeatureFlags kImplementedBuffer = U | SB | SBA;
constexpr VkFormatFeatureFlags kGraphicsImage = BS | BD | C | CB | DS;
constexpr VkFormatFeatureFlags kGraphicsBuffer = V;
constexpr VkFormat kLastCoreFormat = VK_FORMAT_ASTC_12x12_SRGB_BLOCK;  // 184: the core 1.0 formats

std::string feature_names(VkFormatFeatureFlags f) {
  static const std::pair<VkFormatFeatureFlags, const char*> names[] = {
      {S, "SAMPLED"}, {F, "FILTER_LINEAR"}, {BS, "BLIT_SRC"}, {BD, "BLIT_DST"}, {C, "COLOR_ATTACHMENT"},
      {CB, "BLEND"}, {ST, "STORAGE"}, {SA, "STORAGE_ATOMIC"}, {DS, "DEPTH_STENCIL"}, {V, "VERTEX"},
      {U, "UNIFORM_TEXEL"}, {SB, "STORAGE_TEXEL"}, {SBA, "STORAGE_TEXEL_ATOMIC"},
      {VK_FORMAT_FEATURE_TRANSFER_SRC_BIT, "TRANSFER_SRC"}, {VK_FORMAT_FEATURE_TRANSFER_DST_BIT, "TRANSFER_DST"}};
  std::string s;
  for (auto [bit, name] : names)
    if (f & bit) s += std::string(s.empty() ? "" : "|") + name;
  return s;
}

// The graphics bits the table lists for a format (every row of it: unconditional, one-of, and
// gated by a feature the device enables), the most Mica may report.
struct Listed {
  VkFormatFeatureFlags optimal = 0, buffer = 0;
};
std::map<VkFormat, Listed> listed_graphics(const std::vector<Required>& table, const VkPhysicalDeviceFeatures& f) {
  std::map<VkFormat, Listed> out;
  for (const auto& r : table) {
    if (r.feature == "textureCompressionBC" && !f.textureCompressionBC) continue;
    out[r.format].optimal |= r.optimal & kGraphicsImage;
    out[r.format].buffer |= r.buffer & kGraphicsBuffer;
  }
  return out;
}

TEST(VkImages, RequiredFormats) {
  auto ctx = vktest::make_context();
  VkPhysicalDevice pd = ctx->physical();
  const std::vector<Required> required = required_formats();
  ASSERT_GE(required.size(), 70u);
  VkPhysicalDeviceFeatures features{};
  vkGetPhysicalDeviceFeatures(pd, &features);
  const auto listed = listed_graphics(required, features);
  unsigned graphics_formats = 0;
  // Nothing claimed that is not implemented or (graphics bits) listed by the table, for every core format.
  for (int f = 1; f <= kLastCoreFormat; ++f) {
    VkFormatProperties p{};
    vkGetPhysicalDeviceFormatProperties(pd, VkFormat(f), &p);
    const auto it = listed.find(VkFormat(f));
    const Listed graphics = it == listed.end() ? Listed{} : it->second;
    EXPECT_EQ(p.linearTilingFeatures & ~kImplementedImage, 0u) << "format " << f << ": LINEAR has no graphics bits";
    EXPECT_EQ(p.optimalTilingFeatures & ~(kImplementedImage | graphics.optimal), 0u)
        << "format " << f << " reports " << feature_names(p.optimalTilingFeatures & ~(kImplementedImage | graphics.optimal));
    EXPECT_EQ(p.bufferFeatures & ~(kImplementedBuffer | graphics.buffer), 0u) << "format " << f;
    // The graphics bits are the table's exactly, on every format Mica holds.
    if (p.optimalTilingFeatures) {
      EXPECT_EQ(p.optimalTilingFeatures & kGraphicsImage, graphics.optimal) << "format " << f;
      EXPECT_EQ(p.bufferFeatures & kGraphicsBuffer, graphics.buffer) << "format " << f;
    }
    if ((p.optimalTilingFeatures & kGraphicsImage) || (p.bufferFeatures & kGraphicsBuffer)) ++graphics_formats;
    // Linear tiling has what the device does with the format, as optimal tiling has.
    EXPECT_EQ(p.linearTilingFeatures, p.optimalTilingFeatures & ~kGraphicsImage) << "format " << f;
    // The 2-query and VkFormatProperties3 agree with it.
    VkFormatProperties3 p3{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3, nullptr, 0, 0, 0};
    VkFormatProperties2 p2{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2, &p3, {}};
    vkGetPhysicalDeviceFormatProperties2(pd, VkFormat(f), &p2);
    EXPECT_EQ(p2.formatProperties.optimalTilingFeatures, p.optimalTilingFeatures);
    EXPECT_EQ(p2.formatProperties.linearTilingFeatures, p.linearTilingFeatures);
    EXPECT_EQ(p2.formatProperties.bufferFeatures, p.bufferFeatures);
    // VkFormatProperties3 adds depth comparison for the sampled depth formats (and nothing else).
    const VkFormatFeatureFlags2 cmp = VK_FORMAT_FEATURE_2_SAMPLED_IMAGE_DEPTH_COMPARISON_BIT;
    EXPECT_EQ(p3.optimalTilingFeatures & ~cmp, VkFormatFeatureFlags2(p.optimalTilingFeatures));
    EXPECT_EQ(p3.linearTilingFeatures & ~cmp, VkFormatFeatureFlags2(p.linearTilingFeatures));
    EXPECT_EQ(p3.bufferFeatures, VkFormatFeatureFlags2(p.bufferFeatures));
    const bool depth = f == VK_FORMAT_D16_UNORM || f == VK_FORMAT_X8_D24_UNORM_PACK32 || f == VK_FORMAT_D32_SFLOAT ||
                       f == VK_FORMAT_D24_UNORM_S8_UINT || f == VK_FORMAT_D32_SFLOAT_S8_UINT;
    EXPECT_EQ((p3.optimalTilingFeatures & cmp) != 0, depth && (p.optimalTilingFeatures & S)) << "format " << f;
    // Whatever the format query reports, the image format query agrees with.
    VkImageFormatProperties ip{};
    VkResult r = vkGetPhysicalDeviceImageFormatProperties(pd, VkFormat(f), VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
                                                          VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                                          0, &ip);
    EXPECT_EQ(r == VK_SUCCESS, (p.optimalTilingFeatures & T) == T) << "format " << f;
    // Each usage is allowed exactly where the format has the feature, per tiling.
    const std::pair<VkImageUsageFlags, VkFormatFeatureFlags> usage_features[] = {
        {VK_IMAGE_USAGE_STORAGE_BIT, ST},
        {VK_IMAGE_USAGE_SAMPLED_BIT, S},
        {VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, C},
        {VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, DS},
        {VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT, C | DS}};
    for (VkImageTiling tiling : {VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_TILING_LINEAR}) {
      const VkFormatFeatureFlags have =
          tiling == VK_IMAGE_TILING_OPTIMAL ? p.optimalTilingFeatures : p.linearTilingFeatures;
      for (auto [usage, feature] : usage_features) {
        r = vkGetPhysicalDeviceImageFormatProperties(pd, VkFormat(f), VK_IMAGE_TYPE_2D, tiling, usage, 0, &ip);
        EXPECT_EQ(r == VK_SUCCESS, (have & feature) != 0) << "format " << f << " tiling " << tiling << " usage " << usage;
      }
    }
    // The texture unit's atomics and linear filtering, as docs/hw/texture.md gives them.
    if (p.optimalTilingFeatures & SA) {
      EXPECT_TRUE(f == VK_FORMAT_R32_UINT || f == VK_FORMAT_R32_SINT || f == VK_FORMAT_R32_SFLOAT) << "format " << f;
    }
  }
  EXPECT_GE(graphics_formats, 60u);
  // Every required feature is reported: unconditional rows, rows gated by a feature the device
  // enables, and one-of groups on at least one of their formats.
  std::map<std::string, bool> group_met;
  for (const auto& req : required) {
    VkFormatProperties p{};
    vkGetPhysicalDeviceFormatProperties(pd, req.format, &p);
    const VkFormatFeatureFlags need = req.optimal ? req.optimal | T : 0;
    const bool met = (p.optimalTilingFeatures & need) == need && (p.bufferFeatures & req.buffer) == req.buffer;
    if (!req.group.empty()) {
      group_met[req.group] = group_met[req.group] || met;
      continue;
    }
    if (!req.feature.empty()) {
      // A feature-gated row: mandatory with the feature; otherwise what an offered format needs.
      ASSERT_EQ(req.feature, "textureCompressionBC") << "unknown feature in the table";
      if (!features.textureCompressionBC && !p.optimalTilingFeatures) continue;
    }
    EXPECT_TRUE(met) << req.name << " lacks " << feature_names((need & ~p.optimalTilingFeatures) | (req.buffer & ~p.bufferFeatures));
  }
  ASSERT_EQ(group_met.size(), 2u) << "the depth and depth/stencil one-of groups";
  for (const auto& [group, met] : group_met) EXPECT_TRUE(met) << group << ": no format of the group has the row's features";
}

// vkGetPhysicalDeviceImageFormatProperties2 is honest for every combination of core format, type,
// tiling, usage and create flags: what it allows vkCreateImage creates (with memory requirements and,
// for shader and attachment usages, a view of the format's aspect), what it refuses vkCreateImage refuses, and a
// shader usage is allowed only where the format has the feature.
TEST(VkImages, ImageFormatQueriesAreHonest) {
  auto ctx = vktest::make_context();
  VkPhysicalDevice pd = ctx->physical();
  VkDevice dev = ctx->device();
  const VkImageUsageFlags transfer = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  const VkImageUsageFlags usages[] = {
      transfer, VK_IMAGE_USAGE_SAMPLED_BIT, VK_IMAGE_USAGE_STORAGE_BIT,
      transfer | VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT,
      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
      VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT,
      VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT | transfer};
  unsigned allowed = 0, refused = 0, ms_created = 0;
  for (int f = 1; f <= kLastCoreFormat; ++f) {
    VkFormatProperties fp{};
    vkGetPhysicalDeviceFormatProperties(pd, VkFormat(f), &fp);
    for (VkImageType type : {VK_IMAGE_TYPE_1D, VK_IMAGE_TYPE_2D, VK_IMAGE_TYPE_3D}) {
      for (VkImageTiling tiling : {VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_TILING_LINEAR}) {
        const VkFormatFeatureFlags features =
            tiling == VK_IMAGE_TILING_OPTIMAL ? fp.optimalTilingFeatures : fp.linearTilingFeatures;
        for (VkImageUsageFlags usage : usages) {
          for (VkImageCreateFlags flags : {VkImageCreateFlags(0), VkImageCreateFlags(VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT),
                                           VkImageCreateFlags(VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT)}) {
            VkPhysicalDeviceImageFormatInfo2 info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, nullptr,
                                                  VkFormat(f), type, tiling, usage, flags};
            VkImageFormatProperties2 props{VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
            const VkResult r = vkGetPhysicalDeviceImageFormatProperties2(pd, &info, &props);
            ASSERT_TRUE(r == VK_SUCCESS || r == VK_ERROR_FORMAT_NOT_SUPPORTED) << r;
            if (r == VK_SUCCESS) {
              EXPECT_TRUE(!(usage & VK_IMAGE_USAGE_SAMPLED_BIT) || (features & S)) << "format " << f;
              EXPECT_TRUE(!(usage & VK_IMAGE_USAGE_STORAGE_BIT) || (features & ST)) << "format " << f;
              EXPECT_TRUE(!(usage & transfer) || (features & T) == T) << "format " << f;
              EXPECT_TRUE(!(usage & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT) || (features & C)) << "format " << f;
              EXPECT_TRUE(!(usage & VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT) || (features & DS)) << "format " << f;
              EXPECT_TRUE(!(usage & VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT) || (features & (C | DS))) << "format " << f;
            }
            const VkImageFormatProperties& p = props.imageFormatProperties;
            const bool cube = flags & VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT;
            VkImageCreateInfo ci = vktest::image_info(
                {.format = VkFormat(f),
                 .extent = {8, type == VK_IMAGE_TYPE_1D ? 1u : 8u, type == VK_IMAGE_TYPE_3D ? 8u : 1u},
                 .usage = usage, .type = type, .levels = 2, .layers = cube ? 6u : 1u, .tiling = tiling});
            ci.flags = flags;
            const bool fits = r == VK_SUCCESS && p.maxExtent.width >= 8 && p.maxExtent.height >= ci.extent.height &&
                              p.maxExtent.depth >= ci.extent.depth && p.maxMipLevels >= 2 &&
                              p.maxArrayLayers >= ci.arrayLayers && (p.sampleCounts & VK_SAMPLE_COUNT_1_BIT);
            VkImage image = VK_NULL_HANDLE;
            const VkResult cr = vkCreateImage(dev, &ci, nullptr, &image);
            if (r != VK_SUCCESS) {
              EXPECT_NE(cr, VK_SUCCESS) << "format " << f << " type " << type << " tiling " << tiling << " usage "
                                        << usage << " flags " << flags << ": refused by the query, created";
              ++refused;
            } else if (fits) {
              EXPECT_EQ(cr, VK_SUCCESS) << "format " << f << " type " << type << " tiling " << tiling << " usage "
                                        << usage << " flags " << flags << ": allowed by the query, not created";
              ++allowed;
            }
            if (cr != VK_SUCCESS) continue;
            VkMemoryRequirements mr{};
            vkGetImageMemoryRequirements(dev, image, &mr);
            EXPECT_GT(mr.size, 0u);
            EXPECT_NE(mr.memoryTypeBits, 0u);
            EXPECT_EQ(mr.alignment & (mr.alignment - 1), 0u);
            // A view of every image with a shader or attachment usage (what a render pass would bind).
            if (usage & (VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                         VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT)) {
              const bool depth = f >= VK_FORMAT_D16_UNORM && f <= VK_FORMAT_D32_SFLOAT_S8_UINT && f != VK_FORMAT_S8_UINT;
              VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
              vi.image = image;
              vi.viewType = type == VK_IMAGE_TYPE_1D ? VK_IMAGE_VIEW_TYPE_1D
                            : type == VK_IMAGE_TYPE_3D ? VK_IMAGE_VIEW_TYPE_3D
                                                       : VK_IMAGE_VIEW_TYPE_2D;
              vi.format = VkFormat(f);
              vi.subresourceRange = {depth                       ? VkImageAspectFlags(VK_IMAGE_ASPECT_DEPTH_BIT)
                                     : f == VK_FORMAT_S8_UINT ? VkImageAspectFlags(VK_IMAGE_ASPECT_STENCIL_BIT)
                                                                 : VkImageAspectFlags(VK_IMAGE_ASPECT_COLOR_BIT),
                                     0, 2, 0, 1};
              VkImageView view = VK_NULL_HANDLE;
              EXPECT_EQ(vkCreateImageView(dev, &vi, nullptr, &view), VK_SUCCESS) << "format " << f;
              vkDestroyImageView(dev, view, nullptr);
            }
            vkDestroyImage(dev, image, nullptr);
            // Every other sample count: created with one level exactly when the query lists it.
            for (VkSampleCountFlagBits s : {VK_SAMPLE_COUNT_2_BIT, VK_SAMPLE_COUNT_4_BIT, VK_SAMPLE_COUNT_8_BIT,
                                            VK_SAMPLE_COUNT_16_BIT}) {
              ci.samples = s;
              ci.mipLevels = 1;
              image = VK_NULL_HANDLE;
              const VkResult ms = vkCreateImage(dev, &ci, nullptr, &image);
              EXPECT_EQ(ms == VK_SUCCESS, (p.sampleCounts & s) != 0)
                  << "format " << f << " type " << type << " tiling " << tiling << " usage " << usage << " flags "
                  << flags << " samples " << s;
              ms_created += ms == VK_SUCCESS;
              vkDestroyImage(dev, image, nullptr);
            }
          }
        }
      }
    }
  }
  std::printf("%u combinations allowed and created, %u refused by both, %u multisampled images created\n", allowed,
              refused, ms_created);
  EXPECT_GE(ms_created, 1000u);
  EXPECT_GE(allowed, 1000u);
}

TEST(VkImages, UnsupportedRequestsAreRefused) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkImageCreateInfo ci = vktest::image_info({.format = VK_FORMAT_R8G8B8A8_UNORM, .extent = {16, 16, 1}});
  // Attachment usages follow the format's features like every other usage (the spec's mandatory
  // attachment formats; no Mica queue renders): allowed and created where the format reports
  // COLOR_ATTACHMENT / DEPTH_STENCIL_ATTACHMENT for the tiling, refused by both elsewhere.
  ci.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  VkImageFormatProperties attachment{};
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(ctx->physical(), ci.format, ci.imageType, ci.tiling, ci.usage, 0,
                                                     &attachment),
            VK_SUCCESS);
  VkImage image = VK_NULL_HANDLE;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  EXPECT_NE(image, VkImage(VK_NULL_HANDLE));
  vkDestroyImage(dev, image, nullptr);
  image = VK_NULL_HANDLE;
  using Case = std::tuple<VkFormat, VkImageTiling, VkImageUsageFlags>;
  for (auto [format, tiling, usage] : {Case{VK_FORMAT_R8G8B8A8_SNORM, VK_IMAGE_TILING_OPTIMAL,
                                                  VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT},  // no C in the table
                                       Case{VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_LINEAR,
                                                  VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT},  // LINEAR: none
                                       Case{VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
                                                  VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT},
                                       Case{VK_FORMAT_S8_UINT, VK_IMAGE_TILING_OPTIMAL,
                                                  VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT},
                                       Case{VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
                                                  VkImageUsageFlags(VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT)}}) {
    ci.format = format;
    ci.tiling = tiling;
    ci.usage = usage;
    EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(ctx->physical(), format, ci.imageType, tiling, usage, 0,
                                                       &attachment),
              VK_ERROR_FORMAT_NOT_SUPPORTED)
        << format << " " << tiling << " " << usage;
    EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS) << format << " " << tiling << " " << usage;
    EXPECT_EQ(image, VkImage(VK_NULL_HANDLE));
  }
  ci.format = VK_FORMAT_D16_UNORM;
  ci.tiling = VK_IMAGE_TILING_OPTIMAL;
  ci.usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
  EXPECT_EQ(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  vkDestroyImage(dev, image, nullptr);
  image = VK_NULL_HANDLE;
  ci.format = VK_FORMAT_R8G8B8A8_UNORM;
  ci.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  ci.samples = VK_SAMPLE_COUNT_16_BIT;  // more samples than the texture unit holds (1, 2, 4, 8)
  EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  EXPECT_EQ(image, VkImage(VK_NULL_HANDLE));
  ci.samples = VK_SAMPLE_COUNT_1_BIT;
  ci.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  ci.format = VK_FORMAT_D16_UNORM_S8_UINT;  // not held by Mica's image memory
  EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  ci.format = VK_FORMAT_ETC2_R8G8B8_UNORM_BLOCK;  // ETC2 and ASTC are not decoded by the texture unit
  EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  ci.format = VK_FORMAT_BC1_RGB_UNORM_BLOCK;  // compressed images are 2D or 3D
  ci.imageType = VK_IMAGE_TYPE_1D;
  ci.extent = {16, 1, 1};
  EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  ci.imageType = VK_IMAGE_TYPE_2D;
  ci.extent = {16, 16, 1};
  ci.usage = VK_IMAGE_USAGE_STORAGE_BIT;  // and read only
  EXPECT_NE(vkCreateImage(dev, &ci, nullptr, &image), VK_SUCCESS);
  VkImageFormatProperties ip{};
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties(ctx->physical(), VK_FORMAT_R8_UNORM, VK_IMAGE_TYPE_2D,
                                                     VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                                     VK_IMAGE_CREATE_SPARSE_BINDING_BIT, &ip),
            VK_ERROR_FORMAT_NOT_SUPPORTED);
  // External memory is not supported: refused through the 2-query.
  VkPhysicalDeviceExternalImageFormatInfo ext{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO, nullptr,
                                              VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT};
  VkPhysicalDeviceImageFormatInfo2 info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, &ext,
                                        VK_FORMAT_R8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
                                        VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0};
  VkImageFormatProperties2 ip2{VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties2(ctx->physical(), &info, &ip2), VK_ERROR_FORMAT_NOT_SUPPORTED);
  info.pNext = nullptr;
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties2(ctx->physical(), &info, &ip2), VK_SUCCESS);
  EXPECT_GE(ip2.imageFormatProperties.maxExtent.width, 4096u);
  // R8_UNORM has COLOR_ATTACHMENT (the spec's tables): 2D OPTIMAL images of it multisample.
  EXPECT_EQ(ip2.imageFormatProperties.sampleCounts, kAllSampleCounts);
  info.tiling = VK_IMAGE_TILING_LINEAR;
  EXPECT_EQ(vkGetPhysicalDeviceImageFormatProperties2(ctx->physical(), &info, &ip2), VK_SUCCESS);
  EXPECT_EQ(ip2.imageFormatProperties.sampleCounts, VkSampleCountFlags(VK_SAMPLE_COUNT_1_BIT));
}

// Views, samplers and descriptor sets of image types: created, updated and destroyed without
// crashing; a pipeline using them is refused by the compiler (covered by the compiler's tests).
TEST(VkImages, ViewsSamplersAndDescriptors) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkImageCreateInfo ci = vktest::image_info({.format = VK_FORMAT_R32_SFLOAT, .extent = {8, 8, 1},
                                              .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                              .levels = 4, .layers = 6});
  ci.flags = VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT;
  VkImage image;
  VK_OK(vkCreateImage(dev, &ci, nullptr, &image));
  VkMemoryRequirements mr;
  vkGetImageMemoryRequirements(dev, image, &mr);
  // 4 levels of 8x8, 4x4, 2x2, 1x1 R32 texels, 6 layers each, levels 16-byte aligned.
  EXPECT_GE(mr.size, 6u * 4 * (64 + 16 + 4 + 1));
  VkDeviceImageMemoryRequirements dir{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS, nullptr, &ci, {}};
  VkMemoryRequirements2 mr2{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
  vkGetDeviceImageMemoryRequirements(dev, &dir, &mr2);
  EXPECT_EQ(mr2.memoryRequirements.size, mr.size);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, nullptr, mr.size, ctx->host_visible_type(mr.memoryTypeBits)};
  VkDeviceMemory mem;
  VK_OK(vkAllocateMemory(dev, &ai, nullptr, &mem));
  VkBindImageMemoryInfo bind{VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO, nullptr, image, mem, 0};
  VK_OK(vkBindImageMemory2(dev, 1, &bind));
  uint32_t sparse_count = 7;
  vkGetImageSparseMemoryRequirements(dev, image, &sparse_count, nullptr);
  EXPECT_EQ(sparse_count, 0u);

  VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  vi.image = image;
  vi.viewType = VK_IMAGE_VIEW_TYPE_CUBE;
  vi.format = VK_FORMAT_R32_SFLOAT;
  vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, VK_REMAINING_MIP_LEVELS, 0, 6};
  VkImageView view;
  VK_OK(vkCreateImageView(dev, &vi, nullptr, &view));
  VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  si.magFilter = si.minFilter = VK_FILTER_LINEAR;
  si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  si.maxLod = VK_LOD_CLAMP_NONE;
  VkSampler sampler;
  VK_OK(vkCreateSampler(dev, &si, nullptr, &sampler));

  // A layout with every image-ish descriptor type is accepted (not "supported": no shader can use it).
  VkDescriptorSetLayoutBinding b[5] = {
      {0, VK_DESCRIPTOR_TYPE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, &sampler},
      {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {3, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
  VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, nullptr, 0, 5, b};
  VkDescriptorSetLayout layout;
  VK_OK(vkCreateDescriptorSetLayout(dev, &li, nullptr, &layout));
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_SAMPLER, 1}, {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1},
                                  {VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 1}, {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1},
                                  {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1}};
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, nullptr, 0, 1, 5, sizes};
  VkDescriptorPool pool;
  VK_OK(vkCreateDescriptorPool(dev, &pi, nullptr, &pool));
  VkDescriptorSetAllocateInfo sa{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 1, &layout};
  VkDescriptorSet set;
  VK_OK(vkAllocateDescriptorSets(dev, &sa, &set));
  vkrun::Buffer texels = ctx->create_buffer(256);
  VkBufferViewCreateInfo bvi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO, nullptr, 0, texels.buffer,
                             VK_FORMAT_R32_SFLOAT, 0, VK_WHOLE_SIZE};
  VkBufferView buffer_view;
  VK_OK(vkCreateBufferView(dev, &bvi, nullptr, &buffer_view));
  VkDescriptorImageInfo ii{sampler, view, VK_IMAGE_LAYOUT_GENERAL};
  VkWriteDescriptorSet w[4] = {};
  for (uint32_t i = 0; i < 4; ++i) {
    w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, set, i + 1, 0, 1, b[i + 1].descriptorType, &ii, nullptr,
            nullptr};
  }
  w[3].pImageInfo = nullptr;
  w[3].pTexelBufferView = &buffer_view;
  vkUpdateDescriptorSets(dev, 4, w, 0, nullptr);
  VkCopyDescriptorSet copy{VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, nullptr, set, 2, 0, set, 2, 0, 1};
  vkUpdateDescriptorSets(dev, 0, nullptr, 1, &copy);

  vkDestroyBufferView(dev, buffer_view, nullptr);
  ctx->destroy(texels);
  vkDestroyDescriptorPool(dev, pool, nullptr);
  vkDestroyDescriptorSetLayout(dev, layout, nullptr);
  vkDestroySampler(dev, sampler, nullptr);
  vkDestroyImageView(dev, view, nullptr);
  vkDestroyImage(dev, image, nullptr);
  vkFreeMemory(dev, mem, nullptr);
}

// ---- differential copies and clears ----------------------------------------------------------

// A transfer-only image with its memory (no view: the copies and clears here need none).
vktest::ImageDesc transfer_image(VkFormat format, VkImageType type, VkExtent3D extent, uint32_t levels, uint32_t layers,
                                 VkImageTiling tiling) {
  return {.format = format, .extent = extent,
          .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, .view = vktest::kNoView,
          .type = type, .levels = levels, .layers = layers, .tiling = tiling};
}

constexpr VkDeviceSize kInBytes = 64 * 1024, kOutBytes = 64 * 1024;

// Records 'record' on 'ctx' with 'input' in a buffer of 'in_bytes' and an output buffer of
// 'out_bytes' filled with 0xcd (bytes no command writes read back as the same fill on both
// devices); returns the output's bytes.
std::vector<uint8_t> run_transfers(vkrun::Context& ctx, const std::vector<uint8_t>& input, VkDeviceSize in_bytes,
                                   VkDeviceSize out_bytes,
                                   const std::function<void(VkCommandBuffer, VkBuffer in, VkBuffer out)>& record) {
  vkrun::Buffer in = ctx.create_buffer(in_bytes), out = ctx.create_buffer(out_bytes);
  std::memcpy(in.mapped, input.data(), in_bytes);
  std::memset(out.mapped, 0xcd, out_bytes);
  ctx.run([&](VkCommandBuffer cb) { record(cb, in.buffer, out.buffer); });
  std::vector<uint8_t> result(out.data<uint8_t>(), out.data<uint8_t>() + out_bytes);
  ctx.destroy(in);
  ctx.destroy(out);
  return result;
}

// The same commands on any device: uploads, a clear, copies between images (2D arrays with mips, and
// a 3D image), readbacks into 'out'. Returns the out buffer's bytes.
std::vector<uint8_t> run_sequence(vkrun::Context& ctx, VkFormat format, uint32_t texel, const std::vector<uint8_t>& input,
                                  const VkClearColorValue& color, VkImageTiling tiling) {
  const vktest::Image a(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {13, 7, 1}, 3, 2, tiling));
  const vktest::Image b(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {13, 7, 1}, 3, 2, tiling));
  const vktest::Image v(ctx, transfer_image(format, VK_IMAGE_TYPE_3D, {5, 4, 3}, 1, 1, tiling));
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  return run_transfers(ctx, input, kInBytes, kOutBytes, [&](VkCommandBuffer cb, VkBuffer in, VkBuffer out) {
    for (VkImage image : {a.image, b.image, v.image}) vktest::to_general(cb, image);
    // Uploads: a whole level of both layers; a sub-rectangle with a padded buffer row length.
    VkBufferImageCopy up[2] = {
        {0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 2}, {0, 0, 0}, {13, 7, 1}},
        {texel * 200, 5, 3, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 1, 1}, {1, 1, 0}, {4, 2, 1}},
    };
    vkCmdCopyBufferToImage(cb, in, a.image, G, 2, up);
    VkBufferImageCopy2 up3{VK_STRUCTURE_TYPE_BUFFER_IMAGE_COPY_2, nullptr, texel * 300, 0, 0,
                           {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {5, 4, 3}};
    VkCopyBufferToImageInfo2 up3i{VK_STRUCTURE_TYPE_COPY_BUFFER_TO_IMAGE_INFO_2, nullptr, in, v.image, G, 1, &up3};
    vkCmdCopyBufferToImage2(cb, &up3i);
    VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS};
    vkCmdClearColorImage(cb, b.image, G, &color, 1, &all);
    vktest::transfer_barrier(cb);
    // Image to image: a sub-rectangle across layers, a mip level, and the 3D image's slices into layers.
    VkImageCopy cp[3] = {
        {{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 1}, {2, 1, 0}, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {3, 2, 0}, {9, 5, 1}},
        {{VK_IMAGE_ASPECT_COLOR_BIT, 1, 1, 1}, {1, 1, 0}, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 1, 1}, {0, 0, 0}, {4, 2, 1}},
        {{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {1, 0, 1}, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 2}, {8, 3, 0}, {4, 4, 2}},
    };
    vkCmdCopyImage(cb, a.image, G, b.image, G, 2, cp);
    VkImageCopy2 cp3{VK_STRUCTURE_TYPE_IMAGE_COPY_2, nullptr, cp[2].srcSubresource, cp[2].srcOffset,
                     cp[2].dstSubresource, cp[2].dstOffset, cp[2].extent};
    VkCopyImageInfo2 cp3i{VK_STRUCTURE_TYPE_COPY_IMAGE_INFO_2, nullptr, v.image, G, b.image, G, 1, &cp3};
    vkCmdCopyImage2(cb, &cp3i);
    vktest::transfer_barrier(cb);
    // Readbacks: every level of b, tightly packed one after another, then a padded region of a.
    VkBufferImageCopy down[4] = {
        {0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 2}, {0, 0, 0}, {13, 7, 1}},
        {texel * 13 * 7 * 2, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 0, 2}, {0, 0, 0}, {6, 3, 1}},
        {texel * (13 * 7 + 6 * 3) * 2, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 2, 0, 2}, {0, 0, 0}, {3, 1, 1}},
        {texel * 400, 7, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 2}, {4, 2, 0}, {6, 4, 1}},
    };
    vkCmdCopyImageToBuffer(cb, b.image, G, out, 3, down);
    // A clear of part of an image (one layer of one level, and a level range) between reads of it.
    VkImageSubresourceRange some[2] = {{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 1, 1},
                                       {VK_IMAGE_ASPECT_COLOR_BIT, 1, VK_REMAINING_MIP_LEVELS, 0, 1}};
    vkCmdClearColorImage(cb, a.image, G, &color, 2, some);
    vktest::transfer_barrier(cb);
    vkCmdCopyImageToBuffer(cb, a.image, G, out, 1, &down[3]);
    // (layer 1 of level 1 is only partly written: not read back, its other texels are undefined)
    VkBufferImageCopy a_mip1{texel * 500, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 0, 1}, {0, 0, 0}, {6, 3, 1}};
    vkCmdCopyImageToBuffer(cb, a.image, G, out, 1, &a_mip1);
    VkBufferImageCopy2 down3{VK_STRUCTURE_TYPE_BUFFER_IMAGE_COPY_2, nullptr, texel * 600, 6, 5,
                             {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 1, 1}, {5, 3, 2}};
    VkCopyImageToBufferInfo2 down3i{VK_STRUCTURE_TYPE_COPY_IMAGE_TO_BUFFER_INFO_2, nullptr, v.image, G, out, 1, &down3};
    vkCmdCopyImageToBuffer2(cb, &down3i);
  });
}

struct FormatCase {
  VkFormat format;
  uint32_t texel;
  bool normalized;  // clears may round either way (within 1)
  uint32_t component_bits;  // uniform width of unpacked components (0: packed)
};

// The formats Mica reports, with their texel sizes (from the spec's texel block size table, via the
// image's memory requirements of a 1x1 linear image being unreliable, the test keeps its own list).
std::vector<FormatCase> reported_formats(vkrun::Context& ctx) {
  static const std::map<VkFormat, FormatCase> known = [] {
    std::map<VkFormat, FormatCase> m;
    auto add = [&](VkFormat first, VkFormat last, uint32_t texel, uint32_t bits, bool norm_pattern) {
      for (int f = first; f <= last; ++f) m[VkFormat(f)] = {VkFormat(f), texel, norm_pattern, bits};
    };
    // Ranges of the core enum with the same texel size (UNORM..SRGB groups of 7; 16-bit groups of 7).
    add(VK_FORMAT_R4G4_UNORM_PACK8, VK_FORMAT_R4G4_UNORM_PACK8, 1, 0, true);
    add(VK_FORMAT_R4G4B4A4_UNORM_PACK16, VK_FORMAT_A1R5G5B5_UNORM_PACK16, 2, 0, true);
    add(VK_FORMAT_R8_UNORM, VK_FORMAT_R8_SRGB, 1, 8, true);
    add(VK_FORMAT_R8G8_UNORM, VK_FORMAT_R8G8_SRGB, 2, 8, true);
    add(VK_FORMAT_R8G8B8_UNORM, VK_FORMAT_B8G8R8_SRGB, 3, 8, true);
    add(VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB, 4, 8, true);
    add(VK_FORMAT_A8B8G8R8_UNORM_PACK32, VK_FORMAT_A2B10G10R10_SINT_PACK32, 4, 0, true);
    add(VK_FORMAT_R16_UNORM, VK_FORMAT_R16_SFLOAT, 2, 16, true);
    add(VK_FORMAT_R16G16_UNORM, VK_FORMAT_R16G16_SFLOAT, 4, 16, true);
    add(VK_FORMAT_R16G16B16_UNORM, VK_FORMAT_R16G16B16_SFLOAT, 6, 16, true);
    add(VK_FORMAT_R16G16B16A16_UNORM, VK_FORMAT_R16G16B16A16_SFLOAT, 8, 16, true);
    add(VK_FORMAT_R32_UINT, VK_FORMAT_R32_SFLOAT, 4, 32, false);
    add(VK_FORMAT_R32G32_UINT, VK_FORMAT_R32G32_SFLOAT, 8, 32, false);
    add(VK_FORMAT_R32G32B32_UINT, VK_FORMAT_R32G32B32_SFLOAT, 12, 32, false);
    add(VK_FORMAT_R32G32B32A32_UINT, VK_FORMAT_R32G32B32A32_SFLOAT, 16, 32, false);
    add(VK_FORMAT_R64_UINT, VK_FORMAT_R64_SFLOAT, 8, 64, false);
    add(VK_FORMAT_R64G64_UINT, VK_FORMAT_R64G64_SFLOAT, 16, 64, false);
    add(VK_FORMAT_R64G64B64_UINT, VK_FORMAT_R64G64B64_SFLOAT, 24, 64, false);
    add(VK_FORMAT_R64G64B64A64_UINT, VK_FORMAT_R64G64B64A64_SFLOAT, 32, 64, false);
    add(VK_FORMAT_B10G11R11_UFLOAT_PACK32, VK_FORMAT_E5B9G9R9_UFLOAT_PACK32, 4, 0, true);
    return m;
  }();
  std::vector<FormatCase> out;
  for (int f = 1; f <= kLastCoreFormat; ++f) {
    VkFormatProperties p{};
    vkGetPhysicalDeviceFormatProperties(ctx.physical(), VkFormat(f), &p);
    if (!(p.optimalTilingFeatures & T)) continue;
    if (f >= VK_FORMAT_D16_UNORM && f <= VK_FORMAT_D32_SFLOAT_S8_UINT) continue;  // DepthStencilMatchesLavapipe
    if (f >= VK_FORMAT_BC1_RGB_UNORM_BLOCK && f <= VK_FORMAT_BC7_SRGB_BLOCK) continue;  // CompressedCopiesMatchLavapipe
    auto it = known.find(VkFormat(f));
    if (it == known.end()) {
      ADD_FAILURE() << "format " << f << " reported with transfer features but unknown to this test";
      continue;
    }
    out.push_back(it->second);
  }
  return out;
}

// Component widths in bits from the texel's least significant bit (repeating for unpacked formats).
std::vector<uint32_t> field_widths(const FormatCase& fc) {
  switch (fc.format) {
  case VK_FORMAT_R4G4_UNORM_PACK8:
  case VK_FORMAT_R4G4B4A4_UNORM_PACK16:
  case VK_FORMAT_B4G4R4A4_UNORM_PACK16:
    return {4};
  case VK_FORMAT_R5G6B5_UNORM_PACK16:
  case VK_FORMAT_B5G6R5_UNORM_PACK16:
    return {5, 6, 5};
  case VK_FORMAT_R5G5B5A1_UNORM_PACK16:
  case VK_FORMAT_B5G5R5A1_UNORM_PACK16:
    return {1, 5, 5, 5};
  case VK_FORMAT_A1R5G5B5_UNORM_PACK16:
    return {5, 5, 5, 1};
  default:
    break;
  }
  if (fc.format >= VK_FORMAT_A2R10G10B10_UNORM_PACK32 && fc.format <= VK_FORMAT_A2B10G10R10_SINT_PACK32)
    return {10, 10, 10, 2};
  if (fc.format >= VK_FORMAT_A8B8G8R8_UNORM_PACK32 && fc.format <= VK_FORMAT_A8B8G8R8_SRGB_PACK32) return {8};
  if (fc.format == VK_FORMAT_B10G11R11_UFLOAT_PACK32) return {11, 11, 10};
  if (fc.format == VK_FORMAT_E5B9G9R9_UFLOAT_PACK32) return {9, 9, 9, 5};
  return {fc.component_bits};
}

uint64_t bits_at(const uint8_t* texel, uint32_t bit, uint32_t width) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < width; ++i) v |= uint64_t((texel[(bit + i) / 8] >> ((bit + i) % 8)) & 1) << i;
  return v;
}

bool is_sint_format(VkFormat f) {
  VkFormat sints[] = {VK_FORMAT_R8_SINT, VK_FORMAT_R8G8_SINT, VK_FORMAT_R8G8B8_SINT, VK_FORMAT_B8G8R8_SINT,
                      VK_FORMAT_R8G8B8A8_SINT, VK_FORMAT_B8G8R8A8_SINT, VK_FORMAT_A8B8G8R8_SINT_PACK32,
                      VK_FORMAT_A2R10G10B10_SINT_PACK32, VK_FORMAT_A2B10G10R10_SINT_PACK32, VK_FORMAT_R16_SINT,
                      VK_FORMAT_R16G16_SINT, VK_FORMAT_R16G16B16_SINT, VK_FORMAT_R16G16B16A16_SINT, VK_FORMAT_R32_SINT,
                      VK_FORMAT_R32G32_SINT, VK_FORMAT_R32G32B32_SINT, VK_FORMAT_R32G32B32A32_SINT, VK_FORMAT_R64_SINT,
                      VK_FORMAT_R64G64_SINT, VK_FORMAT_R64G64B64_SINT, VK_FORMAT_R64G64B64A64_SINT};
  return std::find(std::begin(sints), std::end(sints), f) != std::end(sints);
}

bool is_int_format(VkFormat f) {
  VkFormat ints[] = {VK_FORMAT_R8_UINT, VK_FORMAT_R8_SINT, VK_FORMAT_R8G8_UINT, VK_FORMAT_R8G8_SINT,
                     VK_FORMAT_R8G8B8_UINT, VK_FORMAT_R8G8B8_SINT, VK_FORMAT_B8G8R8_UINT, VK_FORMAT_B8G8R8_SINT,
                     VK_FORMAT_R8G8B8A8_UINT, VK_FORMAT_R8G8B8A8_SINT, VK_FORMAT_B8G8R8A8_UINT, VK_FORMAT_B8G8R8A8_SINT,
                     VK_FORMAT_A8B8G8R8_UINT_PACK32, VK_FORMAT_A8B8G8R8_SINT_PACK32, VK_FORMAT_A2R10G10B10_UINT_PACK32,
                     VK_FORMAT_A2R10G10B10_SINT_PACK32, VK_FORMAT_A2B10G10R10_UINT_PACK32,
                     VK_FORMAT_A2B10G10R10_SINT_PACK32, VK_FORMAT_R16_UINT, VK_FORMAT_R16_SINT, VK_FORMAT_R16G16_UINT,
                     VK_FORMAT_R16G16_SINT, VK_FORMAT_R16G16B16_UINT, VK_FORMAT_R16G16B16_SINT,
                     VK_FORMAT_R16G16B16A16_UINT, VK_FORMAT_R16G16B16A16_SINT, VK_FORMAT_R32_UINT, VK_FORMAT_R32_SINT,
                     VK_FORMAT_R32G32_UINT, VK_FORMAT_R32G32_SINT, VK_FORMAT_R32G32B32_UINT, VK_FORMAT_R32G32B32_SINT,
                     VK_FORMAT_R32G32B32A32_UINT, VK_FORMAT_R32G32B32A32_SINT, VK_FORMAT_R64_UINT, VK_FORMAT_R64_SINT,
                     VK_FORMAT_R64G64_UINT, VK_FORMAT_R64G64_SINT, VK_FORMAT_R64G64B64_UINT, VK_FORMAT_R64G64B64_SINT,
                     VK_FORMAT_R64G64B64A64_UINT, VK_FORMAT_R64G64B64A64_SINT};
  return std::find(std::begin(ints), std::end(ints), f) != std::end(ints);
}

TEST(VkImages, RoundTripMatchesLavapipe) {
  vkrun::Context mica("Mica");
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  std::mt19937 rng(13);
  std::vector<uint8_t> input(kInBytes);
  for (auto& b : input) b = uint8_t(rng());
  const auto formats = reported_formats(mica);
  EXPECT_GE(formats.size(), 100u);  // the table of src/hw/mica_formats.toml
  unsigned compared = 0;
  for (const auto& fc : formats) {
    VkFormatProperties lp{};
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), fc.format, &lp);
    if ((lp.optimalTilingFeatures & T) != T) continue;  // lavapipe cannot be the reference here
    const bool ints = is_int_format(fc.format);
    VkClearColorValue color{};
    if (ints) {
      // In range of every integer format (A2 components included); negative for the signed ones.
      const bool sint = is_sint_format(fc.format);
      color.int32[0] = sint ? -5 : 5;
      color.int32[1] = 100;
      color.int32[2] = sint ? -100 : 0;
      color.int32[3] = sint ? -1 : 1;
    } else {
      color.float32[0] = 0.3f;
      color.float32[1] = -0.6f;
      color.float32[2] = 0.7f;
      color.float32[3] = 1.0f;
    }
    for (VkImageTiling tiling : {VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_TILING_LINEAR}) {
      VkImageFormatProperties ip{};
      if (tiling == VK_IMAGE_TILING_LINEAR &&
          vkGetPhysicalDeviceImageFormatProperties(lvp->physical(), fc.format, VK_IMAGE_TYPE_3D, tiling,
                                                   VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0,
                                                   &ip) != VK_SUCCESS)
        continue;
      const auto got = run_sequence(mica, fc.format, fc.texel, input, color, tiling);
      const auto want = run_sequence(*lvp, fc.format, fc.texel, input, color, tiling);
      // Compared field by field (the format's components, least significant first, per texel):
      // a clear's non-integer channel may differ by one unit, since the spec leaves the rounding
      // of float -> normalized and float -> half conversions to the implementation.
      const auto widths = field_widths(fc);
      size_t bad = 0, first = 0;
      for (size_t t = 0; t + fc.texel <= got.size(); t += fc.texel) {
        uint32_t bit = 0;
        for (size_t k = 0; bit < fc.texel * 8; k = (k + 1) % widths.size()) {
          const uint64_t g = bits_at(got.data() + t, bit, widths[k]), w = bits_at(want.data() + t, bit, widths[k]);
          const bool near = g + 1 == w || w + 1 == g;
          if (g != w && !(near && !ints && widths[k] <= 16) && bad++ == 0) first = t + bit / 8;
          bit += widths[k];
        }
      }
      EXPECT_EQ(bad, 0u) << "format " << fc.format << (tiling == VK_IMAGE_TILING_LINEAR ? " linear" : " optimal")
                         << ": first difference at byte " << first << " (Mica 0x" << std::hex << int(got[first])
                         << ", lavapipe 0x" << int(want[first]) << std::dec << ")";
      ++compared;
    }
  }
  std::printf("%u format/tiling combinations compared with lavapipe\n", compared);
  EXPECT_GE(compared, 50u);
}

// ---- copies between tilings (DMA_COPY_TILED) ---------------------------------------------------

// Copies between a LINEAR and an OPTIMAL image in both directions, between layers of one OPTIMAL
// image, between two regions of one layer (footprints that interleave: the driver's run-by-run
// path), and uploads/readbacks at odd offsets with padded buffer rows, over several rows of 4x4
// tiles, mip levels and array layers; returns the readback bytes.
constexpr uint32_t kTW = 37, kTH = 23;

std::vector<uint8_t> run_tiling_sequence(vkrun::Context& ctx, VkFormat format, uint32_t texel,
                                         const std::vector<uint8_t>& input) {
  const VkDeviceSize in_bytes = VkDeviceSize(texel) * kTW * kTH * 4, out_bytes = VkDeviceSize(texel) * kTW * kTH * 6;
  const vktest::Image l(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {kTW, kTH, 1}, 1, 1, VK_IMAGE_TILING_LINEAR));
  const vktest::Image o(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {kTW, kTH, 1}, 2, 3, VK_IMAGE_TILING_OPTIMAL));
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  const VkImageAspectFlags C = VK_IMAGE_ASPECT_COLOR_BIT;
  return run_transfers(ctx, input, in_bytes, out_bytes, [&](VkCommandBuffer cb, VkBuffer in, VkBuffer out) {
    for (VkImage image : {l.image, o.image}) vktest::to_general(cb, image);
    VkBufferImageCopy up[3] = {
        {0, 0, 0, {C, 0, 0, 1}, {0, 0, 0}, {kTW, kTH, 1}},
        {texel * kTW * kTH, 0, 0, {C, 0, 0, 3}, {0, 0, 0}, {kTW, kTH, 1}},
        // level 1 (18 x 11) of layer 1: an odd sub-rectangle from padded buffer rows
        {texel * 7, 13, 9, {C, 1, 1, 1}, {5, 3, 0}, {9, 7, 1}},
    };
    vkCmdCopyBufferToImage(cb, in, l.image, G, 1, &up[0]);
    vkCmdCopyBufferToImage(cb, in, o.image, G, 2, &up[1]);
    vktest::transfer_barrier(cb);
    VkImageCopy lo{{C, 0, 0, 1}, {3, 2, 0}, {C, 0, 2, 1}, {6, 5, 0}, {17, 11, 1}};  // LINEAR -> OPTIMAL
    vkCmdCopyImage(cb, l.image, G, o.image, G, 1, &lo);
    VkImageCopy ol{{C, 0, 0, 1}, {1, 1, 0}, {C, 0, 0, 1}, {20, 10, 0}, {15, 12, 1}};  // OPTIMAL -> LINEAR
    vkCmdCopyImage(cb, o.image, G, l.image, G, 1, &ol);
    vktest::transfer_barrier(cb);
    VkImageCopy oo[2] = {
        {{C, 0, 0, 1}, {2, 3, 0}, {C, 0, 1, 1}, {7, 1, 0}, {25, 17, 1}},      // layer 0 -> layer 1
        {{C, 0, 2, 1}, {0, 0, 0}, {C, 0, 2, 1}, {20, 12, 0}, {16, 10, 1}},    // within layer 2
    };
    vkCmdCopyImage(cb, o.image, G, o.image, G, 1, &oo[0]);
    vktest::transfer_barrier(cb);
    vkCmdCopyImage(cb, o.image, G, o.image, G, 1, &oo[1]);
    vktest::transfer_barrier(cb);
    VkBufferImageCopy down[4] = {
        {0, 0, 0, {C, 0, 0, 1}, {0, 0, 0}, {kTW, kTH, 1}},
        {texel * kTW * kTH, 0, 0, {C, 0, 0, 3}, {0, 0, 0}, {kTW, kTH, 1}},
        {texel * kTW * kTH * 4, 0, 0, {C, 1, 1, 1}, {5, 3, 0}, {9, 7, 1}},  // (only that region is defined)
        // a padded readback of an odd region of level 0, layers 1 and 2
        {texel * kTW * kTH * 5, 11, 8, {C, 0, 1, 2}, {9, 13, 0}, {10, 7, 1}},
    };
    vkCmdCopyImageToBuffer(cb, l.image, G, out, 1, &down[0]);
    vkCmdCopyImageToBuffer(cb, o.image, G, out, 3, &down[1]);
  });
}

TEST(VkImages, CopiesBetweenTilingsMatchLavapipe) {
  vkrun::Context mica("Mica");
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  const std::pair<VkFormat, uint32_t> formats[] = {
      {VK_FORMAT_R8_UNORM, 1},          {VK_FORMAT_R8G8_UINT, 2},           {VK_FORMAT_R8G8B8_UNORM, 3},
      {VK_FORMAT_R8G8B8A8_UINT, 4},     {VK_FORMAT_R16G16B16_SFLOAT, 6},    {VK_FORMAT_R16G16B16A16_UINT, 8},
      {VK_FORMAT_R32G32B32_UINT, 12},   {VK_FORMAT_R32G32B32A32_UINT, 16},
  };
  std::mt19937 rng(29);
  unsigned compared = 0;
  for (auto [format, texel] : formats) {
    bool supported = true;
    for (vkrun::Context* c : {&mica, lvp.get()}) {
      VkImageFormatProperties ip{};
      for (VkImageTiling t : {VK_IMAGE_TILING_LINEAR, VK_IMAGE_TILING_OPTIMAL})
        supported = supported && vkGetPhysicalDeviceImageFormatProperties(
                                     c->physical(), format, VK_IMAGE_TYPE_2D, t,
                                     VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, 0,
                                     &ip) == VK_SUCCESS;
    }
    if (!supported) continue;
    std::vector<uint8_t> input(size_t(texel) * kTW * kTH * 4);
    for (auto& b : input) b = uint8_t(rng());
    const auto got = run_tiling_sequence(mica, format, texel, input);
    const auto want = run_tiling_sequence(*lvp, format, texel, input);
    size_t first = 0;
    while (first < got.size() && got[first] == want[first]) ++first;
    EXPECT_EQ(first, got.size()) << "format " << format << ": first difference at byte " << first << " (Mica 0x"
                                 << std::hex << int(got[first]) << ", lavapipe 0x" << int(want[first]) << ")";
    ++compared;
  }
  std::printf("%u formats compared with lavapipe across tilings\n", compared);
  EXPECT_GE(compared, 5u);
}

// ---- depth and stencil ------------------------------------------------------------------------

struct DepthCase {
  VkFormat format;
  uint32_t depth_bytes;  // per texel in a depth-aspect copy (0: no depth aspect)
  bool stencil;
};

// Per-aspect uploads, depth/stencil clears of part of an image, per-aspect image-to-image copies and
// readbacks, on any device; returns the readback bytes.
std::vector<uint8_t> run_depth_sequence(vkrun::Context& ctx, const DepthCase& dc, const std::vector<uint8_t>& input,
                                        VkImageTiling tiling) {
  const vktest::Image a(ctx, transfer_image(dc.format, VK_IMAGE_TYPE_2D, {13, 9, 1}, 2, 2, tiling));
  const vktest::Image b(ctx, transfer_image(dc.format, VK_IMAGE_TYPE_2D, {13, 9, 1}, 2, 2, tiling));
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  std::vector<VkImageAspectFlagBits> aspects;
  if (dc.depth_bytes) aspects.push_back(VK_IMAGE_ASPECT_DEPTH_BIT);
  if (dc.stencil) aspects.push_back(VK_IMAGE_ASPECT_STENCIL_BIT);
  const VkImageAspectFlags all_aspects = (dc.depth_bytes ? VK_IMAGE_ASPECT_DEPTH_BIT : 0) |
                                         (dc.stencil ? VK_IMAGE_ASPECT_STENCIL_BIT : 0);
  return run_transfers(ctx, input, kInBytes, kOutBytes, [&](VkCommandBuffer cb, VkBuffer in, VkBuffer out) {
    for (VkImage image : {a.image, b.image}) vktest::to_general(cb, image, all_aspects);
    uint64_t in_at = 0, out_at = 0;
    for (VkImageAspectFlagBits aspect : aspects) {
      const uint64_t texel = aspect == VK_IMAGE_ASPECT_DEPTH_BIT ? dc.depth_bytes : 1;
      // Both levels of both layers of a, then a sub-rectangle with a padded row length.
      VkBufferImageCopy up[3] = {
          {in_at, 0, 0, {VkImageAspectFlags(aspect), 0, 0, 2}, {0, 0, 0}, {13, 9, 1}},
          {in_at + texel * 13 * 9 * 2, 0, 0, {VkImageAspectFlags(aspect), 1, 0, 2}, {0, 0, 0}, {6, 4, 1}},
          {in_at + 16384, 7, 0, {VkImageAspectFlags(aspect), 0, 1, 1}, {2, 3, 0}, {5, 5, 1}},
      };
      vkCmdCopyBufferToImage(cb, in, a.image, G, 3, up);
      in_at += 32768;
    }
    VkClearDepthStencilValue clear{0.3f, 0x5a};
    VkImageSubresourceRange whole{all_aspects, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS};
    vkCmdClearDepthStencilImage(cb, b.image, G, &clear, 1, &whole);
    vktest::transfer_barrier(cb);
    for (VkImageAspectFlagBits aspect : aspects) {
      const VkImageAspectFlags f = aspect;
      VkImageCopy cp[2] = {{{f, 0, 0, 2}, {1, 2, 0}, {f, 0, 0, 2}, {3, 1, 0}, {9, 6, 1}},
                           {{f, 1, 1, 1}, {0, 0, 0}, {f, 1, 0, 1}, {1, 1, 0}, {5, 3, 1}}};
      vkCmdCopyImage(cb, a.image, G, b.image, G, 2, cp);
    }
    vktest::transfer_barrier(cb);
    // One aspect of a partial range cleared again (the other aspect keeps its texels).
    VkClearDepthStencilValue clear2{0.75f, 0xc3};
    VkImageSubresourceRange part{aspects.back(), 1, 1, 1, 1};
    vkCmdClearDepthStencilImage(cb, b.image, G, &clear2, 1, &part);
    vktest::transfer_barrier(cb);
    for (VkImageAspectFlagBits aspect : aspects) {
      const uint64_t texel = aspect == VK_IMAGE_ASPECT_DEPTH_BIT ? dc.depth_bytes : 1;
      VkBufferImageCopy down[3] = {
          {out_at, 0, 0, {VkImageAspectFlags(aspect), 0, 0, 2}, {0, 0, 0}, {13, 9, 1}},
          {out_at + texel * 13 * 9 * 2, 0, 0, {VkImageAspectFlags(aspect), 1, 0, 2}, {0, 0, 0}, {6, 4, 1}},
          {out_at + 16384, 9, 0, {VkImageAspectFlags(aspect), 0, 1, 1}, {1, 2, 0}, {7, 6, 1}},
      };
      vkCmdCopyImageToBuffer(cb, b.image, G, out, 3, down);
      out_at += 32768;
    }
  });
}

// Every depth/stencil format Mica offers, both tilings, against lavapipe: texels read back per
// aspect after uploads, clears and copies. D32 values are uploaded in [0, 1] (the spec leaves
// others undefined without VK_EXT_depth_range_unrestricted); D24's padding byte is undefined and
// masked; a UNORM depth clear may round either way (within 1).
TEST(VkImages, DepthStencilMatchesLavapipe) {
  vkrun::Context mica("Mica");
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  const DepthCase cases[] = {{VK_FORMAT_D16_UNORM, 2, false},         {VK_FORMAT_X8_D24_UNORM_PACK32, 4, false},
                             {VK_FORMAT_D32_SFLOAT, 4, false},        {VK_FORMAT_S8_UINT, 0, true},
                             {VK_FORMAT_D24_UNORM_S8_UINT, 4, true},  {VK_FORMAT_D32_SFLOAT_S8_UINT, 4, true}};
  std::mt19937 rng(1324);
  unsigned compared = 0;
  for (const auto& dc : cases) {
    VkFormatProperties mp{}, lp{};
    vkGetPhysicalDeviceFormatProperties(mica.physical(), dc.format, &mp);
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), dc.format, &lp);
    // Mica holds all of them, sampled and transferable.
    EXPECT_EQ(mp.optimalTilingFeatures & (S | T), S | T) << "format " << dc.format;
    if ((lp.optimalTilingFeatures & T) != T) continue;
    std::vector<uint8_t> input(kInBytes);
    for (auto& b : input) b = uint8_t(rng());
    if (dc.format == VK_FORMAT_D32_SFLOAT || dc.format == VK_FORMAT_D32_SFLOAT_S8_UINT) {
      std::uniform_real_distribution<float> unit(0.0f, 1.0f);
      for (size_t i = 0; i + 4 <= 32768; i += 4) {
        const float v = unit(rng);
        std::memcpy(input.data() + i, &v, 4);
      }
    }
    for (VkImageTiling tiling : {VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_TILING_LINEAR}) {
      VkImageFormatProperties ip{};
      const VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
      if (vkGetPhysicalDeviceImageFormatProperties(lvp->physical(), dc.format, VK_IMAGE_TYPE_2D, tiling, usage, 0,
                                                   &ip) != VK_SUCCESS)
        continue;
      ASSERT_EQ(vkGetPhysicalDeviceImageFormatProperties(mica.physical(), dc.format, VK_IMAGE_TYPE_2D, tiling, usage,
                                                         0, &ip),
                VK_SUCCESS);
      const auto got = run_depth_sequence(mica, dc, input, tiling);
      const auto want = run_depth_sequence(*lvp, dc, input, tiling);
      size_t bad = 0, first = 0;
      auto check = [&](size_t at, uint64_t g, uint64_t w, bool unorm_clear) {
        const bool near = unorm_clear && (g + 1 == w || w + 1 == g);
        if (g != w && !near && bad++ == 0) first = at;
      };
      uint64_t at = 0;
      if (dc.depth_bytes) {
        for (size_t i = 0; i + dc.depth_bytes <= 32768; i += dc.depth_bytes) {
          uint32_t g = 0, w = 0;
          std::memcpy(&g, got.data() + i, dc.depth_bytes);
          std::memcpy(&w, want.data() + i, dc.depth_bytes);
          if (dc.depth_bytes == 4 && dc.format != VK_FORMAT_D32_SFLOAT && dc.format != VK_FORMAT_D32_SFLOAT_S8_UINT) {
            g &= 0xffffff;  // D24: the padding byte is undefined
            w &= 0xffffff;
          }
          check(i, g, w, dc.format != VK_FORMAT_D32_SFLOAT && dc.format != VK_FORMAT_D32_SFLOAT_S8_UINT);
        }
        at = 32768;
      }
      if (dc.stencil)
        for (size_t i = at; i < at + 32768; ++i) check(i, got[i], want[i], false);
      EXPECT_EQ(bad, 0u) << "format " << dc.format << (tiling == VK_IMAGE_TILING_LINEAR ? " linear" : " optimal")
                         << ": " << bad << " differences, first at byte " << first;
      ++compared;
    }
  }
  std::printf("%u depth/stencil format/tiling combinations compared with lavapipe\n", compared);
  EXPECT_GE(compared, 6u);
}

// ---- block-compressed formats -----------------------------------------------------------------

// Uploads of whole levels (the last one's blocks only partly inside the image) and of a block-aligned
// sub-rectangle, an image-to-image copy, a copy into a size-compatible uncompressed image (a block
// per texel), readbacks; on any device. 'block' is 8 or 16 bytes.
std::vector<uint8_t> run_compressed_sequence(vkrun::Context& ctx, VkFormat format, uint32_t block,
                                             const std::vector<uint8_t>& input, VkImageTiling tiling) {
  const VkFormat plain = block == 8 ? VK_FORMAT_R32G32_UINT : VK_FORMAT_R32G32B32A32_UINT;
  const vktest::Image a(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {16, 12, 1}, 2, 2, tiling));
  const vktest::Image b(ctx, transfer_image(format, VK_IMAGE_TYPE_2D, {16, 12, 1}, 2, 2, tiling));
  const vktest::Image u(ctx, transfer_image(plain, VK_IMAGE_TYPE_2D, {5, 4, 1}, 1, 1, tiling));
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  const VkImageAspectFlags C = VK_IMAGE_ASPECT_COLOR_BIT;
  return run_transfers(ctx, input, kInBytes, kOutBytes, [&](VkCommandBuffer cb, VkBuffer in, VkBuffer out) {
    for (VkImage image : {a.image, b.image, u.image}) vktest::to_general(cb, image);
    VkBufferImageCopy up[4] = {
        {0, 0, 0, {C, 0, 0, 2}, {0, 0, 0}, {16, 12, 1}},                    // 4x3 blocks, 2 layers
        {block * 24, 0, 0, {C, 1, 0, 2}, {0, 0, 0}, {8, 6, 1}},              // 2x2 blocks, the last row half outside
        {block * 40, 12, 0, {C, 0, 1, 1}, {4, 4, 0}, {8, 8, 1}},             // rows of 3 blocks in the buffer
        {block * 60, 0, 0, {C, 0, 0, 1}, {12, 8, 0}, {4, 4, 1}},             // the corner block of layer 0
    };
    vkCmdCopyBufferToImage(cb, in, a.image, G, 4, up);
    vkCmdCopyBufferToImage(cb, in, b.image, G, 2, up);
    vktest::transfer_barrier(cb);
    VkImageCopy cp[2] = {
        {{C, 0, 0, 1}, {4, 0, 0}, {C, 0, 1, 1}, {0, 4, 0}, {8, 8, 1}},
        {{C, 1, 1, 1}, {0, 0, 0}, {C, 1, 0, 1}, {0, 0, 0}, {8, 6, 1}},
    };
    vkCmdCopyImage(cb, a.image, G, b.image, G, 2, cp);
    // 2x2 blocks into 2x2 texels of the uncompressed image.
    VkImageCopy to_plain{{C, 0, 1, 1}, {4, 4, 0}, {C, 0, 0, 1}, {1, 1, 0}, {8, 8, 1}};
    vkCmdCopyImage(cb, a.image, G, u.image, G, 1, &to_plain);
    vktest::transfer_barrier(cb);
    VkBufferImageCopy down[3] = {
        {0, 0, 0, {C, 0, 0, 2}, {0, 0, 0}, {16, 12, 1}},
        {block * 24, 0, 0, {C, 1, 0, 2}, {0, 0, 0}, {8, 6, 1}},
        {block * 40, 0, 0, {C, 0, 0, 1}, {0, 0, 0}, {5, 4, 1}},
    };
    vkCmdCopyImageToBuffer(cb, b.image, G, out, 2, down);
    vkCmdCopyImageToBuffer(cb, u.image, G, out, 1, &down[2]);
  });
}

// Every block-compressed format Mica offers, both tilings: copies move whole blocks, so the bytes
// must equal lavapipe's exactly (texels the sequence never writes read back as the same 0xcd fill
// or are skipped: the uncompressed image's texels outside the copy are undefined).
TEST(VkImages, CompressedCopiesMatchLavapipe) {
  vkrun::Context mica("Mica");
  const auto lvp = vktest::open_lavapipe();
  if (!lvp) GTEST_SKIP() << vktest::kNoLavapipe;
  std::mt19937 rng(4242);
  std::vector<uint8_t> input(kInBytes);
  for (auto& b : input) b = uint8_t(rng());
  unsigned compared = 0;
  for (int f = VK_FORMAT_BC1_RGB_UNORM_BLOCK; f <= VK_FORMAT_BC7_SRGB_BLOCK; ++f) {
    VkFormatProperties mp{}, lp{};
    vkGetPhysicalDeviceFormatProperties(mica.physical(), VkFormat(f), &mp);
    vkGetPhysicalDeviceFormatProperties(lvp->physical(), VkFormat(f), &lp);
    const bool offered = true;  // BC1-BC7
    EXPECT_EQ(mp.optimalTilingFeatures != 0, offered) << "format " << f;
    if (!offered || (lp.optimalTilingFeatures & T) != T) continue;
    EXPECT_EQ(mp.optimalTilingFeatures, S | F | T | BS) << "format " << f;  // BLIT_SRC: the BC table's graphics bit
    EXPECT_EQ(mp.linearTilingFeatures, S | F | T) << "format " << f;
    EXPECT_EQ(mp.bufferFeatures, 0u) << "format " << f;
    const uint32_t block = (f <= VK_FORMAT_BC1_RGBA_SRGB_BLOCK || f == VK_FORMAT_BC4_UNORM_BLOCK ||
                            f == VK_FORMAT_BC4_SNORM_BLOCK)
                               ? 8
                               : 16;
    for (VkImageTiling tiling : {VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_TILING_LINEAR}) {
      VkImageFormatProperties ip{};
      const VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
      if (vkGetPhysicalDeviceImageFormatProperties(lvp->physical(), VkFormat(f), VK_IMAGE_TYPE_2D, tiling, usage, 0,
                                                   &ip) != VK_SUCCESS)
        continue;
      const auto got = run_compressed_sequence(mica, VkFormat(f), block, input, tiling);
      const auto want = run_compressed_sequence(*lvp, VkFormat(f), block, input, tiling);
      size_t bad = 0, first = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        const size_t plain_texel = i >= block * 40 && i < block * 60 ? (i - block * 40) / block : 99;
        const bool defined = plain_texel == 99 || ((plain_texel % 5) >= 1 && (plain_texel % 5) <= 2 &&
                                                   plain_texel / 5 >= 1 && plain_texel / 5 <= 2);
        if (defined && got[i] != want[i] && bad++ == 0) first = i;
      }
      EXPECT_EQ(bad, 0u) << "format " << f << (tiling == VK_IMAGE_TILING_LINEAR ? " linear" : " optimal")
                         << ": first difference at byte " << first;
      ++compared;
    }
  }
  std::printf("%u compressed format/tiling combinations compared with lavapipe\n", compared);
  EXPECT_GE(compared, 12u);
}

// Commands on an image without memory (invalid use) record nothing rather than send the DMA engine
// to address 0, which would fault and lose the device.
TEST(VkImages, UnboundImageCommandsDoNotFault) {
  vkrun::Context ctx("Mica");
  VkImageCreateInfo ci = vktest::image_info({.format = VK_FORMAT_R8G8B8A8_UINT, .extent = {8, 8, 1},
                                              .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT});
  VkImage image;
  VK_OK(vkCreateImage(ctx.device(), &ci, nullptr, &image));
  vkrun::Buffer buf = ctx.create_buffer(1024);
  ctx.run([&](VkCommandBuffer cb) {
    VkBufferImageCopy r{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {8, 8, 1}};
    vkCmdCopyBufferToImage(cb, buf.buffer, image, VK_IMAGE_LAYOUT_GENERAL, 1, &r);
    vkCmdCopyImageToBuffer(cb, image, VK_IMAGE_LAYOUT_GENERAL, buf.buffer, 1, &r);
    VkClearColorValue c{};
    VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cb, image, VK_IMAGE_LAYOUT_GENERAL, &c, 1, &all);
  });
  EXPECT_EQ(vkDeviceWaitIdle(ctx.device()), VK_SUCCESS);  // not VK_ERROR_DEVICE_LOST
  // A creatable image's requirements through vkGetDeviceImageMemoryRequirements; none for one
  // vkCreateImage would refuse.
  VkDeviceImageMemoryRequirements dir{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS, nullptr, &ci, {}};
  VkMemoryRequirements2 mr{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
  vkGetDeviceImageMemoryRequirements(ctx.device(), &dir, &mr);
  EXPECT_EQ(mr.memoryRequirements.size, 256u);  // 8 x 8 x 4 bytes
  ci.mipLevels = 40;  // more than a 8x8 image can have
  vkGetDeviceImageMemoryRequirements(ctx.device(), &dir, &mr);
  EXPECT_EQ(mr.memoryRequirements.size, 0u);
  ctx.destroy(buf);
  vkDestroyImage(ctx.device(), image, nullptr);
}

// Formats report BLIT_SRC/BLIT_DST (the spec's tables), but blits and resolves need a graphics queue
// (VUID-vkCmdBlitImage-commandBuffer-cmdpool, VUID-vkCmdResolveImage-commandBuffer-cmdpool): recorded
// on Mica's queue anyway they record nothing (the invalid call is reported on stderr / the debug
// log), the rest of the command buffer runs and the device stays usable.
TEST(VkImages, BlitsAndResolvesRecordNothing) {
  vkrun::Context ctx("Mica");
  VkFormatProperties fp{};
  vkGetPhysicalDeviceFormatProperties(ctx.physical(), VK_FORMAT_R8G8B8A8_UNORM, &fp);
  ASSERT_EQ(fp.optimalTilingFeatures & (BS | BD), BS | BD);
  const vktest::Image src(ctx, transfer_image(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, {8, 8, 1}, 1, 1, VK_IMAGE_TILING_OPTIMAL));
  const vktest::Image dst(ctx, transfer_image(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, {8, 8, 1}, 1, 1, VK_IMAGE_TILING_OPTIMAL));
  vkrun::Buffer out = ctx.create_buffer(256);
  std::memset(out.mapped, 0xcd, 256);
  const VkImageLayout G = VK_IMAGE_LAYOUT_GENERAL;
  const VkImageSubresourceLayers layer{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  ctx.run([&](VkCommandBuffer cb) {
    for (VkImage image : {src.image, dst.image}) vktest::to_general(cb, image);
    const VkClearColorValue white{{1, 1, 1, 1}}, black{{0, 0, 0, 0}};
    const VkImageSubresourceRange all{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cb, src.image, G, &white, 1, &all);
    vkCmdClearColorImage(cb, dst.image, G, &black, 1, &all);
    vktest::transfer_barrier(cb);
    const VkImageBlit blit{layer, {{0, 0, 0}, {8, 8, 1}}, layer, {{0, 0, 0}, {8, 8, 1}}};
    vkCmdBlitImage(cb, src.image, G, dst.image, G, 1, &blit, VK_FILTER_NEAREST);
    const VkImageBlit2 blit2{VK_STRUCTURE_TYPE_IMAGE_BLIT_2, nullptr, layer, {{0, 0, 0}, {8, 8, 1}}, layer,
                             {{0, 0, 0}, {8, 8, 1}}};
    const VkBlitImageInfo2 bi{VK_STRUCTURE_TYPE_BLIT_IMAGE_INFO_2, nullptr, src.image, G, dst.image, G, 1, &blit2,
                              VK_FILTER_NEAREST};
    vkCmdBlitImage2(cb, &bi);
    const VkImageResolve resolve{layer, {0, 0, 0}, layer, {0, 0, 0}, {8, 8, 1}};
    vkCmdResolveImage(cb, src.image, G, dst.image, G, 1, &resolve);
    const VkImageResolve2 resolve2{VK_STRUCTURE_TYPE_IMAGE_RESOLVE_2, nullptr, layer, {0, 0, 0}, layer, {0, 0, 0},
                                   {8, 8, 1}};
    const VkResolveImageInfo2 ri{VK_STRUCTURE_TYPE_RESOLVE_IMAGE_INFO_2, nullptr, src.image, G, dst.image, G, 1,
                                 &resolve2};
    vkCmdResolveImage2(cb, &ri);
    vktest::transfer_barrier(cb);
    const VkBufferImageCopy r{0, 0, 0, layer, {0, 0, 0}, {8, 8, 1}};
    vkCmdCopyImageToBuffer(cb, dst.image, G, out.buffer, 1, &r);
  });
  EXPECT_EQ(vkDeviceWaitIdle(ctx.device()), VK_SUCCESS);
  const auto* bytes = static_cast<const uint8_t*>(out.mapped);
  unsigned untouched = 0;
  for (int i = 0; i < 256; ++i) untouched += bytes[i] == 0;
  EXPECT_EQ(untouched, 256u) << "the destination keeps its clear (black), not the blitted white";
  ctx.destroy(out);
}

// The linear layout vkGetImageSubresourceLayout reports is where the bytes are: texels written
// through the mapping at the reported offsets come back in order through a copy to a buffer.
TEST(VkImages, SubresourceLayoutIsWhereTheBytesAre) {
  vkrun::Context ctx("Mica");
  const vktest::Image img(ctx, transfer_image(VK_FORMAT_R16G16_UINT, VK_IMAGE_TYPE_2D, {9, 5, 1}, 2, 3, VK_IMAGE_TILING_LINEAR));
  uint8_t* base = nullptr;
  VK_OK(vkMapMemory(ctx.device(), img.memory, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&base)));
  uint32_t value = 0;
  std::vector<uint32_t> expect;
  for (uint32_t layer = 0; layer < 3; ++layer) {
    VkImageSubresource sub{VK_IMAGE_ASPECT_COLOR_BIT, 1, layer};
    VkSubresourceLayout l{};
    vkGetImageSubresourceLayout(ctx.device(), img.image, &sub, &l);
    ASSERT_GE(l.rowPitch, 4u * 4);
    ASSERT_GE(l.size, l.rowPitch * 2);
    for (uint32_t y = 0; y < 2; ++y)
      for (uint32_t x = 0; x < 4; ++x) {
        ++value;
        std::memcpy(base + l.offset + y * l.rowPitch + x * 4, &value, 4);
        expect.push_back(value);
      }
  }
  vkUnmapMemory(ctx.device(), img.memory);
  vkrun::Buffer out = ctx.create_buffer(4096);
  ctx.run([&](VkCommandBuffer cb) {
    VkBufferImageCopy r{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 1, 0, 3}, {0, 0, 0}, {4, 2, 1}};
    vkCmdCopyImageToBuffer(cb, img.image, VK_IMAGE_LAYOUT_GENERAL, out.buffer, 1, &r);
  });
  for (size_t i = 0; i < expect.size(); ++i) ASSERT_EQ(out.data<uint32_t>()[i], expect[i]) << "texel " << i;
  ctx.destroy(out);
}

}  // namespace
