#include "context.h"

#include "device.h"
#include "info.h"
#include "platform.h"

#include <algorithm>

namespace mica::cl {

Context::Context(std::vector<Device*> devices, std::vector<cl_context_properties> properties, NotifyFn notify,
                 void* user_data)
    : Object(Kind::Context), devices_(std::move(devices)), properties_(std::move(properties)), notify_(notify),
      notify_data_(user_data) {}

Context::~Context() {
  auto callbacks = std::move(destructor_callbacks_);
  for (auto it = callbacks.rbegin(); it != callbacks.rend(); ++it) it->first(to_handle(this), it->second);
}

bool Context::has_device(const Device* d) const {
  return std::find(devices_.begin(), devices_.end(), d) != devices_.end();
}

void Context::add_destructor_callback(DestructorFn fn, void* user_data) {
  std::lock_guard lock(mu_);
  destructor_callbacks_.emplace_back(fn, user_data);
}

void Context::notify(const char* message) const {
  if (notify_) notify_(message, nullptr, 0, notify_data_);
}

namespace {
// Checks the property list (CL_CONTEXT_PLATFORM, CL_CONTEXT_INTEROP_USER_SYNC; each at most once) and
// copies it with its terminating 0.
cl_int parse_properties(const cl_context_properties* props, std::vector<cl_context_properties>& out) {
  if (!props) return CL_SUCCESS;
  bool seen_platform = false, seen_sync = false;
  for (const cl_context_properties* p = props; *p; p += 2) {
    switch (p[0]) {
    case CL_CONTEXT_PLATFORM:
      if (seen_platform) return CL_INVALID_PROPERTY;
      seen_platform = true;
      if (!checked<Platform>(reinterpret_cast<cl_platform_id>(p[1]))) return CL_INVALID_PLATFORM;
      break;
    case CL_CONTEXT_INTEROP_USER_SYNC:
      if (seen_sync) return CL_INVALID_PROPERTY;
      seen_sync = true;
      break;
    default: return CL_INVALID_PROPERTY;
    }
    out.push_back(p[0]);
    out.push_back(p[1]);
  }
  out.push_back(0);
  return CL_SUCCESS;
}

cl_context create_context(const cl_context_properties* properties, std::vector<Device*> devices,
                          Context::NotifyFn notify, void* user_data, cl_int* err) {
  if (!notify && user_data) return *err = CL_INVALID_VALUE, nullptr;
  std::vector<cl_context_properties> props;
  if ((*err = parse_properties(properties, props)) != CL_SUCCESS) return nullptr;
  return to_handle(new Context(std::move(devices), std::move(props), notify, user_data));
}
}  // namespace

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_context CL_API_CALL clCreateContext(const cl_context_properties* properties, cl_uint num_devices,
                                                   const cl_device_id* devices, Context::NotifyFn pfn_notify,
                                                   void* user_data, cl_int* errcode_ret) {
  return guarded_create<cl_context>(errcode_ret, [&](cl_int* err) -> cl_context {
    if (!devices || num_devices == 0) return *err = CL_INVALID_VALUE, nullptr;
    std::vector<Device*> list;
    for (cl_uint i = 0; i < num_devices; ++i) {
      Device* d = checked<Device>(devices[i]);
      if (!d) return *err = CL_INVALID_DEVICE, nullptr;
      if (std::find(list.begin(), list.end(), d) == list.end()) list.push_back(d);
    }
    return create_context(properties, std::move(list), pfn_notify, user_data, err);
  });
}

CL_API_ENTRY cl_context CL_API_CALL clCreateContextFromType(const cl_context_properties* properties,
                                                           cl_device_type device_type, Context::NotifyFn pfn_notify,
                                                           void* user_data, cl_int* errcode_ret) {
  return guarded_create<cl_context>(errcode_ret, [&](cl_int* err) -> cl_context {
    cl_uint n = 0;
    if ((*err = clGetDeviceIDs(nullptr, device_type, 0, nullptr, &n)) != CL_SUCCESS) return nullptr;
    std::vector<cl_device_id> ids(n);
    if ((*err = clGetDeviceIDs(nullptr, device_type, n, ids.data(), nullptr)) != CL_SUCCESS) return nullptr;
    std::vector<Device*> list;
    for (cl_device_id id : ids) list.push_back(checked<Device>(id));
    return create_context(properties, std::move(list), pfn_notify, user_data, err);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainContext(cl_context context) {
  Context* c = checked<Context>(context);
  if (!c) return CL_INVALID_CONTEXT;
  c->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseContext(cl_context context) {
  Context* c = checked<Context>(context);
  if (!c) return CL_INVALID_CONTEXT;
  c->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clGetContextInfo(cl_context context, cl_context_info param_name, size_t param_value_size,
                                                void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Context* c = checked<Context>(context);
    if (!c) return CL_INVALID_CONTEXT;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_CONTEXT_REFERENCE_COUNT: return out.scalar(c->ref_count());
    case CL_CONTEXT_NUM_DEVICES: return out.scalar(cl_uint(c->devices().size()));
    case CL_CONTEXT_DEVICES: {
      std::vector<cl_device_id> ids;
      for (Device* d : c->devices()) ids.push_back(to_handle(d));
      return out.array(ids);
    }
    case CL_CONTEXT_PROPERTIES: {
      const auto& p = c->properties();
      return out.bytes(p.data(), p.size() * sizeof(cl_context_properties));
    }
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetContextDestructorCallback(cl_context context, Context::DestructorFn pfn_notify,
                                                              void* user_data) {
  return guarded([&]() -> cl_int {
    Context* c = checked<Context>(context);
    if (!c) return CL_INVALID_CONTEXT;
    if (!pfn_notify) return CL_INVALID_VALUE;
    c->add_destructor_callback(pfn_notify, user_data);
    return CL_SUCCESS;
  });
}
