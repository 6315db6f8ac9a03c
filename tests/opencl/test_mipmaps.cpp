// cl_khr_mipmap_image (docs/opencl.md "Images"): mipmapped images
// of every type that may have levels; every level written and read back through the transfers
// (the level in origin[1] / [2] / [3]), copies, fills and maps of one level; kernels reading with
// an explicit LOD or gradients (NEAREST and LINEAR mip filtering, the sampler's LOD clamp), reading level 0 without one (also with an unnormalized sampler), writing a level, and
// get_image_num_mip_levels; the refusals. The reference is the host: every level holds its own
// random floats, so any mix-up of levels or offsets shows.
#include "cl_test.h"

#include <CL/cl_ext.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <random>

namespace {

using cltest::ClSourceTest;

struct Shape {
  cl_mem_object_type type;
  size_t w, h, d, layers;  // h, d, layers: 1 where the type has none
  unsigned mip_index;      // which origin element names the level
};

size_t levels_of(const Shape& s) {
  size_t m = std::max({s.w, s.type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? size_t(1) : s.h, s.d}), n = 1;
  while (m > 1) m >>= 1, ++n;
  return n;
}

class ClMipmap : public ClSourceTest {
protected:
  cl_mem make(const Shape& s, cl_uint levels, cl_int* err_out = nullptr, void* host = nullptr,
              cl_image_format f = {CL_R, CL_FLOAT}) {
    cl_image_desc desc{};
    desc.image_type = s.type;
    desc.image_width = s.w;
    desc.image_height = s.type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? 0 : s.h;
    desc.image_depth = s.d;
    desc.image_array_size = s.layers;
    desc.num_mip_levels = levels;
    cl_int err;
    cl_mem m = clCreateImage(context, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0), &f, &desc, host, &err);
    if (err_out) *err_out = err;
    else EXPECT_EQ(err, CL_SUCCESS);
    return m;
  }
};

// Extent of a level in region coordinates (x, y or layers, z or layers).
std::array<size_t, 3> level_region(const Shape& s, size_t l) {
  const size_t w = std::max<size_t>(1, s.w >> l), h = std::max<size_t>(1, s.h >> l), d = std::max<size_t>(1, s.d >> l);
  switch (s.type) {
  case CL_MEM_OBJECT_IMAGE1D: return {w, 1, 1};
  case CL_MEM_OBJECT_IMAGE1D_ARRAY: return {w, s.layers, 1};
  case CL_MEM_OBJECT_IMAGE2D: return {w, h, 1};
  case CL_MEM_OBJECT_IMAGE2D_ARRAY: return {w, h, s.layers};
  default: return {w, h, d};
  }
}

const Shape kShapes[] = {
    {CL_MEM_OBJECT_IMAGE1D, 37, 1, 1, 1, 1},
    {CL_MEM_OBJECT_IMAGE1D_ARRAY, 20, 1, 1, 3, 2},
    {CL_MEM_OBJECT_IMAGE2D, 19, 8, 1, 1, 2},
    {CL_MEM_OBJECT_IMAGE2D_ARRAY, 9, 12, 1, 2, 3},
    {CL_MEM_OBJECT_IMAGE3D, 8, 5, 11, 1, 3},
};

