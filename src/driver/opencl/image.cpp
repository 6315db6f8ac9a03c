#include "image.h"

#include "backend.h"
#include "context.h"
#include "device.h"
#include "image_format.h"
#include "info.h"

#include "mica/compiler/kernel_image_abi.h"
#include "mica_image.h"

#include <algorithm>
#include <cstring>

namespace mica::cl {

size_t ImageInfo::extent(unsigned d) const {
  switch (type) {
  case CL_MEM_OBJECT_IMAGE1D:
  case CL_MEM_OBJECT_IMAGE1D_BUFFER: return d == 0 ? width : 1;
  case CL_MEM_OBJECT_IMAGE1D_ARRAY: return d == 0 ? width : d == 1 ? array_size : 1;
  case CL_MEM_OBJECT_IMAGE2D: return d == 0 ? width : d == 1 ? height : 1;
  case CL_MEM_OBJECT_IMAGE2D_ARRAY: return d == 0 ? width : d == 1 ? height : array_size;
  default: return d == 0 ? width : d == 1 ? height : depth;
  }
}

unsigned ImageInfo::mip_origin_index() const {
  switch (type) {
  case CL_MEM_OBJECT_IMAGE1D:
  case CL_MEM_OBJECT_IMAGE1D_BUFFER: return 1;
  case CL_MEM_OBJECT_IMAGE1D_ARRAY:
  case CL_MEM_OBJECT_IMAGE2D: return 2;
  default: return 3;
  }
}

ImageInfo ImageInfo::level_info(uint32_t level, size_t& offset) const {
  ImageInfo l = *this;
  offset = 0;
  if (levels <= 1) return l;
  mica_image_level layout{};
  mica_image_level_layout(fmt->mica, MICA_IMAGE_TILING_LINEAR, uint32_t(width), uint32_t(height ? height : 1),
                          uint32_t(depth ? depth : 1), uint32_t(array_size ? array_size : 1), level, &layout);
  offset = size_t(layout.offset);
  l.width = layout.width;
  if (height) l.height = layout.height;
  if (depth) l.depth = layout.depth;
  l.row_pitch = size_t(layout.row_pitch);
  l.slice_pitch = type == CL_MEM_OBJECT_IMAGE3D ? size_t(layout.slice_pitch) : array_size ? size_t(layout.layer_pitch) : 0;
  l.levels = 1;
  return l;
}

namespace {

uint32_t mica_image_type(cl_mem_object_type t) {
  switch (t) {
  case CL_MEM_OBJECT_IMAGE1D: return MICA_IMAGE_TYPE_1D;
  case CL_MEM_OBJECT_IMAGE1D_BUFFER: return MICA_IMAGE_TYPE_BUFFER;
  case CL_MEM_OBJECT_IMAGE1D_ARRAY: return MICA_IMAGE_TYPE_1D_ARRAY;
  case CL_MEM_OBJECT_IMAGE2D: return MICA_IMAGE_TYPE_2D;
  case CL_MEM_OBJECT_IMAGE2D_ARRAY: return MICA_IMAGE_TYPE_2D_ARRAY;
  default: return MICA_IMAGE_TYPE_3D;
  }
}

bool is_image_type(cl_mem_object_type t) {
  return t == CL_MEM_OBJECT_IMAGE1D || t == CL_MEM_OBJECT_IMAGE1D_BUFFER || t == CL_MEM_OBJECT_IMAGE1D_ARRAY ||
         t == CL_MEM_OBJECT_IMAGE2D || t == CL_MEM_OBJECT_IMAGE2D_ARRAY || t == CL_MEM_OBJECT_IMAGE3D;
}

constexpr cl_mem_flags kAccess = CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY;

cl_mem create_image(cl_context context, const cl_mem_properties* properties, cl_mem_flags flags,
                    const cl_image_format* format, const cl_image_desc* desc, void* host_ptr, cl_int* err) {
  Context* c = checked<Context>(context);
  if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
  std::vector<cl_mem_properties> props;
  if (properties) {
    if (properties[0] != 0) return *err = CL_INVALID_PROPERTY, nullptr;
    props.push_back(0);
  }
  if ((*err = check_mem_flags(flags)) != CL_SUCCESS) return nullptr;
  if (!format || !valid_image_format(*format)) return *err = CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, nullptr;
  if (!desc || !is_image_type(desc->image_type)) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  if (desc->num_samples != 0) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  const cl_mem_object_type type = desc->image_type;
  // cl_khr_mipmap_image: up to the full chain, not for image buffers or images from buffers, and
  // with no host memory to take levels from.
  const uint32_t levels = std::max<cl_uint>(1, desc->num_mip_levels);
  if (levels > 1 && (type == CL_MEM_OBJECT_IMAGE1D_BUFFER || desc->mem_object || host_ptr))
    return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  // A 1D image buffer, or a 2D image from a buffer (cl_khr_image2d_from_buffer): views of the
  // buffer's bytes. (A 2D image from another image is not offered.)
  const bool from_buffer = type == CL_MEM_OBJECT_IMAGE1D_BUFFER;
  const bool image2d_from_buffer = type == CL_MEM_OBJECT_IMAGE2D && desc->mem_object;
  Memory* buffer = nullptr;
  if (from_buffer || image2d_from_buffer) {
    buffer = checked<Memory>(desc->mem_object);
    if (!buffer || buffer->image() || buffer->context() != c) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  } else if (desc->mem_object) {
    return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  }
  const bool has_h = type == CL_MEM_OBJECT_IMAGE2D || type == CL_MEM_OBJECT_IMAGE2D_ARRAY || type == CL_MEM_OBJECT_IMAGE3D;
  const bool has_d = type == CL_MEM_OBJECT_IMAGE3D;
  const bool arrayed = type == CL_MEM_OBJECT_IMAGE1D_ARRAY || type == CL_MEM_OBJECT_IMAGE2D_ARRAY;
  if (desc->image_width == 0 || (has_h && desc->image_height == 0) || (has_d && desc->image_depth == 0) ||
      (arrayed && desc->image_array_size == 0))
    return *err = CL_INVALID_IMAGE_SIZE, nullptr;
  const size_t w = desc->image_width, h = has_h ? desc->image_height : 1, d = has_d ? desc->image_depth : 1;
  const size_t layers = arrayed ? desc->image_array_size : 1;
  const size_t max_w = type == CL_MEM_OBJECT_IMAGE3D ? kImage3dMaxSize
                       : from_buffer                 ? kImageMaxBufferSize
                                                     : kImage2dMaxSize;
  if (w > max_w || h > (has_d ? kImage3dMaxSize : kImage2dMaxSize) || d > kImage3dMaxSize || layers > kImageMaxArraySize)
    return *err = CL_INVALID_IMAGE_SIZE, nullptr;
  if (levels > mica_image_max_levels(uint32_t(w), uint32_t(h), uint32_t(d)))
    return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;

  // Host pointer and pitches.
  const bool wants_host_ptr = flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR);
  const ImageFormat* fmt = find_image_format(*format);
  const size_t elem = fmt ? image_element_bytes(*fmt) : 0;
  size_t host_row = desc->image_row_pitch, host_slice = desc->image_slice_pitch;
  if (image2d_from_buffer) {
    // OpenCL 3.0 5.3.1.2: the row pitch is 0 (width x element) or at least that, a multiple of
    // the element size and of CL_DEVICE_IMAGE_PITCH_ALIGNMENT pixels (1 here), and the buffer
    // holds height rows of it. No slice pitch for a 2D image.
    if (host_slice) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
    if (fmt && host_row && (host_row < w * elem || host_row % (elem * kImagePitchAlignment)))
      return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  } else if (!host_ptr && !from_buffer && (host_row || host_slice)) {
    return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
  }
  if (fmt && host_ptr) {
    if (host_row == 0) host_row = w * elem;
    else if (host_row < w * elem || host_row % elem) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
    const size_t rows = type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? 1 : h;
    if (has_d || arrayed) {
      if (host_slice == 0) host_slice = host_row * rows;
      else if (host_slice < host_row * rows || host_slice % host_row) return *err = CL_INVALID_IMAGE_DESCRIPTOR, nullptr;
    }
  }
  if (wants_host_ptr != (host_ptr != nullptr)) return *err = CL_INVALID_HOST_PTR, nullptr;
  if ((from_buffer || image2d_from_buffer) && (flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR | CL_MEM_ALLOC_HOST_PTR)))
    return *err = CL_INVALID_VALUE, nullptr;
  if (!fmt || !image_format_allowed(*fmt, type)) return *err = CL_IMAGE_FORMAT_NOT_SUPPORTED, nullptr;
  // Kernels may write the image unless it is CL_MEM_READ_ONLY (no access flag means READ_WRITE):
  // the read-only formats are not supported then, as clGetSupportedImageFormats says.
  if (!(flags & CL_MEM_READ_ONLY) && !fmt->writable) return *err = CL_IMAGE_FORMAT_NOT_SUPPORTED, nullptr;

