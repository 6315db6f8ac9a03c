// cl_khr_depth_images (docs/opencl.md "Images"): CL_DEPTH with CL_FLOAT and CL_UNORM_INT16 on 2D
// and 2D array images only; image2d_depth_t / image2d_array_depth_t read_imagef returning a float
// (integer coordinates and a sampler), write_imagef with the spec's conversions, the channel
// queries, clEnqueueFillImage with its one-float colour, and what is refused. The reference is
// the host: UNORM16 texel v reads v / 65535, a float f writes round-to-nearest-even(clamp(f) x 65535).
#include "cl_test.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <set>

namespace {

using cltest::ClSourceTest;

const char* kSource = R"(
__kernel void depth2d(read_only image2d_depth_t src, sampler_t s, write_only image2d_depth_t dst,
                      __global float* out, __global int* info) {
  int x = get_global_id(0), y = get_global_id(1);
  int i = y * get_image_width(src) + x;
  float a = read_imagef(src, (int2)(x, y));
  float b = read_imagef(src, s, (float2)(x + 0.5f, y + 0.5f));
  out[2 * i] = a;
  out[2 * i + 1] = b;
  write_imagef(dst, (int2)(x, y), 1.25f - a * 1.5f);
  if (i == 0) {
    info[0] = get_image_channel_order(src);
    info[1] = get_image_channel_data_type(src);
    info[2] = get_image_height(src);
  }
}
__kernel void depth2d_array(read_only image2d_array_depth_t src, sampler_t s, write_only image2d_array_depth_t dst,
                            __global float* out) {
  int x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
  int i = (z * get_image_height(src) + y) * get_image_width(src) + x;
  float a = read_imagef(src, (int4)(x, y, z, 0));
  float b = read_imagef(src, s, (float4)(x + 0.5f, y + 0.5f, z, 0.0f));
  out[2 * i] = a;
  out[2 * i + 1] = b;
  write_imagef(dst, (int4)(x, y, z, 0), 1.25f - a * 1.5f);
}
)";

class ClDepthImage : public ClSourceTest {
protected:
  cl_mem make(cl_mem_flags flags, cl_channel_type type, cl_mem_object_type kind, size_t w, size_t h, size_t layers,
              void* host = nullptr, cl_int* err_out = nullptr) {
    cl_image_format f{CL_DEPTH, type};
    cl_image_desc desc{};
    desc.image_type = kind;
    desc.image_width = w;
    desc.image_height = h;
    desc.image_depth = 1;
    desc.image_array_size = layers;
    cl_int err;
    cl_mem m = clCreateImage(context, flags | (host ? CL_MEM_COPY_HOST_PTR : 0), &f, &desc, host, &err);
    if (err_out) *err_out = err;
    else EXPECT_EQ(err, CL_SUCCESS);
    return m;
  }
};

float unorm16(uint16_t v) { return float(v) / 65535.0f; }
uint16_t to_unorm16(float f) {
  // The exact product, rounded once (a float product would round 0.3f x 65535 to a tie first).
  const double c = std::fmin(std::fmax(double(f), 0.0), 1.0);
  return uint16_t(std::nearbyint(c * 65535.0));
}

