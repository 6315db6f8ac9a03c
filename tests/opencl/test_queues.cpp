// Queues and events through ocl-icd: ordering (in-order, out-of-order with barriers and markers),
// user events gating commands across queues, failure propagation, callbacks, profiling, and the
// error codes of every queue/event entry point.
#include "cl_test.h"

#include <atomic>
#include <chrono>
#include <numeric>
#include <random>
#include <thread>

using namespace cltest;

namespace {
cl_int status_of(cl_event e) {
  cl_int s = 1234;
  EXPECT_EQ(clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof s, &s, nullptr), CL_SUCCESS);
  return s;
}

std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> v(n);
  for (auto& w : v) w = rng();
  return v;
}
}  // namespace

class ClQueue : public ClTest {};

TEST_F(ClQueue, InOrderChainOfTransfers) {
  cl_int err;
  const size_t n = 4096;
  const auto data = random_words(n, 1);
  cl_mem a = clCreateBuffer(context, CL_MEM_READ_WRITE, n * 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, n * 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  // Non-blocking write, device copy, non-blocking read: the queue's order alone makes this correct.
  std::vector<uint32_t> out(n, 0);
  ASSERT_EQ(clEnqueueWriteBuffer(queue, a, CL_FALSE, 0, n * 4, data.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueCopyBuffer(queue, a, b, 0, 0, n * 4, 0, nullptr, nullptr), CL_SUCCESS);
  cl_event done;
  ASSERT_EQ(clEnqueueReadBuffer(queue, b, CL_FALSE, 0, n * 4, out.data(), 0, nullptr, &done), CL_SUCCESS);
  ASSERT_EQ(clWaitForEvents(1, &done), CL_SUCCESS);
  EXPECT_EQ(out, data);
  cl_command_type type = 0;
  EXPECT_EQ(clGetEventInfo(done, CL_EVENT_COMMAND_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, cl_command_type(CL_COMMAND_READ_BUFFER));
  cl_command_queue q = nullptr;
  EXPECT_EQ(clGetEventInfo(done, CL_EVENT_COMMAND_QUEUE, sizeof q, &q, nullptr), CL_SUCCESS);
  EXPECT_EQ(q, queue);
  EXPECT_EQ(status_of(done), CL_COMPLETE);
  clReleaseEvent(done);
  clReleaseMemObject(a);
  clReleaseMemObject(b);
}

TEST_F(ClQueue, UserEventGatesCommandsButNotOtherQueues) {
  cl_int err;
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(status_of(gate), CL_SUBMITTED);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const uint32_t pattern = 0xabcd1234;
  cl_event fill;
  ASSERT_EQ(clEnqueueFillBuffer(queue, buf, &pattern, 4, 0, 64, 1, &gate, &fill), CL_SUCCESS);
  // A second queue's independent work completes while the first is held.
  cl_command_queue other = clCreateCommandQueueWithProperties(context, device, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem other_buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  uint32_t seven = 7, got[16] = {};
  ASSERT_EQ(clEnqueueFillBuffer(other, other_buf, &seven, 4, 0, 64, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(other, other_buf, CL_TRUE, 0, 64, got, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(got[15], 7u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(status_of(fill), CL_QUEUED);  // still waiting for the gate
  ASSERT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
  EXPECT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_INVALID_OPERATION);  // set once
  ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, 64, got, 0, nullptr, nullptr), CL_SUCCESS);
  for (uint32_t w : got) { EXPECT_EQ(w, pattern); }
  EXPECT_EQ(status_of(fill), CL_COMPLETE);
  clReleaseEvent(fill);
  clReleaseEvent(gate);
  clReleaseMemObject(buf);
  clReleaseMemObject(other_buf);
  clReleaseCommandQueue(other);
}

TEST_F(ClQueue, FailedUserEventFailsDependentCommands) {
  cl_int err;
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  uint32_t host[16];
  for (auto& w : host) w = 5;
  cl_event write;
  ASSERT_EQ(clEnqueueWriteBuffer(queue, buf, CL_FALSE, 0, 64, host, 1, &gate, &write), CL_SUCCESS);
  EXPECT_EQ(clSetUserEventStatus(gate, 1), CL_INVALID_VALUE);  // positive statuses are not allowed
  ASSERT_EQ(clSetUserEventStatus(gate, -42), CL_SUCCESS);
  EXPECT_EQ(clWaitForEvents(1, &write), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
  EXPECT_EQ(status_of(write), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
  EXPECT_EQ(status_of(gate), -42);
  // A blocking command waiting on a failed event reports it.
  EXPECT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, 64, host, 1, &gate, nullptr),
            CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
  clReleaseEvent(write);
  clReleaseEvent(gate);
  clReleaseMemObject(buf);
}

namespace {
struct CallbackLog {
  std::atomic<int> submitted{0}, running{0}, complete{0};
  std::atomic<cl_int> complete_status{1};
};
void CL_CALLBACK on_status(cl_event, cl_int status, void* user) {
  auto* log = static_cast<CallbackLog*>(user);
  if (status == CL_SUBMITTED) log->submitted++;
  else if (status == CL_RUNNING) log->running++;
  else {
    log->complete_status = status;
    log->complete++;
  }
}
}  // namespace

TEST_F(ClQueue, EventCallbacksFireOnceEach) {
  cl_int err;
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_event marker;
  ASSERT_EQ(clEnqueueMarkerWithWaitList(queue, 1, &gate, &marker), CL_SUCCESS);
  CallbackLog log;
  ASSERT_EQ(clSetEventCallback(marker, CL_SUBMITTED, on_status, &log), CL_SUCCESS);
  ASSERT_EQ(clSetEventCallback(marker, CL_RUNNING, on_status, &log), CL_SUCCESS);
  ASSERT_EQ(clSetEventCallback(marker, CL_COMPLETE, on_status, &log), CL_SUCCESS);
  EXPECT_EQ(clSetEventCallback(marker, CL_QUEUED, on_status, &log), CL_INVALID_VALUE);
  EXPECT_EQ(clSetEventCallback(marker, CL_COMPLETE, nullptr, &log), CL_INVALID_VALUE);
  EXPECT_EQ(log.complete.load(), 0);
  ASSERT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
  ASSERT_EQ(clFinish(queue), CL_SUCCESS);
  // Callbacks may run on another thread just after completion becomes visible.
  for (int i = 0; i < 200 && log.complete.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(log.submitted.load(), 1);
  EXPECT_EQ(log.running.load(), 1);
  EXPECT_EQ(log.complete.load(), 1);
  EXPECT_EQ(log.complete_status.load(), CL_COMPLETE);
  // Registered after completion: called right away.
  CallbackLog late;
  ASSERT_EQ(clSetEventCallback(marker, CL_COMPLETE, on_status, &late), CL_SUCCESS);
  EXPECT_EQ(late.complete.load(), 1);
  clReleaseEvent(marker);
  clReleaseEvent(gate);
}

TEST_F(ClQueue, OutOfOrderBarrierOrdersLaterCommands) {
  cl_int err;
  const cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0};
  cl_command_queue ooo = clCreateCommandQueueWithProperties(context, device, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_command_queue_properties got = 0;
  ASSERT_EQ(clGetCommandQueueInfo(ooo, CL_QUEUE_PROPERTIES, sizeof got, &got, nullptr), CL_SUCCESS);
  EXPECT_EQ(got, cl_command_queue_properties(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE));
  size_t n = 0;
  ASSERT_EQ(clGetCommandQueueInfo(ooo, CL_QUEUE_PROPERTIES_ARRAY, 0, nullptr, &n), CL_SUCCESS);
  EXPECT_EQ(n, sizeof props);

  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 256, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const uint32_t one = 1, two = 2;
  cl_event first, barrier, second;
  ASSERT_EQ(clEnqueueFillBuffer(ooo, buf, &one, 4, 0, 256, 1, &gate, &first), CL_SUCCESS);
  ASSERT_EQ(clEnqueueBarrierWithWaitList(ooo, 0, nullptr, &barrier), CL_SUCCESS);
  ASSERT_EQ(clEnqueueFillBuffer(ooo, buf, &two, 4, 0, 256, 0, nullptr, &second), CL_SUCCESS);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(status_of(second), CL_QUEUED);  // behind the barrier, which is behind the gated fill
  ASSERT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
  ASSERT_EQ(clFinish(ooo), CL_SUCCESS);
  uint32_t out[64];
  ASSERT_EQ(clEnqueueReadBuffer(ooo, buf, CL_TRUE, 0, 256, out, 0, nullptr, nullptr), CL_SUCCESS);
  for (uint32_t w : out) { EXPECT_EQ(w, 2u); }
  for (cl_event e : {first, barrier, second}) {
    EXPECT_EQ(status_of(e), CL_COMPLETE);
    clReleaseEvent(e);
  }
  clReleaseEvent(gate);
  clReleaseMemObject(buf);
  clReleaseCommandQueue(ooo);
}

TEST_F(ClQueue, ProfilingTimestampsAreOrdered) {
  cl_int err;
  const cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
  cl_command_queue prof = clCreateCommandQueueWithProperties(context, device, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 1 << 16, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const uint32_t zero = 0;
  cl_event e;
  ASSERT_EQ(clEnqueueFillBuffer(prof, buf, &zero, 4, 0, 1 << 16, 0, nullptr, &e), CL_SUCCESS);
  ASSERT_EQ(clWaitForEvents(1, &e), CL_SUCCESS);
  cl_ulong t[5] = {};
  const cl_profiling_info which[5] = {CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
                                      CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END,
                                      CL_PROFILING_COMMAND_COMPLETE};
  for (int i = 0; i < 5; ++i) { ASSERT_EQ(clGetEventProfilingInfo(e, which[i], sizeof t[i], &t[i], nullptr), CL_SUCCESS); }
  for (int i = 1; i < 5; ++i) EXPECT_LE(t[i - 1], t[i]) << i;
  EXPECT_GT(t[0], 0u);
  EXPECT_EQ(clGetEventProfilingInfo(e, 0x7777, sizeof t[0], &t[0], nullptr), CL_INVALID_VALUE);
  clReleaseEvent(e);
  // Not a profiling queue, and user events: no profiling information.
  ASSERT_EQ(clEnqueueFillBuffer(queue, buf, &zero, 4, 0, 64, 0, nullptr, &e), CL_SUCCESS);
  ASSERT_EQ(clWaitForEvents(1, &e), CL_SUCCESS);
  EXPECT_EQ(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof t[0], &t[0], nullptr),
            CL_PROFILING_INFO_NOT_AVAILABLE);
  clReleaseEvent(e);
  clReleaseMemObject(buf);
  clReleaseCommandQueue(prof);
}

TEST_F(ClQueue, ErrorCodes) {
  cl_int err;
  // Queue creation.
  const cl_queue_properties bad_prop[] = {0x7777, 0, 0};
  EXPECT_EQ(clCreateCommandQueueWithProperties(context, device, bad_prop, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  const cl_queue_properties on_device[] = {CL_QUEUE_PROPERTIES,
                                           CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_ON_DEVICE, 0};
  EXPECT_EQ(clCreateCommandQueueWithProperties(context, device, on_device, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_QUEUE_PROPERTIES);
  const cl_queue_properties size_only[] = {CL_QUEUE_SIZE, 1024, 0};
  EXPECT_EQ(clCreateCommandQueueWithProperties(context, device, size_only, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateCommandQueue(context, device, cl_command_queue_properties(1) << 20, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateCommandQueueWithProperties(context, reinterpret_cast<cl_device_id>(queue), nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_DEVICE);
  // Wait lists.
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clEnqueueMarkerWithWaitList(queue, 1, nullptr, nullptr), CL_INVALID_EVENT_WAIT_LIST);
  EXPECT_EQ(clEnqueueMarkerWithWaitList(queue, 0, &gate, nullptr), CL_INVALID_EVENT_WAIT_LIST);
  cl_context other = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_event foreign = clCreateUserEvent(other, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clEnqueueMarkerWithWaitList(queue, 1, &foreign, nullptr), CL_INVALID_CONTEXT);
  cl_event both[2] = {gate, foreign};
  EXPECT_EQ(clWaitForEvents(2, both), CL_INVALID_CONTEXT);
  EXPECT_EQ(clWaitForEvents(0, both), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueMarker(queue, nullptr), CL_INVALID_VALUE);
  // Event and queue queries.
  EXPECT_EQ(clGetEventInfo(gate, 0x7777, 0, nullptr, nullptr), CL_INVALID_VALUE);
  cl_command_queue none = queue;
  EXPECT_EQ(clGetEventInfo(gate, CL_EVENT_COMMAND_QUEUE, sizeof none, &none, nullptr), CL_SUCCESS);
  EXPECT_EQ(none, nullptr);  // user events belong to no queue
  EXPECT_EQ(clGetCommandQueueInfo(queue, 0x7777, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clSetUserEventStatus(reinterpret_cast<cl_event>(queue), CL_COMPLETE), CL_INVALID_EVENT);
  clSetUserEventStatus(gate, CL_COMPLETE);
  clSetUserEventStatus(foreign, CL_COMPLETE);
  clReleaseEvent(gate);
  clReleaseEvent(foreign);
  clReleaseContext(other);
}

TEST_F(ClQueue, ReleasedQueueStillRunsItsCommands) {
  cl_int err;
  cl_command_queue q = clCreateCommandQueueWithProperties(context, device, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_event gate = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const uint32_t nine = 9;
  cl_event fill;
  ASSERT_EQ(clEnqueueFillBuffer(q, buf, &nine, 4, 0, 64, 1, &gate, &fill), CL_SUCCESS);
  ASSERT_EQ(clReleaseCommandQueue(q), CL_SUCCESS);  // implicit flush; the command still runs
  ASSERT_EQ(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
  ASSERT_EQ(clWaitForEvents(1, &fill), CL_SUCCESS);
  uint32_t out[16];
  ASSERT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, 64, out, 0, nullptr, nullptr), CL_SUCCESS);
  for (uint32_t w : out) { EXPECT_EQ(w, 9u); }
  clReleaseEvent(fill);
  clReleaseEvent(gate);
  clReleaseMemObject(buf);
}

// Several application threads, each with its own queue, enqueueing chains that all wait on one
// user event set from yet another thread: every chain completes with its own data.
TEST_F(ClQueue, ConcurrentQueuesFromManyThreads) {
  cl_int err;
  cl_event start = clCreateUserEvent(context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  constexpr int kThreads = 4, kRounds = 40;
  constexpr size_t kWords = 256;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      cl_int e;
      cl_command_queue q = clCreateCommandQueueWithProperties(context, device, nullptr, &e);
      cl_mem a = clCreateBuffer(context, CL_MEM_READ_WRITE, kWords * 4, nullptr, &e);
      cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, kWords * 4, nullptr, &e);
      for (int r = 0; r < kRounds; ++r) {
        const auto data = random_words(kWords, uint32_t(t * 1000 + r));
        std::vector<uint32_t> out(kWords, 0);
        cl_event w;
        if (clEnqueueWriteBuffer(q, a, CL_FALSE, 0, kWords * 4, data.data(), r == 0 ? 1 : 0, r == 0 ? &start : nullptr,
                                 &w) != CL_SUCCESS)
          failures++;
        if (clEnqueueCopyBuffer(q, a, b, 0, 0, kWords * 4, 1, &w, nullptr) != CL_SUCCESS) failures++;
        if (clEnqueueReadBuffer(q, b, CL_TRUE, 0, kWords * 4, out.data(), 0, nullptr, nullptr) != CL_SUCCESS) failures++;
        if (out != data) failures++;
        clReleaseEvent(w);
      }
      clReleaseMemObject(a);
      clReleaseMemObject(b);
      clReleaseCommandQueue(q);
    });
  }
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clSetUserEventStatus(start, CL_COMPLETE);
  });
  for (auto& th : threads) th.join();
  setter.join();
  EXPECT_EQ(failures.load(), 0);
  clReleaseEvent(start);
}