  ImageInfo info;
  info.type = type;
  info.format = *format;
  info.fmt = fmt;
  info.width = w;
  info.height = has_h ? h : 0;
  info.depth = has_d ? d : 0;
  info.array_size = arrayed ? layers : 0;
  info.element_bytes = elem;
  info.levels = levels;
  info.num_mip_levels = desc->num_mip_levels;
  mica_image_level level{};
  mica_image_level_layout(fmt->mica, MICA_IMAGE_TILING_LINEAR, uint32_t(from_buffer ? 1 : w), uint32_t(h), uint32_t(d),
                          uint32_t(layers), 0, &level);
  info.row_pitch = from_buffer ? w * elem : level.row_pitch;
  info.slice_pitch = type == CL_MEM_OBJECT_IMAGE3D ? level.slice_pitch : arrayed ? level.layer_pitch : 0;
  uint64_t bytes = from_buffer ? uint64_t(w) * elem
                               : mica_image_size(fmt->mica, MICA_IMAGE_TILING_LINEAR, uint32_t(w), uint32_t(h),
                                                 uint32_t(d), uint32_t(layers), levels);
  if (image2d_from_buffer) {
    const size_t pitch = host_row ? host_row : w * elem;
    // The rules for 2D images from buffers (pitch, base address alignment, the buffer's size):
    // CL_INVALID_IMAGE_FORMAT_DESCRIPTOR (OpenCL 3.0 clCreateImage errors).
    if (uint64_t(pitch) * h > buffer->size()) return *err = CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, nullptr;
    if (pitch != info.row_pitch) {
      device::Screen* s = screen();
      if (!s) return *err = CL_DEVICE_NOT_AVAILABLE, nullptr;
      std::unique_ptr<device::Buffer> packed;
      if (device::Status st = s->create_buffer((bytes + 3) & ~uint64_t(3), device::BufferUsage::device_local, packed);
          st != device::Status::ok) {
        *err = st == device::Status::out_of_host_memory ? CL_OUT_OF_HOST_MEMORY : CL_MEM_OBJECT_ALLOCATION_FAILURE;
        return nullptr;
      }
      info.packed = std::move(packed);
    }
    info.row_pitch = pitch;
    bytes = uint64_t(pitch) * h;
  }

