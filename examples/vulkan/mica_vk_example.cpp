// Runs one (or every) example compute program through the Vulkan loader on the first device whose
// name matches (Mica by default), prints results and timing, and fails if a result is wrong.
//   mica-vk-example [saxpy|reduction|prefix-scan|matmul|histogram|all] [--size N] [--device NAME] [--runs N]
// --runs N runs each example N times in the same process (each run prints its own line; the first
// pays for the program's first use, e.g. its translation): for profiles and MICA_TRACE_SUBMIT of
// the steady state.
#include "kernels.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  std::string which = "all", device = "Mica";
  long size = 0, runs = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--size" && i + 1 < argc) size = std::strtol(argv[++i], nullptr, 0);
    else if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = std::max(1L, std::strtol(argv[++i], nullptr, 0));
    else if (a == "--help" || a == "-h") {
      std::printf("usage: %s [saxpy|reduction|prefix-scan|matmul|histogram|all] [--size N] [--device NAME] [--runs N]\n",
                  argv[0]);
      return 0;
    } else which = a;
  }
  try {
    vkrun::Context ctx(device);
    std::printf("device: %s (Vulkan %u.%u)\n", ctx.properties().deviceName,
                VK_API_VERSION_MAJOR(ctx.properties().apiVersion), VK_API_VERSION_MINOR(ctx.properties().apiVersion));
    bool all_ok = true, found = false;
    for (const auto& k : vkrun::all_kernels()) {
      if (which != "all" && which != k.name) continue;
      found = true;
      for (long run = 0; run < runs; ++run) {
        const vkrun::KernelResult r = vkrun::run_kernel(ctx, k, size > 0 ? uint32_t(size) : k.example_size);
        vkrun::print_result(r);
        all_ok &= r.ok;
        if (!r.ok) break;
      }
    }
    if (!found) {
      std::fprintf(stderr, "unknown example '%s'\n", which.c_str());
      return 2;
    }
    return all_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
