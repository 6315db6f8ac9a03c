#include "kernels.h"

#include <cmath>
#include <exception>
#include <cstdio>
#include <random>

namespace vkrun {
namespace {

// Deterministic inputs: the same values on every device so Mica and lavapipe are comparable.
std::mt19937 rng() { return std::mt19937(1234567u); }

struct Push1 {
  uint32_t n;
};

}  // namespace

KernelResult run_saxpy(Context& ctx, uint32_t n) {
  KernelResult r;
  r.name = "saxpy";
  Buffer x = ctx.create_buffer(n * 4ull), y = ctx.create_buffer(n * 4ull);
  auto gen = rng();
  std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
  std::vector<float> ref(n);
  const float a = 2.5f;
  for (uint32_t i = 0; i < n; ++i) {
    x.data<float>()[i] = dist(gen);
    y.data<float>()[i] = dist(gen);
    ref[i] = a * x.data<float>()[i] + y.data<float>()[i];
  }
  Pipeline p = ctx.create_pipeline("saxpy.spv", 2, 8);
  ctx.bind_buffers(p, {&x, &y});
  struct {
    float a;
    uint32_t n;
  } push{a, n};
  r.gpu_ms = ctx.run([&](VkCommandBuffer cb) { Context::dispatch(cb, p, &push, sizeof push, (n + 63) / 64); });
  r.pipeline_ms = p.create_ms;
  r.ok = true;
  for (uint32_t i = 0; i < n && r.ok; ++i)
    if (std::fabs(y.data<float>()[i] - ref[i]) > 1e-5f * std::max(1.0f, std::fabs(ref[i]))) {
      r.ok = false;
      r.detail = "y[" + std::to_string(i) + "] = " + std::to_string(y.data<float>()[i]) + ", expected " +
                 std::to_string(ref[i]);
    }
  if (r.ok) r.detail = "y[0..2] = " + std::to_string(y.data<float>()[0]) + ", " + std::to_string(y.data<float>()[1]) +
                       ", " + std::to_string(y.data<float>()[2]);
  r.items = n;
  ctx.destroy(p);
  ctx.destroy(x);
  ctx.destroy(y);
  return r;
}

KernelResult run_reduction(Context& ctx, uint32_t n) {
  KernelResult r;
  r.name = "reduction";
  Buffer in = ctx.create_buffer(n * 4ull), out = ctx.create_buffer(4);
  auto gen = rng();
  uint32_t ref = 0;
  for (uint32_t i = 0; i < n; ++i) {
    in.data<uint32_t>()[i] = gen() % 1000;
    ref += in.data<uint32_t>()[i];
  }
  out.data<uint32_t>()[0] = 0;
  Pipeline p = ctx.create_pipeline("reduce.spv", 2, 4);
  ctx.bind_buffers(p, {&in, &out});
  Push1 push{n};
  r.gpu_ms = ctx.run([&](VkCommandBuffer cb) { Context::dispatch(cb, p, &push, sizeof push, (n + 255) / 256); });
  r.pipeline_ms = p.create_ms;
  uint32_t got = out.data<uint32_t>()[0];
  r.ok = got == ref;
  r.detail = "sum = " + std::to_string(got) + (r.ok ? "" : ", expected " + std::to_string(ref));
  r.items = n;
  ctx.destroy(p);
  ctx.destroy(in);
  ctx.destroy(out);
  return r;
}

KernelResult run_scan(Context& ctx, uint32_t n) {
  KernelResult r;
  r.name = "prefix-scan";
  if (n == 0 || n > 65536) {
    r.detail = "size must be 1..65536";
    return r;
  }
  const uint32_t blocks = (n + 255) / 256;
  Buffer data = ctx.create_buffer(n * 4ull), sums = ctx.create_buffer(blocks * 4ull);
  auto gen = rng();
  std::vector<uint32_t> ref(n);
  uint32_t run = 0;
  for (uint32_t i = 0; i < n; ++i) {
    data.data<uint32_t>()[i] = gen() % 100;
    run += data.data<uint32_t>()[i];
    ref[i] = run;
  }
  Pipeline phase[3];
  for (uint32_t k = 0; k < 3; ++k) {
    phase[k] = ctx.create_pipeline("scan.spv", 2, 4, {{0, k}});
    ctx.bind_buffers(phase[k], {&data, &sums});
    r.pipeline_ms += phase[k].create_ms;
  }
  Push1 push{n};
  r.gpu_ms = ctx.run([&](VkCommandBuffer cb) {
    Context::dispatch(cb, phase[0], &push, sizeof push, blocks);
    Context::dispatch(cb, phase[1], &push, sizeof push, 1);
    Context::dispatch(cb, phase[2], &push, sizeof push, blocks);
  });
  r.ok = true;
  for (uint32_t i = 0; i < n && r.ok; ++i)
    if (data.data<uint32_t>()[i] != ref[i]) {
      r.ok = false;
      r.detail = "out[" + std::to_string(i) + "] = " + std::to_string(data.data<uint32_t>()[i]) + ", expected " +
                 std::to_string(ref[i]);
    }
  if (r.ok) r.detail = "last = " + std::to_string(data.data<uint32_t>()[n - 1]);
  r.items = n;
  for (auto& p : phase) ctx.destroy(p);
  ctx.destroy(data);
  ctx.destroy(sums);
  return r;
}

KernelResult run_matmul(Context& ctx, uint32_t n) {
  KernelResult r;
  r.name = "matmul";
  const uint64_t elems = uint64_t(n) * n;
  Buffer a = ctx.create_buffer(elems * 4), b = ctx.create_buffer(elems * 4), c = ctx.create_buffer(elems * 4);
  auto gen = rng();
  // Small integers keep every partial sum exact in float, so the check can be exact.
  for (uint64_t i = 0; i < elems; ++i) {
    a.data<float>()[i] = float(int(gen() % 7) - 3);
    b.data<float>()[i] = float(int(gen() % 7) - 3);
  }
  Pipeline p = ctx.create_pipeline("matmul.spv", 3, 4);
  ctx.bind_buffers(p, {&a, &b, &c});
  Push1 push{n};
  r.gpu_ms = ctx.run([&](VkCommandBuffer cb) { Context::dispatch(cb, p, &push, sizeof push, (n + 15) / 16, (n + 15) / 16); });
  r.pipeline_ms = p.create_ms;
  r.ok = true;
  for (uint32_t i = 0; i < n && r.ok; ++i)
    for (uint32_t j = 0; j < n && r.ok; ++j) {
      float ref = 0;
      for (uint32_t k = 0; k < n; ++k) ref += a.data<float>()[i * n + k] * b.data<float>()[k * n + j];
      if (c.data<float>()[i * n + j] != ref) {
        r.ok = false;
        r.detail = "C[" + std::to_string(i) + "][" + std::to_string(j) + "] = " +
                   std::to_string(c.data<float>()[i * n + j]) + ", expected " + std::to_string(ref);
      }
    }
  if (r.ok) r.detail = std::to_string(n) + "x" + std::to_string(n) + ", C[0][0] = " + std::to_string(c.data<float>()[0]);
  r.items = 2.0 * n * n * n;
  r.unit = "flop";
  ctx.destroy(p);
  ctx.destroy(a);
  ctx.destroy(b);
  ctx.destroy(c);
  return r;
}

KernelResult run_histogram(Context& ctx, uint32_t n) {
  KernelResult r;
  r.name = "histogram";
  const uint32_t words = n / 4;
  Buffer in = ctx.create_buffer(words * 4ull), bins = ctx.create_buffer(256 * 4);
  auto gen = rng();
  std::vector<uint32_t> ref(256, 0);
  // A skewed distribution so that atomics collide.
  std::binomial_distribution<uint32_t> dist(255, 0.3);
  for (uint32_t i = 0; i < words; ++i) {
    uint32_t w = 0;
    for (int k = 0; k < 4; ++k) {
      uint32_t v = dist(gen);
      ++ref[v];
      w |= v << (8 * k);
    }
    in.data<uint32_t>()[i] = w;
  }
  for (int i = 0; i < 256; ++i) bins.data<uint32_t>()[i] = 0;
  Pipeline p = ctx.create_pipeline("histogram.spv", 2, 4);
  ctx.bind_buffers(p, {&in, &bins});
  Push1 push{words};
  r.gpu_ms = ctx.run([&](VkCommandBuffer cb) { Context::dispatch(cb, p, &push, sizeof push, (words + 255) / 256); });
  r.pipeline_ms = p.create_ms;
  r.ok = true;
  uint32_t peak = 0;
  for (int i = 0; i < 256 && r.ok; ++i) {
    if (bins.data<uint32_t>()[i] != ref[i]) {
      r.ok = false;
      r.detail = "bin " + std::to_string(i) + " = " + std::to_string(bins.data<uint32_t>()[i]) + ", expected " +
                 std::to_string(ref[i]);
    }
    if (ref[i] > ref[peak]) peak = i;
  }
  if (r.ok) r.detail = "peak bin " + std::to_string(peak) + " = " + std::to_string(ref[peak]);
  r.items = words * 4.0;
  r.unit = "bytes";
  ctx.destroy(p);
  ctx.destroy(in);
  ctx.destroy(bins);
  return r;
}

const std::vector<KernelSpec>& all_kernels() {
  static const std::vector<KernelSpec> kernels = {
      {"saxpy", run_saxpy, 4096},
      {"reduction", run_reduction, 8192},
      {"prefix-scan", run_scan, 4096},
      {"matmul", run_matmul, 32},
      {"histogram", run_histogram, 16384},
  };
  return kernels;
}

KernelResult run_kernel(Context& ctx, const KernelSpec& k, uint32_t size) {
  KernelResult r;
  const benchtimes::ThreadTimes before = ctx.run_thread_times();
  try {
    r = k.run(ctx, size);
  } catch (const std::exception& e) {
    r.name = k.name;
    r.detail = e.what();
  }
  const benchtimes::ThreadTimes spent = ctx.run_thread_times() - before;
  r.cpu_ms = spent.cpu_ms();
  r.cpu_wait_ms = spent.wait_ms();
  return r;
}

void print_result(const KernelResult& r) {
  std::printf("%-12s %-4s %s  (gpu %.3f ms [threads: cpu %.1f ms, waiting for a cpu %.1f ms], pipeline %.3f ms, "
              "%.1f M%s/s)\n",
              r.name.c_str(), r.ok ? "OK" : "FAIL", r.detail.c_str(), r.gpu_ms, r.cpu_ms, r.cpu_wait_ms, r.pipeline_ms,
              r.gpu_ms > 0 ? r.items / (r.gpu_ms * 1e3) : 0.0, r.unit);
}

}  // namespace vkrun
