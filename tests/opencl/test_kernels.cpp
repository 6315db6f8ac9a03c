// Kernels running on the device through ocl-icd: results checked against the host for global
// offsets, non-uniform work-groups, __local arguments, by-value structs, and printf output.
#include "cl_test.h"

#include <CL/cl_ext.h>

#include <random>

using namespace cltest;

using ClKernel = ClSourceTest;

TEST_F(ClKernel, AddOffsetWithGlobalOffsetAndNonUniformGroups) {
  cl_kernel k = build(R"CL(
__kernel void add_offset(__global int* out, __global const int* in, int offset) {
  size_t i = get_global_id(0);
  out[i] = in[i] + offset + (int)get_local_size(0) * 0;
}
)CL", "add_offset", "-cl-std=CL3.0");
  ASSERT_NE(k, nullptr);
  const size_t n = 1000;
  std::vector<int> in(n), out(n, -1);
  std::mt19937 rng(7);
  for (auto& v : in) v = int(rng() % 100000);
  cl_int err;
  cl_mem bin = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * 4, in.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bout = clCreateBuffer(context, CL_MEM_WRITE_ONLY | CL_MEM_COPY_HOST_PTR, n * 4, out.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const int offset = 17;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof bout, &bout), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof bin, &bin), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof offset, &offset), CL_SUCCESS);
  // Work-items 100..899 with groups of 64: the last group is partial (800 = 12 * 64 + 32).
  const size_t goff = 100, global = 800, local = 64;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, &goff, &global, &local, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bout, CL_TRUE, 0, n * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < n; ++i) {
    const int expect = (i >= goff && i < goff + global) ? in[i] + offset : -1;
    ASSERT_EQ(out[i], expect) << "i=" << i;
  }
  clReleaseMemObject(bin);
  clReleaseMemObject(bout);
  clReleaseKernel(k);
}

// A work-group tree reduction: __local memory sized by clSetKernelArg, barriers, 2 groups sizes.
TEST_F(ClKernel, LocalMemoryReduction) {
  cl_kernel k = build(R"CL(
__kernel void reduce(__global const uint* in, __global uint* out, __local uint* tmp) {
  size_t l = get_local_id(0);
  tmp[l] = in[get_global_id(0)];
  barrier(CLK_LOCAL_MEM_FENCE);
  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {
    if (l < s) tmp[l] += tmp[l + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (l == 0) out[get_group_id(0)] = tmp[0];
}
)CL", "reduce");
  ASSERT_NE(k, nullptr);
  for (size_t local : {64u, 256u}) {
    const size_t groups = 8, n = groups * local;
    std::vector<cl_uint> in(n), out(groups, 0);
    std::mt19937 rng{static_cast<uint32_t>(local)};
    for (auto& v : in) v = rng() % 1000;
    cl_int err;
    cl_mem bin = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * 4, in.data(), &err);
    ASSERT_EQ(err, CL_SUCCESS);
    cl_mem bout = clCreateBuffer(context, CL_MEM_WRITE_ONLY, groups * 4, nullptr, &err);
    ASSERT_EQ(err, CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 0, sizeof bin, &bin), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 1, sizeof bout, &bout), CL_SUCCESS);
    ASSERT_EQ(clSetKernelArg(k, 2, local * 4, nullptr), CL_SUCCESS);
    cl_ulong local_mem = 0;
    ASSERT_EQ(clGetKernelWorkGroupInfo(k, device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem, nullptr),
              CL_SUCCESS);
    EXPECT_GE(local_mem, local * 4);  // includes the __local argument
    ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, &local, 0, nullptr, nullptr), CL_SUCCESS);
    ASSERT_EQ(clEnqueueReadBuffer(queue, bout, CL_TRUE, 0, groups * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    for (size_t g = 0; g < groups; ++g) {
      cl_uint sum = 0;
      for (size_t i = 0; i < local; ++i) sum += in[g * local + i];
      EXPECT_EQ(out[g], sum) << "local " << local << " group " << g;
    }
    clReleaseMemObject(bin);
    clReleaseMemObject(bout);
  }
  // More __local memory than a work-group can have: accepted by clSetKernelArg, refused by the enqueue.
  ASSERT_EQ(clSetKernelArg(k, 2, 65536 + 4, nullptr), CL_SUCCESS);
  const size_t n = 64, local = 64;
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, &local, 0, nullptr, nullptr), CL_OUT_OF_RESOURCES);
  clReleaseKernel(k);
}

