#include "image_format.h"

#include "mica/compiler/kernel_image_abi.h"
#include "mica_formats.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace mica::cl {
namespace {

constexpr uint8_t R = MICA_SWIZZLE_R, G = MICA_SWIZZLE_G, B = MICA_SWIZZLE_B, A = MICA_SWIZZLE_A;
constexpr uint8_t Z = MICA_SWIZZLE_ZERO, O = MICA_SWIZZLE_ONE;

#define F(order, type, fmt, r, g, b, a, w) {order, type, MICA_TEXEL_FORMAT_##fmt, {r, g, b, a}, w}
// The OpenCL 3.0 full-profile minimum (CL_R, CL_RG, CL_RGBA with every normalized, integer and
// float type; CL_BGRA UNORM_INT8; CL_sRGBA UNORM_INT8 for reading), then what else the unit does
// exactly. Orders whose channels are a swizzle of R (CL_A, CL_INTENSITY, CL_LUMINANCE) read
// through the view swizzle; stores ignore the swizzle, so kernels may only read them.
const ImageFormat kFormats[] = {
    F(CL_R, CL_UNORM_INT8, R8_UNORM, R, G, B, A, true),
    F(CL_R, CL_UNORM_INT16, R16_UNORM, R, G, B, A, true),
    F(CL_R, CL_SNORM_INT8, R8_SNORM, R, G, B, A, true),
    F(CL_R, CL_SNORM_INT16, R16_SNORM, R, G, B, A, true),
    F(CL_R, CL_SIGNED_INT8, R8_SINT, R, G, B, A, true),
    F(CL_R, CL_SIGNED_INT16, R16_SINT, R, G, B, A, true),
    F(CL_R, CL_SIGNED_INT32, R32_SINT, R, G, B, A, true),
    F(CL_R, CL_UNSIGNED_INT8, R8_UINT, R, G, B, A, true),
    F(CL_R, CL_UNSIGNED_INT16, R16_UINT, R, G, B, A, true),
    F(CL_R, CL_UNSIGNED_INT32, R32_UINT, R, G, B, A, true),
    F(CL_R, CL_HALF_FLOAT, R16_SFLOAT, R, G, B, A, true),
    F(CL_R, CL_FLOAT, R32_SFLOAT, R, G, B, A, true),
    F(CL_RG, CL_UNORM_INT8, R8G8_UNORM, R, G, B, A, true),
    F(CL_RG, CL_UNORM_INT16, R16G16_UNORM, R, G, B, A, true),
    F(CL_RG, CL_SNORM_INT8, R8G8_SNORM, R, G, B, A, true),
    F(CL_RG, CL_SNORM_INT16, R16G16_SNORM, R, G, B, A, true),
    F(CL_RG, CL_SIGNED_INT8, R8G8_SINT, R, G, B, A, true),
    F(CL_RG, CL_SIGNED_INT16, R16G16_SINT, R, G, B, A, true),
    F(CL_RG, CL_SIGNED_INT32, R32G32_SINT, R, G, B, A, true),
    F(CL_RG, CL_UNSIGNED_INT8, R8G8_UINT, R, G, B, A, true),
    F(CL_RG, CL_UNSIGNED_INT16, R16G16_UINT, R, G, B, A, true),
    F(CL_RG, CL_UNSIGNED_INT32, R32G32_UINT, R, G, B, A, true),
    F(CL_RG, CL_HALF_FLOAT, R16G16_SFLOAT, R, G, B, A, true),
    F(CL_RG, CL_FLOAT, R32G32_SFLOAT, R, G, B, A, true),
    F(CL_RGBA, CL_UNORM_INT8, R8G8B8A8_UNORM, R, G, B, A, true),
    F(CL_RGBA, CL_UNORM_INT16, R16G16B16A16_UNORM, R, G, B, A, true),
    F(CL_RGBA, CL_SNORM_INT8, R8G8B8A8_SNORM, R, G, B, A, true),
    F(CL_RGBA, CL_SNORM_INT16, R16G16B16A16_SNORM, R, G, B, A, true),
    F(CL_RGBA, CL_SIGNED_INT8, R8G8B8A8_SINT, R, G, B, A, true),
    F(CL_RGBA, CL_SIGNED_INT16, R16G16B16A16_SINT, R, G, B, A, true),
    F(CL_RGBA, CL_SIGNED_INT32, R32G32B32A32_SINT, R, G, B, A, true),
    F(CL_RGBA, CL_UNSIGNED_INT8, R8G8B8A8_UINT, R, G, B, A, true),
    F(CL_RGBA, CL_UNSIGNED_INT16, R16G16B16A16_UINT, R, G, B, A, true),
    F(CL_RGBA, CL_UNSIGNED_INT32, R32G32B32A32_UINT, R, G, B, A, true),
    F(CL_RGBA, CL_HALF_FLOAT, R16G16B16A16_SFLOAT, R, G, B, A, true),
    F(CL_RGBA, CL_FLOAT, R32G32B32A32_SFLOAT, R, G, B, A, true),
    F(CL_BGRA, CL_UNORM_INT8, B8G8R8A8_UNORM, R, G, B, A, true),
    F(CL_BGRA, CL_SNORM_INT8, B8G8R8A8_SNORM, R, G, B, A, true),
    F(CL_BGRA, CL_SIGNED_INT8, B8G8R8A8_SINT, R, G, B, A, true),
    F(CL_BGRA, CL_UNSIGNED_INT8, B8G8R8A8_UINT, R, G, B, A, true),
    // sRGB writes are cl_khr_srgb_image_writes, not advertised: read only.
    F(CL_sRGBA, CL_UNORM_INT8, R8G8B8A8_SRGB, R, G, B, A, false),
    F(CL_sBGRA, CL_UNORM_INT8, B8G8R8A8_SRGB, R, G, B, A, false),
    // Packed RGB: OpenCL's bit positions are Vulkan's R5G6B5 / A1R5G5B5 / A2R10G10B10 (the
    // unused top bits are the alpha field, which reads as 1 through the swizzle).
    F(CL_RGB, CL_UNORM_SHORT_565, R5G6B5_UNORM_PACK16, R, G, B, A, true),
    F(CL_RGB, CL_UNORM_SHORT_555, A1R5G5B5_UNORM_PACK16, R, G, B, O, true),
    F(CL_RGB, CL_UNORM_INT_101010, A2R10G10B10_UNORM_PACK32, R, G, B, O, true),
    F(CL_A, CL_UNORM_INT8, R8_UNORM, Z, Z, Z, R, false),
    F(CL_A, CL_UNORM_INT16, R16_UNORM, Z, Z, Z, R, false),
    F(CL_A, CL_HALF_FLOAT, R16_SFLOAT, Z, Z, Z, R, false),
    F(CL_A, CL_FLOAT, R32_SFLOAT, Z, Z, Z, R, false),
    F(CL_INTENSITY, CL_UNORM_INT8, R8_UNORM, R, R, R, R, false),
    F(CL_INTENSITY, CL_UNORM_INT16, R16_UNORM, R, R, R, R, false),
    F(CL_INTENSITY, CL_HALF_FLOAT, R16_SFLOAT, R, R, R, R, false),
    F(CL_INTENSITY, CL_FLOAT, R32_SFLOAT, R, R, R, R, false),
    F(CL_LUMINANCE, CL_UNORM_INT8, R8_UNORM, R, R, R, O, false),
    F(CL_LUMINANCE, CL_UNORM_INT16, R16_UNORM, R, R, R, O, false),
    F(CL_LUMINANCE, CL_HALF_FLOAT, R16_SFLOAT, R, R, R, O, false),
    F(CL_LUMINANCE, CL_FLOAT, R32_SFLOAT, R, R, R, O, false),
    // cl_khr_depth_images: a depth image is one channel the unit reads and writes like R (the
    // texel formats' D16/D32 are for Vulkan's depth attachments and compares, which OpenCL has not);
    // 2D and 2D array images only (image_format_allowed).
    F(CL_DEPTH, CL_UNORM_INT16, R16_UNORM, R, G, B, A, true),
    F(CL_DEPTH, CL_FLOAT, R32_SFLOAT, R, G, B, A, true),
};
#undef F

bool is_packed_type(cl_channel_type t) {
  return t == CL_UNORM_SHORT_565 || t == CL_UNORM_SHORT_555 || t == CL_UNORM_INT_101010 || t == CL_UNORM_INT_101010_2;
}

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000;
  const uint32_t exp = (x >> 23) & 0xff;
  uint32_t man = x & 0x7fffff;
  if (exp == 0xff) return uint16_t(sign | 0x7c00 | (man ? 0x200 | (man >> 13) : 0));
  const int e = int(exp) - 127 + 15;
  if (e >= 31) return uint16_t(sign | 0x7c00);
  if (e <= 0) {
    if (e < -10) return uint16_t(sign);
    man |= 0x800000;
    const unsigned shift = unsigned(14 - e);
    uint32_t h = man >> shift;
    const uint32_t rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return uint16_t(sign | h);
  }
  uint32_t h = (uint32_t(e) << 10) | (man >> 13);
  const uint32_t rem = man & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;  // may carry into the exponent: correct
  return uint16_t(sign | h);
}

