// Object model of the Mica OpenCL frontend: how cl_* handles map to C++ objects.
//
// cl_khr_icd requires the loader's dispatch table pointer to be the first word of every object a handle
// points at (ocl-icd calls handle->dispatch->clFoo). Objects therefore derive from Object, which has
// that pointer as its first member and no virtual functions (a vtable pointer would take offset 0);
// destruction goes through the object's Kind instead of a virtual destructor.
//
// Every live object is in a registry keyed by its address. A handle is checked against it on every
// entry point, so a wrong, mistyped or already freed handle returns the documented CL_INVALID_* code
// instead of being dereferenced.
#pragma once

#include "cl_api.h"

// The few functions ocl-icd finds by name (libmica_opencl.map); everything else is hidden.
#define MICA_CL_EXPORT __attribute__((visibility("default")))

#include <atomic>
#include <cstdint>
#include <new>
#include <utility>

namespace mica::cl {

enum class Kind : uint32_t { Platform = 1, Device, Context, Queue, Mem, Program, Kernel, Event, Sampler };

extern const cl_icd_dispatch icd_dispatch;

class Object {
public:
  explicit Object(Kind kind);
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  Kind kind() const { return kind_; }
  cl_uint ref_count() const { return refs_.load(); }

  void retain() { refs_.fetch_add(1); }
  // Drops one reference; the last one unregisters the handle and destroys the object.
  void release();

protected:
  ~Object();  // destroyed through release() only

private:
  const cl_icd_dispatch* dispatch_;  // must stay the first member (cl_khr_icd)
  Kind kind_;
  std::atomic<cl_uint> refs_{1};
};

// The registry. register_object() is called by the Object constructor; lookup() answers whether
// `handle` is a live object of `kind`.
bool is_live(const void* handle, Kind kind);

// Handle <-> object conversions. T names its handle type and kind (T::Handle, T::kKind).
template <typename T> T* checked(typename T::Handle handle) {
  if (!handle || !is_live(handle, T::kKind)) return nullptr;
  return reinterpret_cast<T*>(handle);
}
template <typename T> typename T::Handle to_handle(T* object) {
  return reinterpret_cast<typename T::Handle>(object);
}

// An owning reference for the frontend's own holds on objects (a queue on its context, an event on
// its queue, a command on its buffers). Counts in the same reference count the API reports.
template <typename T> class Ref {
public:
  Ref() = default;
  explicit Ref(T* object) : p_(object) { if (p_) p_->retain(); }
  static Ref adopt(T* object) { Ref r; r.p_ = object; return r; }
  Ref(const Ref& o) : Ref(o.p_) {}
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept { std::swap(p_, o.p_); return *this; }
  ~Ref() { if (p_) p_->release(); }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  T* leak() { return std::exchange(p_, nullptr); }  // hands the reference to the application
  bool operator==(const Ref& o) const { return p_ == o.p_; }

private:
  T* p_ = nullptr;
};

// Writes an error code through an optional errcode_ret pointer.
inline void set_error(cl_int* errcode_ret, cl_int code) {
  if (errcode_ret) *errcode_ret = code;
}

// Runs an entry point body so no C++ exception crosses the C ABI: allocation failure becomes
// CL_OUT_OF_HOST_MEMORY, anything else CL_OUT_OF_RESOURCES.
template <typename F> cl_int guarded(F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return CL_OUT_OF_HOST_MEMORY;
  } catch (...) {
    return CL_OUT_OF_RESOURCES;
  }
}
// The same for entry points that return an object and report through errcode_ret.
template <typename H, typename F> H guarded_create(cl_int* errcode_ret, F&& body) {
  // The body returns null with an error, or an object (with CL_SUCCESS, or with an error where the
  // API returns an object anyway: clLinkProgram's failed link).
  H result = nullptr;
  const cl_int err = guarded([&]() -> cl_int {
    cl_int e = CL_SUCCESS;
    result = body(&e);
    return e;
  });
  set_error(errcode_ret, err);
  return result;
}

}  // namespace mica::cl
