// Image transfers: read/write/copy/fill, image <-> buffer copies and maps. Validated at enqueue
// with the documented CL_INVALID_* codes; the work runs on the executor in command order through
// the images' CPU mappings (device memory is host visible and coherent), rows at a time, since
// an image is LINEAR in memory (image.h).
#include "backend.h"
#include "context.h"
#include "image.h"
#include "image_format.h"
#include "queue.h"

#include <array>
#include <cstring>

namespace mica::cl {
namespace {

// A box of texels in some linear memory: where (0, 0, 0) is, and the steps of y and z in bytes.
struct Box {
  size_t base, y_step, z_step;
  size_t at(size_t y, size_t z) const { return base + y * y_step + z * z_step; }
};

// An image region at one mip level (cl_khr_mipmap_image: origin[ImageInfo::mip_origin_index()]
// names the level of a mipmapped image): that level's fields, the origin inside it, its offset.
struct Level {
  ImageInfo info;
  size_t origin[3];
  size_t offset;
};

Box image_box(const Level& l) {
  const ImageInfo& i = l.info;
  return {l.offset + l.origin[0] * i.element_bytes + l.origin[1] * i.row_pitch + l.origin[2] * i.slice_pitch,
          i.row_pitch, i.slice_pitch};
}

// Copies region (x in bytes) between two boxes of possibly different memories (rows may not overlap).
void copy_box(uint8_t* dst, const Box& d, const uint8_t* src, const Box& s, size_t row_bytes, size_t rows, size_t slices) {
  for (size_t z = 0; z < slices; ++z)
    for (size_t y = 0; y < rows; ++y) std::memmove(dst + d.at(y, z), src + s.at(y, z), row_bytes);
}

cl_int check_queue_and_image(cl_command_queue queue, cl_mem image, Queue*& q, Memory*& m) {
  q = checked<Queue>(queue);
  if (!q) return CL_INVALID_COMMAND_QUEUE;
  m = checked<Memory>(image);
  if (!m || !m->image()) return CL_INVALID_MEM_OBJECT;
  if (m->context() != q->context()) return CL_INVALID_CONTEXT;
  return CL_SUCCESS;
}

// origin + region inside the image (at the origin's mip level), with the unused dimensions of its
// type at 0 / 1; resolves the level.
cl_int check_image_region(const ImageInfo& img, const size_t* origin, const size_t* region, Level& l) {
  if (!origin || !region) return CL_INVALID_VALUE;
  uint32_t mip = 0;
  for (unsigned d = 0; d < 3; ++d) l.origin[d] = origin[d];
  if (img.levels > 1) {
    const unsigned at = img.mip_origin_index();
    if (origin[at] >= img.levels) return CL_INVALID_VALUE;
    mip = uint32_t(origin[at]);
    if (at < 3) l.origin[at] = 0;
  }
  l.info = img.level_info(mip, l.offset);
  for (unsigned d = 0; d < 3; ++d) {
    if (region[d] == 0) return CL_INVALID_VALUE;
    const size_t n = l.info.extent(d);
    if (l.origin[d] > n || region[d] > n - l.origin[d]) return CL_INVALID_VALUE;
  }
  return CL_SUCCESS;
}

bool has_slices(const ImageInfo& i) {
  return i.type == CL_MEM_OBJECT_IMAGE3D || i.type == CL_MEM_OBJECT_IMAGE2D_ARRAY || i.type == CL_MEM_OBJECT_IMAGE1D_ARRAY;
}

// The host side of a read or write: OpenCL's pitches (a 1D array's layers step by the slice pitch).
cl_int host_box(const ImageInfo& i, const size_t region[3], size_t row_pitch, size_t slice_pitch, Box& b) {
  const size_t row = region[0] * i.element_bytes;
  if (row_pitch == 0) row_pitch = row;
  else if (row_pitch < row) return CL_INVALID_VALUE;
  if (!has_slices(i) && slice_pitch != 0) return CL_INVALID_VALUE;
  const bool array1d = i.type == CL_MEM_OBJECT_IMAGE1D_ARRAY;
  const size_t min_slice = array1d ? row_pitch : row_pitch * region[1];
  if (slice_pitch == 0) slice_pitch = min_slice;
  else if (slice_pitch < min_slice) return CL_INVALID_VALUE;
  b = array1d ? Box{0, slice_pitch, 0} : Box{0, row_pitch, slice_pitch};
  return CL_SUCCESS;
}

bool boxes_overlap(const size_t a[3], const size_t b[3], const size_t region[3]) {
  for (unsigned d = 0; d < 3; ++d)
    if (a[d] + region[d] <= b[d] || b[d] + region[d] <= a[d]) return false;
  return true;
}

bool same_format(const ImageInfo& a, const ImageInfo& b) {
  return a.format.image_channel_order == b.format.image_channel_order &&
         a.format.image_channel_data_type == b.format.image_channel_data_type;
}

}  // namespace
}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