double linear_to_srgb(double l) {
  if (!(l > 0)) return 0;
  if (l >= 1) return 1;
  return l <= 0.0031308 ? 12.92 * l : 1.055 * std::pow(l, 1 / 2.4) - 0.055;
}

}  // namespace

std::span<const ImageFormat> image_formats() { return kFormats; }

const ImageFormat* find_image_format(const cl_image_format& f) {
  for (const ImageFormat& e : kFormats)
    if (e.order == f.image_channel_order && e.type == f.image_channel_data_type) return &e;
  return nullptr;
}

bool valid_image_format(const cl_image_format& f) {
  const cl_channel_type t = f.image_channel_data_type;
  const bool known_type = (t >= CL_SNORM_INT8 && t <= CL_FLOAT) || t == CL_UNORM_INT24 || t == CL_UNORM_INT_101010_2;
  if (!known_type) return false;
  const bool packed = is_packed_type(t) || t == CL_UNORM_INT24;
  const bool eight = t == CL_UNORM_INT8 || t == CL_SNORM_INT8 || t == CL_SIGNED_INT8 || t == CL_UNSIGNED_INT8;
  const bool norm_or_float = t == CL_UNORM_INT8 || t == CL_UNORM_INT16 || t == CL_SNORM_INT8 || t == CL_SNORM_INT16 ||
                             t == CL_HALF_FLOAT || t == CL_FLOAT;
  switch (f.image_channel_order) {
  case CL_R: case CL_A: case CL_RG: case CL_RA: case CL_RGBA: case CL_Rx: case CL_RGx: return !packed;
  case CL_RGB: case CL_RGBx: return is_packed_type(t);
  case CL_BGRA: case CL_ARGB: case CL_ABGR: return eight;
  case CL_INTENSITY: case CL_LUMINANCE: return norm_or_float;
  case CL_sRGB: case CL_sRGBx: case CL_sRGBA: case CL_sBGRA: return t == CL_UNORM_INT8;
  case CL_DEPTH: return t == CL_UNORM_INT16 || t == CL_FLOAT;
  case CL_DEPTH_STENCIL: return t == CL_UNORM_INT24 || t == CL_FLOAT;
  default: return false;
  }
}

