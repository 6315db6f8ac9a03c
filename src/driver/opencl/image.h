// Images and samplers (docs/opencl.md "Images"): cl_mem images over device memory laid out as the
// texture unit addresses them, the argument bytes a kernel reads for them
// (mica/compiler/kernel_image_abi.h), and sampler objects.
#pragma once

#include "memory.h"
#include "object.h"

#include <cstdint>
#include <vector>

namespace mica::cl {

// Device limits (all at least the OpenCL 3.0 full-profile minimums; the descriptor's 16-bit
// height, depth and layer fields allow more).
constexpr size_t kImage2dMaxSize = 16384;
constexpr size_t kImage3dMaxSize = 2048;
constexpr size_t kImageMaxArraySize = 2048;
constexpr size_t kImageMaxBufferSize = 1u << 27;   // elements of an image1d_buffer
// cl_khr_image2d_from_buffer, in pixels: any row pitch that is a multiple of the element size
// works (padded rows go through a packed copy, memory.h ImageInfo::packed), and the image uses the
// buffer's device memory, whose sub-buffer origins are 128-byte aligned, whatever host_ptr was.
constexpr cl_uint kImagePitchAlignment = 1, kImageBaseAddressAlignment = 1;
constexpr cl_uint kMaxReadImageArgs = 128, kMaxWriteImageArgs = 64, kMaxReadWriteImageArgs = 64, kMaxSamplers = 16;

// The bytes of an image argument (kernel_image_abi.h): descriptor, channel type and order, write
// clamps, the level-0 view's descriptor.
void image_arg_bytes(const Memory& image, uint8_t* out);

class Sampler : public Object {
public:
  using Handle = cl_sampler;
  static constexpr Kind kKind = Kind::Sampler;

  Sampler(Context* context, bool normalized, cl_addressing_mode addressing, cl_filter_mode filter,
          std::vector<cl_sampler_properties> properties);

  Context* context() const { return context_.get(); }
  bool normalized() const { return normalized_; }
  cl_addressing_mode addressing() const { return addressing_; }
  cl_filter_mode filter() const { return filter_; }
  const std::vector<cl_sampler_properties>& properties() const { return properties_; }
  // cl_khr_mipmap_image: how explicit LODs pick levels (defaults NEAREST, 0, MAXFLOAT).
  struct Mip {
    cl_filter_mode filter = CL_FILTER_NEAREST;
    float lod_min = 0.0f, lod_max = 3.402823466e+38f;
  };
  const Mip& mip() const { return mip_; }
  void set_mip(const Mip& m) { mip_ = m; }
  // The sampler argument's 32 bytes: its descriptor and its NEAREST twin (kernel_image_abi.h).
  void descriptor(uint8_t out[32]) const;

private:
  Ref<Context> context_;
  bool normalized_;
  cl_addressing_mode addressing_;
  cl_filter_mode filter_;
  Mip mip_;
  std::vector<cl_sampler_properties> properties_;
};

}  // namespace mica::cl
