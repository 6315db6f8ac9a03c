// SAXPY, SGEMM, tree reduction, prefix scan and histogram through OpenCL on every platform
// ocl-icd offers (Mica and PoCL when both vendor files are visible), in one run: kernel time from
// event profiling and throughput, verified against the CPU, the first platform's throughput over
// each other platform's, clBuildProgram time cold (a module no cache has seen) and cached (the
// same source again), and enqueue-to-complete latency of a one-work-item kernel.
// Kernel time is host wall clock from the first clEnqueueNDRangeKernel of a run to clFinish
// returning, the fastest of --reps runs after one warm-up run that is checked but not timed: the
// span the Vulkan bench measures (vkQueueSubmit2 to the fence), so the two compare. The event
// profiling interval (CL_PROFILING_COMMAND_START..END, summed over a run's kernels) is printed
// beside it: PoCL's covers less than the wall clock (docs/performance.md, "Method").
//   mica-cl-bench [--quick|--issue14] [--reps N] [--platform SUBSTRING]...
// OCL_ICD_VENDORS=<dir with mica.icd and pocl.icd> picks the implementations.
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cl_kernels.h"
#include "thread_times.h"

namespace {

void check(cl_int err, const char* what) {
  if (err != CL_SUCCESS) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(err));
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string platform_name(cl_platform_id p) {
  char buf[256] = {};
  clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof buf - 1, buf, nullptr);
  return buf;
}

// One OpenCL device with its context, profiling queue and the benchmark program.
class Device {
 public:
  explicit Device(cl_platform_id platform) {
    check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev_, nullptr), "clGetDeviceIDs");
    char buf[256] = {};
    clGetDeviceInfo(dev_, CL_DEVICE_NAME, sizeof buf - 1, buf, nullptr);
    name = platform_name(platform) + " / " + buf;
    cl_int err;
    ctx_ = clCreateContext(nullptr, 1, &dev_, nullptr, nullptr, &err);
    check(err, "clCreateContext");
    cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
    q_ = clCreateCommandQueueWithProperties(ctx_, dev_, props, &err);
    check(err, "clCreateCommandQueueWithProperties");
    prog_ = build(clbench::kSources, nullptr);
  }
  ~Device() {
    for (auto& k : kernels_) clReleaseKernel(k.second);
    if (prog_) clReleaseProgram(prog_);
    if (q_) clReleaseCommandQueue(q_);
    if (ctx_) clReleaseContext(ctx_);
  }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Builds a program; *ms gets the clBuildProgram time.
  cl_program build(const std::string& src, double* ms) {
    const char* s = src.c_str();
    cl_int err;
    cl_program p = clCreateProgramWithSource(ctx_, 1, &s, nullptr, &err);
    check(err, "clCreateProgramWithSource");
    double t0 = now_ms();
    err = clBuildProgram(p, 1, &dev_, "", nullptr, nullptr);
    if (ms) *ms = now_ms() - t0;
    if (err != CL_SUCCESS) {
      size_t n = 0;
      clGetProgramBuildInfo(p, dev_, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n);
      std::string log(n, '\0');
      clGetProgramBuildInfo(p, dev_, CL_PROGRAM_BUILD_LOG, n, log.data(), nullptr);
      clReleaseProgram(p);
      throw std::runtime_error("clBuildProgram failed (" + std::to_string(err) + "): " + log);
    }
    return p;
  }

  cl_kernel kernel(const char* name) {
    auto it = kernels_.find(name);
    if (it != kernels_.end()) return it->second;
    cl_int err;
    cl_kernel k = clCreateKernel(prog_, name, &err);
    check(err, "clCreateKernel");
    return kernels_[name] = k;
  }

  cl_mem buffer(size_t bytes, const void* init = nullptr) {
    cl_int err;
    cl_mem m = clCreateBuffer(ctx_, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0), bytes,
                              const_cast<void*>(init), &err);
    check(err, "clCreateBuffer");
    return m;
  }

  template <class T>
  std::vector<T> read(cl_mem m, size_t count) {
    std::vector<T> v(count);
    check(clEnqueueReadBuffer(q_, m, CL_TRUE, 0, count * sizeof(T), v.data(), 0, nullptr, nullptr),
          "clEnqueueReadBuffer");
    return v;
  }

  // Enqueues a kernel; its event is kept for profiled_ms().
  void enqueue(cl_kernel k, cl_uint dims, const size_t* global, const size_t* local) {
    cl_event ev;
    check(clEnqueueNDRangeKernel(q_, k, dims, nullptr, global, local, 0, nullptr, &ev), "clEnqueueNDRangeKernel");
    events_.push_back(ev);
  }

  void finish() { check(clFinish(q_), "clFinish"); }

  // The summed CL_PROFILING_COMMAND_START..END of the kernels enqueued since the last call, in
  // ms; releases their events.
  double profiled_ms() {
    double sum = 0;
    for (cl_event ev : events_) {
      cl_ulong start = 0, end = 0;
      check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start, &start, nullptr),
            "clGetEventProfilingInfo(START)");
      check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof end, &end, nullptr),
            "clGetEventProfilingInfo(END)");
      sum += (end - start) / 1e6;
      clReleaseEvent(ev);
    }
    events_.clear();
    return sum;
  }

  // Host time from clEnqueueNDRangeKernel to clFinish returning, one work-item.
  double latency_ms(cl_mem buf) {
    cl_kernel k = kernel("tiny");
    check(clSetKernelArg(k, 0, sizeof buf, &buf), "clSetKernelArg");
    size_t one = 1;
    double t0 = now_ms();
    check(clEnqueueNDRangeKernel(q_, k, 1, nullptr, &one, &one, 0, nullptr, nullptr), "clEnqueueNDRangeKernel");
    check(clFinish(q_), "clFinish");
    return now_ms() - t0;
  }

  std::string name;

 private:
  cl_device_id dev_ = nullptr;
  cl_context ctx_ = nullptr;
  cl_command_queue q_ = nullptr;
  cl_program prog_ = nullptr;
  std::map<std::string, cl_kernel> kernels_;
  std::vector<cl_event> events_;
};