bool image_format_allowed(const ImageFormat& f, cl_mem_object_type type) {
  if (f.order == CL_DEPTH) return type == CL_MEM_OBJECT_IMAGE2D || type == CL_MEM_OBJECT_IMAGE2D_ARRAY;
  return true;
}

size_t image_element_bytes(const ImageFormat& f) { return mica_texel_formats[f.mica].bytes; }

unsigned image_channel_count(cl_channel_order order) {
  switch (order) {
  case CL_R: case CL_A: case CL_INTENSITY: case CL_LUMINANCE: case CL_Rx: case CL_DEPTH: return 1;
  case CL_RG: case CL_RA: case CL_RGx: return 2;
  case CL_RGB: case CL_RGBx: case CL_sRGB: case CL_sRGBx: return 3;
  default: return 4;
  }
}

size_t encode_fill_color(const ImageFormat& f, const void* color, uint8_t out[16]) {
  const mica_texel_format_info& fi = mica_texel_formats[f.mica];
  float cf[4];
  int32_t ci[4];
  uint32_t cu[4];
  // A depth image's fill colour is one float (cl_khr_depth_images), the others' four components.
  const size_t color_bytes = f.order == CL_DEPTH ? 4 : 16;
  std::memset(cf, 0, sizeof cf);
  std::memcpy(cf, color, color_bytes);
  std::memcpy(ci, cf, 16);
  std::memcpy(cu, cf, 16);
  std::memset(out, 0, 16);
  for (unsigned k = 0; k < fi.count; ++k) {
    const mica_texel_component& c = fi.comp[k];
    // Which component of the colour a stored channel holds: CL_A stores alpha in the R field,
    // the packed RGB formats' alpha field is unused (written as all ones).
    unsigned src = c.channel;
    if (f.order == CL_A) src = 3;
    const bool unused_alpha = f.order == CL_RGB && c.channel == 3;
    const unsigned bits = c.bits;
    const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t v = 0;
    const double maxu = double(mask), maxs = double(mask >> 1);
    switch (fi.numeric) {
    case MICA_NUMERIC_UNORM:
    case MICA_NUMERIC_SRGB: {
      double x = cf[src];
      if (fi.numeric == MICA_NUMERIC_SRGB && src < 3) x = linear_to_srgb(x);
      x = std::isnan(x) ? 0 : std::fmin(std::fmax(x, 0.0), 1.0);
      v = unused_alpha ? mask : uint64_t(std::nearbyint(x * maxu));
      break;
    }
    case MICA_NUMERIC_SNORM: {
      double x = std::isnan(cf[src]) ? 0 : std::fmin(std::fmax(double(cf[src]), -1.0), 1.0);
      v = uint64_t(int64_t(std::nearbyint(x * maxs))) & mask;
      break;
    }
    case MICA_NUMERIC_SINT: {
      const int64_t lo = -int64_t(maxs) - 1, hi = int64_t(maxs);
      v = uint64_t(std::min<int64_t>(std::max<int64_t>(ci[src], lo), hi)) & mask;
      break;
    }
    case MICA_NUMERIC_UINT: v = std::min<uint64_t>(cu[src], mask); break;
    case MICA_NUMERIC_SFLOAT:
      if (bits == 16) {
        v = float_to_half(cf[src]);
      } else {
        uint32_t b;
        std::memcpy(&b, &cf[src], 4);
        v = b;
      }
      break;
    default: break;
    }
    // Bit fields from the texel's least significant bit (little-endian bytes).
    for (unsigned b = 0; b < bits; ++b)
      if ((v >> b) & 1) out[(c.offset + b) / 8] |= uint8_t(1u << ((c.offset + b) % 8));
  }
  return fi.bytes;
}

void image_arg_format_words(const ImageFormat& f, uint32_t out[4]) {
  out[0] = f.type - CL_SNORM_INT8;   // SPIR-V ImageChannelDataType
  out[1] = f.order - CL_R;           // SPIR-V ImageChannelOrder
  uint32_t umax = 0xffffffffu, smax = 0x7fffffffu;
  // The kernel applies both clamps to every integer write (kernel_image_abi.h); the one that does
  // not belong to the channel type is the identity.
  switch (f.type) {
  case CL_SIGNED_INT8: smax = 0x7f; break;
  case CL_SIGNED_INT16: smax = 0x7fff; break;
  case CL_UNSIGNED_INT8: umax = 0xff; break;
  case CL_UNSIGNED_INT16: umax = 0xffff; break;
  default: break;
  }
  out[2] = umax;
  out[3] = smax;
}

}  // namespace mica::cl
