// OpenCL images and samplers (docs/opencl.md "Images"): formats, kernel reads and writes of every
// supported format, enqueue copies, fills and maps, image queries in kernels, and the error codes
// of bad arguments. Sampling against PoCL is compare_samplers_pocl.py.
#include "cl_test.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <set>

namespace {

using cltest::ClSourceTest;

class ClImage : public ClSourceTest {
protected:
  cl_mem image(cl_mem_flags flags, cl_channel_order order, cl_channel_type type, cl_mem_object_type kind, size_t w,
               size_t h = 1, size_t d = 1, size_t layers = 1, void* host = nullptr, cl_int* err_out = nullptr) {
    cl_image_format f{order, type};
    cl_image_desc desc{};
    desc.image_type = kind;
    desc.image_width = w;
    desc.image_height = h;
    desc.image_depth = d;
    desc.image_array_size = layers;
    cl_int err;
    cl_mem m = clCreateImage(context, flags, &f, &desc, host, &err);
    if (err_out) *err_out = err;
    else EXPECT_EQ(err, CL_SUCCESS);
    return m;
  }
  std::vector<cl_image_format> supported(cl_mem_flags flags, cl_mem_object_type kind) {
    cl_uint n = 0;
    EXPECT_EQ(clGetSupportedImageFormats(context, flags, kind, 0, nullptr, &n), CL_SUCCESS);
    std::vector<cl_image_format> v(n);
    EXPECT_EQ(clGetSupportedImageFormats(context, flags, kind, n, v.data(), nullptr), CL_SUCCESS);
    // Depth images take image*_depth_t kernel arguments: test_depth_images.cpp covers them.
    std::erase_if(v, [](const cl_image_format& f) { return f.image_channel_order == CL_DEPTH; });
    return v;
  }
};

// What the test knows of a format, from the OpenCL spec alone.
unsigned channels(cl_channel_order o) {
  switch (o) {
  case CL_R: case CL_A: case CL_INTENSITY: case CL_LUMINANCE: return 1;
  case CL_RG: return 2;
  case CL_RGB: return 3;
  default: return 4;
  }
}
size_t element_bytes(const cl_image_format& f) {
  switch (f.image_channel_data_type) {
  case CL_UNORM_SHORT_565: case CL_UNORM_SHORT_555: return 2;
  case CL_UNORM_INT_101010: return 4;
  case CL_SNORM_INT8: case CL_UNORM_INT8: case CL_SIGNED_INT8: case CL_UNSIGNED_INT8: return channels(f.image_channel_order);
  case CL_SNORM_INT16: case CL_UNORM_INT16: case CL_SIGNED_INT16: case CL_UNSIGNED_INT16: case CL_HALF_FLOAT:
    return 2 * channels(f.image_channel_order);
  default: return 4 * channels(f.image_channel_order);
  }
}
enum class Kind { f, i, ui };
Kind kind_of(cl_channel_type t) {
  if (t == CL_SIGNED_INT8 || t == CL_SIGNED_INT16 || t == CL_SIGNED_INT32) return Kind::i;
  if (t == CL_UNSIGNED_INT8 || t == CL_UNSIGNED_INT16 || t == CL_UNSIGNED_INT32) return Kind::ui;
  return Kind::f;
}

// Random texel bytes that read_image* then write_image* give back unchanged: the SNORM minimum
// reads as -1.0 like min + 1 (so min + 1 is written), half and float NaNs are not kept bit for bit,
// and the unused top bits of the packed RGB formats read as alpha 1 and are written as ones.
std::vector<uint8_t> round_trip_texels(const cl_image_format& f, size_t count, std::mt19937& rng) {
  const size_t eb = element_bytes(f);
  std::vector<uint8_t> v(count * eb);
  for (auto& b : v) b = uint8_t(rng());
  const cl_channel_type t = f.image_channel_data_type;
  for (size_t i = 0; i < count; ++i) {
    uint8_t* p = v.data() + i * eb;
    const size_t n = eb / (t == CL_SNORM_INT8 ? 1 : t == CL_SNORM_INT16 || t == CL_HALF_FLOAT ? 2 : t == CL_FLOAT ? 4 : eb);
    for (size_t c = 0; c < n; ++c) {
      if (t == CL_SNORM_INT8 && p[c] == 0x80) p[c] = 0x81;
      if (t == CL_SNORM_INT16 && p[2 * c] == 0 && p[2 * c + 1] == 0x80) p[2 * c] = 1;
      if (t == CL_HALF_FLOAT) {
        uint16_t h;
        std::memcpy(&h, p + 2 * c, 2);
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) h = 0x3c00;
        std::memcpy(p + 2 * c, &h, 2);
      }
      if (t == CL_FLOAT) {
        uint32_t x;
        std::memcpy(&x, p + 4 * c, 4);
        if ((x & 0x7f800000) == 0x7f800000 && (x & 0x7fffff)) x = 0x3f800000;
        std::memcpy(p + 4 * c, &x, 4);
      }
    }
    if (t == CL_UNORM_SHORT_555) p[1] |= 0x80;
    if (t == CL_UNORM_INT_101010) p[3] |= 0xc0;
  }
  return v;
}

const char* kCopyKernels = R"CL(
__kernel void copyf(read_only image2d_t src, write_only image2d_t dst) {
  int2 c = (int2)(get_global_id(0), get_global_id(1));
  write_imagef(dst, c, read_imagef(src, c));
}
__kernel void copyi(read_only image2d_t src, write_only image2d_t dst) {
  int2 c = (int2)(get_global_id(0), get_global_id(1));
  write_imagei(dst, c, read_imagei(src, c));
}
__kernel void copyui(read_only image2d_t src, write_only image2d_t dst) {
  int2 c = (int2)(get_global_id(0), get_global_id(1));
  write_imageui(dst, c, read_imageui(src, c));
}
__kernel void fillf(write_only image2d_t dst, float4 v) { write_imagef(dst, (int2)(get_global_id(0), get_global_id(1)), v); }
__kernel void filli(write_only image2d_t dst, int4 v) { write_imagei(dst, (int2)(get_global_id(0), get_global_id(1)), v); }
__kernel void fillui(write_only image2d_t dst, uint4 v) { write_imageui(dst, (int2)(get_global_id(0), get_global_id(1)), v); }
)CL";