// A 2D NDRange with the local size left to the driver, a struct passed by value, and the ids.
TEST_F(ClKernel, TwoDimensionsStructByValueDriverLocalSize) {
  cl_kernel k = build(R"CL(
typedef struct { int scale; int bias; short tag; } params_t;
__kernel void ids(__global int* out, params_t p) {
  size_t x = get_global_id(0), y = get_global_id(1);
  size_t w = get_global_size(0);
  out[y * w + x] = (int)(y * 1000 + x) * p.scale + p.bias + p.tag + (int)get_work_dim() * 0;
}
)CL", "ids");
  ASSERT_NE(k, nullptr);
  const size_t global[2] = {48, 20};
  std::vector<int> out(global[0] * global[1], 0);
  cl_int err;
  cl_mem b = clCreateBuffer(context, CL_MEM_WRITE_ONLY, out.size() * 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  struct {
    cl_int scale, bias;
    cl_short tag;
  } p = {3, -7, 5};
  size_t arg_size = sizeof p;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, arg_size, &p), CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 2, nullptr, global, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, b, CL_TRUE, 0, out.size() * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t y = 0; y < global[1]; ++y)
    for (size_t x = 0; x < global[0]; ++x)
      ASSERT_EQ(out[y * global[0] + x], int(y * 1000 + x) * 3 - 7 + 5) << x << "," << y;
  clReleaseMemObject(b);
  clReleaseKernel(k);
}

// printf: records decoded after the kernel, in order, with vectors, strings and floats.
TEST_F(ClKernel, PrintfOutput) {
  cl_kernel k = build(R"CL(
__kernel void say(int v) {
  if (get_global_id(0) == 0) {
    printf("hello %d %s %.2f\n", v, "mica", 1.5f);
    printf("vec %v4d|%5u|%x\n", (int4)(1, 2, 3, 4), 42u, 255);
  }
}
)CL", "say");
  ASSERT_NE(k, nullptr);
  const int v = -9;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof v, &v), CL_SUCCESS);
  const cltest::CapturedRun run = cltest::run_capturing_stdout(queue, k, 4);
  ASSERT_EQ(run.enqueue, CL_SUCCESS);
  ASSERT_EQ(run.finish, CL_SUCCESS);
  EXPECT_EQ(run.text, "hello -9 mica 1.50\nvec 1,2,3,4|   42|ff\n");
  clReleaseKernel(k);
}

