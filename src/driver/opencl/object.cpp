// The handle registry and object destruction.
#include "object.h"

#include "context.h"
#include "device.h"
#include "event.h"
#include "image.h"
#include "kernel.h"
#include "memory.h"
#include "platform.h"
#include "program.h"
#include "queue.h"

#include <mutex>
#include <unordered_map>

namespace mica::cl {

namespace {
struct Registry {
  std::mutex mu;
  std::unordered_map<const void*, Kind> live;
};
Registry& registry() {
  static Registry* r = new Registry;  // outlives every static destructor that might release objects
  return *r;
}

// Destroys an object through its concrete type (Object has no virtual destructor, see object.h).
void destroy(Object* o) {
  switch (o->kind()) {
  case Kind::Context: delete static_cast<Context*>(o); break;
  case Kind::Queue: delete static_cast<Queue*>(o); break;
  case Kind::Mem: delete static_cast<Memory*>(o); break;
  case Kind::Program: delete static_cast<Program*>(o); break;
  case Kind::Kernel: delete static_cast<Kernel*>(o); break;
  case Kind::Event: delete static_cast<Event*>(o); break;
  case Kind::Sampler: delete static_cast<Sampler*>(o); break;
  case Kind::Platform:
  case Kind::Device: break;  // live as long as the library
  }
}
}  // namespace

Object::Object(Kind kind) : dispatch_(&icd_dispatch), kind_(kind) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.live[this] = kind;
}

Object::~Object() {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.live.erase(this);
}

void Object::release() {
  if (refs_.fetch_sub(1) != 1) return;
  {
    // The handle dies with its last reference, before the destructor runs callbacks.
    Registry& r = registry();
    std::lock_guard lock(r.mu);
    r.live.erase(this);
  }
  destroy(this);
}

bool is_live(const void* handle, Kind kind) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.live.find(handle);
  return it != r.live.end() && it->second == kind;
}

}  // namespace mica::cl
