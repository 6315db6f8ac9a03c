// How OpenCL image and sampler kernel arguments reach the texture unit (docs/compiler.md "Kernel
// images", docs/opencl.md "Images"): the contract between the compiler's Kernel-model image path
// (spirv_kernel_image.cpp) and the OpenCL driver, which writes these bytes into the argument block.
//
// Descriptors travel inline in the argument block rather than behind a pointer: the argument block
// is already in memory the kernel reads with scalar loads, so an image costs one s_load_b256 and
// needs no descriptor allocation whose lifetime the driver would have to track per enqueue.
#pragma once

#include <cstdint>

#include "mica_hw.h"

namespace mica::compiler::kernel_image {

// An image argument: the 32-byte image descriptor, then what the descriptor does not say, then
// the descriptor of the image's level 0 alone (kImageLevel0Desc).
constexpr uint32_t kImageArgBytes = 80;
constexpr uint32_t kImageArgAlign = 16;
constexpr uint32_t kImageChannelDataType = 32;   // u32: SPIR-V ImageChannelDataType (CL enum - 0x10D0)
constexpr uint32_t kImageChannelOrder = 36;      // u32: SPIR-V ImageChannelOrder (CL enum - 0x10B0)
// write_imageui / write_imagei saturate to the channel type (OpenCL 3.0 8.3.2); the unit keeps
// the low bits (Vulkan's rule), so the kernel clamps every integer texel with these first:
// x = umin(smin(smax(x, -max - 1), max), umax). SPIR-V before 1.4 cannot say whether a write was
// write_imagei or write_imageui, so the bounds of the other signedness are the identity.
constexpr uint32_t kImageUintMax = 40;           // u32: 255 / 65535 for UNSIGNED_INT8 / 16, else 0xffffffff
constexpr uint32_t kImageIntMax = 44;            // i32: 127 / 32767 for SIGNED_INT8 / 16, else INT32_MAX

// The image's descriptor with VIEW_LEVELS 1 (the same as the first for a one-level image). The
// read functions without an explicit LOD read level 0 of a mipmapped image (cl_khr_mipmap_image)
// and are used with unnormalized samplers, which the unit refuses on views of several levels:
// they sample this view.
constexpr uint32_t kImageLevel0Desc = 48;
// A sampler argument: the 16-byte sampler descriptor, then the same sampler with NEAREST
// filtering. read_imagei / read_imageui with a LINEAR sampler are undefined in OpenCL, and the
// unit faults on linear filtering of integer formats: integer-result samples use the second.
constexpr uint32_t kSamplerArgBytes = 32;
constexpr uint32_t kSamplerArgAlign = 16;
constexpr uint32_t kSamplerNearest = 16;

// SPIR-V SamplerAddressingMode / CL_ADDRESS_* - 0x1130, SamplerFilterMode / CL_FILTER_* - 0x1140.
enum class Addressing : uint32_t { none = 0, clamp_to_edge = 1, clamp = 2, repeat = 3, mirrored_repeat = 4 };
enum class Filter : uint32_t { nearest = 0, linear = 1 };

// The sampler descriptor of an OpenCL sampler. Where the unit's rules differ from OpenCL's:
// CLK_ADDRESS_NONE (out-of-range reads undefined) is CLAMP_TO_EDGE, which never leaves the image;
// CLK_ADDRESS_CLAMP is CLAMP_TO_BORDER with transparent black, and the unit's rule that a border
// texel lacks the components its format lacks (alpha 1) gives OpenCL's (0, 0, 0, 1) border for
// CL_R / CL_RG / CL_RGB / CL_LUMINANCE; REPEAT and MIRRORED_REPEAT with unnormalized coordinates
// (undefined in OpenCL, refused by the unit) are CLAMP_TO_EDGE. LODs (cl_khr_mipmap_image): a
// normalized sampler clamps explicit LODs to [min_lod, max_lod] (defaults 0 and the largest
// level any image has) and picks levels by mip_filter; an unnormalized one reads level 0 only.
constexpr float kMaxLod = 16.0f;
inline void encode_sampler(bool normalized, Addressing addressing, Filter filter, uint32_t dw[4],
                           Filter mip_filter = Filter::nearest, float min_lod = 0.0f, float max_lod = kMaxLod)
{
	uint32_t mode = MICA_ADDRESS_MODE_CLAMP_TO_EDGE;
	switch (addressing) {
	case Addressing::none:
	case Addressing::clamp_to_edge: mode = MICA_ADDRESS_MODE_CLAMP_TO_EDGE; break;
	case Addressing::clamp: mode = MICA_ADDRESS_MODE_CLAMP_TO_BORDER; break;
	case Addressing::repeat: mode = normalized ? MICA_ADDRESS_MODE_REPEAT : MICA_ADDRESS_MODE_CLAMP_TO_EDGE; break;
	case Addressing::mirrored_repeat:
		mode = normalized ? MICA_ADDRESS_MODE_MIRRORED_REPEAT : MICA_ADDRESS_MODE_CLAMP_TO_EDGE;
		break;
	}
	const uint32_t f = filter == Filter::linear ? MICA_FILTER_LINEAR : MICA_FILTER_NEAREST;
	dw[0] = f << MICA_SMPDESC_MAG_FILTER_SHIFT | f << MICA_SMPDESC_MIN_FILTER_SHIFT |
	        mode << MICA_SMPDESC_ADDRESS_U_SHIFT | mode << MICA_SMPDESC_ADDRESS_V_SHIFT |
	        mode << MICA_SMPDESC_ADDRESS_W_SHIFT |
	        (uint32_t)MICA_BORDER_COLOR_FLOAT_TRANSPARENT_BLACK << MICA_SMPDESC_BORDER_COLOR_SHIFT |
	        (normalized ? 0u : 1u) << MICA_SMPDESC_UNNORMALIZED_SHIFT |
	        (normalized && mip_filter == Filter::linear ? 1u : 0u) << MICA_SMPDESC_MIPMAP_MODE_SHIFT;
	if (!normalized)
		min_lod = max_lod = 0.0f;
	dw[1] = 0;   // LOD bias
	__builtin_memcpy(&dw[2], &min_lod, 4);
	__builtin_memcpy(&dw[3], &max_lod, 4);
}

} // namespace mica::compiler::kernel_image
