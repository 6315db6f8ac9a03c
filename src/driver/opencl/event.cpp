#include "event.h"

#include "context.h"
#include "info.h"
#include "platform.h"
#include "queue.h"
#include "scheduler.h"

#include <deque>
#include <thread>

namespace mica::cl {

namespace {
struct SchedulerState {
  std::mutex mu;
  std::condition_variable completion;
  // The executor: ready commands, run in order on one thread (one device).
  std::condition_variable ready_cv;
  std::deque<Ref<Event>> ready;
  bool executor_started = false;
};
SchedulerState& state() {
  // Never destroyed: the executor thread lives until the process exits.
  static SchedulerState* s = new SchedulerState;
  return *s;
}

bool is_final(cl_int status) { return status <= CL_COMPLETE; }
}  // namespace

std::mutex& scheduler_mutex() { return state().mu; }
std::condition_variable& scheduler_completion() { return state().completion; }

// Status transitions and the callbacks they trigger. Functions named *_locked expect the mutex held;
// they collect callbacks to run in `later` once it is released.
class Scheduler {
public:
  using Pending = std::vector<std::function<void()>>;

  static void run(Pending& later) {
    for (auto& f : later) f();
    later.clear();
  }

  // Moves to `status` and queues the callbacks registered for it (or, on failure, every one left).
  static void set_status_locked(Event& e, cl_int status, Pending& later) {
    e.status_ = status;
    cl_event handle = to_handle(&e);
    auto it = e.callbacks_.begin();
    while (it != e.callbacks_.end()) {
      if (status < 0 || it->on_status >= status) {
        Event::Callback cb = *it;
        Ref<Event> hold(&e);
        later.push_back([cb, handle, status, hold] { cb.fn(handle, status < 0 ? status : cb.on_status, cb.user_data); });
        it = e.callbacks_.erase(it);
      } else {
        ++it;
      }
    }
  }

  static void make_ready_locked(Event& e, Pending& later) {
    e.stamps_[Event::kSubmit] = host_time_ns();
    set_status_locked(e, CL_SUBMITTED, later);
    SchedulerState& s = state();
    s.ready.emplace_back(&e);
    if (!s.executor_started) {
      s.executor_started = true;
      std::thread(executor).detach();
    }
    s.ready_cv.notify_one();
  }

  static void complete_locked(Event& e, cl_int status, Pending& later) {
    const cl_ulong now = host_time_ns();
    if (e.stamps_[Event::kStart] == 0) e.stamps_[Event::kStart] = now;
    e.stamps_[Event::kEnd] = now;
    set_status_locked(e, status, later);
    auto dependents = std::move(e.dependents_);
    for (auto& d : dependents) {
      if (status < 0 && d.propagates_failure) d.event->dependency_failed_ = true;
      if (--d.event->pending_ == 0) make_ready_locked(*d.event, later);
    }
    if (e.queue_) e.queue_->retire_locked(&e);
    state().completion.notify_all();
    // The dependents' references are dropped here, under the lock; their last releases (if any)
    // cannot reach this event.
  }

