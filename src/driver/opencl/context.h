// A context: its devices, creation properties, error-notify and destructor callbacks.
#pragma once

#include "object.h"

#include <mutex>
#include <vector>

namespace mica::cl {

class Device;

class Context : public Object {
public:
  using Handle = cl_context;
  static constexpr Kind kKind = Kind::Context;
  using NotifyFn = void(CL_CALLBACK*)(const char*, const void*, size_t, void*);
  using DestructorFn = void(CL_CALLBACK*)(cl_context, void*);

  Context(std::vector<Device*> devices, std::vector<cl_context_properties> properties, NotifyFn notify, void* user_data);
  ~Context();  // runs the destructor callbacks, most recently registered first

  const std::vector<Device*>& devices() const { return devices_; }
  bool has_device(const Device* d) const;
  const std::vector<cl_context_properties>& properties() const { return properties_; }
  void add_destructor_callback(DestructorFn fn, void* user_data);
  // Reports an error to the application's pfn_notify, if it gave one.
  void notify(const char* message) const;

private:
  std::vector<Device*> devices_;
  std::vector<cl_context_properties> properties_;
  NotifyFn notify_;
  void* notify_data_;
  std::mutex mu_;
  std::vector<std::pair<DestructorFn, void*>> destructor_callbacks_;
};

}  // namespace mica::cl
