// Command queues: in-order or out-of-order, optionally profiled. A queue turns each enqueue into an
// Event with its ordering dependencies and hands it to the scheduler (event.h).
#pragma once

#include "event.h"
#include "object.h"

#include <vector>

namespace mica::cl {

class Context;
class Device;

class Queue : public Object {
public:
  using Handle = cl_command_queue;
  static constexpr Kind kKind = Kind::Queue;

  Queue(Context* context, Device* device, cl_command_queue_properties properties,
        std::vector<cl_queue_properties> property_list);
  ~Queue();

  Context* context() const { return context_.get(); }
  Device* device() const { return device_; }
  cl_command_queue_properties properties() const { return properties_; }
  const std::vector<cl_queue_properties>& property_list() const { return property_list_; }
  bool in_order() const { return !(properties_ & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE); }
  bool profiling() const { return properties_ & CL_QUEUE_PROFILING_ENABLE; }

  // Enqueues a command: checks the wait list, orders it after what the queue requires, returns its
  // event through event_ret (if not null) and, when blocking, waits for it. A barrier orders every
  // later command after it; a marker or barrier with an empty wait list waits for every earlier one.
  cl_int enqueue(cl_command_type type, cl_uint num_events, const cl_event* wait_list, cl_event* event_ret,
                 Event::Work work, bool blocking = false, bool barrier = false);
  // Waits until every command enqueued so far completed.
  void finish();

  // Called by the scheduler (mutex held) when one of this queue's commands completed.
  void retire_locked(Event* e);

private:
  Ref<Context> context_;
  Device* device_;
  cl_command_queue_properties properties_;
  std::vector<cl_queue_properties> property_list_;
  // Guarded by the scheduler mutex: commands not yet complete (in enqueue order), the last barrier.
  std::vector<Ref<Event>> outstanding_;
  Ref<Event> barrier_;
};

}  // namespace mica::cl