template <class T>
void arg(cl_kernel k, cl_uint i, const T& v) {
  check(clSetKernelArg(k, i, sizeof(T), &v), "clSetKernelArg");
}

struct Result {
  bool ok = false;
  double work = 0;         // bytes (or flops for SGEMM) per run
  std::string unit;        // "GB/s" or "GFLOP/s"
  std::string error;
  double ms = 0;           // fastest host wall clock, first enqueue to clFinish, over the timed runs
  double profiled_ms = 0;  // fastest summed profiling interval (START..END) over the same runs
  double cpu_ms = 0;       // in the fastest run's span: the process's threads' time on a CPU
  double cpu_wait_ms = 0;  // and runnable but waiting for a CPU (thread_times.h)
  double rate() const { return ms > 0 ? work / (ms * 1e6) : 0; }
  double profiled_rate() const { return profiled_ms > 0 ? work / (profiled_ms * 1e6) : 0; }
};

// Runs 'enqueue_all' (the kernels of one run) once as a warm-up (PoCL specialises a kernel for
// its local size at the first enqueue), then 'reps' times timed; keeps the fastest of each span.
// Returns how many runs there were in all, for the result checks.
template <class F>
int timed_runs(Device& d, Result& r, int reps, F&& enqueue_all) {
  r.ms = r.profiled_ms = 1e30;
  for (int i = -1; i < reps; ++i) {
    const benchtimes::ThreadTimes before = benchtimes::process_thread_times();
    double t0 = now_ms();
    enqueue_all();
    d.finish();
    double wall = now_ms() - t0;
    const benchtimes::ThreadTimes spent = benchtimes::process_thread_times() - before;
    double profiled = d.profiled_ms();
    if (i < 0) continue;
    if (wall < r.ms) r.ms = wall, r.cpu_ms = spent.cpu_ms(), r.cpu_wait_ms = spent.wait_ms();
    r.profiled_ms = std::min(r.profiled_ms, profiled);
  }
  return reps + 1;
}

std::vector<uint32_t> random_u32(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = rng();
  return v;
}

Result bench_saxpy(Device& d, size_t n, int reps) {
  Result r{false, 12.0 * n, "GB/s", ""};
  std::vector<float> x(n), y(n);
  for (size_t i = 0; i < n; ++i) x[i] = float(i % 1000) * 0.5f, y[i] = float(i % 37);
  cl_mem bx = d.buffer(n * 4, x.data()), by = d.buffer(n * 4, y.data());
  cl_kernel k = d.kernel("saxpy");
  float a = 2.5f;
  arg(k, 0, by), arg(k, 1, bx), arg(k, 2, a);
  size_t local = 256;
  const int runs = timed_runs(d, r, reps, [&] { d.enqueue(k, 1, &n, &local); });
  auto out = d.read<float>(by, n);
  r.ok = true;
  for (size_t i = 0; i < n && r.ok; ++i) {
    float want = y[i];
    for (int j = 0; j < runs; ++j) want = a * x[i] + want;
    if (std::fabs(out[i] - want) > 1e-5f * std::fabs(want) + 1e-5f) r.ok = false, r.error = "wrong y[" + std::to_string(i) + "]";
  }
  clReleaseMemObject(bx), clReleaseMemObject(by);
  return r;
}

