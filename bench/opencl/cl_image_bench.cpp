// clEnqueueWriteImage / clEnqueueReadImage / clEnqueueCopyImage times for 2D images of a few
// formats and sizes (the fastest of 3 blocking runs each), with a round-trip check so a wrong
// transfer cannot report a figure. Companion of bench/vulkan/vk_copy_bench.cpp
// (docs/performance.md "Image copies").
//
//   OCL_ICD_VENDORS=build/src/driver/opencl/mica.icd mica-cl-image-bench [platform-substring]
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

#define CHECK(call)                                                              \
  do {                                                                           \
    cl_int err_ = (call);                                                        \
    if (err_ != CL_SUCCESS) {                                                    \
      std::fprintf(stderr, "%s failed: %d (line %d)\n", #call, err_, __LINE__); \
      std::exit(2);                                                              \
    }                                                                            \
  } while (0)

template <typename F> double best_ms(F&& f) {
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string want = argc > 1 ? argv[1] : "Mica";
  cl_uint np = 0;
  CHECK(clGetPlatformIDs(0, nullptr, &np));
  std::vector<cl_platform_id> platforms(np);
  CHECK(clGetPlatformIDs(np, platforms.data(), nullptr));
  cl_platform_id platform = nullptr;
  for (cl_platform_id p : platforms) {
    char name[256] = {};
    clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof(name), name, nullptr);
    if (std::string(name).find(want) != std::string::npos) platform = p;
  }
  if (!platform) {
    std::fprintf(stderr, "no OpenCL platform matching '%s'\n", want.c_str());
    return 2;
  }
  cl_device_id dev;
  CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev, nullptr));
  cl_int err;
  cl_context ctx = clCreateContext(nullptr, 1, &dev, nullptr, nullptr, &err);
  CHECK(err);
  cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, nullptr, &err);
  CHECK(err);
  std::printf("%-12s %5s %12s %12s %12s\n", "format", "size", "write ms", "read ms", "copy ms");
  struct Fmt {
    const char* name;
    cl_image_format f;
    size_t bytes;
  } fmts[] = {{"R8", {CL_R, CL_UNORM_INT8}, 1}, {"RGBA8", {CL_RGBA, CL_UNORM_INT8}, 4}, {"RGBA32F", {CL_RGBA, CL_FLOAT}, 16}};
  std::mt19937 rng(5);
  int failures = 0;
  for (const Fmt& f : fmts) {
    for (size_t size : {256u, 1024u}) {
      cl_image_desc d{};
      d.image_type = CL_MEM_OBJECT_IMAGE2D;
      d.image_width = d.image_height = size;
      cl_mem a = clCreateImage(ctx, CL_MEM_READ_WRITE, &f.f, &d, nullptr, &err);
      CHECK(err);
      cl_mem b = clCreateImage(ctx, CL_MEM_READ_WRITE, &f.f, &d, nullptr, &err);
      CHECK(err);
      std::vector<uint8_t> in(size * size * f.bytes), out(in.size(), 0);
      for (auto& x : in) x = uint8_t(rng());
      const size_t origin[3] = {0, 0, 0}, region[3] = {size, size, 1};
      const double w = best_ms([&] { CHECK(clEnqueueWriteImage(q, a, CL_TRUE, origin, region, 0, 0, in.data(), 0, nullptr, nullptr)); });
      const double c = best_ms([&] {
        CHECK(clEnqueueCopyImage(q, a, b, origin, origin, region, 0, nullptr, nullptr));
        CHECK(clFinish(q));
      });
      const double r = best_ms([&] { CHECK(clEnqueueReadImage(q, b, CL_TRUE, origin, region, 0, 0, out.data(), 0, nullptr, nullptr)); });
      const bool ok = in == out;
      failures += !ok;
      std::printf("%-12s %5zu %12.2f %12.2f %12.2f%s\n", f.name, size, w, r, c, ok ? "" : "  ROUND TRIP MISMATCH");
      clReleaseMemObject(a);
      clReleaseMemObject(b);
    }
  }
  clReleaseCommandQueue(q);
  clReleaseContext(ctx);
  return failures ? 1 : 0;
}