// clEnqueueTask and a kernel event with profiling information.
TEST_F(ClKernel, TaskWithProfiledEvent) {
  cl_kernel k = build("__kernel void one(__global int* x) { x[get_global_id(0)] = 123 + (int)get_global_size(0); }\n",
                      "one");
  ASSERT_NE(k, nullptr);
  cl_int err;
  const cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
  cl_command_queue prof = clCreateCommandQueueWithProperties(context, device, props, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
  cl_event e;
  ASSERT_EQ(clEnqueueTask(prof, k, 0, nullptr, &e), CL_SUCCESS);
  ASSERT_EQ(clWaitForEvents(1, &e), CL_SUCCESS);
  cl_command_type type = 0;
  ASSERT_EQ(clGetEventInfo(e, CL_EVENT_COMMAND_TYPE, sizeof type, &type, nullptr), CL_SUCCESS);
  EXPECT_EQ(type, cl_command_type(CL_COMMAND_NDRANGE_KERNEL));
  cl_ulong start = 0, end = 0;
  ASSERT_EQ(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof start, &start, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof end, &end, nullptr), CL_SUCCESS);
  EXPECT_LT(start, end);
  int x = 0;
  ASSERT_EQ(clEnqueueReadBuffer(prof, b, CL_TRUE, 0, 4, &x, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(x, 124);
  clReleaseEvent(e);
  clReleaseMemObject(b);
  clReleaseCommandQueue(prof);
  clReleaseKernel(k);
}

// OpenCL C 1.x programs need uniform work-groups; 2.0+ programs do not.
TEST_F(ClKernel, UniformWorkGroupsForOpenCL12) {
  cl_kernel k = build("__kernel void z(__global int* x) { x[get_global_id(0)] = 0; }\n", "z");
  ASSERT_NE(k, nullptr);
  cl_int err;
  cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, 4096, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
  const size_t global = 100, local = 64;
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &global, &local, 0, nullptr, nullptr), CL_INVALID_WORK_GROUP_SIZE);
  const size_t too_big = 2048;
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &too_big, &too_big, 0, nullptr, nullptr), CL_INVALID_WORK_ITEM_SIZE);
  const size_t zero = 0;
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &zero, nullptr, 0, nullptr, nullptr), CL_SUCCESS);  // runs nothing
  ASSERT_EQ(clFinish(queue), CL_SUCCESS);
  // The rule follows the program into its binary (regression: a program rebuilt from its binary,
  // as pyopencl's cache does, accepted non-uniform groups).
  size_t bin_size = 0;
  ASSERT_EQ(clGetProgramInfo(program_, CL_PROGRAM_BINARY_SIZES, sizeof bin_size, &bin_size, nullptr), CL_SUCCESS);
  std::vector<unsigned char> bin(bin_size);
  unsigned char* bin_ptr = bin.data();
  ASSERT_EQ(clGetProgramInfo(program_, CL_PROGRAM_BINARIES, sizeof bin_ptr, &bin_ptr, nullptr), CL_SUCCESS);
  const unsigned char* cbin = bin.data();
  cl_program again = clCreateProgramWithBinary(context, 1, &device, &bin_size, &cbin, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clBuildProgram(again, 1, &device, nullptr, nullptr, nullptr), CL_SUCCESS);
  cl_kernel k2 = clCreateKernel(again, "z", &err);
  ASSERT_EQ(err, CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k2, 0, sizeof b, &b), CL_SUCCESS);
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k2, 1, nullptr, &global, &local, 0, nullptr, nullptr), CL_INVALID_WORK_GROUP_SIZE);
  clReleaseKernel(k2);
  clReleaseProgram(again);
  // With -cl-std=CL3.0 the same source may use a partial last group.
  cl_kernel k3 = build("__kernel void z(__global int* x) { x[get_global_id(0)] = 0; }\n", "z", "-cl-std=CL3.0");
  ASSERT_NE(k3, nullptr);
  ASSERT_EQ(clSetKernelArg(k3, 0, sizeof b, &b), CL_SUCCESS);
  EXPECT_EQ(clEnqueueNDRangeKernel(queue, k3, 1, nullptr, &global, &local, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clFinish(queue), CL_SUCCESS);
  clReleaseKernel(k3);
  clReleaseMemObject(b);
  clReleaseKernel(k);
}

