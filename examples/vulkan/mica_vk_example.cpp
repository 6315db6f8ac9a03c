// Runs one (or every) example compute program through the Vulkan loader on the first device whose
// name matches (Mica by default), prints results and timing, and fails if a result is wrong.
//   mica-vk-example [saxpy|reduction|prefix-scan|matmul|histogram|all] [--size N] [--device NAME]
#include "kernels.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  std::string which = "all", device = "Mica";
  long size = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--size" && i + 1 < argc) size = std::strtol(argv[++i], nullptr, 0);
    else if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--help" || a == "-h") {
      std::printf("usage: %s [saxpy|reduction|prefix-scan|matmul|histogram|all] [--size N] [--device NAME]\n", argv[0]);
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
      vkrun::KernelResult r;
      try {
        r = k.run(ctx, size > 0 ? uint32_t(size) : k.example_size);
      } catch (const std::exception& e) {
        r.name = k.name;
        r.detail = e.what();
      }
      vkrun::print_result(r);
      all_ok &= r.ok;
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
