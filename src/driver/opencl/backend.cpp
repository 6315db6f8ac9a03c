#include "backend.h"

#include <cstdint>
#include <cstdio>
#include <mutex>

namespace mica::cl {

namespace {
struct Backend {
  std::shared_ptr<device::Screen> screen;
  std::string error;
  std::mutex mu;
  std::unique_ptr<device::Context> context;  // created on first use
};
Backend& backend() {
  // Never destroyed: the executor thread may still be running at exit.
  static Backend* b = [] {
    auto* nb = new Backend;
    nb->screen = device::Screen::shared(nb->error);
    return nb;
  }();
  return *b;
}
}  // namespace

device::Screen* screen() { return backend().screen.get(); }
const std::string& screen_error() { return backend().error; }

cl_int cl_error(device::Status s) {
  switch (s) {
  case device::Status::ok: return CL_SUCCESS;
  case device::Status::out_of_device_memory: return CL_MEM_OBJECT_ALLOCATION_FAILURE;
  case device::Status::out_of_host_memory: return CL_OUT_OF_HOST_MEMORY;
  case device::Status::compile_failed: return CL_BUILD_PROGRAM_FAILURE;
  case device::Status::invalid_argument: return CL_INVALID_VALUE;
  case device::Status::no_device: return CL_DEVICE_NOT_AVAILABLE;
  default: return CL_OUT_OF_RESOURCES;  // device lost, timeouts, kernel refusals: OpenCL has no better code
  }
}

cl_int run_on_device(const device::CommandList& list, std::vector<const device::Buffer*> keep_alive) {
  Backend& b = backend();
  if (!b.screen) return CL_DEVICE_NOT_AVAILABLE;
  device::Context* ctx;
  {
    std::lock_guard lock(b.mu);
    if (!b.context) {
      if (device::Status s = b.screen->create_context(false, b.context); s != device::Status::ok) return cl_error(s);
      b.context->set_lost_callback([](const device::LostReason& why) {
        std::fprintf(stderr, "mica-opencl: %s\n", why.describe().c_str());
      });
    }
    ctx = b.context.get();
  }
  device::SubmitInfo info;
  info.lists.push_back(&list);
  info.keep_alive = std::move(keep_alive);
  uint64_t seqno = 0;
  device::Status s = ctx->submit(info, &seqno);
  if (s == device::Status::ok) s = ctx->wait(seqno, INT64_MAX);
  if (s == device::Status::device_lost) {
    // OpenCL has no lost device: the faulting command fails (its event gets CL_OUT_OF_RESOURCES)
    // and later commands run on a fresh device context. Commands run one at a time on the
    // executor, so nothing else is using this one.
    std::lock_guard lock(b.mu);
    if (b.context.get() == ctx) b.context.reset();
  }
  return cl_error(s);
}

}  // namespace mica::cl
