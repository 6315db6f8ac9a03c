// The example kernels through Vulkan on Mica and on Mesa's lavapipe in one run: throughput of each
// kernel, the Mica/lavapipe ratio, dispatch latency (submit to fence signalled) and pipeline
// creation time. Both drivers are reached through the loader (VK_DRIVER_FILES lists both
// manifests).
//   mica-vk-bench [--quick|--issue14] [--mica-only] [--reps N] [--latency-only] [--latency-reps N]
//                 [--pipeline-reps N]
// --latency-only skips the kernels (dispatch latency and pipeline creation only); --latency-reps
// sets how many submit -> fence round trips the latency median is taken over (default 20),
// --pipeline-reps how many pipelines are created for the pipeline-creation medians (default 5).
// Kernel time is host wall clock from vkQueueSubmit2 to vkWaitForFences returning (vkrun::Context::run),
// the fastest of --reps runs after one warm-up run that is checked but not timed (it pays for the
// first use of a program: Mica's JIT translates it there); mica-cl-bench times OpenCL the same way.
#include "kernels.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

struct DeviceRun {
  std::string name;
  bool available = false;
  std::string error;
  std::map<std::string, vkrun::KernelResult> best;  // fastest repetition per kernel
  double latency_ms = 0;                            // median submit -> fence of a 1-group dispatch
  double compile_ms = 0;                            // median pipeline creation that compiles (saxpy)
  double cached_ms = 0;                             // median pipeline creation found in a cache
  double first_ms = 0;                              // the first of them: nothing of saxpy.spv seen yet
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Size {
  const char* kernel;
  uint32_t quick, full, issue14;  // issue14: the sizes issue 14's targets name (bench/run-engines.py)
};
constexpr Size kSizes[] = {{"saxpy", 16384, 262144, 1u << 24},
                           {"reduction", 16384, 262144, 1u << 24},
                           {"prefix-scan", 16384, 65536, 65536},
                           {"matmul", 32, 96, 512},
                           {"histogram", 65536, 1048576, 1u << 22}};

DeviceRun run_device(const char* match, bool quick, int reps, bool issue14, bool kernels, int latency_reps,
                     int pipeline_reps) {
  DeviceRun d;
  try {
    vkrun::Context ctx(match);
    d.name = ctx.properties().deviceName;
    d.available = true;
    for (const auto& k : vkrun::all_kernels()) {
      if (!kernels) break;
      uint32_t size = k.example_size;
      for (const auto& s : kSizes)
        if (std::strcmp(s.kernel, k.name) == 0) size = issue14 ? s.issue14 : quick ? s.quick : s.full;
      // r = -1: the warm-up run, checked (a wrong result is reported) but not timed.
      for (int r = -1; r < reps; ++r) {
        const vkrun::KernelResult res = vkrun::run_kernel(ctx, k, size);
        auto it = d.best.find(k.name);
        if (!res.ok || (r >= 0 && (it == d.best.end() || (it->second.ok && res.gpu_ms < it->second.gpu_ms))))
          d.best[k.name] = res;
        if (!res.ok) break;
      }
    }
    // Dispatch latency: a one-workgroup saxpy, submitted and waited for repeatedly.
    auto buf_x = ctx.create_buffer(256), buf_y = ctx.create_buffer(256);
    std::vector<double> lat, compile, cached;
    for (uint32_t r = 0; r < uint32_t(pipeline_reps); ++r) {
      // A specialization constant the shader does not use still makes a new pipeline (and a new
      // cache key), so this measures a real compilation; the repeat finds it in the caches.
      auto p = ctx.create_pipeline("saxpy.spv", 2, 8, {{1000, 0x5eed0000u + r}});
      compile.push_back(p.create_ms);
      ctx.destroy(p);
      p = ctx.create_pipeline("saxpy.spv", 2, 8, {{1000, 0x5eed0000u + r}});
      cached.push_back(p.create_ms);
      ctx.destroy(p);
    }
    auto p = ctx.create_pipeline("saxpy.spv", 2, 8);
    ctx.bind_buffers(p, {&buf_x, &buf_y});
    struct {
      float a;
      uint32_t n;
    } push{1.0f, 64};
    // Back to back, as an application submits: no per-thread CPU times read between rounds.
    ctx.sample_thread_times(false);
    for (int r = 0; r < latency_reps; ++r)
      lat.push_back(ctx.run([&](VkCommandBuffer cb) { vkrun::Context::dispatch(cb, p, &push, sizeof push, 1); }));
    ctx.sample_thread_times(true);
    d.latency_ms = median(lat);
    d.compile_ms = median(compile);
    d.first_ms = compile.empty() ? 0 : compile.front();
    d.cached_ms = median(cached);
    ctx.destroy(p);
    ctx.destroy(buf_x);
    ctx.destroy(buf_y);
  } catch (const std::exception& e) {
    d.error = e.what();
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, issue14 = false, mica_only = false;
  int reps = 3, latency_reps = 20, pipeline_reps = 5;
  bool kernels = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--issue14")) issue14 = true;
    else if (!std::strcmp(argv[i], "--mica-only")) mica_only = true;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--latency-only")) kernels = false;
    else if (!std::strcmp(argv[i], "--latency-reps") && i + 1 < argc)
      latency_reps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--pipeline-reps") && i + 1 < argc)
      pipeline_reps = std::max(1, std::atoi(argv[++i]));
  }
  DeviceRun mica = run_device("Mica", quick, reps, issue14, kernels, latency_reps, pipeline_reps);
  DeviceRun lvp = mica_only ? DeviceRun{} : run_device("llvmpipe", quick, reps, issue14, kernels, latency_reps, pipeline_reps);
  for (const auto* d : {&mica, &lvp})
    if (!d->available) std::printf("device unavailable: %s\n", d->error.c_str());
  if (kernels) {
    std::printf("kernel time: host wall clock, vkQueueSubmit2 to vkWaitForFences returning, fastest of %d after one "
                "warm-up run;\ncpu, wait: in that run's span, the process's threads' summed time on a CPU and runnable "
                "but waiting for one (the host's load)\n",
                reps);
    std::printf("%-12s %-10s | %14s %10s | %14s %10s | %8s | %21s | %21s\n", "kernel", "unit", "Mica M/s", "ms",
                "lavapipe M/s", "ms", "ratio", "Mica cpu, wait ms", "lavapipe cpu, wait ms");
  }
  bool ok = mica.available;
  for (const auto& k : vkrun::all_kernels()) {
    if (!kernels) break;
    const auto* m = mica.best.count(k.name) ? &mica.best.at(k.name) : nullptr;
    const auto* l = lvp.best.count(k.name) ? &lvp.best.at(k.name) : nullptr;
    auto rate = [](const vkrun::KernelResult* r) { return r && r->ok && r->gpu_ms > 0 ? r->items / (r->gpu_ms * 1e3) : 0.0; };
    const double mr = rate(m), lr = rate(l);
    std::printf("%-12s %-10s | %14.3f %10.3f | %14.3f %10.3f | %8.4f | %10.1f %10.1f | %10.1f %10.1f\n", k.name,
                m ? m->unit : "-", mr, m ? m->gpu_ms : 0.0, lr, l ? l->gpu_ms : 0.0, lr > 0 ? mr / lr : 0.0,
                m ? m->cpu_ms : 0.0, m ? m->cpu_wait_ms : 0.0, l ? l->cpu_ms : 0.0, l ? l->cpu_wait_ms : 0.0);
    for (const auto* r : {m, l})
      if (r && !r->ok) {
        std::printf("    %s result WRONG: %s\n", r == m ? "Mica" : "lavapipe", r->detail.c_str());
        if (r == m) ok = false;
      }
  }
  std::printf("\ndispatch latency (submit -> fence, median of %d): Mica %.4f ms, lavapipe %.4f ms (ratio %.2f)\n",
              latency_reps, mica.latency_ms, lvp.latency_ms, lvp.latency_ms > 0 ? mica.latency_ms / lvp.latency_ms : 0.0);
  std::printf("pipeline creation (saxpy, median of %d): compiling: Mica %.3f ms, lavapipe %.3f ms; "
              "cached: Mica %.3f ms, lavapipe %.3f ms\n",
              pipeline_reps, mica.compile_ms, lvp.compile_ms, mica.cached_ms, lvp.cached_ms);
  std::printf("pipeline creation, first of the process (new SPIR-V): Mica %.3f ms, lavapipe %.3f ms\n", mica.first_ms,
              lvp.first_ms);
  std::printf("Mica: %s; lavapipe: %s\n", mica.name.c_str(), lvp.available ? lvp.name.c_str() : "not available");
  return ok ? 0 : 1;
}