  if (from_buffer || image2d_from_buffer) {
    // The image is a view of the buffer's bytes (CL_MEM_ASSOCIATED_MEMOBJECT); flags narrow the buffer's.
    const cl_mem_flags bf = buffer->flags();
    if (((bf & CL_MEM_WRITE_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY))) ||
        ((bf & CL_MEM_READ_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY))) ||
        ((bf & CL_MEM_HOST_WRITE_ONLY) && (flags & CL_MEM_HOST_READ_ONLY)) ||
        ((bf & CL_MEM_HOST_READ_ONLY) && (flags & CL_MEM_HOST_WRITE_ONLY)) ||
        ((bf & CL_MEM_HOST_NO_ACCESS) && (flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_WRITE_ONLY))))
      return *err = CL_INVALID_VALUE, nullptr;
    if (from_buffer && bytes > buffer->size()) return *err = CL_INVALID_IMAGE_SIZE, nullptr;
    if (!(flags & kAccess)) flags |= bf & kAccess;
    if (!(flags & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)))
      flags |= bf & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS);
    auto* m = new Memory(buffer, flags, buffer->origin(), size_t(bytes));
    m->set_image(info);
    return to_handle(m);
  }
  if (!(flags & kAccess)) flags |= CL_MEM_READ_WRITE;
  for (Device* dev : c->devices())
    if (bytes > dev->max_alloc_bytes()) return *err = CL_INVALID_IMAGE_SIZE, nullptr;
  device::Screen* s = screen();
  if (!s) return *err = CL_DEVICE_NOT_AVAILABLE, nullptr;
  std::unique_ptr<device::Buffer> storage;
  if (device::Status st = s->create_buffer((bytes + 3) & ~uint64_t(3), device::BufferUsage::host_visible, storage);
      st != device::Status::ok) {
    *err = st == device::Status::out_of_host_memory ? CL_OUT_OF_HOST_MEMORY : CL_MEM_OBJECT_ALLOCATION_FAILURE;
    return nullptr;
  }
  if (host_ptr) {
    // Rows from the application's pitches into the tight layout.
    const size_t rows = info.extent(1), slices = info.extent(2);
    for (size_t z = 0; z < slices; ++z)
      for (size_t y = 0; y < rows; ++y) {
        const size_t src = type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? y * host_slice : z * host_slice + y * host_row;
        std::memcpy(storage->cpu() + z * info.slice_pitch + y * info.row_pitch, static_cast<const uint8_t*>(host_ptr) + src,
                    w * elem);
      }
  }
  void* kept_ptr = (flags & CL_MEM_USE_HOST_PTR) ? host_ptr : nullptr;
  auto* m = new Memory(c, flags, size_t(bytes), kept_ptr, std::shared_ptr<device::Buffer>(std::move(storage)),
                       std::move(props));
  m->set_image(info);
  return to_handle(m);
}

