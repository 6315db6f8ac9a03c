// Image formats: the generated table of src/hw and the conversion of clear colours to texels.
#include "format_table.h"
#include "binding_model.h"

#include "mica_formats.h"
#include "required_formats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace mica::vk {
namespace {

#define MICA_VK_FORMAT(name, bytes, numeric, n, c0, b0, o0, c1, b1, o1, c2, b2, o2, c3, b3, o3) \
  FormatInfo{VK_FORMAT_##name, bytes, numeric, n, {{{c0, b0, o0}, {c1, b1, o1}, {c2, b2, o2}, {c3, b3, o3}}}},
constexpr FormatInfo kFormats[] = {MICA_FORMATS(MICA_VK_FORMAT)};
#undef MICA_VK_FORMAT
static_assert(std::size(kFormats) == MICA_FORMAT_COUNT);

// IEEE binary32 -> binary16, round to nearest even (overflow to infinity, NaN kept a NaN).
uint16_t to_half(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return uint16_t(sign | 0x7c00u | (mant ? 0x200u : 0));
  int e = int(exp) - 127 + 15;
  if (e >= 31) return uint16_t(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return uint16_t(sign);
    mant |= 0x800000u;
    const uint32_t shift = uint32_t(14 - e);
    uint32_t h = mant >> shift;
    const uint32_t rest = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1))) ++h;
    return uint16_t(sign | h);
  }
  uint32_t h = (uint32_t(e) << 10) | (mant >> 13);
  const uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) ++h;  // may carry into the exponent: correct
  return uint16_t(sign | h);
}

// IEEE binary32 -> the unsigned 10/11-bit floats of B10G11R11_UFLOAT (5-bit exponent, bias 15, no
// sign: negative values become 0), round to nearest even; overflow to infinity, NaN kept a NaN.
uint32_t to_small_unsigned_float(float f, uint32_t mantissa_bits) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint32_t exp = (x >> 23) & 0xffu, mant = x & 0x7fffffu;
  const uint32_t inf = 0x1fu << mantissa_bits;
  if (exp == 0xff) return mant ? inf | 1u : ((x >> 31) ? 0 : inf);
  if ((x >> 31) || f == 0.0f) return 0;
  const int e = int(exp) - 127 + 15;
  if (e >= 31) return inf;
  const uint32_t drop = 23 - mantissa_bits;
  uint32_t full = mant | 0x800000u, shift = drop;
  uint32_t biased = uint32_t(e);
  if (e <= 0) {  // denormal result
    if (e < -int(mantissa_bits)) return 0;
    shift = drop + uint32_t(1 - e);
    biased = 0;
  } else {
    full = mant;
  }
  uint32_t m = full >> shift;
  const uint32_t rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);
  uint32_t v = (biased << mantissa_bits) | m;
  if (rest > half || (rest == half && (v & 1))) ++v;  // a carry into the exponent is still correct
  return std::min(v, inf);
}

// The spec's shared-exponent conversion ("Shared Exponent", formats chapter) for 9-bit mantissas,
// 5-bit exponent, bias 15: returns the mantissas of R, G, B and the exponent.
std::array<uint32_t, 4> to_shared_exponent(const float rgb[3]) {
  constexpr int N = 9, B = 15, Emax = 31;
  const double max_value = double((1 << N) - 1) / (1 << N) * std::ldexp(1.0, Emax - B);
  double c[3];
  for (int i = 0; i < 3; ++i) c[i] = std::isnan(rgb[i]) ? 0.0 : std::clamp(double(rgb[i]), 0.0, max_value);
  const double max_c = std::max({c[0], c[1], c[2]});
  int exp = std::max(-B - 1, max_c > 0 ? int(std::floor(std::log2(max_c))) : -B - 1) + 1 + B;
  if (std::floor(max_c / std::ldexp(1.0, exp - B - N) + 0.5) == double(1 << N)) ++exp;
  std::array<uint32_t, 4> out{};
  for (int i = 0; i < 3; ++i) out[i] = uint32_t(std::floor(c[i] / std::ldexp(1.0, exp - B - N) + 0.5));
  out[3] = uint32_t(exp);
  return out;
}