TEST_F(ClMipmap, AdvertisedAndRefused) {
  const std::string ext = " " + cltest::device_string(device, CL_DEVICE_EXTENSIONS) + " ";
  EXPECT_NE(ext.find(" cl_khr_mipmap_image "), std::string::npos);
  EXPECT_EQ(ext.find("cl_khr_mipmap_image_writes"), std::string::npos);  // docs/opencl.md says why
  cl_int err;
  const Shape s2 = kShapes[2];
  EXPECT_EQ(make(s2, cl_uint(levels_of(s2) + 1), &err), nullptr);  // past the full chain
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  float host[19 * 8] = {};
  EXPECT_EQ(make(s2, 2, &err, host), nullptr);  // levels from host memory
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  cl_mem img = make(s2, cl_uint(levels_of(s2)));
  cl_uint n = 0;
  ASSERT_EQ(clGetImageInfo(img, CL_IMAGE_NUM_MIP_LEVELS, sizeof n, &n, nullptr), CL_SUCCESS);
  EXPECT_EQ(n, levels_of(s2));
  // A level past the last in a transfer.
  float v = 0;
  const size_t origin[4] = {0, 0, levels_of(s2), 0}, region[3] = {1, 1, 1};
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, region, 0, 0, &v, 0, nullptr, nullptr), CL_INVALID_VALUE);
  // A region of level 1 that fits level 0 only.
  const size_t at1[4] = {0, 0, 1, 0}, wide[3] = {10, 1, 1};
  float row[10];
  EXPECT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, at1, wide, 0, 0, row, 0, nullptr, nullptr), CL_INVALID_VALUE);
  clReleaseMemObject(img);
  // Sampler properties: LOD range and mip filter, read back.
  const float lo = 0.5f, hi = 2.25f;
  uint32_t lo_bits, hi_bits;
  std::memcpy(&lo_bits, &lo, 4);
  std::memcpy(&hi_bits, &hi, 4);
  const cl_sampler_properties props[] = {CL_SAMPLER_MIP_FILTER_MODE_KHR, CL_FILTER_LINEAR, CL_SAMPLER_LOD_MIN_KHR, lo_bits,
                                         CL_SAMPLER_LOD_MAX_KHR, hi_bits, 0};
  cl_sampler smp = clCreateSamplerWithProperties(context, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_filter_mode mf = 0;
  cl_float got_lo = 0, got_hi = 0;
  ASSERT_EQ(clGetSamplerInfo(smp, CL_SAMPLER_MIP_FILTER_MODE_KHR, sizeof mf, &mf, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetSamplerInfo(smp, CL_SAMPLER_LOD_MIN_KHR, sizeof got_lo, &got_lo, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetSamplerInfo(smp, CL_SAMPLER_LOD_MAX_KHR, sizeof got_hi, &got_hi, nullptr), CL_SUCCESS);
  EXPECT_EQ(mf, cl_filter_mode(CL_FILTER_LINEAR));
  EXPECT_EQ(got_lo, lo);
  EXPECT_EQ(got_hi, hi);
  clReleaseSampler(smp);
  const cl_sampler_properties bad[] = {CL_SAMPLER_LOD_MIN_KHR, hi_bits, CL_SAMPLER_LOD_MAX_KHR, lo_bits, 0};
  EXPECT_EQ(clCreateSamplerWithProperties(context, bad, &err), nullptr);  // min above max
  EXPECT_EQ(err, CL_INVALID_VALUE);
}

// Every level of every type: written with random floats, read back; then one level copied to
// another image's level, to a buffer, filled, and mapped, each checked against the model.
TEST_F(ClMipmap, TransfersAddressEachLevel) {
  std::mt19937 rng(9);
  for (const Shape& s : kShapes) {
    SCOPED_TRACE("type " + std::to_string(s.type));
    const size_t nl = levels_of(s);
    cl_mem img = make(s, cl_uint(nl)), other = make(s, cl_uint(nl));
    ASSERT_TRUE(img && other);
    std::vector<std::vector<float>> model(nl);
    auto origin_of = [&](size_t l) {
      std::array<size_t, 4> o{0, 0, 0, 0};
      o[s.mip_index] = l;
      return o;
    };
    for (size_t l = 0; l < nl; ++l) {
      const auto r = level_region(s, l);
      model[l].resize(r[0] * r[1] * r[2]);
      for (auto& v : model[l]) v = float(rng() % 100000) * 0.01f;
      const auto o = origin_of(l);
      ASSERT_EQ(clEnqueueWriteImage(queue, img, CL_FALSE, o.data(), r.data(), 0, 0, model[l].data(), 0, nullptr, nullptr),
                CL_SUCCESS);
    }
    for (size_t l = 0; l < nl; ++l) {
      const auto r = level_region(s, l);
      std::vector<float> back(model[l].size(), -1.0f);
      const auto o = origin_of(l);
      ASSERT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, o.data(), r.data(), 0, 0, back.data(), 0, nullptr, nullptr),
                CL_SUCCESS);
      EXPECT_EQ(back, model[l]) << "level " << l;
    }
    // Level 1 -> the other image's level 1, read back.
    const auto o1 = origin_of(1);
    const auto r1 = level_region(s, 1);
    ASSERT_EQ(clEnqueueCopyImage(queue, img, other, o1.data(), o1.data(), r1.data(), 0, nullptr, nullptr), CL_SUCCESS);
    std::vector<float> back(model[1].size());
    ASSERT_EQ(clEnqueueReadImage(queue, other, CL_TRUE, o1.data(), r1.data(), 0, 0, back.data(), 0, nullptr, nullptr),
              CL_SUCCESS);
    EXPECT_EQ(back, model[1]) << "copied level 1";
    // The last level to a buffer.
    const auto ol = origin_of(nl - 1);
    const auto rl = level_region(s, nl - 1);
    cl_int err;
    cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, model[nl - 1].size() * 4, nullptr, &err);
    ASSERT_EQ(clEnqueueCopyImageToBuffer(queue, img, buf, ol.data(), rl.data(), 0, 0, nullptr, nullptr), CL_SUCCESS);
    back.assign(model[nl - 1].size(), -1.0f);
    ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, back.size() * 4, back.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(back, model[nl - 1]) << "last level to a buffer";
    // Fill level 1 of 'other'; level 0 of it stays unwritten, level 1 of 'img' unchanged.
    const float color[4] = {42.5f, 0, 0, 0};
    ASSERT_EQ(clEnqueueFillImage(queue, other, color, o1.data(), r1.data(), 0, nullptr, nullptr), CL_SUCCESS);
    back.assign(model[1].size(), 0);
    ASSERT_EQ(clEnqueueReadImage(queue, other, CL_TRUE, o1.data(), r1.data(), 0, 0, back.data(), 0, nullptr, nullptr),
              CL_SUCCESS);
    EXPECT_EQ(back, std::vector<float>(model[1].size(), 42.5f));
    // Map level 1 of 'img': the level's bytes at the returned pitches.
    size_t row = 0, slice = 0;
    auto* p = static_cast<uint8_t*>(clEnqueueMapImage(queue, img, CL_TRUE, CL_MAP_READ, o1.data(), r1.data(), &row,
                                                      &slice, 0, nullptr, nullptr, &err));
    ASSERT_EQ(err, CL_SUCCESS);
    size_t bad = 0;
    for (size_t z = 0; z < r1[2]; ++z)
      for (size_t y = 0; y < r1[1]; ++y)
        for (size_t x = 0; x < r1[0]; ++x) {
          float v;
          const size_t at = s.type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? y * slice + x * 4 : z * slice + y * row + x * 4;
          std::memcpy(&v, p + at, 4);
          bad += v != model[1][(z * r1[1] + y) * r1[0] + x];
        }
    EXPECT_EQ(bad, 0u) << "mapped level 1";
    ASSERT_EQ(clEnqueueUnmapMemObject(queue, img, p, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clFinish(queue), CL_SUCCESS);
    clReleaseMemObject(buf);
    clReleaseMemObject(other);
    clReleaseMemObject(img);
  }
}

