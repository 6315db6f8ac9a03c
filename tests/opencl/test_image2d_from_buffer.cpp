// cl_khr_image2d_from_buffer (docs/opencl.md "Images"): 2D images over a buffer's bytes with
// tight and padded row pitches. Kernel reads through the image see the buffer's bytes, kernel
// writes through the image are seen through the buffer (and leave the padding alone), host
// transfers on either object see the other's writes, the queries, and the error codes of the
// spec's rules. PoCL 3.1 has no cl_khr_image2d_from_buffer (pitch alignment 0), so the reference is
// the host's byte model.
#include "cl_test.h"

#include <cstring>
#include <random>

namespace {

using cltest::ClSourceTest;

const char* kSource = R"(
__kernel void read_all(read_only image2d_t img, __global uint4* out) {
  int x = get_global_id(0), y = get_global_id(1);
  out[y * get_image_width(img) + x] = read_imageui(img, (int2)(x, y));
}
__kernel void write_all(write_only image2d_t img, __global const uint4* in) {
  int x = get_global_id(0), y = get_global_id(1);
  write_imageui(img, (int2)(x, y), in[y * get_image_width(img) + x]);
}
__kernel void sizes(read_only image2d_t img, __global int* out) {
  out[0] = get_image_width(img);
  out[1] = get_image_height(img);
}
)";

class ClImage2dFromBuffer : public ClSourceTest {
protected:
  cl_mem buffer(size_t bytes, const void* data = nullptr, cl_mem_flags flags = CL_MEM_READ_WRITE) {
    cl_int err;
    cl_mem b = clCreateBuffer(context, flags | (data ? CL_MEM_COPY_HOST_PTR : 0), bytes, const_cast<void*>(data), &err);
    EXPECT_EQ(err, CL_SUCCESS);
    return b;
  }
  cl_mem image_of(cl_mem buf, size_t w, size_t h, size_t pitch, cl_int* err_out = nullptr,
                  cl_image_format f = {CL_RGBA, CL_UNSIGNED_INT8}, cl_mem_flags flags = 0, size_t slice_pitch = 0) {
    cl_image_desc desc{};
    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = w;
    desc.image_height = h;
    desc.image_row_pitch = pitch;
    desc.image_slice_pitch = slice_pitch;
    desc.mem_object = buf;
    cl_int err;
    cl_mem m = clCreateImage(context, flags, &f, &desc, nullptr, &err);
    if (err_out) *err_out = err;
    else EXPECT_EQ(err, CL_SUCCESS);
    return m;
  }
  void run(cl_kernel k, cl_mem img, cl_mem data, size_t w, size_t h) {
    ASSERT_EQ(clSetKernelArg(k, 0, sizeof img, &img), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 1, sizeof data, &data), CL_SUCCESS);
    const size_t global[2] = {w, h};
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 2, nullptr, global, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  }
  std::vector<uint8_t> read_buffer(cl_mem b, size_t bytes) {
    std::vector<uint8_t> v(bytes);
    EXPECT_EQ(clEnqueueReadBuffer(queue, b, CL_TRUE, 0, bytes, v.data(), 0, nullptr, nullptr), CL_SUCCESS);
    return v;
  }
};

TEST_F(ClImage2dFromBuffer, DeviceAdvertisesIt) {
  EXPECT_NE(cltest::device_string(device, CL_DEVICE_EXTENSIONS).find("cl_khr_image2d_from_buffer"), std::string::npos);
  cl_uint pitch = 0, base = 0;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_IMAGE_PITCH_ALIGNMENT, sizeof pitch, &pitch, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT, sizeof base, &base, nullptr), CL_SUCCESS);
  // Non-zero powers of two (0 would mean no support).
  EXPECT_TRUE(pitch && !(pitch & (pitch - 1)));
  EXPECT_TRUE(base && !(base & (base - 1)));
}