float linear_to_srgb(float c) {
  if (!(c > 0.0f)) return 0.0f;
  if (c >= 1.0f) return 1.0f;
  return c <= 0.0031308f ? 12.92f * c : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
}

// One component's bits (at most 64) from the clear value's channel.
uint64_t component_bits(const FormatInfo& info, const FormatInfo::Component& c, const VkClearColorValue& color) {
  const uint64_t mask = c.bits == 64 ? ~uint64_t(0) : (uint64_t(1) << c.bits) - 1;
  const float f = c.channel < 4 ? color.float32[c.channel] : 0.0f;  // 4: a shared exponent
  switch (info.numeric) {
  case MICA_NUMERIC_UINT:  // the value is taken modulo the width (VUID-free truncation, as drivers do)
    return uint64_t(color.uint32[c.channel]) & mask;
  case MICA_NUMERIC_SINT:
    return uint64_t(int64_t(color.int32[c.channel])) & mask;
  case MICA_NUMERIC_SFLOAT:
    if (c.bits == 16) return to_half(f);
    if (c.bits == 32) return std::bit_cast<uint32_t>(f);
    return std::bit_cast<uint64_t>(double(f));
  case MICA_NUMERIC_UFLOAT:
    if (c.bits == 9 || c.channel == 4) {  // E5B9G9R9: the channels share one exponent
      const auto shared = to_shared_exponent(color.float32);
      return shared[c.channel == 4 ? 3 : c.channel];
    }
    return to_small_unsigned_float(f, c.bits - 5);
  case MICA_NUMERIC_UNORM:
  case MICA_NUMERIC_SRGB: {
    float v = info.numeric == MICA_NUMERIC_SRGB && c.channel != 3 ? linear_to_srgb(f) : f;
    v = std::isnan(v) ? 0.0f : std::clamp(v, 0.0f, 1.0f);
    return uint64_t(std::nearbyint(double(v) * double(mask)));
  }
  case MICA_NUMERIC_SNORM: {
    const double max = double(mask >> 1);
    double v = std::isnan(f) ? 0.0 : std::clamp(double(f), -1.0, 1.0);
    return uint64_t(int64_t(std::nearbyint(v * max))) & mask;
  }
  case MICA_NUMERIC_USCALED: {
    double v = std::isnan(f) ? 0.0 : std::clamp(std::nearbyint(double(f)), 0.0, double(mask));
    return uint64_t(v);
  }
  case MICA_NUMERIC_SSCALED: {
    const double max = double(mask >> 1);
    double v = std::isnan(f) ? 0.0 : std::clamp(std::nearbyint(double(f)), -max - 1, max);
    return uint64_t(int64_t(v)) & mask;
  }
  default:
    return 0;
  }
}

}  // namespace

const FormatInfo* find_format(VkFormat format) {
  for (const auto& f : kFormats)
    if (f.format == format) return &f;
  return nullptr;
}

int format_table_index(const FormatInfo& info) { return int(&info - kFormats); }

std::optional<ImageFormat> image_format(VkFormat format) {
  ImageFormat out;
  auto add = [&](VkImageAspectFlagBits aspect, VkFormat plane) {
    out.planes[out.plane_count++] = {aspect, find_format(plane)};
    out.aspects |= aspect;
  };
  switch (format) {
  case VK_FORMAT_D24_UNORM_S8_UINT:
    add(VK_IMAGE_ASPECT_DEPTH_BIT, VK_FORMAT_X8_D24_UNORM_PACK32);
    add(VK_IMAGE_ASPECT_STENCIL_BIT, VK_FORMAT_S8_UINT);
    return out;
  case VK_FORMAT_D32_SFLOAT_S8_UINT:
    add(VK_IMAGE_ASPECT_DEPTH_BIT, VK_FORMAT_D32_SFLOAT);
    add(VK_IMAGE_ASPECT_STENCIL_BIT, VK_FORMAT_S8_UINT);
    return out;
  default:
    break;
  }
  const FormatInfo* f = find_format(format);
  if (!f) return std::nullopt;
  const uint32_t flags = mica_texel_formats[format_table_index(*f)].flags;
  add(flags & MICA_TEXEL_DEPTH     ? VK_IMAGE_ASPECT_DEPTH_BIT
      : flags & MICA_TEXEL_STENCIL ? VK_IMAGE_ASPECT_STENCIL_BIT
                                   : VK_IMAGE_ASPECT_COLOR_BIT,
      format);
  return out;
}