cl_mem create_image_nd(cl_context context, cl_mem_flags flags, const cl_image_format* format, cl_mem_object_type type,
                       size_t w, size_t h, size_t d, size_t row_pitch, size_t slice_pitch, void* host_ptr, cl_int* err) {
  cl_image_desc desc{};
  desc.image_type = type;
  desc.image_width = w;
  desc.image_height = h;
  desc.image_depth = d;
  desc.image_row_pitch = row_pitch;
  desc.image_slice_pitch = slice_pitch;
  return create_image(context, nullptr, flags, format, &desc, host_ptr, err);
}

bool valid_addressing(cl_addressing_mode a) { return a >= CL_ADDRESS_NONE && a <= CL_ADDRESS_MIRRORED_REPEAT; }
bool valid_filter(cl_filter_mode f) { return f == CL_FILTER_NEAREST || f == CL_FILTER_LINEAR; }

}  // namespace

void image_arg_bytes(const Memory& image, uint8_t* out) {
  const ImageInfo& info = *image.image();
  mica_image_desc d{};
  d.addr = info.packed ? info.packed->va() : image.va();
  d.format = info.fmt->mica;
  d.type = mica_image_type(info.type);
  d.tiling = MICA_IMAGE_TILING_LINEAR;
  d.width = uint32_t(info.width);
  d.height = uint32_t(info.height ? info.height : 1);
  d.depth = uint32_t(info.depth ? info.depth : 1);
  d.layers = uint32_t(info.array_size ? info.array_size : 1);
  d.base_layer = 0;
  d.view_layers = d.layers;
  d.base_level = 0;
  d.view_levels = info.levels;
  for (int i = 0; i < 4; ++i) d.swizzle[i] = info.fmt->swizzle[i];
  namespace ki = compiler::kernel_image;
  static_assert(ki::kImageArgBytes == 80 && ki::kImageLevel0Desc == 48);
  uint32_t dw[ki::kImageArgBytes / 4];
  mica_image_desc_encode(&d, dw);
  image_arg_format_words(*info.fmt, dw + 8);
  d.view_levels = 1;  // the level-0 view (kernel_image_abi.h)
  mica_image_desc_encode(&d, dw + ki::kImageLevel0Desc / 4);
  std::memcpy(out, dw, sizeof dw);
}

