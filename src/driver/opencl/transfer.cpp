// Buffer transfers: read/write/copy/fill, their rect variants, map/unmap and migrate. Validation
// happens at enqueue (the documented CL_INVALID_* codes); the work runs on the executor in command
// order: host-side copies through the buffer's CPU mapping, copies between buffers and fills as
// device commands (DMA) where the device can do them.
#include "backend.h"
#include "context.h"
#include "memory.h"
#include "queue.h"

#include <algorithm>
#include <cstring>

namespace mica::cl {
namespace {

// The queue and buffer of a transfer, checked: CL_INVALID_COMMAND_QUEUE, CL_INVALID_MEM_OBJECT, and
// CL_INVALID_CONTEXT when they belong to different contexts.
// Images are not buffers (CL_INVALID_MEM_OBJECT) except where the entry point takes any memory
// object (clEnqueueUnmapMemObject, clEnqueueMigrateMemObjects).
cl_int check_queue_and_buffer(cl_command_queue queue, cl_mem buffer, Queue*& q, Memory*& m, bool images_too = false) {
  q = checked<Queue>(queue);
  if (!q) return CL_INVALID_COMMAND_QUEUE;
  m = checked<Memory>(buffer);
  if (!m || (m->image() && !images_too)) return CL_INVALID_MEM_OBJECT;
  if (m->context() != q->context()) return CL_INVALID_CONTEXT;
  return CL_SUCCESS;
}

bool in_range(const Memory& m, size_t offset, size_t size) { return offset <= m.size() && size <= m.size() - offset; }

// A rectangle in a linear allocation (OpenCL's buffer/host rect addressing).
struct Rect {
  size_t origin[3];
  size_t row_pitch, slice_pitch;
  size_t offset(size_t y, size_t z) const {
    return (origin[2] + z) * slice_pitch + (origin[1] + y) * row_pitch + origin[0];
  }
  // One past the last byte the region touches.
  size_t end(const size_t region[3]) const { return offset(region[1] - 1, region[2] - 1) + region[0]; }
};

// Fills in default pitches and checks them (CL_INVALID_VALUE).
cl_int make_rect(const size_t origin[3], const size_t region[3], size_t row_pitch, size_t slice_pitch, Rect& r) {
  if (!origin) return CL_INVALID_VALUE;
  if (row_pitch == 0) row_pitch = region[0];
  else if (row_pitch < region[0]) return CL_INVALID_VALUE;
  if (slice_pitch == 0) slice_pitch = region[1] * row_pitch;
  else if (slice_pitch < region[1] * row_pitch || slice_pitch % row_pitch) return CL_INVALID_VALUE;
  r = Rect{{origin[0], origin[1], origin[2]}, row_pitch, slice_pitch};
  return CL_SUCCESS;
}

cl_int check_region(const size_t region[3]) {
  if (!region || region[0] == 0 || region[1] == 0 || region[2] == 0) return CL_INVALID_VALUE;
  return CL_SUCCESS;
}

// Whether any row of rect a intersects any row of rect b (both in the same storage, byte offsets).
bool rects_overlap(const Rect& a, size_t a_base, const Rect& b, size_t b_base, const size_t region[3]) {
  using Span = std::pair<size_t, size_t>;
  auto rows = [&](const Rect& r, size_t base) {
    std::vector<Span> v;
    for (size_t z = 0; z < region[2]; ++z)
      for (size_t y = 0; y < region[1]; ++y) v.emplace_back(base + r.offset(y, z), base + r.offset(y, z) + region[0]);
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto ra = rows(a, a_base), rb = rows(b, b_base);
  size_t i = 0, j = 0;
  while (i < ra.size() && j < rb.size()) {
    if (ra[i].first < rb[j].second && rb[j].first < ra[i].second) return true;
    if (ra[i].second <= rb[j].second) ++i;
    else ++j;
  }
  return false;
}

}  // namespace
}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadBuffer(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read,
                                                   size_t offset, size_t size, void* ptr, cl_uint num_events_in_wait_list,
                                                   const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_buffer(command_queue, buffer, q, m); e != CL_SUCCESS) return e;
    if (!ptr || size == 0 || !in_range(*m, offset, size)) return CL_INVALID_VALUE;
    if (!m->host_can_read()) return CL_INVALID_OPERATION;
    Ref<Memory> hold(m);
    return q->enqueue(CL_COMMAND_READ_BUFFER, num_events_in_wait_list, event_wait_list, event,
                      [hold, offset, size, ptr]() -> cl_int {
                        std::memcpy(ptr, hold->cpu() + offset, size);
                        return CL_SUCCESS;
                      },
                      blocking_read);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteBuffer(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_write,
                                                    size_t offset, size_t size, const void* ptr,
                                                    cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                    cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_buffer(command_queue, buffer, q, m); e != CL_SUCCESS) return e;
    if (!ptr || size == 0 || !in_range(*m, offset, size)) return CL_INVALID_VALUE;
    if (!m->host_can_write()) return CL_INVALID_OPERATION;
    Ref<Memory> hold(m);
    return q->enqueue(CL_COMMAND_WRITE_BUFFER, num_events_in_wait_list, event_wait_list, event,
                      [hold, offset, size, ptr]() -> cl_int {
                        std::memcpy(hold->cpu() + offset, ptr, size);
                        return CL_SUCCESS;
                      },
                      blocking_write);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyBuffer(cl_command_queue command_queue, cl_mem src_buffer, cl_mem dst_buffer,
                                                   size_t src_offset, size_t dst_offset, size_t size,
                                                   cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                   cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory *src, *dst;
    if (cl_int e = check_queue_and_buffer(command_queue, src_buffer, q, src); e != CL_SUCCESS) return e;
    if (cl_int e = check_queue_and_buffer(command_queue, dst_buffer, q, dst); e != CL_SUCCESS) return e;
    if (size == 0 || !in_range(*src, src_offset, size) || !in_range(*dst, dst_offset, size)) return CL_INVALID_VALUE;
    if (src->overlaps(*dst, src_offset, dst_offset, size)) return CL_MEM_COPY_OVERLAP;
    Ref<Memory> s(src), d(dst);
    return q->enqueue(CL_COMMAND_COPY_BUFFER, num_events_in_wait_list, event_wait_list, event,
                      [s, d, src_offset, dst_offset, size]() -> cl_int {
                        device::CommandList list;
                        list.copy(s->va() + src_offset, d->va() + dst_offset, size);
                        return run_on_device(list, {s->storage(), d->storage()});
                      });
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueFillBuffer(cl_command_queue command_queue, cl_mem buffer, const void* pattern,
                                                   size_t pattern_size, size_t offset, size_t size,
                                                   cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                   cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_buffer(command_queue, buffer, q, m); e != CL_SUCCESS) return e;
    if (!pattern || pattern_size == 0 || pattern_size > 128 || (pattern_size & (pattern_size - 1)))
      return CL_INVALID_VALUE;
    if (offset % pattern_size || size % pattern_size || !in_range(*m, offset, size)) return CL_INVALID_VALUE;
    std::vector<uint8_t> bytes(static_cast<const uint8_t*>(pattern), static_cast<const uint8_t*>(pattern) + pattern_size);
    Ref<Memory> hold(m);
    return q->enqueue(CL_COMMAND_FILL_BUFFER, num_events_in_wait_list, event_wait_list, event,
                      [hold, bytes, offset, size]() -> cl_int {
                        if (size == 0) return CL_SUCCESS;
                        const uint64_t va = hold->va() + offset;
                        if (bytes.size() <= 4 && va % 4 == 0 && size % 4 == 0) {
                          // A pattern of 1, 2 or 4 bytes is one dword repeated: a device fill.
                          uint32_t word = 0;
                          for (size_t i = 0; i < 4; ++i) reinterpret_cast<uint8_t*>(&word)[i] = bytes[i % bytes.size()];
                          device::CommandList list;
                          list.fill(va, size, word);
                          return run_on_device(list, {hold->storage()});
                        }
                        // Wider patterns or unaligned ends: the CPU fills through the mapping.
                        uint8_t* p = hold->cpu() + offset;
                        for (size_t i = 0; i < size; i += bytes.size()) std::memcpy(p + i, bytes.data(), bytes.size());
                        return CL_SUCCESS;
                      });
  });
}

