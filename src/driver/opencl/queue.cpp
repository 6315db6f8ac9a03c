#include "queue.h"

#include "context.h"
#include "device.h"
#include "info.h"
#include "scheduler.h"

#include <algorithm>

namespace mica::cl {

Queue::Queue(Context* context, Device* device, cl_command_queue_properties properties,
             std::vector<cl_queue_properties> property_list)
    : Object(Kind::Queue), context_(context), device_(device), properties_(properties),
      property_list_(std::move(property_list)) {}

Queue::~Queue() = default;  // the last release comes after every command completed (events hold the queue)

cl_int Queue::enqueue(cl_command_type type, cl_uint num_events, const cl_event* wait_list, cl_event* event_ret,
                      Event::Work work, bool blocking, bool barrier) {
  std::vector<Ref<Event>> deps;
  if (cl_int err = collect_wait_list(num_events, wait_list, context(), deps); err != CL_SUCCESS) return err;
  auto event = Ref<Event>::adopt(new Event(context(), this, type, std::move(work)));
  std::vector<Ref<Event>> ordering;
  {
    std::lock_guard lock(scheduler_mutex());
    const bool waits_for_all = barrier || ((type == CL_COMMAND_MARKER || type == CL_COMMAND_BARRIER) && num_events == 0);
    if (in_order()) {
      if (!outstanding_.empty()) ordering.push_back(outstanding_.back());
    } else {
      if (waits_for_all) ordering.insert(ordering.end(), outstanding_.begin(), outstanding_.end());
      else if (barrier_) ordering.push_back(barrier_);
    }
    outstanding_.push_back(event);
    if (barrier) barrier_ = event;
  }
  event->submit(deps, ordering);
  if (event_ret) *event_ret = to_handle(Ref<Event>(event).leak());
  if (blocking) {
    const cl_int status = event->wait();
    if (status < 0) return status;  // CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST when a wait-list event failed
  }
  return CL_SUCCESS;
}

void Queue::finish() {
  std::unique_lock lock(scheduler_mutex());
  scheduler_completion().wait(lock, [&] { return outstanding_.empty(); });
}

void Queue::retire_locked(Event* e) {
  auto it = std::find_if(outstanding_.begin(), outstanding_.end(), [&](const Ref<Event>& r) { return r.get() == e; });
  if (it != outstanding_.end()) outstanding_.erase(it);
  if (barrier_.get() == e) barrier_ = Ref<Event>();
}

namespace {
constexpr cl_command_queue_properties kSupported =
    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE;
constexpr cl_command_queue_properties kKnown = kSupported | CL_QUEUE_ON_DEVICE | CL_QUEUE_ON_DEVICE_DEFAULT;

cl_command_queue create_queue(cl_context context, cl_device_id device, cl_command_queue_properties props,
                              std::vector<cl_queue_properties> list, cl_int* err) {
  Context* c = checked<Context>(context);
  if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
  Device* d = checked<Device>(device);
  if (!d || !c->has_device(d)) return *err = CL_INVALID_DEVICE, nullptr;
  if (props & ~kKnown) return *err = CL_INVALID_VALUE, nullptr;
  // On-device queues (OpenCL 2.0 device-side enqueue) are not supported (CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES 0).
  if (props & (CL_QUEUE_ON_DEVICE | CL_QUEUE_ON_DEVICE_DEFAULT)) return *err = CL_INVALID_QUEUE_PROPERTIES, nullptr;
  return to_handle(new Queue(c, d, props, std::move(list)));
}
}  // namespace

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_command_queue CL_API_CALL clCreateCommandQueueWithProperties(cl_context context, cl_device_id device,
                                                                            const cl_queue_properties* properties,
                                                                            cl_int* errcode_ret) {
  return guarded_create<cl_command_queue>(errcode_ret, [&](cl_int* err) -> cl_command_queue {
    cl_command_queue_properties props = 0;
    std::vector<cl_queue_properties> list;
    bool seen_props = false, seen_size = false;
    if (properties) {
      for (const cl_queue_properties* p = properties; *p; p += 2) {
        switch (p[0]) {
        case CL_QUEUE_PROPERTIES:
          if (seen_props) return *err = CL_INVALID_VALUE, nullptr;
          seen_props = true;
          props = p[1];
          break;
        case CL_QUEUE_SIZE:
          if (seen_size) return *err = CL_INVALID_VALUE, nullptr;
          seen_size = true;
          break;
        default: return *err = CL_INVALID_VALUE, nullptr;
        }
        list.push_back(p[0]);
        list.push_back(p[1]);
      }
      list.push_back(0);
    }
    // CL_QUEUE_SIZE is only valid with CL_QUEUE_ON_DEVICE.
    if (seen_size && !(props & CL_QUEUE_ON_DEVICE)) return *err = CL_INVALID_VALUE, nullptr;
    return create_queue(context, device, props, std::move(list), err);
  });
}

CL_API_ENTRY cl_command_queue CL_API_CALL clCreateCommandQueue(cl_context context, cl_device_id device,
                                                              cl_command_queue_properties properties,
                                                              cl_int* errcode_ret) {
  return guarded_create<cl_command_queue>(errcode_ret, [&](cl_int* err) {
    return create_queue(context, device, properties, {}, err);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainCommandQueue(cl_command_queue command_queue) {
  Queue* q = checked<Queue>(command_queue);
  if (!q) return CL_INVALID_COMMAND_QUEUE;
  q->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseCommandQueue(cl_command_queue command_queue) {
  Queue* q = checked<Queue>(command_queue);
  if (!q) return CL_INVALID_COMMAND_QUEUE;
  // Commands already enqueued still run (the implicit flush); their events keep the queue alive.
  q->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clGetCommandQueueInfo(cl_command_queue command_queue, cl_command_queue_info param_name,
                                                     size_t param_value_size, void* param_value,
                                                     size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_QUEUE_CONTEXT: return out.scalar(to_handle(q->context()));
    case CL_QUEUE_DEVICE: return out.scalar(to_handle(q->device()));
    case CL_QUEUE_REFERENCE_COUNT: return out.scalar(q->ref_count());
    case CL_QUEUE_PROPERTIES: return out.scalar(q->properties());
    case CL_QUEUE_PROPERTIES_ARRAY: return out.array(q->property_list());
    case CL_QUEUE_SIZE: return CL_INVALID_COMMAND_QUEUE;  // not a device queue
    case CL_QUEUE_DEVICE_DEFAULT: return out.scalar(cl_command_queue(nullptr));
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetCommandQueueProperty(cl_command_queue command_queue, cl_command_queue_properties,
                                                         cl_bool, cl_command_queue_properties*) {
  // Deprecated in OpenCL 1.1; properties are fixed at creation.
  return checked<Queue>(command_queue) ? CL_INVALID_OPERATION : CL_INVALID_COMMAND_QUEUE;
}

CL_API_ENTRY cl_int CL_API_CALL clSetDefaultDeviceCommandQueue(cl_context context, cl_device_id device,
                                                              cl_command_queue command_queue) {
  if (!checked<Context>(context)) return CL_INVALID_CONTEXT;
  if (!checked<Device>(device)) return CL_INVALID_DEVICE;
  if (!checked<Queue>(command_queue)) return CL_INVALID_COMMAND_QUEUE;
  return CL_INVALID_OPERATION;  // no on-device queues
}

CL_API_ENTRY cl_int CL_API_CALL clFlush(cl_command_queue command_queue) {
  // Commands are handed to the scheduler as they are enqueued; there is nothing held back to flush.
  return checked<Queue>(command_queue) ? CL_SUCCESS : CL_INVALID_COMMAND_QUEUE;
}

CL_API_ENTRY cl_int CL_API_CALL clFinish(cl_command_queue command_queue) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    q->finish();
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueMarkerWithWaitList(cl_command_queue command_queue, cl_uint num_events_in_wait_list,
                                                           const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    return q->enqueue(CL_COMMAND_MARKER, num_events_in_wait_list, event_wait_list, event, nullptr);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueBarrierWithWaitList(cl_command_queue command_queue, cl_uint num_events_in_wait_list,
                                                            const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    return q->enqueue(CL_COMMAND_BARRIER, num_events_in_wait_list, event_wait_list, event, nullptr, false, true);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueMarker(cl_command_queue command_queue, cl_event* event) {
  if (!event) return checked<Queue>(command_queue) ? CL_INVALID_VALUE : CL_INVALID_COMMAND_QUEUE;
  return clEnqueueMarkerWithWaitList(command_queue, 0, nullptr, event);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueBarrier(cl_command_queue command_queue) {
  return clEnqueueBarrierWithWaitList(command_queue, 0, nullptr, nullptr);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWaitForEvents(cl_command_queue command_queue, cl_uint num_events,
                                                      const cl_event* event_list) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    if (num_events == 0 || !event_list) return CL_INVALID_VALUE;
    for (cl_uint i = 0; i < num_events; ++i)
      if (!checked<Event>(event_list[i])) return CL_INVALID_EVENT;
    // A barrier on those events: every later command waits for them.
    return q->enqueue(CL_COMMAND_BARRIER, num_events, event_list, nullptr, nullptr, false, true);
  });
}
