#include "memory.h"

#include "backend.h"
#include "context.h"
#include "device.h"
#include "info.h"

#include <cstring>

namespace mica::cl {

Memory::Memory(Context* context, cl_mem_flags flags, size_t size, void* host_ptr,
               std::shared_ptr<device::Buffer> storage, std::vector<cl_mem_properties> properties)
    : Object(Kind::Mem), context_(context), flags_(flags), size_(size), host_ptr_(host_ptr),
      storage_(std::move(storage)), properties_(std::move(properties)) {}

Memory::Memory(Memory* parent, cl_mem_flags flags, size_t origin, size_t size)
    : Object(Kind::Mem), context_(parent->context()), parent_(parent), flags_(flags), origin_(origin), size_(size),
      // origin is in the root buffer's storage, and a parent that is itself a view (an image of a
      // sub-buffer) already points its host pointer at its own origin.
      host_ptr_(parent->host_ptr() ? static_cast<uint8_t*>(parent->host_ptr()) + (origin - parent->origin()) : nullptr),
      storage_(parent->storage_) {}

Memory::~Memory() {
  auto callbacks = std::move(destructor_callbacks_);
  for (auto it = callbacks.rbegin(); it != callbacks.rend(); ++it) it->first(to_handle(this), it->second);
}

bool Memory::overlaps(const Memory& other, size_t offset, size_t other_offset, size_t bytes) const {
  if (storage_ != other.storage_) return false;
  const size_t a = origin_ + offset, b = other.origin_ + other_offset;
  return a < b + bytes && b < a + bytes;
}

void Memory::add_mapping(void* ptr, Mapping m) {
  std::lock_guard lock(mu_);
  mappings_.emplace(ptr, m);
}

bool Memory::take_mapping(void* ptr, Mapping& m) {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(ptr);
  if (it == mappings_.end()) return false;
  m = it->second;
  mappings_.erase(it);
  return true;
}

cl_uint Memory::map_count() const {
  std::lock_guard lock(mu_);
  return cl_uint(mappings_.size());
}

void Memory::add_destructor_callback(DestructorFn fn, void* user_data) {
  std::lock_guard lock(mu_);
  destructor_callbacks_.emplace_back(fn, user_data);
}

namespace {
constexpr cl_mem_flags kAccessFlags = CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY;
constexpr cl_mem_flags kHostPtrFlags = CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR;
constexpr cl_mem_flags kHostAccessFlags = CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS;

int bits(cl_mem_flags f) { return __builtin_popcountll(f); }

// The flag rules shared by buffers (OpenCL 3.0 "Memory Flags").
cl_int check_flags(cl_mem_flags flags) {
  if (flags & ~(kAccessFlags | kHostPtrFlags | kHostAccessFlags)) return CL_INVALID_VALUE;
  if (bits(flags & kAccessFlags) > 1 || bits(flags & kHostAccessFlags) > 1) return CL_INVALID_VALUE;
  if ((flags & CL_MEM_USE_HOST_PTR) && (flags & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR))) return CL_INVALID_VALUE;
  return CL_SUCCESS;
}

cl_mem create_buffer(cl_context context, const cl_mem_properties* properties, cl_mem_flags flags, size_t size,
                     void* host_ptr, cl_int* err) {
  Context* c = checked<Context>(context);
  if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
  std::vector<cl_mem_properties> props;
  if (properties) {
    // No buffer properties are defined by OpenCL 3.0 core (and no extension adding one is supported).
    if (properties[0] != 0) return *err = CL_INVALID_PROPERTY, nullptr;
    props.push_back(0);
  }
  if ((*err = check_flags(flags)) != CL_SUCCESS) return nullptr;
  if (!(flags & kAccessFlags)) flags |= CL_MEM_READ_WRITE;
  const bool wants_host_ptr = flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR);
  if (wants_host_ptr != (host_ptr != nullptr)) return *err = CL_INVALID_HOST_PTR, nullptr;
  if (size == 0) return *err = CL_INVALID_BUFFER_SIZE, nullptr;
  for (Device* d : c->devices())
    if (size > d->max_alloc_bytes()) return *err = CL_INVALID_BUFFER_SIZE, nullptr;
  device::Screen* s = screen();
  if (!s) return *err = CL_DEVICE_NOT_AVAILABLE, nullptr;
  std::unique_ptr<device::Buffer> storage;
  // Rounded up to whole dwords so device fills can cover the tail.
  if (device::Status st = s->create_buffer((size + 3) & ~size_t(3), device::BufferUsage::host_visible, storage);
      st != device::Status::ok) {
    *err = st == device::Status::out_of_host_memory ? CL_OUT_OF_HOST_MEMORY : CL_MEM_OBJECT_ALLOCATION_FAILURE;
    return nullptr;
  }
  if (wants_host_ptr) std::memcpy(storage->cpu(), host_ptr, size);
  void* kept_ptr = (flags & CL_MEM_USE_HOST_PTR) ? host_ptr : nullptr;
  return to_handle(new Memory(c, flags, size, kept_ptr, std::shared_ptr<device::Buffer>(std::move(storage)),
                              std::move(props)));
}
}  // namespace