Result bench_sgemm(Device& d, int n, int reps) {
  Result r{false, 2.0 * n * n * n, "GFLOP/s", ""};
  std::vector<float> a(size_t(n) * n), b(size_t(n) * n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto& v : a) v = u(rng);
  for (auto& v : b) v = u(rng);
  cl_mem ba = d.buffer(a.size() * 4, a.data()), bb = d.buffer(b.size() * 4, b.data()), bc = d.buffer(a.size() * 4);
  cl_kernel k = d.kernel("sgemm");
  arg(k, 0, bc), arg(k, 1, ba), arg(k, 2, bb), arg(k, 3, n);
  size_t global[2] = {size_t(n), size_t(n)}, local[2] = {16, 16};
  timed_runs(d, r, reps, [&] { d.enqueue(k, 2, global, local); });
  auto c = d.read<float>(bc, a.size());
  r.ok = true;
  for (int i = 0; i < n && r.ok; i += 7) {
    for (int j = 0; j < n; j += 5) {
      double want = 0;
      for (int kk = 0; kk < n; ++kk) want += double(a[i * n + kk]) * b[kk * n + j];
      if (std::fabs(c[i * n + j] - want) > 1e-3 * (1 + std::fabs(want))) {
        r.ok = false, r.error = "wrong c[" + std::to_string(i) + "][" + std::to_string(j) + "]";
        break;
      }
    }
  }
  clReleaseMemObject(ba), clReleaseMemObject(bb), clReleaseMemObject(bc);
  return r;
}

Result bench_reduce(Device& d, size_t n, int reps) {
  Result r{false, 4.0 * n, "GB/s", ""};
  auto in = random_u32(n, 11);
  size_t groups = n / 256, local = 256;
  cl_mem bin = d.buffer(n * 4, in.data()), bp = d.buffer(groups * 4);
  cl_kernel k = d.kernel("reduce");
  arg(k, 0, bp), arg(k, 1, bin);
  check(clSetKernelArg(k, 2, 256 * 4, nullptr), "clSetKernelArg(local)");
  timed_runs(d, r, reps, [&] { d.enqueue(k, 1, &n, &local); });
  auto partial = d.read<uint32_t>(bp, groups);
  uint32_t got = 0, want = 0;
  for (auto v : partial) got += v;
  for (auto v : in) want += v;
  r.ok = got == want;
  if (!r.ok) r.error = "sum " + std::to_string(got) + " != " + std::to_string(want);
  clReleaseMemObject(bin), clReleaseMemObject(bp);
  return r;
}

Result bench_scan(Device& d, size_t n, int reps) {
  Result r{false, 8.0 * n, "GB/s", ""};
  if (n > 256 * 256) n = 256 * 256;  // the totals are scanned by one work-group
  auto in = random_u32(n, 13);
  for (auto& v : in) v &= 0xffff;
  size_t groups = n / 256, local = 256;
  cl_mem bin = d.buffer(n * 4, in.data()), bout = d.buffer(n * 4), bsums = d.buffer(groups * 4),
         bscanned = d.buffer(groups * 4), bdummy = d.buffer(4);
  cl_kernel groups_k = d.kernel("scan_groups"), add_k = d.kernel("scan_add");
  size_t sums_local = groups;
  // The three passes of one run are enqueued back to back (an in-order queue), as the Vulkan
  // bench records its three dispatches in one command buffer.
  timed_runs(d, r, reps, [&] {
    arg(groups_k, 0, bout), arg(groups_k, 1, bsums), arg(groups_k, 2, bin);
    check(clSetKernelArg(groups_k, 3, 256 * 4, nullptr), "clSetKernelArg(local)");
    d.enqueue(groups_k, 1, &n, &local);
    arg(groups_k, 0, bscanned), arg(groups_k, 1, bdummy), arg(groups_k, 2, bsums);
    check(clSetKernelArg(groups_k, 3, groups * 4, nullptr), "clSetKernelArg(local)");
    d.enqueue(groups_k, 1, &groups, &sums_local);
    arg(add_k, 0, bout), arg(add_k, 1, bscanned);
    d.enqueue(add_k, 1, &n, &local);
  });
  auto out = d.read<uint32_t>(bout, n);
  uint32_t acc = 0;
  r.ok = true;
  for (size_t i = 0; i < n; ++i) {
    acc += in[i];
    if (out[i] != acc) {
      r.ok = false, r.error = "wrong out[" + std::to_string(i) + "]";
      break;
    }
  }
  for (cl_mem m : {bin, bout, bsums, bscanned, bdummy}) clReleaseMemObject(m);
  return r;
}