const char* kind_name(Kind k) { return k == Kind::f ? "f" : k == Kind::i ? "i" : "ui"; }

std::string format_name(const cl_image_format& f) {
  char b[64];
  snprintf(b, sizeof b, "order 0x%x type 0x%x", f.image_channel_order, f.image_channel_data_type);
  return b;
}

TEST_F(ClImage, DeviceReportsImagesWithFullProfileLimits) {
  cl_bool images = CL_FALSE;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_IMAGE_SUPPORT, sizeof images, &images, nullptr), CL_SUCCESS);
  EXPECT_EQ(images, CL_TRUE);
  auto size = [&](cl_device_info what) {
    size_t v = 0;
    EXPECT_EQ(clGetDeviceInfo(device, what, sizeof v, &v, nullptr), CL_SUCCESS);
    return v;
  };
  auto u32 = [&](cl_device_info what) {
    cl_uint v = 0;
    EXPECT_EQ(clGetDeviceInfo(device, what, sizeof v, &v, nullptr), CL_SUCCESS);
    return v;
  };
  EXPECT_GE(size(CL_DEVICE_IMAGE2D_MAX_WIDTH), 16384u);
  EXPECT_GE(size(CL_DEVICE_IMAGE2D_MAX_HEIGHT), 16384u);
  EXPECT_GE(size(CL_DEVICE_IMAGE3D_MAX_WIDTH), 2048u);
  EXPECT_GE(size(CL_DEVICE_IMAGE3D_MAX_DEPTH), 2048u);
  EXPECT_GE(size(CL_DEVICE_IMAGE_MAX_ARRAY_SIZE), 2048u);
  EXPECT_GE(size(CL_DEVICE_IMAGE_MAX_BUFFER_SIZE), 65536u);
  EXPECT_GE(u32(CL_DEVICE_MAX_READ_IMAGE_ARGS), 128u);
  EXPECT_GE(u32(CL_DEVICE_MAX_WRITE_IMAGE_ARGS), 64u);
  EXPECT_GE(u32(CL_DEVICE_MAX_SAMPLERS), 16u);
}

TEST_F(ClImage, SupportedFormatsIncludeTheMandatoryMinimum) {
  // OpenCL 3.0 table "Minimum list of required image formats" (full profile, read and write).
  const cl_channel_type types[] = {CL_UNORM_INT8,    CL_UNORM_INT16,    CL_SNORM_INT8,     CL_SNORM_INT16,
                                   CL_SIGNED_INT8,   CL_SIGNED_INT16,   CL_SIGNED_INT32,   CL_UNSIGNED_INT8,
                                   CL_UNSIGNED_INT16, CL_UNSIGNED_INT32, CL_HALF_FLOAT,    CL_FLOAT};
  const cl_mem_object_type kinds[] = {CL_MEM_OBJECT_IMAGE1D, CL_MEM_OBJECT_IMAGE1D_BUFFER, CL_MEM_OBJECT_IMAGE1D_ARRAY,
                                      CL_MEM_OBJECT_IMAGE2D, CL_MEM_OBJECT_IMAGE2D_ARRAY, CL_MEM_OBJECT_IMAGE3D};
  for (cl_mem_object_type kind : kinds)
    for (cl_mem_flags flags : {cl_mem_flags(CL_MEM_READ_ONLY), cl_mem_flags(CL_MEM_WRITE_ONLY),
                               cl_mem_flags(CL_MEM_READ_WRITE), cl_mem_flags(CL_MEM_KERNEL_READ_AND_WRITE)}) {
      std::set<std::pair<cl_channel_order, cl_channel_type>> have;
      for (const auto& f : supported(flags, kind)) have.insert({f.image_channel_order, f.image_channel_data_type});
      for (cl_channel_order o : {CL_R, CL_RG, CL_RGBA})
        for (cl_channel_type t : types) EXPECT_TRUE(have.count({o, t})) << std::hex << o << " " << t << " kind " << kind;
      EXPECT_TRUE(have.count({CL_BGRA, CL_UNORM_INT8}));
      // sRGB is read-only without cl_khr_srgb_image_writes.
      EXPECT_EQ(have.count({CL_sRGBA, CL_UNORM_INT8}), flags == CL_MEM_READ_ONLY ? 1u : 0u) << "flags " << flags;
    }
}

