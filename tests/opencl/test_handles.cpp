// Handle checking and reference counting, calling the driver directly (linked in, no loader): a
// loader reads handle->dispatch itself, so freed handles can only be tested below it. Every entry
// point must answer a freed or mistyped handle with its CL_INVALID_* code, never touch it.
#include "cl_test.h"

#include <vector>

namespace {

struct Fixture {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  cl_context context = nullptr;
  cl_command_queue queue = nullptr;
  Fixture() {
    EXPECT_EQ(clGetPlatformIDs(1, &platform, nullptr), CL_SUCCESS);
    EXPECT_EQ(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, nullptr), CL_SUCCESS);
    cl_int err;
    context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
    EXPECT_EQ(err, CL_SUCCESS);
    queue = clCreateCommandQueueWithProperties(context, device, nullptr, &err);
    EXPECT_EQ(err, CL_SUCCESS);
  }
  ~Fixture() {
    clReleaseCommandQueue(queue);
    clReleaseContext(context);
  }
};

cl_uint refcount(cl_mem m) {
  cl_uint n = 0;
  EXPECT_EQ(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof n, &n, nullptr), CL_SUCCESS);
  return n;
}

}  // namespace

TEST(ClHandles, FreedHandlesAreRefused) {
  Fixture f;
  cl_int err;
  cl_mem buf = clCreateBuffer(f.context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clReleaseMemObject(buf), CL_SUCCESS);
  size_t size = 0;
  EXPECT_EQ(clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof size, &size, nullptr), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clReleaseMemObject(buf), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clRetainMemObject(buf), CL_INVALID_MEM_OBJECT);
  char data[64];
  EXPECT_EQ(clEnqueueReadBuffer(f.queue, buf, CL_TRUE, 0, 64, data, 0, nullptr, nullptr), CL_INVALID_MEM_OBJECT);

  cl_event user = clCreateUserEvent(f.context, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clSetUserEventStatus(user, CL_COMPLETE), CL_SUCCESS);
  ASSERT_EQ(clReleaseEvent(user), CL_SUCCESS);
  EXPECT_EQ(clWaitForEvents(1, &user), CL_INVALID_EVENT);
  EXPECT_EQ(clEnqueueMarkerWithWaitList(f.queue, 1, &user, nullptr), CL_INVALID_EVENT_WAIT_LIST);

  cl_command_queue q = clCreateCommandQueueWithProperties(f.context, f.device, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clReleaseCommandQueue(q), CL_SUCCESS);
  EXPECT_EQ(clFinish(q), CL_INVALID_COMMAND_QUEUE);
  EXPECT_EQ(clFlush(q), CL_INVALID_COMMAND_QUEUE);

  cl_context c = clCreateContext(nullptr, 1, &f.device, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clReleaseContext(c), CL_SUCCESS);
  EXPECT_EQ(clRetainContext(c), CL_INVALID_CONTEXT);
  EXPECT_EQ(clCreateBuffer(c, CL_MEM_READ_WRITE, 64, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_CONTEXT);
}