// What cl_khr_{global,local}_int32_{base,extended}_atomics and cl_khr_byte_addressable_store
// promise, before the device advertises them: every 32-bit atomic on global and local memory under
// contention, and byte/short stores that do not disturb their neighbours.
TEST_F(ClKernel, Int32AtomicsAndByteStores) {
  cl_kernel k = build(R"CL(
__kernel void atomics(__global int* g, __global uint* order, __global char* bytes, __global short* shorts) {
  __local int l[4];
  uint i = (uint)get_global_id(0), li = (uint)get_local_id(0);  // 32-bit: % on 64 bits is not compiled yet
  if (li < 4) l[li] = (li == 2) ? -1 : 0;
  barrier(CLK_LOCAL_MEM_FENCE);
  atomic_add(&g[0], 3);
  atomic_sub(&g[1], 2);
  atomic_inc(&g[2]);
  atomic_dec(&g[3]);
  atomic_min(&g[4], (int)i - 500);
  atomic_max(&g[5], (int)i * 7);
  atomic_or(&g[6], 1 << (i % 31));
  atomic_and(&g[7], ~(1 << (i % 31)));
  atomic_xor(&g[8], (int)i);
  order[atomic_inc((__global uint*)&g[9])] = (uint)i;   // every slot taken exactly once
  atomic_cmpxchg(&g[10], (int)i, (int)i + 1);          // a chain: only the matching value moves on
  atomic_add(&l[0], 1);
  atomic_max(&l[1], (int)li);
  atomic_and(&l[2], ~(1 << (li % 31)));
  atomic_xchg(&l[3], 5);
  barrier(CLK_LOCAL_MEM_FENCE);
  if (li == 0) {
    g[16 + get_group_id(0) * 4 + 0] = l[0];
    g[16 + get_group_id(0) * 4 + 1] = l[1];
    g[16 + get_group_id(0) * 4 + 2] = l[2];
    g[16 + get_group_id(0) * 4 + 3] = l[3];
  }
  bytes[i] = (char)(i * 3);
  shorts[i] = (short)(i * 5 - 1000);
}
)CL", "atomics");
  ASSERT_NE(k, nullptr);
  const size_t n = 256, local = 64, groups = n / local;
  std::vector<cl_int> g(16 + groups * 4, 0);
  g[4] = 1 << 30;
  g[7] = -1;
  cl_int err;
  cl_mem bg = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, g.size() * 4, g.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem border = clCreateBuffer(context, CL_MEM_READ_WRITE, n * 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  std::vector<cl_char> bytes(n + 8, 0x55);
  std::vector<cl_short> shorts(n + 8, 0x5555);
  cl_mem bbytes = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes.size(), bytes.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem bshorts = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, shorts.size() * 2, shorts.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  for (cl_uint a = 0; a < 4; ++a) {
    cl_mem m = (cl_mem[]){bg, border, bbytes, bshorts}[a];
    ASSERT_EQ(clSetKernelArg(k, a, sizeof m, &m), CL_SUCCESS);
  }
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, &local, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<cl_uint> order(n);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bg, CL_TRUE, 0, g.size() * 4, g.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, border, CL_TRUE, 0, n * 4, order.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bbytes, CL_TRUE, 0, bytes.size(), bytes.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bshorts, CL_TRUE, 0, shorts.size() * 2, shorts.data(), 0, nullptr, nullptr),
            CL_SUCCESS);
  int or_bits = 0, and_bits = -1, xor_all = 0;
  for (size_t i = 0; i < n; ++i) {
    or_bits |= 1 << (i % 31);
    and_bits &= ~(1 << (i % 31));
    xor_all ^= int(i);
  }
  EXPECT_EQ(g[0], int(3 * n));
  EXPECT_EQ(g[1], -int(2 * n));
  EXPECT_EQ(g[2], int(n));
  EXPECT_EQ(g[3], -int(n));
  EXPECT_EQ(g[4], -500);
  EXPECT_EQ(g[5], int(7 * (n - 1)));
  EXPECT_EQ(g[6], or_bits);
  EXPECT_EQ(g[7], and_bits);
  EXPECT_EQ(g[8], xor_all);
  EXPECT_EQ(g[9], int(n));
  std::vector<bool> seen(n, false);
  for (cl_uint v : order) {
    ASSERT_LT(v, n);
    EXPECT_FALSE(seen[v]) << v;
    seen[v] = true;
  }
  EXPECT_GE(g[10], 1);  // at least work-item 0 advanced the chain
  for (size_t gr = 0; gr < groups; ++gr) {
    EXPECT_EQ(g[16 + gr * 4 + 0], int(local)) << gr;
    EXPECT_EQ(g[16 + gr * 4 + 1], int(local - 1)) << gr;
    int lbits = -1;
    for (size_t li = 0; li < local; ++li) lbits &= ~(1 << (li % 31));
    EXPECT_EQ(g[16 + gr * 4 + 2], lbits) << gr;
    EXPECT_EQ(g[16 + gr * 4 + 3], 5) << gr;
  }
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(bytes[i], cl_char(i * 3)) << i;
    ASSERT_EQ(shorts[i], cl_short(i * 5 - 1000)) << i;
  }
  for (size_t i = n; i < n + 8; ++i) {
    EXPECT_EQ(bytes[i], 0x55) << i;  // neighbours untouched
    EXPECT_EQ(shorts[i], 0x5555) << i;
  }
  for (cl_mem m : {bg, border, bbytes, bshorts}) clReleaseMemObject(m);
  clReleaseKernel(k);
}