namespace {
// Read or write between a buffer rect and a host rect, through the buffer's mapping.
cl_int host_rect_transfer(bool read, cl_command_queue command_queue, cl_mem buffer, cl_bool blocking,
                          const size_t* buffer_origin, const size_t* host_origin, const size_t* region,
                          size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
                          size_t host_slice_pitch, void* ptr, cl_uint num_events, const cl_event* wait_list,
                          cl_event* event) {
  Queue* q;
  Memory* m;
  if (cl_int e = check_queue_and_buffer(command_queue, buffer, q, m); e != CL_SUCCESS) return e;
  if (!ptr) return CL_INVALID_VALUE;
  if (cl_int e = check_region(region); e != CL_SUCCESS) return e;
  Rect b, h;
  if (cl_int e = make_rect(buffer_origin, region, buffer_row_pitch, buffer_slice_pitch, b); e != CL_SUCCESS) return e;
  if (cl_int e = make_rect(host_origin, region, host_row_pitch, host_slice_pitch, h); e != CL_SUCCESS) return e;
  if (b.end(region) > m->size()) return CL_INVALID_VALUE;
  if (read ? !m->host_can_read() : !m->host_can_write()) return CL_INVALID_OPERATION;
  Ref<Memory> hold(m);
  const std::array<size_t, 3> r = {region[0], region[1], region[2]};
  return q->enqueue(read ? CL_COMMAND_READ_BUFFER_RECT : CL_COMMAND_WRITE_BUFFER_RECT, num_events, wait_list, event,
                    [hold, b, h, r, ptr, read]() -> cl_int {
                      auto* host = static_cast<uint8_t*>(ptr);
                      for (size_t z = 0; z < r[2]; ++z)
                        for (size_t y = 0; y < r[1]; ++y) {
                          uint8_t* dev = hold->cpu() + b.offset(y, z);
                          uint8_t* hp = host + h.offset(y, z);
                          if (read) std::memcpy(hp, dev, r[0]);
                          else std::memcpy(dev, hp, r[0]);
                        }
                      return CL_SUCCESS;
                    },
                    blocking);
}
}  // namespace

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadBufferRect(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read,
                                                       const size_t* buffer_origin, const size_t* host_origin,
                                                       const size_t* region, size_t buffer_row_pitch,
                                                       size_t buffer_slice_pitch, size_t host_row_pitch,
                                                       size_t host_slice_pitch, void* ptr,
                                                       cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                       cl_event* event) {
  return guarded([&] {
    return host_rect_transfer(true, command_queue, buffer, blocking_read, buffer_origin, host_origin, region,
                              buffer_row_pitch, buffer_slice_pitch, host_row_pitch, host_slice_pitch, ptr,
                              num_events_in_wait_list, event_wait_list, event);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteBufferRect(cl_command_queue command_queue, cl_mem buffer,
                                                        cl_bool blocking_write, const size_t* buffer_origin,
                                                        const size_t* host_origin, const size_t* region,
                                                        size_t buffer_row_pitch, size_t buffer_slice_pitch,
                                                        size_t host_row_pitch, size_t host_slice_pitch, const void* ptr,
                                                        cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                        cl_event* event) {
  return guarded([&] {
    return host_rect_transfer(false, command_queue, buffer, blocking_write, buffer_origin, host_origin, region,
                              buffer_row_pitch, buffer_slice_pitch, host_row_pitch, host_slice_pitch,
                              const_cast<void*>(ptr), num_events_in_wait_list, event_wait_list, event);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyBufferRect(cl_command_queue command_queue, cl_mem src_buffer,
                                                       cl_mem dst_buffer, const size_t* src_origin,
                                                       const size_t* dst_origin, const size_t* region,
                                                       size_t src_row_pitch, size_t src_slice_pitch,
                                                       size_t dst_row_pitch, size_t dst_slice_pitch,
                                                       cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                       cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory *src, *dst;
    if (cl_int e = check_queue_and_buffer(command_queue, src_buffer, q, src); e != CL_SUCCESS) return e;
    if (cl_int e = check_queue_and_buffer(command_queue, dst_buffer, q, dst); e != CL_SUCCESS) return e;
    if (cl_int e = check_region(region); e != CL_SUCCESS) return e;
    Rect s, d;
    if (cl_int e = make_rect(src_origin, region, src_row_pitch, src_slice_pitch, s); e != CL_SUCCESS) return e;
    if (cl_int e = make_rect(dst_origin, region, dst_row_pitch, dst_slice_pitch, d); e != CL_SUCCESS) return e;
    if (s.end(region) > src->size() || d.end(region) > dst->size()) return CL_INVALID_VALUE;
    if (src->storage() == dst->storage()) {
      // The same buffer: equal pitches are required (OpenCL 3.0 clEnqueueCopyBufferRect), and no overlap.
      if (src == dst && (src_row_pitch != dst_row_pitch || src_slice_pitch != dst_slice_pitch)) return CL_INVALID_VALUE;
      if (rects_overlap(s, src->origin(), d, dst->origin(), region)) return CL_MEM_COPY_OVERLAP;
    }
    Ref<Memory> sh(src), dh(dst);
    const std::array<size_t, 3> r = {region[0], region[1], region[2]};
    return q->enqueue(CL_COMMAND_COPY_BUFFER_RECT, num_events_in_wait_list, event_wait_list, event,
                      [sh, dh, s, d, r]() -> cl_int {
                        device::CommandList list;
                        for (size_t z = 0; z < r[2]; ++z)
                          for (size_t y = 0; y < r[1]; ++y)
                            list.copy(sh->va() + s.offset(y, z), dh->va() + d.offset(y, z), r[0]);
                        return run_on_device(list, {sh->storage(), dh->storage()});
                      });
  });
}

CL_API_ENTRY void* CL_API_CALL clEnqueueMapBuffer(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_map,
                                                 cl_map_flags map_flags, size_t offset, size_t size,
                                                 cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                 cl_event* event, cl_int* errcode_ret) {
  void* result = nullptr;
  cl_int err = guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_buffer(command_queue, buffer, q, m); e != CL_SUCCESS) return e;
    if (map_flags & ~cl_map_flags(CL_MAP_READ | CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) return CL_INVALID_VALUE;
    if ((map_flags & CL_MAP_WRITE_INVALIDATE_REGION) && (map_flags & (CL_MAP_READ | CL_MAP_WRITE))) return CL_INVALID_VALUE;
    if (size == 0 || !in_range(*m, offset, size)) return CL_INVALID_VALUE;
    const bool reads = (map_flags & CL_MAP_READ) || map_flags == 0;  // 0 means read (OpenCL 1.x behaviour)
    const bool writes = map_flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION);
    if ((reads && !m->host_can_read()) || (writes && !m->host_can_write())) return CL_INVALID_OPERATION;
    const bool use_host = m->host_ptr() != nullptr;
    void* ptr = use_host ? static_cast<uint8_t*>(m->host_ptr()) + offset : m->cpu() + offset;
    Ref<Memory> hold(m);
    const bool fetch = use_host && !(map_flags & CL_MAP_WRITE_INVALIDATE_REGION);
    m->add_mapping(ptr, {offset, size, map_flags});
    cl_int e = q->enqueue(CL_COMMAND_MAP_BUFFER, num_events_in_wait_list, event_wait_list, event,
                          [hold, ptr, offset, size, fetch]() -> cl_int {
                            // CL_MEM_USE_HOST_PTR: the application's memory receives the region.
                            if (fetch) std::memmove(ptr, hold->cpu() + offset, size);
                            return CL_SUCCESS;
                          },
                          blocking_map);
    if (e != CL_SUCCESS) {
      Memory::Mapping undo;
      m->take_mapping(ptr, undo);
      return e;
    }
    result = ptr;
    return CL_SUCCESS;
  });
  set_error(errcode_ret, err);
  return err == CL_SUCCESS ? result : nullptr;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueUnmapMemObject(cl_command_queue command_queue, cl_mem memobj, void* mapped_ptr,
                                                       cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                                       cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q;
    Memory* m;
    if (cl_int e = check_queue_and_buffer(command_queue, memobj, q, m, true); e != CL_SUCCESS) return e;
    // Check the wait list before taking the mapping, so a refused unmap leaves it in place.
    std::vector<Ref<Event>> check;
    if (cl_int e = collect_wait_list(num_events_in_wait_list, event_wait_list, q->context(), check); e != CL_SUCCESS)
      return e;
    Memory::Mapping mapping;
    if (!mapped_ptr || !m->take_mapping(mapped_ptr, mapping)) return CL_INVALID_VALUE;
    // Image maps are the image's own mapping (image_transfer.cpp): nothing to copy back.
    const bool store = m->host_ptr() && !m->image() && (mapping.flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION));
    Ref<Memory> hold(m);
    return q->enqueue(CL_COMMAND_UNMAP_MEM_OBJECT, num_events_in_wait_list, event_wait_list, event,
                      [hold, mapped_ptr, mapping, store]() -> cl_int {
                        if (store) std::memmove(hold->cpu() + mapping.offset, mapped_ptr, mapping.size);
                        return CL_SUCCESS;
                      });
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueMigrateMemObjects(cl_command_queue command_queue, cl_uint num_mem_objects,
                                                          const cl_mem* mem_objects, cl_mem_migration_flags flags,
                                                          cl_uint num_events_in_wait_list,
                                                          const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    if (num_mem_objects == 0 || !mem_objects) return CL_INVALID_VALUE;
    if (flags & ~cl_mem_migration_flags(CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED))
      return CL_INVALID_VALUE;
    for (cl_uint i = 0; i < num_mem_objects; ++i) {
      Memory* m = checked<Memory>(mem_objects[i]);
      if (!m) return CL_INVALID_MEM_OBJECT;
      if (m->context() != q->context()) return CL_INVALID_CONTEXT;
    }
    // One device whose memory the host maps coherently: there is nothing to move. The command still
    // orders like any other (its event completes after its wait list).
    return q->enqueue(CL_COMMAND_MIGRATE_MEM_OBJECTS, num_events_in_wait_list, event_wait_list, event, nullptr);
  });
}