// Every format kernels can write: random texels through read_image* / write_image* come back
// bit for bit, and a fill with a random colour equals a kernel writing that colour (the driver's
// host-side conversion against the texture unit's).
TEST_F(ClImage, EveryWritableFormatRoundTripsThroughKernelsAndFills) {
  cl_kernel kernels[6];
  const char* names[6] = {"copyf", "copyi", "copyui", "fillf", "filli", "fillui"};
  for (int i = 0; i < 6; ++i) {
    kernels[i] = i == 0 ? build(kCopyKernels, names[0]) : clCreateKernel(program_, names[i], nullptr);
    ASSERT_NE(kernels[i], nullptr);
  }
  std::mt19937 rng(13);
  const size_t w = 7, h = 3, region[3] = {w, h, 1}, origin[3] = {0, 0, 0};
  int tested = 0;
  for (const cl_image_format& f : supported(CL_MEM_READ_WRITE, CL_MEM_OBJECT_IMAGE2D)) {
    SCOPED_TRACE(format_name(f));
    const size_t eb = element_bytes(f);
    size_t reported = 0;
    const Kind k = kind_of(f.image_channel_data_type);
    std::vector<uint8_t> in = round_trip_texels(f, w * h, rng), out(in.size()), filled(in.size());
    cl_mem src = image(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, f.image_channel_order, f.image_channel_data_type,
                       CL_MEM_OBJECT_IMAGE2D, w, h, 1, 1, in.data());
    cl_mem dst = image(CL_MEM_READ_WRITE, f.image_channel_order, f.image_channel_data_type, CL_MEM_OBJECT_IMAGE2D, w, h);
    ASSERT_EQ(clGetImageInfo(src, CL_IMAGE_ELEMENT_SIZE, sizeof reported, &reported, nullptr), CL_SUCCESS);
    EXPECT_EQ(reported, eb);
    cl_kernel copy = kernels[int(k)];
    ASSERT_EQ(clSetKernelArg(copy, 0, sizeof src, &src), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(copy, 1, sizeof dst, &dst), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, copy, 2, nullptr, region, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(out, in) << "read_image" << kind_name(k) << " -> write_image" << kind_name(k);

    // A random colour: floats in [-1.5, 1.5] (beyond the normalized range: clamping) or wider for
    // float formats, integers up to +-70000 (saturation of 8- and 16-bit channels).
    uint8_t color[16];
    for (int c = 0; c < 4; ++c) {
      if (k == Kind::f) {
        float x = std::uniform_real_distribution<float>(-1.5f, 1.5f)(rng);
        if (f.image_channel_data_type == CL_FLOAT || f.image_channel_data_type == CL_HALF_FLOAT) x *= 1000.0f;
        std::memcpy(color + 4 * c, &x, 4);
      } else {
        int32_t x = std::uniform_int_distribution<int32_t>(-70000, 70000)(rng);
        if (k == Kind::ui) x = x < 0 ? -x : x;
        std::memcpy(color + 4 * c, &x, 4);
      }
    }
    ASSERT_EQ(clEnqueueFillImage(queue, src, color, origin, region, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadImage(queue, src, CL_TRUE, origin, region, 0, 0, filled.data(), 0, nullptr, nullptr),
              CL_SUCCESS);
    cl_kernel fill = kernels[3 + int(k)];
    ASSERT_EQ(clSetKernelArg(fill, 0, sizeof dst, &dst), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(fill, 1, 16, color), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, fill, 2, nullptr, region, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    // The unused top bits of the packed RGB formats hold nothing OpenCL defines.
    for (size_t i = 0; i < w * h; ++i) {
      if (f.image_channel_data_type == CL_UNORM_SHORT_555) filled[2 * i + 1] &= 0x7f, out[2 * i + 1] &= 0x7f;
      if (f.image_channel_data_type == CL_UNORM_INT_101010) filled[4 * i + 3] &= 0x3f, out[4 * i + 3] &= 0x3f;
    }
    EXPECT_EQ(filled, out) << "clEnqueueFillImage vs write_image" << kind_name(k);
    clReleaseMemObject(src);
    clReleaseMemObject(dst);
    ++tested;
  }
  EXPECT_GE(tested, 40);
  for (cl_kernel k : kernels) clReleaseKernel(k);
}

// Every supported format, also the read-only ones: enqueue copies (image -> image, image ->
// buffer -> image) move texels bit for bit, and read_imagef of the read-only orders (sRGB, A,
// INTENSITY, LUMINANCE) gives the values OpenCL 3.0 8.3 defines, decoded here on the host.
float half_to_float(uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  float v = e == 0 ? std::ldexp(float(m), -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp(float(m | 1024), e - 25);
  return (h & 0x8000) ? -v : v;
}
float srgb_to_linear(float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }

TEST_F(ClImage, EveryFormatCopiesAndReadOnlyFormatsRead) {
  cl_kernel k = build(R"CL(
__kernel void readf(read_only image2d_t src, global float4 *out) {
  int2 c = (int2)(get_global_id(0), get_global_id(1));
  out[c.y * get_image_width(src) + c.x] = read_imagef(src, c);
}
)CL", "readf");
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(29);
  const size_t w = 5, h = 4, origin[3] = {0, 0, 0}, region[3] = {w, h, 1};
  int read_only = 0;
  const auto all = supported(CL_MEM_READ_ONLY, CL_MEM_OBJECT_IMAGE2D);
  EXPECT_GE(all.size(), 57u);
  for (const cl_image_format& f : all) {
    SCOPED_TRACE(format_name(f));
    const size_t eb = element_bytes(f);
    std::vector<uint8_t> in = round_trip_texels(f, w * h, rng), out(in.size()), via(in.size());
    cl_mem a = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, f.image_channel_order, f.image_channel_data_type,
                     CL_MEM_OBJECT_IMAGE2D, w, h, 1, 1, in.data());
    cl_mem b = image(CL_MEM_READ_ONLY, f.image_channel_order, f.image_channel_data_type, CL_MEM_OBJECT_IMAGE2D, w, h);
    cl_int err;
    cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, in.size(), nullptr, &err);
    ASSERT_EQ(clEnqueueCopyImage(queue, a, b, origin, origin, region, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadImage(queue, b, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(out, in) << "clEnqueueCopyImage";
    ASSERT_EQ(clEnqueueCopyImageToBuffer(queue, a, buf, origin, region, 0, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, via.size(), via.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(via, in) << "clEnqueueCopyImageToBuffer";
    const cl_channel_order o = f.image_channel_order;
    const cl_channel_type t = f.image_channel_data_type;
    if (o == CL_sRGBA || o == CL_sBGRA || o == CL_A || o == CL_INTENSITY || o == CL_LUMINANCE) {
      ++read_only;
      cl_mem res = clCreateBuffer(context, CL_MEM_READ_WRITE, w * h * 16, nullptr, &err);
      ASSERT_EQ(clSetKernelArg(k, 0, sizeof a, &a), CL_SUCCESS);
      ASSERT_EQ(clSetKernelArg(k, 1, sizeof res, &res), CL_SUCCESS);
      ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 2, nullptr, region, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
      std::vector<float> got(w * h * 4);
      ASSERT_EQ(clEnqueueReadBuffer(queue, res, CL_TRUE, 0, got.size() * 4, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
      for (size_t i = 0; i < w * h; ++i) {
        const uint8_t* p = in.data() + i * eb;
        auto channel = [&](unsigned c) -> float {  // stored channel c, decoded
          if (t == CL_UNORM_INT8) return p[c] / 255.0f;
          if (t == CL_UNORM_INT16) return uint16_t(p[2 * c] | p[2 * c + 1] << 8) / 65535.0f;
          if (t == CL_HALF_FLOAT) return half_to_float(uint16_t(p[2 * c] | p[2 * c + 1] << 8));
          float x;
          std::memcpy(&x, p + 4 * c, 4);
          return x;
        };
        float e[4];
        if (o == CL_sRGBA || o == CL_sBGRA) {
          const bool bgra = o == CL_sBGRA;
          e[0] = srgb_to_linear(channel(bgra ? 2 : 0));
          e[1] = srgb_to_linear(channel(1));
          e[2] = srgb_to_linear(channel(bgra ? 0 : 2));
          e[3] = channel(3);
        } else if (o == CL_A) {
          e[0] = e[1] = e[2] = 0, e[3] = channel(0);
        } else if (o == CL_INTENSITY) {
          e[0] = e[1] = e[2] = e[3] = channel(0);
        } else {
          e[0] = e[1] = e[2] = channel(0), e[3] = 1;
        }
        for (int c = 0; c < 4; ++c) {
          const float g = got[4 * i + c];
          if (std::isnan(e[c])) {
            EXPECT_TRUE(std::isnan(g));
            continue;
          }
          // sRGB within OpenCL's 0.5 ulp of the 8-bit step's conversion; the others exact (1.5 ulp).
          const float tol = (o == CL_sRGBA || o == CL_sBGRA) && c < 3 ? 1e-5f : std::fabs(e[c]) * 2e-7f;
          EXPECT_NEAR(g, e[c], tol) << "texel " << i << " component " << c;
        }
      }
      clReleaseMemObject(res);
    }
    clReleaseMemObject(buf);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
  }
  EXPECT_EQ(read_only, 14);
  clReleaseKernel(k);
}

// Every image type: a kernel copies random texels (int coordinates, sampler-less reads) and reports
// the size queries; enqueue copies between images and buffers move sub-regions.
TEST_F(ClImage, EveryImageTypeCopiesAndQueries) {
  cl_kernel k1 = build(R"CL(
__kernel void c1(read_only image1d_t s, write_only image1d_t d, global int *q) {
  int x = get_global_id(0); write_imageui(d, x, read_imageui(s, x));
  q[0] = get_image_width(s); q[1] = get_image_channel_data_type(s); q[2] = get_image_channel_order(s);
}
__kernel void c1b(read_only image1d_buffer_t s, write_only image1d_buffer_t d, global int *q) {
  int x = get_global_id(0); write_imageui(d, x, read_imageui(s, x)); q[0] = get_image_width(s);
}
__kernel void c1a(read_only image1d_array_t s, write_only image1d_array_t d, global int *q) {
  int2 c = (int2)(get_global_id(0), get_global_id(1)); write_imageui(d, c, read_imageui(s, c));
  q[0] = get_image_width(s); q[1] = (int)get_image_array_size(s);
}
__kernel void c2a(read_only image2d_array_t s, write_only image2d_array_t d, global int *q) {
  int4 c = (int4)(get_global_id(0), get_global_id(1), get_global_id(2), 12345);
  write_imageui(d, c, read_imageui(s, c));
  int2 dim = get_image_dim(s);
  q[0] = dim.x; q[1] = dim.y; q[2] = (int)get_image_array_size(s);
}
__kernel void c3(read_only image3d_t s, write_only image3d_t d, global int *q) {
  int4 c = (int4)(get_global_id(0), get_global_id(1), get_global_id(2), 54321);
  write_imageui(d, c, read_imageui(s, c));
  int4 dim = get_image_dim(s);
  q[0] = dim.x; q[1] = dim.y; q[2] = dim.z; q[3] = dim.w;
}
)CL", "c1");
  ASSERT_NE(k1, nullptr);
  std::mt19937 rng(5);
  cl_int err;
  cl_mem q = clCreateBuffer(context, CL_MEM_READ_WRITE, 16, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  struct Case {
    const char* kernel;
    cl_mem_object_type type;
    size_t w, h, d, layers;
    std::vector<int> expect_q;
  };
  const Case cases[] = {
      {"c1", CL_MEM_OBJECT_IMAGE1D, 37, 1, 1, 1, {37, CL_UNSIGNED_INT16, CL_RG}},
      {"c1b", CL_MEM_OBJECT_IMAGE1D_BUFFER, 45, 1, 1, 1, {45}},
      {"c1a", CL_MEM_OBJECT_IMAGE1D_ARRAY, 9, 1, 1, 5, {9, 5}},
      {"c2a", CL_MEM_OBJECT_IMAGE2D_ARRAY, 6, 4, 1, 3, {6, 4, 3}},
      {"c3", CL_MEM_OBJECT_IMAGE3D, 5, 3, 4, 1, {5, 3, 4, 0}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kernel);
    cl_kernel k = clCreateKernel(program_, c.kernel, &err);
    ASSERT_EQ(err, CL_SUCCESS);
    const bool array1d = c.type == CL_MEM_OBJECT_IMAGE1D_ARRAY, array2d = c.type == CL_MEM_OBJECT_IMAGE2D_ARRAY;
    const size_t region[3] = {c.w, array1d ? c.layers : c.h, array2d ? c.layers : c.d};
    const size_t texels = region[0] * region[1] * region[2];
    std::vector<uint16_t> in(texels * 2), out(texels * 2, 0);
    for (auto& v : in) v = uint16_t(rng());
    cl_mem src, dst, sbuf = nullptr, dbuf = nullptr;
    if (c.type == CL_MEM_OBJECT_IMAGE1D_BUFFER) {
      sbuf = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, in.size() * 2, in.data(), &err);
      dbuf = clCreateBuffer(context, CL_MEM_READ_WRITE, in.size() * 2, nullptr, &err);
      cl_image_format f{CL_RG, CL_UNSIGNED_INT16};
      cl_image_desc desc{};
      desc.image_type = c.type;
      desc.image_width = c.w;
      desc.buffer = sbuf;
      src = clCreateImage(context, CL_MEM_READ_ONLY, &f, &desc, nullptr, &err);
      ASSERT_EQ(err, CL_SUCCESS);
      desc.buffer = dbuf;
      dst = clCreateImage(context, CL_MEM_WRITE_ONLY, &f, &desc, nullptr, &err);
      ASSERT_EQ(err, CL_SUCCESS);
      cl_mem assoc = nullptr;
      ASSERT_EQ(clGetMemObjectInfo(src, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof assoc, &assoc, nullptr), CL_SUCCESS);
      EXPECT_EQ(assoc, sbuf);
    } else {
      src = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, CL_RG, CL_UNSIGNED_INT16, c.type, c.w, c.h, c.d, c.layers,
                  in.data());
      dst = image(CL_MEM_WRITE_ONLY, CL_RG, CL_UNSIGNED_INT16, c.type, c.w, c.h, c.d, c.layers);
    }
    cl_mem_object_type t = 0;
    ASSERT_EQ(clGetMemObjectInfo(src, CL_MEM_TYPE, sizeof t, &t, nullptr), CL_SUCCESS);
    EXPECT_EQ(t, c.type);
    ASSERT_EQ(clSetKernelArg(k, 0, sizeof src, &src), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 1, sizeof dst, &dst), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 2, sizeof q, &q), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 3, nullptr, region, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    const size_t origin[3] = {0, 0, 0};
    ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(out, in);
    std::vector<int> got(c.expect_q.size());
    ASSERT_EQ(clEnqueueReadBuffer(queue, q, CL_TRUE, 0, got.size() * 4, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(got, c.expect_q);

    // A sub-box: image -> buffer -> another image at an offset, compared with the source texels.
    const size_t sub[3] = {std::max<size_t>(1, region[0] - 2), std::max<size_t>(1, region[1] - 1), region[2]};
    const size_t so[3] = {region[0] - sub[0], region[1] - sub[1], 0};
    cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, texels * 4 + 8, nullptr, &err);
    ASSERT_EQ(clEnqueueCopyImageToBuffer(queue, src, buf, so, sub, 8, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueCopyBufferToImage(queue, buf, dst, 8, origin, sub, 0, nullptr, nullptr), CL_SUCCESS);
    std::vector<uint16_t> box(sub[0] * sub[1] * sub[2] * 2);
    ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, sub, 0, 0, box.data(), 0, nullptr, nullptr), CL_SUCCESS);
    for (size_t z = 0; z < sub[2]; ++z)
      for (size_t y = 0; y < sub[1]; ++y)
        for (size_t x = 0; x < sub[0]; ++x)
          for (int ch = 0; ch < 2; ++ch)
            ASSERT_EQ(box[((z * sub[1] + y) * sub[0] + x) * 2 + ch],
                      in[(((z + so[2]) * region[1] + y + so[1]) * region[0] + x + so[0]) * 2 + ch]);
    // clEnqueueCopyImage back to the origin of the source's own twin.
    ASSERT_EQ(clEnqueueCopyImage(queue, src, dst, so, so, sub, 0, nullptr, nullptr), CL_SUCCESS);
    clReleaseMemObject(buf);
    clReleaseMemObject(src);
    clReleaseMemObject(dst);
    if (sbuf) clReleaseMemObject(sbuf);
    if (dbuf) clReleaseMemObject(dbuf);
    clReleaseKernel(k);
  }
  clReleaseMemObject(q);
  clReleaseKernel(k1);
}

// Samplers the unit treats specially: integer reads with a LINEAR sampler (undefined in OpenCL)
// sample NEAREST instead of faulting; a normalized sampler leaves a 2D array's layer unnormalized;
// an inline sampler and an argument sampler agree; integer writes saturate.
TEST_F(ClImage, SamplerCornerCases) {
  cl_kernel k = build(R"CL(
const sampler_t inline_s = CLK_NORMALIZED_COORDS_TRUE | CLK_ADDRESS_CLAMP_TO_EDGE | CLK_FILTER_NEAREST;
__attribute__((noinline)) float4 through(read_only image2d_array_t img, sampler_t s, float4 c) {
  return read_imagef(img, s, c);
}
__kernel void probe(read_only image2d_array_t img, read_only image2d_t ints, sampler_t lin, sampler_t norm,
                    global float *f, global uint *u) {
  int l = get_global_id(0);
  f[l] = read_imagef(img, norm, (float4)(0.75f, 0.25f, (float)l, 0.0f)).x;
  f[l + 3] = through(img, inline_s, (float4)(0.75f, 0.25f, (float)l + 0.3f, 0.0f)).x;  // an inline sampler as an argument
  u[l] = read_imageui(ints, lin, (float2)(1.6f, 0.5f)).x;
}
__kernel void sat(write_only image2d_t i8, write_only image2d_t u16) {
  write_imagei(i8, (int2)(0, 0), (int4)(300, -300, 5, -128));
  write_imageui(u16, (int2)(0, 0), (uint4)(70000, 65535, 3, 0xffffffffu));
}
)CL", "probe");
  ASSERT_NE(k, nullptr);
  cl_int err;
  // 2 x 2 x 3 layers of floats: layer l, texel (1, 0) holds 10 l + 1.
  std::vector<float> arr(12);
  for (int i = 0; i < 12; ++i) arr[i] = float(10 * (i / 4) + i % 4);
  cl_mem img = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, CL_R, CL_FLOAT, CL_MEM_OBJECT_IMAGE2D_ARRAY, 2, 2, 1, 3,
                     arr.data());
  uint32_t ints_data[4] = {7, 9, 11, 13};
  cl_mem ints = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, CL_R, CL_UNSIGNED_INT32, CL_MEM_OBJECT_IMAGE2D, 4, 1, 1,
                      1, ints_data);
  cl_sampler lin = clCreateSampler(context, CL_FALSE, CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_LINEAR, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const cl_sampler_properties props[] = {CL_SAMPLER_NORMALIZED_COORDS, CL_TRUE, CL_SAMPLER_FILTER_MODE,
                                         CL_FILTER_NEAREST, 0};
  cl_sampler norm = clCreateSamplerWithProperties(context, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_addressing_mode am = 0;
  ASSERT_EQ(clGetSamplerInfo(norm, CL_SAMPLER_ADDRESSING_MODE, sizeof am, &am, nullptr), CL_SUCCESS);
  EXPECT_EQ(am, cl_addressing_mode(CL_ADDRESS_CLAMP));  // the default
  cl_mem f = clCreateBuffer(context, CL_MEM_READ_WRITE, 24, nullptr, &err);
  cl_mem u = clCreateBuffer(context, CL_MEM_READ_WRITE, 12, nullptr, &err);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof img, &img), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof ints, &ints), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof lin, &lin), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 3, sizeof norm, &norm), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 4, sizeof f, &f), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 5, sizeof u, &u), CL_SUCCESS);
  const size_t three = 3;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &three, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  float fo[6];
  uint32_t uo[3];
  ASSERT_EQ(clEnqueueReadBuffer(queue, f, CL_TRUE, 0, sizeof fo, fo, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, u, CL_TRUE, 0, sizeof uo, uo, 0, nullptr, nullptr), CL_SUCCESS);
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(fo[l], float(10 * l + 1)) << "layer " << l;
    EXPECT_EQ(fo[l + 3], float(10 * l + 1)) << "layer " << l << " (inline sampler)";
    EXPECT_EQ(uo[l], 9u);  // texel floor(1.6) = 1, not a blend
  }

  cl_kernel sat = clCreateKernel(program_, "sat", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem i8 = image(CL_MEM_WRITE_ONLY, CL_RGBA, CL_SIGNED_INT8, CL_MEM_OBJECT_IMAGE2D, 1, 1);
  cl_mem u16 = image(CL_MEM_WRITE_ONLY, CL_RGBA, CL_UNSIGNED_INT16, CL_MEM_OBJECT_IMAGE2D, 1, 1);
  ASSERT_EQ(clSetKernelArg(sat, 0, sizeof i8, &i8), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(sat, 1, sizeof u16, &u16), CL_SUCCESS);
  const size_t one = 1, origin[3] = {0, 0, 0}, region[3] = {1, 1, 1};
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, sat, 1, nullptr, &one, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  int8_t c8[4];
  uint16_t c16[4];
  ASSERT_EQ(clEnqueueReadImage(queue, i8, CL_TRUE, origin, region, 0, 0, c8, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadImage(queue, u16, CL_TRUE, origin, region, 0, 0, c16, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(std::vector<int>(c8, c8 + 4), (std::vector<int>{127, -128, 5, -128}));
  EXPECT_EQ(std::vector<int>(c16, c16 + 4), (std::vector<int>{65535, 65535, 3, 65535}));
  for (cl_mem m : {img, ints, f, u, i8, u16}) clReleaseMemObject(m);
  clReleaseSampler(lin);
  clReleaseSampler(norm);
  clReleaseKernel(sat);
  clReleaseKernel(k);
}

// cl_khr_fp16's read_imageh / write_imageh: half texels pass through f32 exactly, and a UNORM
// texel read as half is its value rounded to half.
TEST_F(ClImage, HalfReadsAndWrites) {
  cl_kernel k = build(R"CL(
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
const sampler_t s = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP_TO_EDGE | CLK_FILTER_NEAREST;
__kernel void h(read_only image2d_t src, read_only image2d_t unorm, write_only image2d_t dst, global half *o) {
  int2 c = (int2)(get_global_id(0), 0);
  write_imageh(dst, c, read_imageh(src, c));
  half4 u = read_imageh(unorm, s, (float2)(c.x + 0.5f, 0.5f));
  vstore_half4(convert_float4(u), c.x, (global half *)o);
}
)CL", "h");
  ASSERT_NE(k, nullptr);
  const size_t w = 16, origin[3] = {0, 0, 0}, region[3] = {w, 1, 1};
  std::mt19937 rng(3);
  std::vector<uint16_t> in(w * 4), out(w * 4), got(w * 4);
  for (auto& v : in) {
    v = uint16_t(rng());
    if ((v & 0x7c00) == 0x7c00) v &= 0xbfff;  // no inf / NaN
  }
  std::vector<uint8_t> u8(w * 4);
  for (auto& v : u8) v = uint8_t(rng());
  cl_mem src = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, CL_RGBA, CL_HALF_FLOAT, CL_MEM_OBJECT_IMAGE2D, w, 1, 1, 1,
                     in.data());
  cl_mem unorm = image(CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, CL_RGBA, CL_UNORM_INT8, CL_MEM_OBJECT_IMAGE2D, w, 1, 1,
                       1, u8.data());
  cl_mem dst = image(CL_MEM_WRITE_ONLY, CL_RGBA, CL_HALF_FLOAT, CL_MEM_OBJECT_IMAGE2D, w, 1);
  cl_int err;
  cl_mem o = clCreateBuffer(context, CL_MEM_READ_WRITE, w * 8, nullptr, &err);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof src, &src), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof unorm, &unorm), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof dst, &dst), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 3, sizeof o, &o), CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &w, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(out, in);
  ASSERT_EQ(clEnqueueReadBuffer(queue, o, CL_TRUE, 0, w * 8, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < w * 4; ++i)
    EXPECT_NEAR(half_to_float(got[i]), u8[i] / 255.0f, 0.5f / 2048) << i;  // within half a half ulp of [0.5, 1)
  for (cl_mem m : {src, unorm, dst, o}) clReleaseMemObject(m);
  clReleaseKernel(k);
}