Result bench_histogram(Device& d, size_t n, int reps) {
  const uint32_t per_item = 16;
  n = n / (256 * per_item) * (256 * per_item);
  Result r{false, 4.0 * n, "GB/s", ""};
  auto in = random_u32(n, 17);
  std::vector<uint32_t> zero(256, 0);
  cl_mem bin = d.buffer(n * 4, in.data()), bbins = d.buffer(256 * 4, zero.data());
  cl_kernel k = d.kernel("histogram");
  arg(k, 0, bbins), arg(k, 1, bin), arg(k, 2, per_item);
  size_t global = n / per_item, local = 256;
  const uint32_t runs = timed_runs(d, r, reps, [&] { d.enqueue(k, 1, &global, &local); });
  auto bins = d.read<uint32_t>(bbins, 256);
  std::vector<uint32_t> want(256, 0);
  for (auto v : in) want[v & 255] += runs;
  r.ok = bins == want;
  if (!r.ok) r.error = "wrong bins";
  clReleaseMemObject(bin), clReleaseMemObject(bbins);
  return r;
}

struct PlatformRun {
  std::string name;
  std::string error;
  std::map<std::string, Result> results;
  double build_cold_ms = 0, build_cached_ms = 0, latency_ms = 0;
  std::string latency_error;
};

struct Sizes {
  size_t saxpy, reduce, scan, histogram;
  int sgemm;
};