// For a tight and two padded pitches (and a sub-buffer): every texel a kernel reads through the
// image is the buffer's bytes at y * pitch + x * 4; texels written through the image land there and
// nowhere else (the padding keeps its bytes); the host's image transfers see the buffer's writes.
TEST_F(ClImage2dFromBuffer, ImageAndBufferShareTheirBytes) {
  cl_kernel rd = build(kSource, "read_all");
  cl_kernel wr = clCreateKernel(program_, "write_all", nullptr);
  cl_kernel sz = clCreateKernel(program_, "sizes", nullptr);
  std::mt19937 rng(5);
  const size_t w = 37, h = 23, eb = 4;
  struct Case {
    size_t pitch;  // 0: width x element
    size_t origin; // sub-buffer origin, 0: the buffer itself
  };
  for (const Case c : {Case{0, 0}, Case{(w + 3) * eb, 0}, Case{(w + 64) * eb, 0}, Case{(w + 1) * eb, 256}}) {
    SCOPED_TRACE("pitch " + std::to_string(c.pitch) + " origin " + std::to_string(c.origin));
    const size_t pitch = c.pitch ? c.pitch : w * eb;
    const size_t bytes = c.origin + pitch * h + 64;
    std::vector<uint8_t> model(bytes);
    for (auto& b : model) b = uint8_t(rng());
    cl_mem whole = buffer(bytes, model.data());
    cl_mem buf = whole;
    if (c.origin) {
      cl_buffer_region r{c.origin, bytes - c.origin};
      cl_int err;
      buf = clCreateSubBuffer(whole, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
      ASSERT_EQ(err, CL_SUCCESS);
    }
    cl_mem img = image_of(buf, w, h, c.pitch);
    ASSERT_TRUE(img);

    size_t row = 0;
    cl_mem assoc = nullptr, ibuf = nullptr;
    ASSERT_EQ(clGetImageInfo(img, CL_IMAGE_ROW_PITCH, sizeof row, &row, nullptr), CL_SUCCESS);
    EXPECT_EQ(row, pitch);
    ASSERT_EQ(clGetMemObjectInfo(img, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof assoc, &assoc, nullptr), CL_SUCCESS);
    EXPECT_EQ(assoc, buf);
    ASSERT_EQ(clGetImageInfo(img, CL_IMAGE_BUFFER, sizeof ibuf, &ibuf, nullptr), CL_SUCCESS);
    EXPECT_EQ(ibuf, buf);

    // Sizes seen by a kernel.
    cl_mem sizes = buffer(8);
    ASSERT_EQ(clSetKernelArg(sz, 0, sizeof img, &img), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(sz, 1, sizeof sizes, &sizes), CL_SUCCESS);
    const size_t one = 1;
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, sz, 1, nullptr, &one, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
    auto s = read_buffer(sizes, 8);
    int32_t got_wh[2];
    std::memcpy(got_wh, s.data(), 8);
    EXPECT_EQ(got_wh[0], int32_t(w));
    EXPECT_EQ(got_wh[1], int32_t(h));

    // Kernel reads through the image = the buffer's bytes.
    cl_mem out = buffer(w * h * 16);
    run(rd, img, out, w, h);
    auto texels = read_buffer(out, w * h * 16);
    size_t bad = 0;
    for (size_t y = 0; y < h; ++y)
      for (size_t x = 0; x < w; ++x)
        for (size_t ch = 0; ch < 4; ++ch) {
          uint32_t v;
          std::memcpy(&v, texels.data() + (y * w + x) * 16 + ch * 4, 4);
          bad += v != model[c.origin + y * pitch + x * eb + ch];
        }
    EXPECT_EQ(bad, 0u) << "texels read through the image differ from the buffer";

    // Kernel writes through the image -> the buffer's rows; the padding and the bytes after keep theirs.
    std::vector<uint32_t> in(w * h * 4);
    for (auto& v : in) v = rng() & 0xff;
    cl_mem src = buffer(in.size() * 4, in.data());
    run(wr, img, src, w, h);
    for (size_t y = 0; y < h; ++y)
      for (size_t x = 0; x < w; ++x)
        for (size_t ch = 0; ch < 4; ++ch) model[c.origin + y * pitch + x * eb + ch] = uint8_t(in[(y * w + x) * 4 + ch]);
    EXPECT_EQ(read_buffer(whole, bytes), model) << "the buffer after a kernel wrote the image";

    // The host writes the buffer; a host image read and a kernel read see it.
    std::vector<uint8_t> fresh(pitch * h);
    for (auto& b : fresh) b = uint8_t(rng());
    ASSERT_EQ(clEnqueueWriteBuffer(queue, buf, CL_TRUE, 0, fresh.size(), fresh.data(), 0, nullptr, nullptr), CL_SUCCESS);
    std::vector<uint8_t> host(w * h * eb);
    const size_t origin[3] = {0, 0, 0}, region[3] = {w, h, 1};
    ASSERT_EQ(clEnqueueReadImage(queue, img, CL_TRUE, origin, region, 0, 0, host.data(), 0, nullptr, nullptr), CL_SUCCESS);
    for (size_t y = 0; y < h; ++y)
      ASSERT_EQ(std::memcmp(host.data() + y * w * eb, fresh.data() + y * pitch, w * eb), 0) << "row " << y;
    run(rd, img, out, w, h);
    texels = read_buffer(out, w * h * 16);
    bad = 0;
    for (size_t i = 0; i < w * h * 4; ++i) {
      uint32_t v;
      std::memcpy(&v, texels.data() + i * 4, 4);
      bad += v != fresh[(i / 4) / w * pitch + (i / 4) % w * eb + i % 4];
    }
    EXPECT_EQ(bad, 0u) << "a kernel read after the host wrote the buffer";

    // The host writes the image; the buffer shows it.
    std::vector<uint8_t> patch(3 * 2 * eb, 0xA5);
    const size_t porigin[3] = {5, 7, 0}, pregion[3] = {3, 2, 1};
    ASSERT_EQ(clEnqueueWriteImage(queue, img, CL_TRUE, porigin, pregion, 0, 0, patch.data(), 0, nullptr, nullptr),
              CL_SUCCESS);
    auto now = read_buffer(buf, pitch * h);
    for (size_t y = 7; y < 9; ++y)
      for (size_t x = 5 * eb; x < 8 * eb; ++x) EXPECT_EQ(now[y * pitch + x], 0xA5);

    clReleaseMemObject(src);
    clReleaseMemObject(out);
    clReleaseMemObject(sizes);
    clReleaseMemObject(img);
    if (buf != whole) clReleaseMemObject(buf);
    clReleaseMemObject(whole);
  }
  clReleaseKernel(wr);
  clReleaseKernel(sz);
}

// A float format read with read_imagef through a padded pitch: the values the host put in the buffer.
TEST_F(ClImage2dFromBuffer, FloatTexelsThroughAPaddedPitch) {
  cl_kernel k = build(R"(
__kernel void rd(read_only image2d_t img, __global float4* out) {
  int x = get_global_id(0), y = get_global_id(1);
  out[y * get_image_width(img) + x] = read_imagef(img, (int2)(x, y));
})", "rd");
  const size_t w = 9, h = 5, pitch = 16 * 4;  // CL_R CL_FLOAT: 4 bytes, 16 per row
  std::vector<float> data(pitch / 4 * h);
  for (size_t i = 0; i < data.size(); ++i) data[i] = float(i) * 0.25f - 3.0f;
  cl_mem buf = buffer(data.size() * 4, data.data());
  cl_mem img = image_of(buf, w, h, pitch, nullptr, {CL_R, CL_FLOAT}, CL_MEM_READ_ONLY);
  cl_mem out = buffer(w * h * 16);
  run(k, img, out, w, h);
  auto bytes = read_buffer(out, w * h * 16);
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x) {
      float v[4];
      std::memcpy(v, bytes.data() + (y * w + x) * 16, 16);
      EXPECT_EQ(v[0], data[y * (pitch / 4) + x]) << x << "," << y;
      EXPECT_EQ(v[1], 0.0f);
      EXPECT_EQ(v[3], 1.0f);
    }
  clReleaseMemObject(out);
  clReleaseMemObject(img);
  clReleaseMemObject(buf);
}