// A kernel that faults (a store through a NULL buffer argument) fails its own event only; the
// next command runs on a fresh device context and succeeds, also on the same in-order queue.
TEST_F(ClKernel, FaultingKernelFailsOnlyItself) {
  cl_kernel k = build("__kernel void store(__global int* x, int v) { x[get_global_id(0)] = v; }\n", "store");
  ASSERT_NE(k, nullptr);
  cl_int err;
  cl_mem b = clCreateBuffer(context, CL_MEM_READ_WRITE, 64 * 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const int v = 41;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof(cl_mem), nullptr), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof v, &v), CL_SUCCESS);
  const size_t global = 64;
  cl_event bad;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &global, nullptr, 0, nullptr, &bad), CL_SUCCESS);
  EXPECT_EQ(clWaitForEvents(1, &bad), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
  cl_int status = 0;
  ASSERT_EQ(clGetEventInfo(bad, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, nullptr), CL_SUCCESS);
  EXPECT_LT(status, 0);
  clReleaseEvent(bad);
  // The same in-order queue goes on: ordering behind a failed command does not fail a command
  // (only a failed wait-list event does).
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &global, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<int> out(64, 0);
  ASSERT_EQ(clEnqueueReadBuffer(queue, b, CL_TRUE, 0, 64 * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (int x : out) EXPECT_EQ(x, 41);
  clReleaseMemObject(b);
  clReleaseKernel(k);
}

// By-value scalars and vectors of every width land where the kernel reads them (the argument
// block at the reflected offsets, with each type's alignment).
TEST_F(ClKernel, ByValueScalarsAndVectors) {
  cl_kernel k = build(R"CL(
__kernel void args(__global long* out, char c, short s, int i, long l, uchar2 c2, float4 f4, int3 i3, ulong2 u2,
                   ushort8 s8, float f) {
  out[0] = c; out[1] = s; out[2] = i; out[3] = l;
  out[4] = c2.x * 1000 + c2.y;
  out[5] = (long)(f4.x * 1000.0f) + (long)(f4.w * 10.0f);
  out[6] = i3.x + i3.y * 100 + i3.z * 10000;
  out[7] = (long)(u2.x - u2.y);
  out[8] = s8.s0 + s8.s7 * 100000;
  out[9] = (long)(f * 4.0f);
}
)CL", "args");
  ASSERT_NE(k, nullptr);
  cl_int err;
  cl_mem b = clCreateBuffer(context, CL_MEM_WRITE_ONLY, 10 * 8, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const cl_char c = -5;
  const cl_short s = -3000;
  const cl_int i = 123456789;
  const cl_long l = -(1ll << 40) - 7;
  const cl_uchar2 c2 = {{7, 9}};
  const cl_float4 f4 = {{1.5f, 2.0f, 3.0f, 4.5f}};
  const cl_int3 i3 = {{1, 2, 3}};
  const cl_ulong2 u2 = {{(1ull << 50) + 11, 11}};
  const cl_ushort8 s8 = {{4, 0, 0, 0, 0, 0, 0, 9}};
  const cl_float f = 2.25f;
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof b, &b), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof c, &c), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof s, &s), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 3, sizeof i, &i), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 4, sizeof l, &l), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 5, sizeof c2, &c2), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 6, sizeof f4, &f4), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 7, sizeof i3, &i3), CL_SUCCESS);  // 16 bytes, as cl_int3 is
  ASSERT_EQ(clSetKernelArg(k, 8, sizeof u2, &u2), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 9, sizeof s8, &s8), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 10, sizeof f, &f), CL_SUCCESS);
  EXPECT_EQ(clSetKernelArg(k, 7, 12, &i3), CL_INVALID_ARG_SIZE);
  const size_t one = 1;
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &one, nullptr, 0, nullptr, nullptr), CL_SUCCESS);
  cl_long out[10] = {};
  ASSERT_EQ(clEnqueueReadBuffer(queue, b, CL_TRUE, 0, sizeof out, out, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(out[0], -5);
  EXPECT_EQ(out[1], -3000);
  EXPECT_EQ(out[2], 123456789);
  EXPECT_EQ(out[3], l);
  EXPECT_EQ(out[4], 7009);
  EXPECT_EQ(out[5], 1545);
  EXPECT_EQ(out[6], 30201);
  EXPECT_EQ(out[7], cl_long(1ull << 50));
  EXPECT_EQ(out[8], 900004);
  EXPECT_EQ(out[9], 9);
  clReleaseMemObject(b);
  clReleaseKernel(k);
}

// The optional features advertised beyond OpenCL C 1.2 work through the API: OpenCL C 3.0 with
// __opencl_c_generic_address_space (generic pointers to __global and __local memory, to_local),
// cl_khr_fp16 (half arithmetic) and cl_khr_int64_base_atomics (a 64-bit atomic add).
TEST_F(ClKernel, GenericAddressSpaceHalfAndInt64Atomics) {
  cl_bool generic = CL_FALSE;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT, sizeof generic, &generic, nullptr), CL_SUCCESS);
  EXPECT_EQ(generic, CL_TRUE);
  cl_device_fp_config half = 0;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_HALF_FP_CONFIG, sizeof half, &half, nullptr), CL_SUCCESS);
  EXPECT_EQ(half & (CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST), CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST);
  cl_kernel k = build(R"CL(
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
__attribute__((noinline)) int bump(int* p, int v) { int old = *p; *p = old + v; return old + (to_local(p) ? 1000 : 0); }
__kernel void features(__global int* out, __global long* total, __global const half* h) {
  __local int l[64];
  size_t i = get_global_id(0), k = get_local_id(0);
  l[k] = (int)k;
  barrier(CLK_LOCAL_MEM_FENCE);
  int a = bump((k & 1) ? (int*)&l[k] : (int*)&out[i * 2], 5);
  out[i * 2 + 1] = a + (int)(h[i] * (half)2.0h + (half)0.5h);
  atom_add(total, (long)i << 33);
}
)CL", "features", "-cl-std=CL3.0");
  ASSERT_NE(k, nullptr);
  const size_t n = 128, local = 64;
  std::vector<cl_int> out(n * 2);
  std::vector<cl_ushort> h(n);
  for (size_t i = 0; i < n; ++i) {
    out[i * 2] = int(i) * 3;
    h[i] = cl_ushort(0x4000 + i);  // 2.0 + i/512: twice that plus 0.5, truncated, is 4
  }
  cl_long total = 0;
  cl_int err;
  cl_mem bo = clCreateBuffer(context, CL_MEM_COPY_HOST_PTR, out.size() * 4, out.data(), &err);
  cl_mem bt = clCreateBuffer(context, CL_MEM_COPY_HOST_PTR, 8, &total, &err);
  cl_mem bh = clCreateBuffer(context, CL_MEM_COPY_HOST_PTR, n * 2, h.data(), &err);
  ASSERT_EQ(clSetKernelArg(k, 0, sizeof bo, &bo), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 1, sizeof bt, &bt), CL_SUCCESS);
  ASSERT_EQ(clSetKernelArg(k, 2, sizeof bh, &bh), CL_SUCCESS);
  ASSERT_EQ(clEnqueueNDRangeKernel(queue, k, 1, nullptr, &n, &local, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bo, CL_TRUE, 0, out.size() * 4, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, bt, CL_TRUE, 0, 8, &total, 0, nullptr, nullptr), CL_SUCCESS);
  cl_long want_total = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool odd = (i % local) & 1;
    EXPECT_EQ(out[i * 2 + 1], (odd ? int(i % local) + 1000 : int(i) * 3) + 4) << i;
    if (!odd) { EXPECT_EQ(out[i * 2], int(i) * 3 + 5) << i; }
    want_total += cl_long(i) << 33;
  }
  EXPECT_EQ(total, want_total);
  clReleaseMemObject(bo);
  clReleaseMemObject(bt);
  clReleaseMemObject(bh);
}