namespace {

// clEnqueueReadImage and clEnqueueWriteImage: the same checks and box copy between the image and
// host memory, in one direction or the other.
cl_int enqueue_host_image_copy(cl_command_queue command_queue, cl_mem image, bool read, cl_bool blocking,
                               const size_t* origin, const size_t* region, size_t row_pitch, size_t slice_pitch,
                               void* ptr, cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                               cl_event* event) {
  Queue* q;
  Memory* m;
  if (cl_int e = check_queue_and_image(command_queue, image, q, m); e != CL_SUCCESS) return e;
  Level lv;
  if (cl_int e = check_image_region(*m->image(), origin, region, lv); e != CL_SUCCESS) return e;
  const ImageInfo& i = lv.info;
  Box host;
  if (cl_int e = host_box(i, region, row_pitch, slice_pitch, host); e != CL_SUCCESS) return e;
  if (!ptr) return CL_INVALID_VALUE;
  if (read ? !m->host_can_read() : !m->host_can_write()) return CL_INVALID_OPERATION;
  const Box dev = image_box(lv);
  const size_t row = region[0] * i.element_bytes, rows = region[1], slices = region[2];
  Ref<Memory> hold(m);
  auto* bytes = static_cast<uint8_t*>(ptr);
  return q->enqueue(read ? CL_COMMAND_READ_IMAGE : CL_COMMAND_WRITE_IMAGE, num_events_in_wait_list, event_wait_list,
                    event,
                    [hold, bytes, host, dev, row, rows, slices, read]() -> cl_int {
                      if (read)
                        copy_box(bytes, host, hold->cpu(), dev, row, rows, slices);
                      else
                        copy_box(hold->cpu(), dev, bytes, host, row, rows, slices);
                      return CL_SUCCESS;
                    },
                    blocking);
}

}  // namespace

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadImage(cl_command_queue command_queue, cl_mem image, cl_bool blocking_read,
                                                  const size_t* origin, const size_t* region, size_t row_pitch,
                                                  size_t slice_pitch, void* ptr, cl_uint num_events_in_wait_list,
                                                  const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    return enqueue_host_image_copy(command_queue, image, true, blocking_read, origin, region, row_pitch, slice_pitch,
                                   ptr, num_events_in_wait_list, event_wait_list, event);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteImage(cl_command_queue command_queue, cl_mem image, cl_bool blocking_write,
                                                   const size_t* origin, const size_t* region, size_t input_row_pitch,
                                                   size_t input_slice_pitch, const void* ptr,
                                                   cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                   cl_event* event) {
  return guarded([&]() -> cl_int {
    // The host memory is only read on this path (the lambda copies out of it).
    return enqueue_host_image_copy(command_queue, image, false, blocking_write, origin, region, input_row_pitch,
                                   input_slice_pitch, const_cast<void*>(ptr), num_events_in_wait_list,
                                   event_wait_list, event);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyImage(cl_command_queue command_queue, cl_mem src_image, cl_mem dst_image,
                                                  const size_t* src_origin, const size_t* dst_origin,
                                                  const size_t* region, cl_uint num_events_in_wait_list,
                                                  const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory *s, *d;
    if (cl_int e = check_queue_and_image(command_queue, src_image, q, s); e != CL_SUCCESS) return e;
    if (cl_int e = check_queue_and_image(command_queue, dst_image, q, d); e != CL_SUCCESS) return e;
    if (!same_format(*s->image(), *d->image())) return CL_IMAGE_FORMAT_MISMATCH;
    Level sl, dl;
    if (cl_int e = check_image_region(*s->image(), src_origin, region, sl); e != CL_SUCCESS) return e;
    if (cl_int e = check_image_region(*d->image(), dst_origin, region, dl); e != CL_SUCCESS) return e;
    const ImageInfo& si = sl.info;
    if (s->storage() == d->storage() && s->origin() == d->origin() && sl.offset == dl.offset &&
        boxes_overlap(sl.origin, dl.origin, region))
      return CL_MEM_COPY_OVERLAP;
    const Box sb = image_box(sl), db = image_box(dl);
    const size_t row = region[0] * si.element_bytes, rows = region[1], slices = region[2];
    Ref<Memory> hs(s), hd(d);
    return q->enqueue(CL_COMMAND_COPY_IMAGE, num_events_in_wait_list, event_wait_list, event,
                      [hs, hd, sb, db, row, rows, slices]() -> cl_int {
                        copy_box(hd->cpu(), db, hs->cpu(), sb, row, rows, slices);
                        return CL_SUCCESS;
                      });
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueFillImage(cl_command_queue command_queue, cl_mem image, const void* fill_color,
                                                  const size_t* origin, const size_t* region,
                                                  cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                  cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_image(command_queue, image, q, m); e != CL_SUCCESS) return e;
    const ImageInfo& i = *m->image();
    if (!fill_color) return CL_INVALID_VALUE;
    Level lv;
    if (cl_int e = check_image_region(i, origin, region, lv); e != CL_SUCCESS) return e;
    std::array<uint8_t, 16> texel;
    const size_t elem = encode_fill_color(*i.fmt, fill_color, texel.data());
    const Box dev = image_box(lv);
    const size_t width = region[0], rows = region[1], slices = region[2];
    Ref<Memory> hold(m);
    return q->enqueue(CL_COMMAND_FILL_IMAGE, num_events_in_wait_list, event_wait_list, event,
                      [hold, texel, elem, dev, width, rows, slices]() -> cl_int {
                        for (size_t z = 0; z < slices; ++z)
                          for (size_t y = 0; y < rows; ++y) {
                            uint8_t* p = hold->cpu() + dev.at(y, z);
                            for (size_t x = 0; x < width; ++x) std::memcpy(p + x * elem, texel.data(), elem);
                          }
                        return CL_SUCCESS;
                      });
  });
}

namespace {

// clEnqueueCopyImageToBuffer and clEnqueueCopyBufferToImage: the same checks and the same box
// copy, in one direction or the other. The buffer side is tightly packed (row = region[0] texels).
cl_int enqueue_image_buffer_copy(cl_command_queue command_queue, cl_mem image, cl_mem buffer, size_t buffer_offset,
                                 const size_t* origin, const size_t* region, bool to_buffer,
                                 cl_uint num_events_in_wait_list, const cl_event* event_wait_list, cl_event* event) {
  Queue* q;
  Memory* m;
  if (cl_int e = check_queue_and_image(command_queue, image, q, m); e != CL_SUCCESS) return e;
  Memory* b = checked<Memory>(buffer);
  if (!b || b->image()) return CL_INVALID_MEM_OBJECT;
  if (b->context() != q->context()) return CL_INVALID_CONTEXT;
  Level lv;
  if (cl_int e = check_image_region(*m->image(), origin, region, lv); e != CL_SUCCESS) return e;
  const ImageInfo& i = lv.info;
  const size_t row = region[0] * i.element_bytes, bytes = row * region[1] * region[2];
  if (buffer_offset > b->size() || bytes > b->size() - buffer_offset) return CL_INVALID_VALUE;
  if (i.type == CL_MEM_OBJECT_IMAGE1D_BUFFER && m->storage() == b->storage()) {
    const size_t a = m->origin() + origin[0] * i.element_bytes, c = b->origin() + buffer_offset;
    if (a < c + bytes && c < a + bytes) return CL_MEM_COPY_OVERLAP;
  }
  const Box image_side = image_box(lv);
  const Box buffer_side{buffer_offset, row, row * region[1]};
  const size_t rows = region[1], slices = region[2];
  Ref<Memory> hm(m), hb(b);
  return q->enqueue(to_buffer ? CL_COMMAND_COPY_IMAGE_TO_BUFFER : CL_COMMAND_COPY_BUFFER_TO_IMAGE,
                    num_events_in_wait_list, event_wait_list, event,
                    [hm, hb, image_side, buffer_side, row, rows, slices, to_buffer]() -> cl_int {
                      if (to_buffer)
                        copy_box(hb->cpu(), buffer_side, hm->cpu(), image_side, row, rows, slices);
                      else
                        copy_box(hm->cpu(), image_side, hb->cpu(), buffer_side, row, rows, slices);
                      return CL_SUCCESS;
                    });
}

}  // namespace

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyImageToBuffer(cl_command_queue command_queue, cl_mem src_image,
                                                          cl_mem dst_buffer, const size_t* src_origin,
                                                          const size_t* region, size_t dst_offset,
                                                          cl_uint num_events_in_wait_list,
                                                          const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    return enqueue_image_buffer_copy(command_queue, src_image, dst_buffer, dst_offset, src_origin, region, true,
                                     num_events_in_wait_list, event_wait_list, event);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyBufferToImage(cl_command_queue command_queue, cl_mem src_buffer,
                                                          cl_mem dst_image, size_t src_offset, const size_t* dst_origin,
                                                          const size_t* region, cl_uint num_events_in_wait_list,
                                                          const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    return enqueue_image_buffer_copy(command_queue, dst_image, src_buffer, src_offset, dst_origin, region, false,
                                     num_events_in_wait_list, event_wait_list, event);
  });
}

// The mapped pointer is the image's own CPU mapping (device memory is host visible and coherent,
// and the layout is the row/slice pitch reported here), also for CL_MEM_USE_HOST_PTR images.
CL_API_ENTRY void* CL_API_CALL clEnqueueMapImage(cl_command_queue command_queue, cl_mem image, cl_bool blocking_map,
                                                cl_map_flags map_flags, const size_t* origin, const size_t* region,
                                                size_t* image_row_pitch, size_t* image_slice_pitch,
                                                cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                cl_event* event, cl_int* errcode_ret) {
  void* result = nullptr;
  cl_int err = guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_image(command_queue, image, q, m); e != CL_SUCCESS) return e;
    Level lv;
    if (cl_int e = check_image_region(*m->image(), origin, region, lv); e != CL_SUCCESS) return e;
    const ImageInfo& i = lv.info;
    if (map_flags & ~cl_map_flags(CL_MAP_READ | CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) return CL_INVALID_VALUE;
    if ((map_flags & CL_MAP_WRITE_INVALIDATE_REGION) && (map_flags & (CL_MAP_READ | CL_MAP_WRITE))) return CL_INVALID_VALUE;
    if (!image_row_pitch) return CL_INVALID_VALUE;
    if (has_slices(i) && !image_slice_pitch) return CL_INVALID_VALUE;
    const bool reads = (map_flags & CL_MAP_READ) || map_flags == 0;
    const bool writes = map_flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION);
    if ((reads && !m->host_can_read()) || (writes && !m->host_can_write())) return CL_INVALID_OPERATION;
    const Box b = image_box(lv);
    void* ptr = m->cpu() + b.base;
    const size_t size = b.at(region[1] - 1, region[2] - 1) - b.base + region[0] * i.element_bytes;
    m->add_mapping(ptr, {b.base, size, map_flags});
    cl_int e = q->enqueue(CL_COMMAND_MAP_IMAGE, num_events_in_wait_list, event_wait_list, event,
                          []() -> cl_int { return CL_SUCCESS; }, blocking_map);
    if (e != CL_SUCCESS) {
      Memory::Mapping undo;
      m->take_mapping(ptr, undo);
      return e;
    }
    *image_row_pitch = i.row_pitch;
    if (image_slice_pitch) *image_slice_pitch = has_slices(i) ? i.slice_pitch : 0;
    result = ptr;
    return CL_SUCCESS;
  });
  set_error(errcode_ret, err);
  return err == CL_SUCCESS ? result : nullptr;
}