const char* kKernels = R"(
#pragma OPENCL EXTENSION cl_khr_mipmap_image : enable
// Per texel of level 'lod' of a 2D image: a read with gradients of 2^lod texels of level 0 per
// step, a normalized NEAREST read at the texel centre with the level as LOD, and reads without a
// LOD (level 0), also through an unnormalized sampler.
__kernel void read2d(read_only image2d_t img, sampler_t norm, sampler_t unnorm, int lod, __global float* out,
                     __global int* info) {
  int x = get_global_id(0), y = get_global_id(1), w = get_global_size(0), h = get_global_size(1);
  int i = (y * w + x) * 4;
  float step = (float)(1 << lod);
  float2 gx = (float2)(step / get_image_width(img), 0.0f), gy = (float2)(0.0f, step / get_image_height(img));
  out[i] = read_imagef(img, norm, (float2)((x + 0.5f) / w, (y + 0.5f) / h), gx, gy).x;
  out[i + 1] = read_imagef(img, norm, (float2)((x + 0.5f) / w, (y + 0.5f) / h), (float)lod).x;
  out[i + 2] = read_imagef(img, unnorm, (int2)(x, y)).x;
  out[i + 3] = read_imagef(img, norm, (float2)((x + 0.5f) / w, (y + 0.5f) / h)).x;
  if (i == 0) {
    info[0] = get_image_num_mip_levels(img);
    info[1] = get_image_width(img);
    info[2] = get_image_height(img);
  }
}
__kernel void read3d(read_only image3d_t img, sampler_t norm, int lod, __global float* out) {
  int x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
  float4 c = (float4)((x + 0.5f) / get_global_size(0), (y + 0.5f) / get_global_size(1), (z + 0.5f) / get_global_size(2), 0);
  out[(z * get_global_size(1) + y) * get_global_size(0) + x] = read_imagef(img, norm, c, (float)lod).x;
}
__kernel void write2d(write_only image2d_t img, __global const float* in) {
  int x = get_global_id(0), y = get_global_id(1);
  write_imagef(img, (int2)(x, y), (float4)(in[y * get_global_size(0) + x], 0, 0, 1));
}
// One sample at normalized (0.5, 0.5) with the given LOD.
__kernel void sample_at(read_only image2d_t img, sampler_t s, float lod, __global float* out) {
  out[0] = read_imagef(img, s, (float2)(0.5f, 0.5f), lod).x;
}
)";

