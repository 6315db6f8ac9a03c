// The example compute workloads, each run end to end through Vulkan and checked against a CPU
// reference. Examples, API tests and benchmarks share them.
#pragma once

#include "vkrun.h"

#include <string>
#include <vector>

namespace vkrun {

struct KernelResult {
  std::string name;
  bool ok = false;
  std::string detail;         // what was computed, or the first mismatch
  double gpu_ms = 0;          // submit to fence signalled, summed over submissions
  double cpu_ms = 0;          // the process's threads during those spans: on a CPU (set by run_kernel)
  double cpu_wait_ms = 0;     // and runnable but waiting for a CPU (the host's load)
  double pipeline_ms = 0;     // pipeline creation
  double items = 0;           // work items processed (for throughput)
  const char* unit = "elements";
};

KernelResult run_saxpy(Context& ctx, uint32_t n);
KernelResult run_reduction(Context& ctx, uint32_t n);
KernelResult run_scan(Context& ctx, uint32_t n);       // n <= 65536 (256 blocks of 256)
KernelResult run_matmul(Context& ctx, uint32_t n);     // n x n
KernelResult run_histogram(Context& ctx, uint32_t n);  // n bytes (multiple of 4)

struct KernelSpec {
  const char* name;
  KernelResult (*run)(Context&, uint32_t);
  uint32_t example_size;  // used by the examples and tests
};
const std::vector<KernelSpec>& all_kernels();

// Runs one example; an exception becomes a failed result naming it. Sets cpu_ms and cpu_wait_ms
// from the context's thread times over the run's submissions.
KernelResult run_kernel(Context& ctx, const KernelSpec& k, uint32_t size);

void print_result(const KernelResult& r);

}  // namespace vkrun