Sampler::Sampler(Context* context, bool normalized, cl_addressing_mode addressing, cl_filter_mode filter,
                 std::vector<cl_sampler_properties> properties)
    : Object(Kind::Sampler), context_(context), normalized_(normalized), addressing_(addressing), filter_(filter),
      properties_(std::move(properties)) {}

void Sampler::descriptor(uint8_t out[32]) const {
  namespace ki = compiler::kernel_image;
  uint32_t dw[8];
  const auto addressing = ki::Addressing(addressing_ - CL_ADDRESS_NONE);
  // The unit's MAX_LOD is an f32 like OpenCL's; levels past the image's last are clamped anyway.
  const auto mip = ki::Filter(mip_.filter - CL_FILTER_NEAREST);
  const float lo = mip_.lod_min, hi = std::min(mip_.lod_max, ki::kMaxLod);
  ki::encode_sampler(normalized_, addressing, ki::Filter(filter_ - CL_FILTER_NEAREST), dw, mip, lo, hi);
  ki::encode_sampler(normalized_, addressing, ki::Filter::nearest, dw + 4, ki::Filter::nearest, lo, hi);
  std::memcpy(out, dw, sizeof dw);
}

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_mem CL_API_CALL clCreateImage(cl_context context, cl_mem_flags flags, const cl_image_format* image_format,
                                             const cl_image_desc* image_desc, void* host_ptr, cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_image(context, nullptr, flags, image_format, image_desc, host_ptr, err);
  });
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImageWithProperties(cl_context context, const cl_mem_properties* properties,
                                                           cl_mem_flags flags, const cl_image_format* image_format,
                                                           const cl_image_desc* image_desc, void* host_ptr,
                                                           cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_image(context, properties, flags, image_format, image_desc, host_ptr, err);
  });
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImage2D(cl_context context, cl_mem_flags flags, const cl_image_format* image_format,
                                               size_t image_width, size_t image_height, size_t image_row_pitch,
                                               void* host_ptr, cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_image_nd(context, flags, image_format, CL_MEM_OBJECT_IMAGE2D, image_width, image_height, 0,
                           image_row_pitch, 0, host_ptr, err);
  });
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImage3D(cl_context context, cl_mem_flags flags, const cl_image_format* image_format,
                                               size_t image_width, size_t image_height, size_t image_depth,
                                               size_t image_row_pitch, size_t image_slice_pitch, void* host_ptr,
                                               cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_image_nd(context, flags, image_format, CL_MEM_OBJECT_IMAGE3D, image_width, image_height, image_depth,
                           image_row_pitch, image_slice_pitch, host_ptr, err);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetSupportedImageFormats(cl_context context, cl_mem_flags flags,
                                                          cl_mem_object_type image_type, cl_uint num_entries,
                                                          cl_image_format* image_formats_out, cl_uint* num_image_formats) {
  return guarded([&]() -> cl_int {
    if (!checked<Context>(context)) return CL_INVALID_CONTEXT;
    if (check_mem_flags(flags & ~cl_mem_flags(CL_MEM_KERNEL_READ_AND_WRITE)) != CL_SUCCESS) return CL_INVALID_VALUE;
    if (!is_image_type(image_type)) return CL_INVALID_VALUE;
    if (num_entries == 0 && image_formats_out) return CL_INVALID_VALUE;
    // Kernels may write an image unless it is CL_MEM_READ_ONLY: only formats the unit stores.
    const bool writes = (flags & (CL_MEM_WRITE_ONLY | CL_MEM_READ_WRITE | CL_MEM_KERNEL_READ_AND_WRITE)) ||
                        !(flags & CL_MEM_READ_ONLY);
    cl_uint n = 0;
    for (const ImageFormat& f : image_formats()) {
      if ((writes && !f.writable) || !image_format_allowed(f, image_type)) continue;
      if (image_formats_out && n < num_entries) image_formats_out[n] = cl_image_format{f.order, f.type};
      ++n;
    }
    if (num_image_formats) *num_image_formats = n;
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetImageInfo(cl_mem image, cl_image_info param_name, size_t param_value_size,
                                              void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Memory* m = checked<Memory>(image);
    if (!m || !m->image()) return CL_INVALID_MEM_OBJECT;
    const ImageInfo& i = *m->image();
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_IMAGE_FORMAT: return out.scalar(i.format);
    case CL_IMAGE_ELEMENT_SIZE: return out.scalar(i.element_bytes);
    case CL_IMAGE_ROW_PITCH: return out.scalar(i.row_pitch);
    case CL_IMAGE_SLICE_PITCH: return out.scalar(i.slice_pitch);
    case CL_IMAGE_WIDTH: return out.scalar(i.width);
    case CL_IMAGE_HEIGHT: return out.scalar(i.height);
    case CL_IMAGE_DEPTH: return out.scalar(i.depth);
    case CL_IMAGE_ARRAY_SIZE: return out.scalar(i.array_size);
    case CL_IMAGE_BUFFER:
      return out.scalar(m->parent() ? to_handle(m->parent()) : cl_mem(nullptr));  // 1D buffer, 2D from buffer
    case CL_IMAGE_NUM_MIP_LEVELS: return out.scalar(cl_uint(i.num_mip_levels));
    case CL_IMAGE_NUM_SAMPLES: return out.scalar(cl_uint(0));
    default: return CL_INVALID_VALUE;
    }
  });
}

namespace {
cl_sampler create_sampler(cl_context context, const cl_sampler_properties* properties, cl_bool normalized,
                          cl_addressing_mode addressing, cl_filter_mode filter, bool from_properties, cl_int* err) {
  Context* c = checked<Context>(context);
  if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
  std::vector<cl_sampler_properties> props;
  Sampler::Mip mip;
  if (from_properties && properties) {
    bool seen[6] = {};
    for (const cl_sampler_properties* p = properties; *p; p += 2) {
      const cl_sampler_properties value = p[1];
      switch (p[0]) {
      case CL_SAMPLER_NORMALIZED_COORDS:
        if (seen[0] || (value != CL_TRUE && value != CL_FALSE)) return *err = CL_INVALID_VALUE, nullptr;
        seen[0] = true;
        normalized = cl_bool(value);
        break;
      case CL_SAMPLER_ADDRESSING_MODE:
        if (seen[1]) return *err = CL_INVALID_VALUE, nullptr;
        seen[1] = true;
        addressing = cl_addressing_mode(value);
        break;
      case CL_SAMPLER_FILTER_MODE:
        if (seen[2]) return *err = CL_INVALID_VALUE, nullptr;
        seen[2] = true;
        filter = cl_filter_mode(value);
        break;
      // cl_khr_mipmap_image
      case CL_SAMPLER_MIP_FILTER_MODE_KHR:
        if (seen[3] || !valid_filter(cl_filter_mode(value))) return *err = CL_INVALID_VALUE, nullptr;
        seen[3] = true;
        mip.filter = cl_filter_mode(value);
        break;
      case CL_SAMPLER_LOD_MIN_KHR:
      case CL_SAMPLER_LOD_MAX_KHR: {
        const bool is_min = p[0] == CL_SAMPLER_LOD_MIN_KHR;
        if (seen[is_min ? 4 : 5]) return *err = CL_INVALID_VALUE, nullptr;
        seen[is_min ? 4 : 5] = true;
        // The value is a cl_float in the property's low bytes.
        float f;
        const auto bits = uint32_t(uint64_t(value));
        std::memcpy(&f, &bits, 4);
        if (!(f >= 0.0f)) return *err = CL_INVALID_VALUE, nullptr;
        (is_min ? mip.lod_min : mip.lod_max) = f;
        break;
      }
      default: return *err = CL_INVALID_VALUE, nullptr;
      }
      props.push_back(p[0]);
      props.push_back(p[1]);
    }
    props.push_back(0);
  }
  if ((normalized != CL_TRUE && normalized != CL_FALSE) || !valid_addressing(addressing) || !valid_filter(filter) ||
      mip.lod_min > mip.lod_max)
    return *err = CL_INVALID_VALUE, nullptr;
  auto* s = new Sampler(c, normalized == CL_TRUE, addressing, filter, std::move(props));
  s->set_mip(mip);
  return to_handle(s);
}
}  // namespace

CL_API_ENTRY cl_sampler CL_API_CALL clCreateSampler(cl_context context, cl_bool normalized_coords,
                                                   cl_addressing_mode addressing_mode, cl_filter_mode filter_mode,
                                                   cl_int* errcode_ret) {
  return guarded_create<cl_sampler>(errcode_ret, [&](cl_int* err) {
    return create_sampler(context, nullptr, normalized_coords, addressing_mode, filter_mode, false, err);
  });
}

CL_API_ENTRY cl_sampler CL_API_CALL clCreateSamplerWithProperties(cl_context context,
                                                                 const cl_sampler_properties* sampler_properties,
                                                                 cl_int* errcode_ret) {
  return guarded_create<cl_sampler>(errcode_ret, [&](cl_int* err) {
    // Defaults (OpenCL 3.0 5.8.1): normalized, CLAMP, NEAREST.
    return create_sampler(context, sampler_properties, CL_TRUE, CL_ADDRESS_CLAMP, CL_FILTER_NEAREST, true, err);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainSampler(cl_sampler sampler) {
  Sampler* s = checked<Sampler>(sampler);
  if (!s) return CL_INVALID_SAMPLER;
  s->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseSampler(cl_sampler sampler) {
  Sampler* s = checked<Sampler>(sampler);
  if (!s) return CL_INVALID_SAMPLER;
  s->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clGetSamplerInfo(cl_sampler sampler, cl_sampler_info param_name, size_t param_value_size,
                                                void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Sampler* s = checked<Sampler>(sampler);
    if (!s) return CL_INVALID_SAMPLER;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_SAMPLER_REFERENCE_COUNT: return out.scalar(s->ref_count());
    case CL_SAMPLER_CONTEXT: return out.scalar(to_handle(s->context()));
    case CL_SAMPLER_NORMALIZED_COORDS: return out.scalar(cl_bool(s->normalized() ? CL_TRUE : CL_FALSE));
    case CL_SAMPLER_ADDRESSING_MODE: return out.scalar(s->addressing());
    case CL_SAMPLER_FILTER_MODE: return out.scalar(s->filter());
    case CL_SAMPLER_PROPERTIES: return out.array(s->properties());
    case CL_SAMPLER_MIP_FILTER_MODE_KHR: return out.scalar(s->mip().filter);
    case CL_SAMPLER_LOD_MIN_KHR: return out.scalar(cl_float(s->mip().lod_min));
    case CL_SAMPLER_LOD_MAX_KHR: return out.scalar(cl_float(s->mip().lod_max));
    default: return CL_INVALID_VALUE;
    }
  });
}