cl_int check_mem_flags(cl_mem_flags flags) { return check_flags(flags); }

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_mem CL_API_CALL clCreateBuffer(cl_context context, cl_mem_flags flags, size_t size, void* host_ptr,
                                              cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_buffer(context, nullptr, flags, size, host_ptr, err);
  });
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateBufferWithProperties(cl_context context, const cl_mem_properties* properties,
                                                            cl_mem_flags flags, size_t size, void* host_ptr,
                                                            cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) {
    return create_buffer(context, properties, flags, size, host_ptr, err);
  });
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateSubBuffer(cl_mem buffer, cl_mem_flags flags, cl_buffer_create_type create_type,
                                                 const void* create_info, cl_int* errcode_ret) {
  return guarded_create<cl_mem>(errcode_ret, [&](cl_int* err) -> cl_mem {
    Memory* parent = checked<Memory>(buffer);
    if (!parent || parent->parent() || parent->image()) return *err = CL_INVALID_MEM_OBJECT, nullptr;
    if ((*err = check_flags(flags)) != CL_SUCCESS) return nullptr;
    // Host-pointer flags are inherited and may not be given; access flags may only narrow the parent's.
    if (flags & kHostPtrFlags) return *err = CL_INVALID_VALUE, nullptr;
    const cl_mem_flags pf = parent->flags();
    if ((pf & CL_MEM_WRITE_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY))) return *err = CL_INVALID_VALUE, nullptr;
    if ((pf & CL_MEM_READ_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY))) return *err = CL_INVALID_VALUE, nullptr;
    if ((pf & CL_MEM_HOST_WRITE_ONLY) && (flags & CL_MEM_HOST_READ_ONLY)) return *err = CL_INVALID_VALUE, nullptr;
    if ((pf & CL_MEM_HOST_READ_ONLY) && (flags & CL_MEM_HOST_WRITE_ONLY)) return *err = CL_INVALID_VALUE, nullptr;
    if ((pf & CL_MEM_HOST_NO_ACCESS) && (flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_WRITE_ONLY)))
      return *err = CL_INVALID_VALUE, nullptr;
    if (!(flags & kAccessFlags)) flags |= pf & kAccessFlags;
    if (!(flags & kHostAccessFlags)) flags |= pf & kHostAccessFlags;
    flags |= pf & kHostPtrFlags;
    if (create_type != CL_BUFFER_CREATE_TYPE_REGION || !create_info) return *err = CL_INVALID_VALUE, nullptr;
    const auto* region = static_cast<const cl_buffer_region*>(create_info);
    if (region->size == 0) return *err = CL_INVALID_BUFFER_SIZE, nullptr;
    if (region->origin > parent->size() || region->size > parent->size() - region->origin)
      return *err = CL_INVALID_VALUE, nullptr;
    if (region->origin % Device::kBaseAddrAlignBytes) return *err = CL_MISALIGNED_SUB_BUFFER_OFFSET, nullptr;
    return to_handle(new Memory(parent, flags, region->origin, region->size));
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainMemObject(cl_mem memobj) {
  Memory* m = checked<Memory>(memobj);
  if (!m) return CL_INVALID_MEM_OBJECT;
  m->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseMemObject(cl_mem memobj) {
  Memory* m = checked<Memory>(memobj);
  if (!m) return CL_INVALID_MEM_OBJECT;
  m->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clSetMemObjectDestructorCallback(cl_mem memobj, Memory::DestructorFn pfn_notify,
                                                                void* user_data) {
  return guarded([&]() -> cl_int {
    Memory* m = checked<Memory>(memobj);
    if (!m) return CL_INVALID_MEM_OBJECT;
    if (!pfn_notify) return CL_INVALID_VALUE;
    m->add_destructor_callback(pfn_notify, user_data);
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetMemObjectInfo(cl_mem memobj, cl_mem_info param_name, size_t param_value_size,
                                                  void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Memory* m = checked<Memory>(memobj);
    if (!m) return CL_INVALID_MEM_OBJECT;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_MEM_TYPE: return out.scalar(cl_mem_object_type(m->image() ? m->image()->type : CL_MEM_OBJECT_BUFFER));
    case CL_MEM_FLAGS: return out.scalar(m->flags());
    case CL_MEM_SIZE: return out.scalar(m->size());
    // An image made from a buffer was not created with CL_MEM_USE_HOST_PTR itself: NULL (the
    // query's rule), although its bytes are the buffer's.
    case CL_MEM_HOST_PTR:
      return out.scalar(m->image() && !(m->flags() & CL_MEM_USE_HOST_PTR) ? nullptr : m->host_ptr());
    case CL_MEM_MAP_COUNT: return out.scalar(m->map_count());
    case CL_MEM_REFERENCE_COUNT: return out.scalar(m->ref_count());
    case CL_MEM_CONTEXT: return out.scalar(to_handle(m->context()));
    case CL_MEM_ASSOCIATED_MEMOBJECT: return out.scalar(m->parent() ? to_handle(m->parent()) : cl_mem(nullptr));
    case CL_MEM_OFFSET: return out.scalar(m->image() ? size_t(0) : m->origin());
    case CL_MEM_USES_SVM_POINTER: return out.scalar(cl_bool(CL_FALSE));
    case CL_MEM_PROPERTIES: return out.array(m->properties());
    default: return CL_INVALID_VALUE;
    }
  });
}
