// Events and the scheduler that runs commands once their dependencies completed.
//
// Every enqueued command is an Event with a unit of work. A command becomes ready when every event it
// depends on (its wait list, and the queue's ordering: the previous command of an in-order queue, the
// last barrier of an out-of-order one) has completed; ready commands run one at a time on the device's
// executor thread, in the order they became ready. Nothing waits by blocking a thread on an event, so a
// command held by a user event never holds up independent commands of other queues.
//
// One scheduler mutex guards every event's status and dependency links; a condition variable wakes
// threads waiting for completions (clWaitForEvents, blocking transfers, clFinish). Callbacks run
// without the mutex held, so they may call into the API.
#pragma once

#include "object.h"

#include <array>
#include <functional>
#include <vector>

namespace mica::cl {

class Context;
class Queue;

class Event : public Object {
public:
  using Handle = cl_event;
  static constexpr Kind kKind = Kind::Event;
  // The command's work, run on the executor thread: CL_SUCCESS or a negative error (the event's
  // final status).
  using Work = std::function<cl_int()>;
  using CallbackFn = void(CL_CALLBACK*)(cl_event, cl_int, void*);

  // A command of `queue` (queue may be null for user events).
  Event(Context* context, Queue* queue, cl_command_type type, Work work);
  ~Event();

  Context* context() const { return context_.get(); }
  Queue* queue() const { return queue_.get(); }
  cl_command_type type() const { return type_; }
  cl_int status() const;  // CL_QUEUED .. CL_COMPLETE, or negative on failure
  bool profiled() const { return profiled_; }

  // Profiling timestamps (host clock, ns); valid once complete.
  enum Stamp { kQueued, kSubmit, kStart, kEnd };
  cl_ulong stamp(Stamp s) const;

  // Makes this command depend on the given events and hands it to the scheduler. The failure of a
  // wait-list event fails this command without running it; an ordering dependency (the queue's
  // previous command or barrier) only delays it.
  void submit(const std::vector<Ref<Event>>& wait_list, const std::vector<Ref<Event>>& ordering = {});
  // Completes a user event (CL_COMPLETE or negative); false if it was already set.
  bool set_user_status(cl_int status);
  // Blocks until complete; returns the final status.
  cl_int wait() const;
  void add_callback(cl_int on_status, CallbackFn fn, void* user_data);

private:
  friend class Scheduler;
  struct Callback {
    cl_int on_status;
    CallbackFn fn;
    void* user_data;
  };

  Ref<Context> context_;
  Ref<Queue> queue_;
  cl_command_type type_;
  Work work_;
  bool profiled_ = false;
  // Guarded by the scheduler mutex.
  cl_int status_ = CL_QUEUED;
  int pending_ = 0;               // dependencies not yet complete
  bool dependency_failed_ = false;
  struct Dependent {
    Ref<Event> event;
    bool propagates_failure;
  };
  std::vector<Dependent> dependents_;
  std::vector<Callback> callbacks_;
  std::array<cl_ulong, 4> stamps_{};
};

// Validates an event wait list (CL_INVALID_EVENT_WAIT_LIST, or CL_INVALID_CONTEXT when an event belongs
// to another context than `context`, if given) and returns references to its events.
cl_int collect_wait_list(cl_uint num_events, const cl_event* events, const Context* context,
                         std::vector<Ref<Event>>& out);

// Blocks until every event is complete; false if any failed.
bool wait_all(const std::vector<Ref<Event>>& events);

}  // namespace mica::cl
