// Where a process's threads spent a span of wall clock, from Linux's per-thread scheduler
// statistics (/proc/self/task/*/schedstat: nanoseconds on a CPU, nanoseconds runnable but
// waiting for one). The benchmarks print them beside each kernel's wall clock: on a shared host
// a slow figure is either the engine's work (time on a CPU) or the machine's load (time waiting
// for a CPU), and only these counts tell the two apart. A thread that ends inside the span takes
// its counts with it; the engines' threads (Mica's device thread and pool, lavapipe's and PoCL's
// workers) live as long as their device. The kernel updates a running thread's counts at its
// ticks and switches, so spans of a few milliseconds read coarse (a 1 ms dispatch may show 0).
// Header-only: the Vulkan and the OpenCL benches use it.
#pragma once

#include <dirent.h>

#include <cstdint>
#include <cstdio>

namespace benchtimes {

struct ThreadTimes {
  int64_t cpu_ns = 0;   // summed over the threads: time running on a CPU
  int64_t wait_ns = 0;  // summed over the threads: time runnable, waiting for a CPU
  ThreadTimes operator-(const ThreadTimes& o) const { return {cpu_ns - o.cpu_ns, wait_ns - o.wait_ns}; }
  ThreadTimes& operator+=(const ThreadTimes& o) {
    cpu_ns += o.cpu_ns, wait_ns += o.wait_ns;
    return *this;
  }
  double cpu_ms() const { return cpu_ns > 0 ? cpu_ns / 1e6 : 0.0; }
  double wait_ms() const { return wait_ns > 0 ? wait_ns / 1e6 : 0.0; }
};

// The current sums over every thread of this process (zeros where /proc is not available).
inline ThreadTimes process_thread_times() {
  ThreadTimes t;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return t;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    char path[300];  // a task id is at most 10 digits; d_name is up to 255 bytes
    std::snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name);
    if (FILE* f = std::fopen(path, "r")) {
      unsigned long long cpu = 0, wait = 0;
      if (std::fscanf(f, "%llu %llu", &cpu, &wait) == 2) t.cpu_ns += int64_t(cpu), t.wait_ns += int64_t(wait);
      std::fclose(f);
    }
  }
  closedir(dir);
  return t;
}

}  // namespace benchtimes