// OpenCL 3.0 clCreateImage: the pitch rules (CL_INVALID_IMAGE_DESCRIPTOR for a descriptor
// value that is not valid, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR when the buffer cannot hold the
// rows), host-pointer flags, a slice pitch, an image as the memory object.
TEST_F(ClImage2dFromBuffer, BadDescriptorsGetTheirErrorCodes) {
  cl_mem buf = buffer(4096);
  cl_int err;
  EXPECT_EQ(image_of(buf, 16, 16, 15 * 4, &err), nullptr);  // pitch below width x element
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  EXPECT_EQ(image_of(buf, 16, 16, 16 * 4 + 2, &err), nullptr);  // not a multiple of the element
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  cl_mem fits = image_of(buf, 16, 64, 0, &err);  // exactly 64 rows of 64 bytes: fits
  EXPECT_EQ(err, CL_SUCCESS);
  if (fits) clReleaseMemObject(fits);
  EXPECT_EQ(image_of(buf, 16, 65, 0, &err), nullptr);  // 65 x 64 bytes > 4096
  EXPECT_EQ(err, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
  EXPECT_EQ(image_of(buf, 16, 16, 300 * 4, &err), nullptr);  // 16 x 1200 bytes > 4096
  EXPECT_EQ(err, CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
  EXPECT_EQ(image_of(buf, 16, 16, 0, &err, {CL_RGBA, CL_UNSIGNED_INT8}, 0, 64 * 16), nullptr);  // a slice pitch
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  EXPECT_EQ(image_of(buf, 16, 16, 0, &err, {CL_RGBA, CL_UNSIGNED_INT8}, CL_MEM_COPY_HOST_PTR), nullptr);
  EXPECT_NE(err, CL_SUCCESS);
  EXPECT_EQ(image_of(buf, 0, 16, 0, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_SIZE);
  // A read-only buffer cannot back a writable image.
  cl_mem ro = buffer(4096, nullptr, CL_MEM_READ_ONLY);
  EXPECT_EQ(image_of(ro, 16, 16, 0, &err, {CL_RGBA, CL_UNSIGNED_INT8}, CL_MEM_WRITE_ONLY), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  // An image is not a buffer to make a 2D image from (image from image is not offered).
  cl_mem img = image_of(buf, 16, 16, 0);
  EXPECT_EQ(image_of(img, 16, 16, 0, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_IMAGE_DESCRIPTOR);
  clReleaseMemObject(img);
  clReleaseMemObject(ro);
  clReleaseMemObject(buf);
}

}  // namespace
