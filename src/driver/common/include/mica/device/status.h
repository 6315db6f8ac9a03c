// Results of the device layer. Every call of mica::device returns one of these (or a value plus
// one of these); no exception crosses the device-layer API. The API frontends map them onto their
// own codes (VkResult, cl_int).
#pragma once

namespace mica::device {

enum class Status {
  ok,
  timeout,               // a wait with a finite timeout ran out (the work continues)
  not_ready,             // a status query: the work has not completed yet
  device_lost,           // the context faulted or hung (its LostReason says why), or its job was skipped
  stale_shader,          // the kernel refused a binary built for another power profile; recompile
  out_of_device_memory,  // device memory, GPU address space or a kernel per-client limit ran out
  out_of_host_memory,    // a host allocation failed
  too_many_objects,      // the device has no free context slot
  compile_failed,        // the compiler refused the program (the log says why)
  cache_miss,            // ProgramCacheUse::cache_only and no cached binary exists
  invalid_argument,      // the caller passed something the layer or the kernel refuses (a bug in the caller)
  no_device,             // no Mica device could be opened
  failed,                // anything else: a driver or kernel bug; the message went to stderr
};

// "ok", "timeout", ... : for logs and test messages.
const char* status_name(Status s);

}  // namespace mica::device
