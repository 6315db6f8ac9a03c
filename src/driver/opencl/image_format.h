// OpenCL image formats on the texture unit: which (channel order, channel type) pairs the device
// supports, the Mica texel format and view swizzle each one is, and the host-side encoding of a
// fill colour (docs/opencl.md "Images").
#pragma once

#include "cl_api.h"

#include <cstdint>
#include <span>

namespace mica::cl {

struct ImageFormat {
  cl_channel_order order;
  cl_channel_type type;
  uint32_t mica;        // enum mica_texel_format
  uint8_t swizzle[4];   // enum mica_swizzle for R, G, B, A
  bool writable;        // kernels may write it (the unit ignores the swizzle on stores)
};

// Every supported format, in the order clGetSupportedImageFormats reports them.
std::span<const ImageFormat> image_formats();
// The supported format of a descriptor, or null.
const ImageFormat* find_image_format(const cl_image_format& f);
// Whether (order, type) is a combination OpenCL defines (else CL_INVALID_IMAGE_FORMAT_DESCRIPTOR).
bool valid_image_format(const cl_image_format& f);
// Whether a supported format may be used for an image type (CL_DEPTH: 2D and 2D array only).
bool image_format_allowed(const ImageFormat& f, cl_mem_object_type type);
// Bytes of one element (texel) of a supported format.
size_t image_element_bytes(const ImageFormat& f);
// Channels of an order (CL_R: 1 ... CL_RGBA: 4; CL_RGB with packed types: 3).
unsigned image_channel_count(cl_channel_order order);

// clEnqueueFillImage: the texel bytes of a fill colour (float4 / int4 / uint4 as the channel type
// asks), converted as write_imagef / write_imagei / write_imageui convert (OpenCL 3.0 8.3).
// Returns the element size written to out (at most 16 bytes).
size_t encode_fill_color(const ImageFormat& f, const void* color, uint8_t out[16]);

// The 16 bytes of an image argument that follow its descriptor (kernel_image_abi.h).
void image_arg_format_words(const ImageFormat& f, uint32_t out[4]);

}  // namespace mica::cl