TEST_F(ClMipmap, KernelsReadAndWriteLevels) {
  cl_kernel rd = build(kKernels, "read2d", "-cl-std=CL3.0");
  cl_kernel rd3 = clCreateKernel(program_, "read3d", nullptr);
  cl_kernel wr = clCreateKernel(program_, "write2d", nullptr);
  cl_kernel at = clCreateKernel(program_, "sample_at", nullptr);
  ASSERT_TRUE(rd3 && wr && at);
  cl_int err;
  cl_sampler norm = clCreateSampler(context, CL_TRUE, CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_NEAREST, &err);
  cl_sampler unnorm = clCreateSampler(context, CL_FALSE, CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_NEAREST, &err);
  std::mt19937 rng(4);
  const Shape s = kShapes[2];  // 2D 19 x 8: levels 19x8, 9x4, 4x2, 2x1, 1x1
  const size_t nl = levels_of(s);
  cl_mem img = make(s, cl_uint(nl));
  std::vector<std::vector<float>> model(nl);
  for (size_t l = 0; l < nl; ++l) {
    const auto r = level_region(s, l);
    model[l].resize(r[0] * r[1]);
    for (auto& v : model[l]) v = float(rng() % 1000) + 0.25f;
    const size_t o[3] = {0, 0, l};
    ASSERT_EQ(clEnqueueWriteImage(queue, img, CL_TRUE, o, r.data(), 0, 0, model[l].data(), 0, nullptr, nullptr),
              CL_SUCCESS);
  }
  cl_mem info = clCreateBuffer(context, CL_MEM_READ_WRITE, 12, nullptr, &err);
  for (size_t l = 0; l < nl; ++l) {
    SCOPED_TRACE("level " + std::to_string(l));
    const auto r = level_region(s, l);
    cl_mem out = clCreateBuffer(context, CL_MEM_READ_WRITE, r[0] * r[1] * 16, nullptr, &err);
    const cl_int lod = cl_int(l);
    ASSERT_EQ(clSetKernelArg(rd, 0, sizeof img, &img), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd, 1, sizeof norm, &norm), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd, 2, sizeof unnorm, &unnorm), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd, 3, sizeof lod, &lod), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd, 4, sizeof out, &out), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd, 5, sizeof info, &info), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, rd, 2, nullptr, r.data(), nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    std::vector<float> got(r[0] * r[1] * 4);
    ASSERT_EQ(clEnqueueReadBuffer(queue, out, CL_TRUE, 0, got.size() * 4, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
    size_t bad_fetch = 0, bad_sample = 0, bad_level0 = 0;
    for (size_t y = 0; y < r[1]; ++y)
      for (size_t x = 0; x < r[0]; ++x) {
        const size_t i = (y * r[0] + x) * 4;
        const float want = model[l][y * r[0] + x];
        bad_fetch += got[i] != want;
        bad_sample += got[i + 1] != want;
        // Without a LOD: level 0 at (x, y) (unnormalized) and at the same normalized point.
        const size_t w0 = s.w, h0 = s.h;
        const size_t nx = size_t(std::floor((x + 0.5f) / r[0] * w0)), ny = size_t(std::floor((y + 0.5f) / r[1] * h0));
        bad_level0 += got[i + 2] != model[0][y * w0 + x] || got[i + 3] != model[0][ny * w0 + nx];
      }
    EXPECT_EQ(bad_fetch, 0u) << "read_imagef(img, sampler, float2, gradient_x, gradient_y)";
    EXPECT_EQ(bad_sample, 0u) << "read_imagef(img, sampler, float2, lod)";
    EXPECT_EQ(bad_level0, 0u) << "reads without a LOD";
    clReleaseMemObject(out);
  }
  int32_t q[3];
  ASSERT_EQ(clEnqueueReadBuffer(queue, info, CL_TRUE, 0, 12, q, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(q[0], int32_t(nl));
  EXPECT_EQ(q[1], int32_t(s.w));
  EXPECT_EQ(q[2], int32_t(s.h));

  // write_imagef without a LOD writes level 0 (read back by the host); the other levels keep theirs.
  {
    const auto r = level_region(s, 0);
    std::vector<float> in(r[0] * r[1]);
    for (auto& v : in) v = float(rng() % 1000) - 500.0f;
    cl_mem src = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, in.size() * 4, in.data(), &err);
    ASSERT_EQ(clSetKernelArg(wr, 0, sizeof img, &img), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(wr, 1, sizeof src, &src), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, wr, 2, nullptr, r.data(), nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    model[0] = in;
    for (size_t l = 0; l < nl; ++l) {
      const auto rl = level_region(s, l);
      std::vector<float> back(rl[0] * rl[1]);
      const size_t o[3] = {0, 0, l};
      ASSERT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, o, rl.data(), 0, 0, back.data(), 0, nullptr, nullptr), CL_SUCCESS);
      EXPECT_EQ(back, model[l]) << "level " << l << " after write_imagef";
    }
    clReleaseMemObject(src);
  }

  // Mip filtering: every level filled with its index; LINEAR between levels, the sampler's clamp.
  cl_mem levels = make(s, cl_uint(nl));
  for (size_t l = 0; l < nl; ++l) {
    const float c[4] = {float(l), 0, 0, 0};
    const size_t o[3] = {0, 0, l};
    ASSERT_EQ(clEnqueueFillImage(queue, levels, c, o, level_region(s, l).data(), 0, nullptr, nullptr), CL_SUCCESS);
  }
  auto sample = [&](cl_sampler smp, float lod) {
    cl_mem out = clCreateBuffer(context, CL_MEM_READ_WRITE, 4, nullptr, &err);
    EXPECT_EQ(clSetKernelArg(at, 0, sizeof levels, &levels), CL_SUCCESS);
    EXPECT_EQ(clSetKernelArg(at, 1, sizeof smp, &smp), CL_SUCCESS);
    EXPECT_EQ(clSetKernelArg(at, 2, sizeof lod, &lod), CL_SUCCESS);
    EXPECT_EQ(clSetKernelArg(at, 3, sizeof out, &out), CL_SUCCESS);
    const size_t one = 1;
    EXPECT_EQ(clEnqueueNDRangeKernel(queue, at, 1, nullptr, &one, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    float v = -1;
    EXPECT_EQ(clEnqueueReadBuffer(queue, out, CL_TRUE, 0, 4, &v, 0, nullptr, nullptr), CL_SUCCESS);
    clReleaseMemObject(out);
    return v;
  };
  EXPECT_EQ(sample(norm, 1.0f), 1.0f);
  EXPECT_EQ(sample(norm, 1.4f), 1.0f);  // NEAREST mip filter (the default)
  EXPECT_EQ(sample(norm, 1.6f), 2.0f);
  EXPECT_EQ(sample(norm, 99.0f), float(nl - 1));  // past the last level
  float hi = 2.0f;
  uint32_t hi_bits;
  std::memcpy(&hi_bits, &hi, 4);
  const cl_sampler_properties props[] = {CL_SAMPLER_NORMALIZED_COORDS, CL_TRUE, CL_SAMPLER_ADDRESSING_MODE,
                                         CL_ADDRESS_CLAMP_TO_EDGE, CL_SAMPLER_FILTER_MODE, CL_FILTER_NEAREST,
                                         CL_SAMPLER_MIP_FILTER_MODE_KHR, CL_FILTER_LINEAR, CL_SAMPLER_LOD_MAX_KHR,
                                         hi_bits, 0};
  cl_sampler lin = clCreateSamplerWithProperties(context, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(sample(lin, 1.25f), 1.25f);  // LINEAR between levels 1 and 2
  EXPECT_EQ(sample(lin, 0.5f), 0.5f);
  EXPECT_EQ(sample(lin, 3.5f), 2.0f);  // clamped to LOD max 2
  clReleaseSampler(lin);

  // A 3D image's levels through sampled reads with an explicit LOD.
  const Shape s3 = kShapes[4];
  const size_t nl3 = levels_of(s3);
  cl_mem img3 = make(s3, cl_uint(nl3));
  for (size_t l = 0; l < nl3; ++l) {
    const auto r = level_region(s3, l);
    std::vector<float> data(r[0] * r[1] * r[2]);
    for (auto& v : data) v = float(rng() % 1000);
    const size_t o[4] = {0, 0, 0, l};
    ASSERT_EQ(clEnqueueWriteImage(queue, img3, CL_TRUE, o, r.data(), 0, 0, data.data(), 0, nullptr, nullptr), CL_SUCCESS);
    cl_mem out = clCreateBuffer(context, CL_MEM_READ_WRITE, data.size() * 4, nullptr, &err);
    const cl_int lod = cl_int(l);
    ASSERT_EQ(clSetKernelArg(rd3, 0, sizeof img3, &img3), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd3, 1, sizeof norm, &norm), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd3, 2, sizeof lod, &lod), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(rd3, 3, sizeof out, &out), CL_SUCCESS);
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, rd3, 3, nullptr, r.data(), nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    std::vector<float> got(data.size());
    ASSERT_EQ(clEnqueueReadBuffer(queue, out, CL_TRUE, 0, got.size() * 4, got.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(got, data) << "3D level " << l;
    clReleaseMemObject(out);
  }
  clReleaseMemObject(img3);
  clReleaseMemObject(levels);
  clReleaseMemObject(info);
  clReleaseMemObject(img);
  clReleaseSampler(norm);
  clReleaseSampler(unnorm);
  clReleaseKernel(rd3);
  clReleaseKernel(wr);
  clReleaseKernel(at);
}

}  // namespace