TEST(ClHandles, MistypedHandlesAreRefused) {
  Fixture f;
  cl_int err;
  cl_mem buf = clCreateBuffer(f.context, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  // A buffer where a context, queue, event, program or kernel is expected, and the other way round.
  EXPECT_EQ(clRetainContext(reinterpret_cast<cl_context>(buf)), CL_INVALID_CONTEXT);
  EXPECT_EQ(clFinish(reinterpret_cast<cl_command_queue>(buf)), CL_INVALID_COMMAND_QUEUE);
  EXPECT_EQ(clReleaseEvent(reinterpret_cast<cl_event>(buf)), CL_INVALID_EVENT);
  EXPECT_EQ(clRetainProgram(reinterpret_cast<cl_program>(buf)), CL_INVALID_PROGRAM);
  EXPECT_EQ(clRetainKernel(reinterpret_cast<cl_kernel>(buf)), CL_INVALID_KERNEL);
  EXPECT_EQ(clRetainMemObject(reinterpret_cast<cl_mem>(f.context)), CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clGetDeviceInfo(reinterpret_cast<cl_device_id>(f.queue), CL_DEVICE_NAME, 0, nullptr, nullptr),
            CL_INVALID_DEVICE);
  EXPECT_EQ(clGetPlatformInfo(reinterpret_cast<cl_platform_id>(f.context), CL_PLATFORM_NAME, 0, nullptr, nullptr),
            CL_INVALID_PLATFORM);
  // A pointer that is no object at all (never dereferenced).
  int not_an_object = 0;
  EXPECT_EQ(clRetainContext(reinterpret_cast<cl_context>(&not_an_object)), CL_INVALID_CONTEXT);
  EXPECT_EQ(clEnqueueWriteBuffer(f.queue, reinterpret_cast<cl_mem>(&not_an_object), CL_TRUE, 0, 4, &not_an_object, 0,
                                 nullptr, nullptr),
            CL_INVALID_MEM_OBJECT);
  EXPECT_EQ(clReleaseMemObject(buf), CL_SUCCESS);
}

TEST(ClHandles, ReferenceCounting) {
  Fixture f;
  cl_int err;
  cl_mem buf = clCreateBuffer(f.context, CL_MEM_READ_WRITE, 256, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(refcount(buf), 1u);
  EXPECT_EQ(clRetainMemObject(buf), CL_SUCCESS);
  EXPECT_EQ(refcount(buf), 2u);
  // A sub-buffer holds its parent: the parent outlives the application's last release.
  const cl_buffer_region region = {128, 64};
  cl_mem sub = clCreateSubBuffer(buf, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clReleaseMemObject(buf), CL_SUCCESS);
  EXPECT_EQ(clReleaseMemObject(buf), CL_SUCCESS);
  cl_mem parent = nullptr;
  ASSERT_EQ(clGetMemObjectInfo(sub, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof parent, &parent, nullptr), CL_SUCCESS);
  EXPECT_EQ(parent, buf);
  size_t size = 0;
  EXPECT_EQ(clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof size, &size, nullptr), CL_SUCCESS);  // still alive
  EXPECT_EQ(size, 256u);
  EXPECT_EQ(clReleaseMemObject(sub), CL_SUCCESS);
  EXPECT_EQ(clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof size, &size, nullptr), CL_INVALID_MEM_OBJECT);  // now gone

  cl_uint n = 0;
  ASSERT_EQ(clGetContextInfo(f.context, CL_CONTEXT_REFERENCE_COUNT, sizeof n, &n, nullptr), CL_SUCCESS);
  const cl_uint before = n;
  EXPECT_EQ(clRetainContext(f.context), CL_SUCCESS);
  ASSERT_EQ(clGetContextInfo(f.context, CL_CONTEXT_REFERENCE_COUNT, sizeof n, &n, nullptr), CL_SUCCESS);
  EXPECT_EQ(n, before + 1);
  EXPECT_EQ(clReleaseContext(f.context), CL_SUCCESS);
}

namespace {
std::vector<int>* g_order = nullptr;
void CL_CALLBACK record_context(cl_context, void* user) { g_order->push_back(*static_cast<int*>(user)); }
void CL_CALLBACK record_mem(cl_mem, void* user) { g_order->push_back(*static_cast<int*>(user)); }
}  // namespace

TEST(ClHandles, DestructorCallbacksRunMostRecentFirst) {
  cl_platform_id p;
  cl_device_id d;
  ASSERT_EQ(clGetPlatformIDs(1, &p, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, nullptr), CL_SUCCESS);
  std::vector<int> order;
  g_order = &order;
  int ids[4] = {1, 2, 3, 4};
  cl_int err;
  cl_context c = clCreateContext(nullptr, 1, &d, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem m = clCreateBuffer(c, CL_MEM_READ_ONLY, 16, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clSetContextDestructorCallback(c, record_context, &ids[0]), CL_SUCCESS);
  EXPECT_EQ(clSetContextDestructorCallback(c, record_context, &ids[1]), CL_SUCCESS);
  EXPECT_EQ(clSetMemObjectDestructorCallback(m, record_mem, &ids[2]), CL_SUCCESS);
  EXPECT_EQ(clSetMemObjectDestructorCallback(m, record_mem, &ids[3]), CL_SUCCESS);
  EXPECT_EQ(clSetContextDestructorCallback(c, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clReleaseContext(c), CL_SUCCESS);
  EXPECT_TRUE(order.empty());  // the buffer still holds the context
  EXPECT_EQ(clReleaseMemObject(m), CL_SUCCESS);
  EXPECT_EQ(order, (std::vector<int>{4, 3, 2, 1}));
  g_order = nullptr;
}

// What Piglit's api@clgetextensionfunctionaddressforplatform checks, below the loader (ocl-icd
// replaces a NULL platform by its default one before calling the ICD): NULL for a NULL or
// mistyped platform, the function for a valid one.
TEST(ClHandles, ExtensionLookupNeedsAValidPlatform) {
  Fixture f;
  EXPECT_NE(clGetExtensionFunctionAddressForPlatform(f.platform, "clIcdGetPlatformIDsKHR"), nullptr);
  EXPECT_EQ(clGetExtensionFunctionAddressForPlatform(nullptr, "clIcdGetPlatformIDsKHR"), nullptr);
  EXPECT_EQ(clGetExtensionFunctionAddressForPlatform(reinterpret_cast<cl_platform_id>(f.context), "clIcdGetPlatformIDsKHR"),
            nullptr);
  EXPECT_EQ(clGetExtensionFunctionAddressForPlatform(f.platform, "invalid_name"), nullptr);
}