TEST_F(ClImage, MapImageGivesTheLayout) {
  cl_mem img = image(CL_MEM_READ_WRITE, CL_RGBA, CL_UNORM_INT8, CL_MEM_OBJECT_IMAGE3D, 5, 4, 3);
  const size_t origin[3] = {1, 1, 1}, region[3] = {3, 2, 2};
  size_t row = 0, slice = 0;
  cl_int err;
  auto* p = static_cast<uint8_t*>(clEnqueueMapImage(queue, img, CL_TRUE, CL_MAP_WRITE, origin, region, &row, &slice, 0,
                                                    nullptr, nullptr, &err));
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_GE(row, 5u * 4);
  EXPECT_GE(slice, row * 4);
  for (size_t z = 0; z < 2; ++z)
    for (size_t y = 0; y < 2; ++y)
      for (size_t x = 0; x < 12; ++x) p[z * slice + y * row + x] = uint8_t(100 * z + 10 * y + x);
  ASSERT_EQ(clEnqueueUnmapMemObject(queue, img, p, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<uint8_t> out(2 * 2 * 12);
  ASSERT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], uint8_t(100 * (i / 24) + 10 * (i / 12 % 2) + i % 12));
  clReleaseMemObject(img);
}

// A 1D buffer image made from a sub-buffer of a CL_MEM_USE_HOST_PTR buffer: its bytes are the
// sub-buffer's, and its host pointer is not the application's (the image's internal host pointer
// once added the sub-buffer's origin twice, and CL_MEM_HOST_PTR reported that address).
TEST_F(ClImage, BufferImageOfAUseHostPtrSubBufferUsesTheSubBuffersBytes) {
  cl_uint align_bits = 0;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof(align_bits), &align_bits, nullptr),
            CL_SUCCESS);
  const size_t origin = std::max<size_t>(align_bits / 8, 64), texels = 64;
  std::vector<uint8_t> host(4 * origin + 4 * texels, 0);
  cl_int err;
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, host.size(), host.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_buffer_region region{origin, 4 * texels};
  cl_mem sub = clCreateSubBuffer(buf, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_image_format f{CL_RGBA, CL_UNSIGNED_INT8};
  cl_image_desc desc{};
  desc.image_type = CL_MEM_OBJECT_IMAGE1D_BUFFER;
  desc.image_width = texels;
  desc.buffer = sub;
  cl_mem img = clCreateImage(context, CL_MEM_READ_WRITE, &f, &desc, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  void* hp = reinterpret_cast<void*>(1);
  ASSERT_EQ(clGetMemObjectInfo(sub, CL_MEM_HOST_PTR, sizeof(hp), &hp, nullptr), CL_SUCCESS);
  EXPECT_EQ(hp, host.data() + origin) << "a sub-buffer's host pointer is host_ptr + origin";
  ASSERT_EQ(clGetMemObjectInfo(img, CL_MEM_HOST_PTR, sizeof(hp), &hp, nullptr), CL_SUCCESS);
  EXPECT_EQ(hp, nullptr) << "the image was not created with CL_MEM_USE_HOST_PTR";
  const size_t o[3] = {0, 0, 0}, r[3] = {texels, 1, 1};
  size_t row = 0;
  auto* p = static_cast<uint8_t*>(
      clEnqueueMapImage(queue, img, CL_TRUE, CL_MAP_WRITE, o, r, &row, nullptr, 0, nullptr, nullptr, &err));
  ASSERT_EQ(err, CL_SUCCESS);
  for (size_t i = 0; i < 4 * texels; ++i) p[i] = uint8_t(i * 7 + 1);
  ASSERT_EQ(clEnqueueUnmapMemObject(queue, img, p, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<uint8_t> out(4 * texels);
  ASSERT_EQ(clEnqueueReadBuffer(queue, sub, CL_TRUE, 0, out.size(), out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], uint8_t(i * 7 + 1)) << "byte " << i;
  // Mapping the whole buffer brings its bytes into the application's memory: the image's bytes
  // at the sub-buffer's place, zeros around them.
  auto* whole = static_cast<uint8_t*>(
      clEnqueueMapBuffer(queue, buf, CL_TRUE, CL_MAP_READ, 0, host.size(), 0, nullptr, nullptr, &err));
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(whole, host.data());
  for (size_t i = 0; i < host.size(); ++i)
    ASSERT_EQ(host[i], i >= origin && i < origin + 4 * texels ? uint8_t((i - origin) * 7 + 1) : 0) << "byte " << i;
  ASSERT_EQ(clEnqueueUnmapMemObject(queue, buf, whole, 0, nullptr, nullptr), CL_SUCCESS);
  clReleaseMemObject(img);
  clReleaseMemObject(sub);
  clReleaseMemObject(buf);
}

TEST_F(ClImage, BadArgumentsGetTheirErrorCodes) {
  cl_int err;
  cl_image_format bad{CL_RGB, CL_UNORM_INT8};  // CL_RGB only with packed types
  cl_image_desc desc{};
  desc.image_type = CL_MEM_OBJECT_IMAGE2D;
  desc.image_width = desc.image_height = 4;
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, &bad, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, nullptr, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
  cl_image_format depth_stencil{CL_DEPTH_STENCIL, CL_FLOAT};  // valid, not supported (no cl_khr_gl_depth_images)
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, &depth_stencil, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_IMAGE_FORMAT_NOT_SUPPORTED);
  cl_image_format intensity{CL_INTENSITY, CL_UNORM_INT8};  // read-only on Mica
  EXPECT_EQ(clCreateImage(context, CL_MEM_WRITE_ONLY, &intensity, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_IMAGE_FORMAT_NOT_SUPPORTED);
  EXPECT_EQ(clCreateImage(context, 0, &intensity, &desc, nullptr, &err), nullptr);  // 0: READ_WRITE
  EXPECT_EQ(err, CL_IMAGE_FORMAT_NOT_SUPPORTED);
  cl_image_format rgba8{CL_RGBA, CL_UNORM_INT8};
  EXPECT_EQ(clCreateImage(context, CL_MEM_KERNEL_READ_AND_WRITE, &rgba8, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);  // a flag of clGetSupportedImageFormats only
  cl_image_format rgba{CL_RGBA, CL_UNORM_INT8};
  desc.image_width = 16385;
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, &rgba, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_SIZE);
  desc.image_width = 4;
  desc.image_row_pitch = 64;  // a pitch without a host pointer
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, &rgba, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  desc.image_row_pitch = 0;
  desc.image_type = CL_MEM_OBJECT_BUFFER;
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_WRITE, &rgba, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  desc.image_type = CL_MEM_OBJECT_IMAGE2D;
  EXPECT_EQ(clCreateImage(context, CL_MEM_COPY_HOST_PTR, &rgba, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_HOST_PTR);
  EXPECT_EQ(clCreateImage(context, CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, &rgba, &desc, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);

  cl_mem img = clCreateImage(context, CL_MEM_READ_WRITE, &rgba, &desc, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem other = image(CL_MEM_READ_WRITE, CL_RGBA, CL_UNORM_INT16, CL_MEM_OBJECT_IMAGE2D, 4, 4);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 256, nullptr, &err);
  uint8_t host[256];
  const size_t origin[3] = {0, 0, 0}, region[3] = {4, 4, 1}, big[3] = {5, 4, 1}, deep[3] = {4, 4, 2};
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, big, 0, 0, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, deep, 0, 0, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, region, 8, 0, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, region, 0, 64, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadImage(queue, buf, CL_TRUE, origin, region, 0, 0, host, 0, nullptr, nullptr),
            CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clEnqueueReadBuffer(queue, img, CL_TRUE, 0, 4, host, 0, nullptr, nullptr), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clEnqueueCopyImage(queue, img, other, origin, origin, region, 0, nullptr, nullptr), CL_IMAGE_FORMAT_MISMATCH);
  const size_t shifted[3] = {1, 1, 0}, three[3] = {3, 3, 1};
  EXPECT_EQ(clEnqueueCopyImage(queue, img, img, origin, shifted, three, 0, nullptr, nullptr), CL_MEM_COPY_OVERLAP);
  EXPECT_EQ(clEnqueueCopyImageToBuffer(queue, img, buf, origin, region, 200, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueFillImage(queue, img, nullptr, origin, region, 0, nullptr, nullptr), CL_INVALID_VALUE);
  size_t value = 0;
  EXPECT_EQ(clGetImageInfo(buf, CL_IMAGE_WIDTH, sizeof value, &value, nullptr), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clGetImageInfo(img, CL_MEM_SIZE, sizeof value, &value, nullptr), CL_INVALID_VALUE);
  cl_mem_flags mf = CL_MEM_READ_WRITE;
  EXPECT_EQ(clGetSupportedImageFormats(context, mf, CL_MEM_OBJECT_BUFFER, 0, nullptr, nullptr), CL_INVALID_VALUE);

  EXPECT_EQ(clCreateSampler(context, CL_TRUE, 0x1234, CL_FILTER_NEAREST, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  const cl_sampler_properties bad_props[] = {0x9999, 1, 0};
  EXPECT_EQ(clCreateSamplerWithProperties(context, bad_props, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clRetainSampler(nullptr), CL_INVALID_SAMPLER);
  EXPECT_EQ(clGetSamplerInfo(reinterpret_cast<cl_sampler>(buf), CL_SAMPLER_REFERENCE_COUNT, 0, nullptr, nullptr),
            CL_INVALID_SAMPLER);

  cl_kernel k = build(R"CL(
__kernel void k(read_only image2d_t i, sampler_t s, global float4 *o) { o[0] = read_imagef(i, s, (float2)(0.5f)); }
)CL", "k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(clSetKernelArg(k, 0, sizeof buf, &buf), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clSetKernelArg(k, 0, 4, &img), CL_INVALID_ARG_SIZE);
  EXPECT_EQ(clSetKernelArg(k, 1, sizeof buf, &buf), CL_INVALID_SAMPLER);
  EXPECT_EQ(clSetKernelArg(k, 2, sizeof img, &img), CL_INVALID_MEM_OBJECT);
  cl_mem wo = image(CL_MEM_WRITE_ONLY, CL_RGBA, CL_UNORM_INT8, CL_MEM_OBJECT_IMAGE2D, 4, 4);
  EXPECT_EQ(clSetKernelArg(k, 0, sizeof wo, &wo), CL_INVALID_ARG_VALUE);  // a read_only argument
  for (cl_mem m : {img, other, buf, wo}) clReleaseMemObject(m);
  clReleaseKernel(k);
}

}  // namespace