TEST_F(ClDepthImage, AdvertisedFormatsOnTwoDimensionalTypesOnly) {
  EXPECT_NE(cltest::device_string(device, CL_DEVICE_EXTENSIONS).find("cl_khr_depth_images"), std::string::npos);
  const cl_mem_object_type kinds[] = {CL_MEM_OBJECT_IMAGE1D, CL_MEM_OBJECT_IMAGE1D_BUFFER, CL_MEM_OBJECT_IMAGE1D_ARRAY,
                                      CL_MEM_OBJECT_IMAGE2D, CL_MEM_OBJECT_IMAGE2D_ARRAY, CL_MEM_OBJECT_IMAGE3D};
  for (cl_mem_object_type kind : kinds)
    for (cl_mem_flags flags : {cl_mem_flags(CL_MEM_READ_ONLY), cl_mem_flags(CL_MEM_READ_WRITE)}) {
      cl_uint n = 0;
      ASSERT_EQ(clGetSupportedImageFormats(context, flags, kind, 0, nullptr, &n), CL_SUCCESS);
      std::vector<cl_image_format> v(n);
      ASSERT_EQ(clGetSupportedImageFormats(context, flags, kind, n, v.data(), nullptr), CL_SUCCESS);
      std::set<cl_channel_type> depth;
      for (const auto& f : v)
        if (f.image_channel_order == CL_DEPTH) depth.insert(f.image_channel_data_type);
      const bool two_d = kind == CL_MEM_OBJECT_IMAGE2D || kind == CL_MEM_OBJECT_IMAGE2D_ARRAY;
      const std::set<cl_channel_type> want = two_d ? std::set<cl_channel_type>{CL_FLOAT, CL_UNORM_INT16}
                                                   : std::set<cl_channel_type>{};
      EXPECT_EQ(depth, want) << "kind " << std::hex << kind;
    }
  cl_int err;
  EXPECT_EQ(make(CL_MEM_READ_WRITE, CL_FLOAT, CL_MEM_OBJECT_IMAGE3D, 4, 4, 1, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_IMAGE_FORMAT_NOT_SUPPORTED);
  EXPECT_EQ(make(CL_MEM_READ_WRITE, CL_FLOAT, CL_MEM_OBJECT_IMAGE1D, 4, 1, 1, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_IMAGE_FORMAT_NOT_SUPPORTED);
  EXPECT_EQ(make(CL_MEM_READ_WRITE, CL_UNORM_INT8, CL_MEM_OBJECT_IMAGE2D, 4, 4, 1, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);  // CL_DEPTH is UNORM_INT16 or FLOAT only
}

// Random depths through read_imagef (integer coordinates and a nearest sampler) and write_imagef,
// on 2D and 2D array images of both formats, against the host's conversions.
TEST_F(ClDepthImage, KernelsReadAndWriteDepths) {
  cl_kernel k2 = build(kSource, "depth2d");
  cl_kernel ka = clCreateKernel(program_, "depth2d_array", nullptr);
  ASSERT_TRUE(ka);
  cl_int err;
  cl_sampler s = clCreateSampler(context, CL_FALSE, CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_NEAREST, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  std::mt19937 rng(3);
  for (cl_channel_type type : {cl_channel_type(CL_FLOAT), cl_channel_type(CL_UNORM_INT16)})
    for (bool array : {false, true}) {
      SCOPED_TRACE(std::string(type == CL_FLOAT ? "float" : "unorm16") + (array ? " array" : " 2d"));
      const size_t w = 13, h = 7, layers = array ? 3 : 1, n = w * h * layers;
      const size_t eb = type == CL_FLOAT ? 4 : 2;
      std::vector<uint8_t> texels(n * eb);
      std::vector<float> want(n);
      for (size_t i = 0; i < n; ++i) {
        if (type == CL_FLOAT) {
          const float f = std::ldexp(float(rng() % 2000000) - 1000000.0f, -int(rng() % 30));
          std::memcpy(texels.data() + i * 4, &f, 4);
          want[i] = f;
        } else {
          const uint16_t u = uint16_t(rng());
          std::memcpy(texels.data() + i * 2, &u, 2);
          want[i] = unorm16(u);
        }
      }
      const cl_mem_object_type kind = array ? CL_MEM_OBJECT_IMAGE2D_ARRAY : CL_MEM_OBJECT_IMAGE2D;
      cl_mem src = make(CL_MEM_READ_ONLY, type, kind, w, h, layers, texels.data());
      cl_mem dst = make(CL_MEM_WRITE_ONLY, type, kind, w, h, layers);
      cl_mem out = clCreateBuffer(context, CL_MEM_WRITE_ONLY, n * 8, nullptr, &err);
      cl_mem info = clCreateBuffer(context, CL_MEM_WRITE_ONLY, 12, nullptr, &err);
      cl_kernel k = array ? ka : k2;
      ASSERT_EQ(clSetKernelArg(k, 0, sizeof src, &src), CL_SUCCESS);
      ASSERT_EQ(clSetKernelArg(k, 1, sizeof s, &s), CL_SUCCESS);
      ASSERT_EQ(clSetKernelArg(k, 2, sizeof dst, &dst), CL_SUCCESS);
      ASSERT_EQ(clSetKernelArg(k, 3, sizeof out, &out), CL_SUCCESS);
      if (!array) {
        ASSERT_EQ(clSetKernelArg(k, 4, sizeof info, &info), CL_SUCCESS);
      }
      const size_t global[3] = {w, h, layers};
      ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, array ? 3 : 2, nullptr, global, nullptr, 0, nullptr, nullptr),
                CL_SUCCESS);
      std::vector<float> got(n * 2);
      ASSERT_EQ(clEnqueueReadBuffer(queue, out, CL_TRUE, 0, n * 8, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
      size_t bad = 0;
      for (size_t i = 0; i < n; ++i) bad += got[2 * i] != want[i] || got[2 * i + 1] != want[i];
      EXPECT_EQ(bad, 0u) << "first: " << got[0] << " " << got[1] << " want " << want[0];
      if (!array) {
        int32_t q[3];
        ASSERT_EQ(clEnqueueReadBuffer(queue, info, CL_TRUE, 0, 12, q, 0, nullptr, nullptr), CL_SUCCESS);
        EXPECT_EQ(q[0], CL_DEPTH);
        EXPECT_EQ(q[1], int32_t(type));
        EXPECT_EQ(q[2], int32_t(h));
      }
      // What write_imagef stored.
      std::vector<uint8_t> written(n * eb);
      const size_t origin[3] = {0, 0, 0}, region[3] = {w, h, layers};
      ASSERT_EQ(clEnqueueReadImage(queue, dst, CL_TRUE, origin, region, 0, 0, written.data(), 0, nullptr, nullptr),
                CL_SUCCESS);
      bad = 0;
      for (size_t i = 0; i < n; ++i) {
        const float v = 1.25f - want[i] * 1.5f;
        if (type == CL_FLOAT) {
          float f;
          std::memcpy(&f, written.data() + i * 4, 4);
          bad += f != v;
        } else {
          uint16_t u;
          std::memcpy(&u, written.data() + i * 2, 2);
          bad += u != to_unorm16(v);
        }
      }
      EXPECT_EQ(bad, 0u) << "texels write_imagef stored";
      clReleaseMemObject(info);
      clReleaseMemObject(out);
      clReleaseMemObject(dst);
      clReleaseMemObject(src);
    }
  clReleaseSampler(s);
  clReleaseKernel(ka);
}

// clEnqueueFillImage on a depth image takes one float (the driver must not read four: the colour
// here is a 4-byte allocation, which ASan checks), converted as write_imagef converts.
TEST_F(ClDepthImage, FillTakesOneFloat) {
  for (cl_channel_type type : {cl_channel_type(CL_FLOAT), cl_channel_type(CL_UNORM_INT16)}) {
    const size_t w = 6, h = 4;
    cl_mem img = make(CL_MEM_READ_WRITE, type, CL_MEM_OBJECT_IMAGE2D, w, h, 1);
    auto color = std::make_unique<float>(type == CL_FLOAT ? -7.375f : 0.3f);
    const size_t origin[3] = {1, 1, 0}, region[3] = {4, 2, 1};
    ASSERT_EQ(clEnqueueFillImage(queue, img, color.get(), origin, region, 0, nullptr, nullptr), CL_SUCCESS);
    const size_t eb = type == CL_FLOAT ? 4 : 2;
    std::vector<uint8_t> got(w * h * eb);
    const size_t all[3] = {w, h, 1}, zero[3] = {0, 0, 0};
    ASSERT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, zero, all, 0, 0, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
    for (size_t y = 1; y < 3; ++y)
      for (size_t x = 1; x < 5; ++x) {
        if (type == CL_FLOAT) {
          float f;
          std::memcpy(&f, got.data() + (y * w + x) * 4, 4);
          EXPECT_EQ(f, -7.375f);
        } else {
          uint16_t u;
          std::memcpy(&u, got.data() + (y * w + x) * 2, 2);
          EXPECT_EQ(u, to_unorm16(0.3f));
        }
      }
    clReleaseMemObject(img);
  }
}

}  // namespace