PlatformRun run_platform(cl_platform_id p, const Sizes& s, int reps) {
  PlatformRun run;
  run.name = platform_name(p);
  try {
    Device d(p);
    run.name = d.name;
    // A kernel that fails (or an implementation that cannot run it) costs only its own row.
    auto guarded = [&](const char* name, auto&& fn) {
      try {
        run.results[name] = fn();
      } catch (const std::exception& e) {
        Result r;
        r.error = e.what();
        run.results[name] = r;
      }
    };
    guarded("saxpy", [&] { return bench_saxpy(d, s.saxpy, reps); });
    guarded("sgemm", [&] { return bench_sgemm(d, s.sgemm, reps); });
    guarded("reduction", [&] { return bench_reduce(d, s.reduce, reps); });
    guarded("scan", [&] { return bench_scan(d, s.scan, reps); });
    guarded("histogram", [&] { return bench_histogram(d, s.histogram, reps); });
    // A kernel name no cache has seen makes every build a real compile; the same source again
    // then measures the implementation's caches.
    std::vector<double> cold, cached;
    for (int i = 0; i < 3; ++i) {
      std::string salt = std::to_string(getpid()) + "_" + std::to_string(long(now_ms() * 1000)) + "_" + std::to_string(i);
      std::string src = std::string(clbench::kSources) + "\nkernel void salt_" + salt +
                        "(global uint* p) { p[0] = " + std::to_string(i + 1) + "u; }\n";
      double ms;
      clReleaseProgram(d.build(src, &ms));
      cold.push_back(ms);
      clReleaseProgram(d.build(src, &ms));
      cached.push_back(ms);
    }
    run.build_cold_ms = median(cold);
    run.build_cached_ms = median(cached);
    std::vector<uint32_t> zero(4, 0);
    cl_mem buf = d.buffer(16, zero.data());
    try {
      std::vector<double> lat;
      for (int i = 0; i < 55; ++i) {
        double t = d.latency_ms(buf);
        if (i >= 5) lat.push_back(t);
      }
      run.latency_ms = median(lat);
    } catch (const std::exception& e) {
      run.latency_error = e.what();
    }
    clReleaseMemObject(buf);
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, issue14 = false;
  int reps = 3;
  std::vector<std::string> wanted;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--issue14")) issue14 = true;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--platform") && i + 1 < argc) wanted.push_back(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--quick|--issue14] [--reps N] [--platform SUBSTRING]...\n", argv[0]);
      return 2;
    }
  }
  Sizes sizes = quick ? Sizes{1 << 16, 1 << 16, 1 << 14, 1 << 16, 64} : Sizes{1 << 22, 1 << 22, 1 << 16, 1 << 22, 256};
  // The sizes issue 14's targets name (bench/run-engines.py): SAXPY 16M, reduction 16M, SGEMM 512.
  if (issue14) sizes = Sizes{1 << 24, 1 << 24, 1 << 16, 1 << 22, 512};

  cl_uint count = 0;
  if (clGetPlatformIDs(0, nullptr, &count) != CL_SUCCESS || count == 0) {
    std::fprintf(stderr, "no OpenCL platforms (set OCL_ICD_VENDORS)\n");
    return 1;
  }
  std::vector<cl_platform_id> platforms(count);
  clGetPlatformIDs(count, platforms.data(), nullptr);
  std::vector<PlatformRun> runs;
  for (cl_platform_id p : platforms) {
    std::string name = platform_name(p);
    bool take = wanted.empty();
    for (const auto& w : wanted) take |= name.find(w) != std::string::npos;
    if (!take) continue;
    std::printf("running on %s ...\n", name.c_str());
    std::fflush(stdout);
    runs.push_back(run_platform(p, sizes, reps));
  }
  // Mica first, so the ratios read Mica / peer.
  std::stable_sort(runs.begin(), runs.end(), [](const PlatformRun& a, const PlatformRun& b) {
    return (a.name.find("Mica") != std::string::npos) > (b.name.find("Mica") != std::string::npos);
  });

  int failures = 0;
  const char* order[] = {"saxpy", "sgemm", "reduction", "scan", "histogram"};
  std::printf("\nkernel time: host wall clock from the first clEnqueueNDRangeKernel of a run to clFinish, fastest "
              "of %d after one warm-up run; [profiled]: the events' summed CL_PROFILING_COMMAND_START..END of the "
              "same runs (fastest), for comparison; cpu, wait: in the fastest run's span, the process's threads' "
              "summed time on a CPU and runnable but waiting for one\n",
              reps);
  std::printf("\n%-11s", "kernel");
  for (const auto& r : runs) std::printf(" | %-90.90s", r.name.c_str());
  for (size_t i = 1; i < runs.size(); ++i) std::printf(" | %s/%d", "ratio", int(i));
  std::printf("\n");
  for (const char* k : order) {
    std::printf("%-11s", k);
    for (const auto& r : runs) {
      auto it = r.results.find(k);
      if (!r.error.empty() || it == r.results.end()) {
        std::printf(" | %-90s", "not run");
      } else if (!it->second.ok) {
        std::printf(" | FAILED: %-82.82s", it->second.error.c_str());
        ++failures;
      } else {
        const Result& x = it->second;
        std::printf(" | %9.3f ms %10.2f %-7s [profiled %9.3f ms %10.2f] cpu %.1f wait %.1f ms", x.ms, x.rate(),
                    x.unit.c_str(), x.profiled_ms, x.profiled_rate(), x.cpu_ms, x.cpu_wait_ms);
      }
    }
    for (size_t i = 1; i < runs.size(); ++i) {
      auto a = runs[0].results.find(k), b = runs[i].results.find(k);
      bool both = a != runs[0].results.end() && b != runs[i].results.end() && a->second.ok && b->second.ok;
      if (both) std::printf(" | %7.3fx", a->second.rate() / b->second.rate());
      else std::printf(" | %8s", "n/a");
    }
    std::printf("\n");
  }
  for (const auto& r : runs) {
    for (const char* k : order) {
      auto it = r.results.find(k);
      if (it != r.results.end() && !it->second.ok) std::printf("%s: %s: %s\n", r.name.c_str(), k, it->second.error.c_str());
    }
  }
  for (const auto& r : runs) {
    if (!r.error.empty()) {
      std::printf("%s: %s\n", r.name.c_str(), r.error.c_str());
      ++failures;
      continue;
    }
    std::printf("%s: clBuildProgram cold %.1f ms, cached %.1f ms; ", r.name.c_str(), r.build_cold_ms,
                r.build_cached_ms);
    if (r.latency_error.empty()) {
      std::printf("enqueue-to-complete latency %.3f ms\n", r.latency_ms);
    } else {
      std::printf("enqueue-to-complete latency not measured: %s\n", r.latency_error.c_str());
      ++failures;
    }
  }
  if (runs.size() > 1 && runs[0].error.empty()) {
    for (size_t i = 1; i < runs.size(); ++i) {
      if (!runs[i].error.empty()) continue;
      std::printf("ratio/%zu = %s over %s (throughput; >1 means the first is faster); clBuildProgram cold "
                  "time ratio %.2f, cached %.2f", i, runs[0].name.c_str(), runs[i].name.c_str(),
                  runs[0].build_cold_ms / runs[i].build_cold_ms, runs[0].build_cached_ms / runs[i].build_cached_ms);
      if (runs[0].latency_error.empty() && runs[i].latency_error.empty())
        std::printf(", latency ratio %.2f", runs[0].latency_ms / runs[i].latency_ms);
      std::printf("\n");
    }
  }
  return failures ? 1 : 0;
}