  static void executor() {
    SchedulerState& s = state();
    std::unique_lock lock(s.mu);
    for (;;) {
      s.ready_cv.wait(lock, [&] { return !s.ready.empty(); });
      Ref<Event> e = std::move(s.ready.front());
      s.ready.pop_front();
      Pending later;
      cl_int result = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
      const bool run_work = !e->dependency_failed_;
      if (run_work) {
        e->stamps_[Event::kStart] = host_time_ns();
        set_status_locked(*e, CL_RUNNING, later);
      }
      lock.unlock();
      run(later);
      if (run_work) {
        try {
          result = e->work_ ? e->work_() : CL_SUCCESS;
        } catch (const std::bad_alloc&) {
          result = CL_OUT_OF_HOST_MEMORY;
        } catch (...) {
          result = CL_OUT_OF_RESOURCES;
        }
        if (result > 0) result = CL_OUT_OF_RESOURCES;  // work must return success or an error
      }
      lock.lock();
      complete_locked(*e, result, later);
      lock.unlock();
      run(later);
      e = Ref<Event>();  // may destroy the event (and its queue): not under the lock
      lock.lock();
    }
  }
};

Event::Event(Context* context, Queue* queue, cl_command_type type, Work work)
    : Object(Kind::Event), context_(context), queue_(queue), type_(type), work_(std::move(work)),
      profiled_(queue && queue->profiling()) {
  stamps_[kQueued] = host_time_ns();
  if (!queue) status_ = CL_SUBMITTED;  // user events start submitted
}

Event::~Event() = default;

cl_int Event::status() const {
  std::lock_guard lock(scheduler_mutex());
  return status_;
}

cl_ulong Event::stamp(Stamp s) const {
  std::lock_guard lock(scheduler_mutex());
  return stamps_[s];
}

void Event::submit(const std::vector<Ref<Event>>& wait_list, const std::vector<Ref<Event>>& ordering) {
  Scheduler::Pending later;
  {
    std::lock_guard lock(scheduler_mutex());
    auto depend = [&](const Ref<Event>& d, bool propagates) {
      if (d.get() == this) return;
      if (d->status_ < 0 && propagates) dependency_failed_ = true;
      if (is_final(d->status_)) return;
      d->dependents_.push_back({Ref<Event>(this), propagates});
      ++pending_;
    };
    for (const auto& d : wait_list) depend(d, true);
    for (const auto& d : ordering) depend(d, false);
    if (pending_ == 0) Scheduler::make_ready_locked(*this, later);
  }
  Scheduler::run(later);
}

bool Event::set_user_status(cl_int status) {
  Scheduler::Pending later;
  {
    std::lock_guard lock(scheduler_mutex());
    if (is_final(status_)) return false;
    Scheduler::complete_locked(*this, status, later);
  }
  Scheduler::run(later);
  return true;
}

cl_int Event::wait() const {
  std::unique_lock lock(scheduler_mutex());
  scheduler_completion().wait(lock, [&] { return is_final(status_); });
  return status_;
}

void Event::add_callback(cl_int on_status, CallbackFn fn, void* user_data) {
  Scheduler::Pending later;
  {
    std::lock_guard lock(scheduler_mutex());
    if (status_ <= on_status) {
      // Already there: call it now, from this thread.
      const cl_int reported = status_ < 0 ? status_ : on_status;
      cl_event handle = to_handle(this);
      later.push_back([=] { fn(handle, reported, user_data); });
    } else {
      callbacks_.push_back({on_status, fn, user_data});
    }
  }
  Scheduler::run(later);
}

cl_int collect_wait_list(cl_uint num_events, const cl_event* events, const Context* context,
                         std::vector<Ref<Event>>& out) {
  if ((num_events == 0) != (events == nullptr)) return CL_INVALID_EVENT_WAIT_LIST;
  for (cl_uint i = 0; i < num_events; ++i) {
    Event* e = checked<Event>(events[i]);
    if (!e) return CL_INVALID_EVENT_WAIT_LIST;
    if (context && e->context() != context) return CL_INVALID_CONTEXT;
    out.emplace_back(e);
  }
  return CL_SUCCESS;
}

bool wait_all(const std::vector<Ref<Event>>& events) {
  bool ok = true;
  for (const auto& e : events) ok = e->wait() >= 0 && ok;
  return ok;
}

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_int CL_API_CALL clWaitForEvents(cl_uint num_events, const cl_event* event_list) {
  return guarded([&]() -> cl_int {
    if (num_events == 0 || !event_list) return CL_INVALID_VALUE;
    std::vector<Ref<Event>> events;
    for (cl_uint i = 0; i < num_events; ++i) {
      Event* e = checked<Event>(event_list[i]);
      if (!e) return CL_INVALID_EVENT;
      if (!events.empty() && e->context() != events.front()->context()) return CL_INVALID_CONTEXT;
      events.emplace_back(e);
    }
    return wait_all(events) ? CL_SUCCESS : CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetEventInfo(cl_event event, cl_event_info param_name, size_t param_value_size,
                                              void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Event* e = checked<Event>(event);
    if (!e) return CL_INVALID_EVENT;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_EVENT_COMMAND_QUEUE: return out.scalar(e->queue() ? to_handle(e->queue()) : cl_command_queue(nullptr));
    case CL_EVENT_CONTEXT: return out.scalar(to_handle(e->context()));
    case CL_EVENT_COMMAND_TYPE: return out.scalar(e->type());
    case CL_EVENT_COMMAND_EXECUTION_STATUS: return out.scalar(e->status());
    case CL_EVENT_REFERENCE_COUNT: return out.scalar(e->ref_count());
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetEventProfilingInfo(cl_event event, cl_profiling_info param_name,
                                                       size_t param_value_size, void* param_value,
                                                       size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Event* e = checked<Event>(event);
    if (!e) return CL_INVALID_EVENT;
    if (!e->profiled() || e->status() != CL_COMPLETE) return CL_PROFILING_INFO_NOT_AVAILABLE;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_PROFILING_COMMAND_QUEUED: return out.scalar(e->stamp(Event::kQueued));
    case CL_PROFILING_COMMAND_SUBMIT: return out.scalar(e->stamp(Event::kSubmit));
    case CL_PROFILING_COMMAND_START: return out.scalar(e->stamp(Event::kStart));
    case CL_PROFILING_COMMAND_END:
    case CL_PROFILING_COMMAND_COMPLETE:  // no child commands
      return out.scalar(e->stamp(Event::kEnd));
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainEvent(cl_event event) {
  Event* e = checked<Event>(event);
  if (!e) return CL_INVALID_EVENT;
  e->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseEvent(cl_event event) {
  Event* e = checked<Event>(event);
  if (!e) return CL_INVALID_EVENT;
  e->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_event CL_API_CALL clCreateUserEvent(cl_context context, cl_int* errcode_ret) {
  return guarded_create<cl_event>(errcode_ret, [&](cl_int* err) -> cl_event {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    return to_handle(new Event(c, nullptr, CL_COMMAND_USER, nullptr));
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetUserEventStatus(cl_event event, cl_int execution_status) {
  return guarded([&]() -> cl_int {
    Event* e = checked<Event>(event);
    if (!e || e->type() != CL_COMMAND_USER) return CL_INVALID_EVENT;
    if (execution_status > CL_COMPLETE) return CL_INVALID_VALUE;
    return e->set_user_status(execution_status) ? CL_SUCCESS : CL_INVALID_OPERATION;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetEventCallback(cl_event event, cl_int command_exec_callback_type,
                                                  Event::CallbackFn pfn_notify, void* user_data) {
  return guarded([&]() -> cl_int {
    Event* e = checked<Event>(event);
    if (!e) return CL_INVALID_EVENT;
    if (!pfn_notify) return CL_INVALID_VALUE;
    if (command_exec_callback_type != CL_SUBMITTED && command_exec_callback_type != CL_RUNNING &&
        command_exec_callback_type != CL_COMPLETE)
      return CL_INVALID_VALUE;
    e->add_callback(command_exec_callback_type, pfn_notify, user_data);
    return CL_SUCCESS;
  });
}
