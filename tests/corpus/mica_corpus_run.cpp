// mica-corpus-run: runs corpus cases on a Vulkan ICD and prints one line per case.
//   mica-corpus-run [--list] [--validation] [--device NAME|INDEX] [--category CAT] [CASE...]
// --list prints name, category, required features and summary, tab-separated.
// The ICD is chosen with VK_DRIVER_FILES / VK_ICD_FILENAMES. Exit status 0 when nothing failed.
#include "mica/corpus/vk_runner.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace mc = mica::corpus;
namespace mv = mica::corpus::vk;

static int usage() {
  std::fprintf(stderr, "usage: mica-corpus-run [--list] [--validation] [--device NAME|INDEX] [--category CAT] [CASE...]\n");
  return 2;
}

int main(int argc, char** argv) {
  mv::RunnerOptions opt = mv::options_from_env();
  std::vector<std::string> names;
  std::string category;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--list") {
      list = true;
    } else if (a == "--validation") {
      opt.validation = true;
    } else if (a == "--device" && i + 1 < argc) {
      const std::string d = argv[++i];
      if (!d.empty() && d.find_first_not_of("0123456789") == std::string::npos)
        opt.device_index = std::atoi(d.c_str());
      else
        opt.device_name = d;
    } else if (a == "--category" && i + 1 < argc) {
      category = argv[++i];
    } else if (!a.empty() && a[0] == '-') {
      return usage();
    } else {
      names.push_back(a);
    }
  }
  std::vector<const mc::Case*> cases;
  for (const std::string& n : names) {
    const mc::Case* c = mc::find_case(n);
    if (!c) {
      std::fprintf(stderr, "mica-corpus-run: no case named '%s' (see --list)\n", n.c_str());
      return 2;
    }
    cases.push_back(c);
  }
  if (names.empty())
    for (const mc::Case& c : mc::all_cases())
      if (category.empty() || c.category == category) cases.push_back(&c);
  if (list) {
    for (const mc::Case* c : cases)
      std::printf("%s\t%s\t%s\t%s\n", c->name.c_str(), c->category.c_str(), mc::feature_names(c->required).c_str(),
                  c->summary.c_str());
    return 0;
  }
  try {
    mv::Runner runner(opt);
    const auto& d = runner.device();
    std::printf("device: %s (driver %s), subgroup size %u, validation %s\n", d.name.c_str(), d.driver_name.c_str(),
                d.subgroup_size, d.validation ? "on" : "off");
    int pass = 0, fail = 0, skip = 0;
    double total = 0;
    for (const mc::Case* c : cases) {
      const mv::RunResult r = runner.run(*c);
      total += r.timings.total_ms;
      std::printf("%-28s %s %8.2f ms (dispatch %.2f)%s%s\n", c->name.c_str(), mv::status_name(r.status), r.timings.total_ms,
                  r.timings.dispatch_ms, r.message.empty() ? "" : "  ", r.message.c_str());
      (r.status == mv::Status::pass ? pass : r.status == mv::Status::skip ? skip : fail)++;
    }
    std::printf("%d passed, %d skipped, %d failed in %.1f ms\n", pass, skip, fail, total);
    return fail ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mica-corpus-run: %s\n", e.what());
    return 1;
  }
}