bool format_is_compressed(VkFormat format) {
  const FormatInfo* f = find_format(format);
  return f && (mica_texel_formats[format_table_index(*f)].flags & MICA_TEXEL_COMPRESSED);
}

namespace {

// What the DMA engine and the texture unit do with images of the format (both tilings).
VkFormatFeatureFlags implemented_image_features(VkFormat format) {
  const auto planes = image_format(format);
  if (!planes) return 0;
  // Compressed: read only.
  if (format_is_compressed(format))
    return VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT |
           VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
  if (planes->depth_stencil()) {
    VkFormatFeatureFlags features =
        VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    if (planes->aspects & VK_IMAGE_ASPECT_DEPTH_BIT) features |= VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    return features;
  }
  const FormatInfo* f = find_format(format);
  const mica_texel_format_info& t = mica_texel_formats[format_table_index(*f)];
  VkFormatFeatureFlags features = VK_FORMAT_FEATURE_TRANSFER_SRC_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT |
                                  VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT;
  if (!(t.flags & MICA_TEXEL_64BIT)) {
    features |= VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    if (t.result == MICA_TEXEL_CLASS_FLOAT) features |= VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
  }
  // R32_UINT/R32_SINT take every integer image atomic, R32_SFLOAT exchange, compare-exchange (its
  // bits: atomic loads), add_f32 and min/max_f32: what VK_EXT_shader_atomic_float(2)'s image
  // features use.
  if (t.flags & MICA_TEXEL_ATOMIC) features |= VK_FORMAT_FEATURE_STORAGE_IMAGE_ATOMIC_BIT;
  return features;
}

const RequiredGraphicsFeatures* required_graphics(VkFormat format) {
  for (const auto& r : kRequiredGraphicsFeatures)
    if (r.format == format) return &r;
  return nullptr;
}

}  // namespace

VkFormatFeatureFlags image_format_features(VkFormat format, VkImageTiling tiling) {
  VkFormatFeatureFlags features = implemented_image_features(format);
  // The spec's mandatory graphics bits (blits, attachments) on formats Mica holds, OPTIMAL tiling
  // only: the required-format tables list optimalTilingFeatures and ask nothing of LINEAR.
  if (features && tiling == VK_IMAGE_TILING_OPTIMAL)
    if (const RequiredGraphicsFeatures* r = required_graphics(format)) features |= r->optimal;
  return features;
}

VkFormatFeatureFlags buffer_format_features(VkFormat format) {
  const FormatInfo* f = find_format(format);
  if (!f) return 0;
  const mica_texel_format_info& t = mica_texel_formats[format_table_index(*f)];
  if (t.flags & (MICA_TEXEL_DEPTH | MICA_TEXEL_STENCIL | MICA_TEXEL_COMPRESSED))
    return 0;  // the spec allows no texel buffers of them
  VkFormatFeatureFlags features = VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT | VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT;
  if (t.flags & MICA_TEXEL_ATOMIC) features |= VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_ATOMIC_BIT;
  // The spec's mandatory VERTEX_BUFFER bits.
  if (const RequiredGraphicsFeatures* r = required_graphics(format)) features |= r->buffer;
  return features;
}

std::array<uint8_t, 32> pack_clear_color(const FormatInfo& info, const VkClearColorValue& color) {
  std::array<uint8_t, 32> out{};
  for (uint32_t i = 0; i < info.component_count; ++i) {
    const auto& c = info.components[i];
    const uint64_t v = component_bits(info, c, color);
    // Set the component's bits at its offset, bit by bit across bytes (texels are little-endian).
    for (uint32_t b = 0; b < c.bits; ++b)
      if ((v >> b) & 1) out[(c.offset + b) / 8] |= uint8_t(1u << ((c.offset + b) % 8));
  }
  return out;
}

}  // namespace mica::vk
