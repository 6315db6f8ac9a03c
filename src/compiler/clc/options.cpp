// Build-option parsing for clBuildProgram / clCompileProgram / clLinkProgram (OpenCL 3.0
// section 5.8.6). Anything not listed there is refused, so an application learns about a typo
// instead of silently getting a different build.
#include <algorithm>
#include <cstring>

#include "mica/clc/clc.h"

namespace mica::clc {

const char* status_name(Status s) {
  switch (s) {
    case Status::Success: return "success";
    case Status::InvalidBuildOptions: return "invalid build options";
    case Status::BuildFailure: return "build failure";
    case Status::LinkFailure: return "link failure";
    case Status::InvalidBinary: return "invalid binary";
  }
  return "?";
}

namespace {

// Shell-like word splitting: whitespace separates, quotes group, backslash escapes. Include
// directories with spaces arrive quoted.
bool split_words(const std::string& s, std::vector<std::string>* words, std::string* error) {
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
        cur += s[++i];
      } else {
        cur += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur += s[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (in_word) words->push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) {
    *error = "unterminated quote in options";
    return false;
  }
  if (in_word) words->push_back(cur);
  return true;
}

bool parse_cl_std(const std::string& v, int* out) {
  static const struct { const char* name; int version; } table[] = {
      {"CL1.0", 100}, {"CL1.1", 110}, {"CL1.2", 120}, {"CL2.0", 200}, {"CL3.0", 300}};
  for (const auto& e : table) {
    if (v == e.name) {
      *out = e.version;
      return true;
    }
  }
  return false;
}

}  // namespace

bool parse_options(const std::string& options, OptionsKind kind, const DeviceFeatures& device,
                   BuildOptions* out, std::string* error) {
  *out = BuildOptions{};
  std::vector<std::string> w;
  if (!split_words(options, &w, error)) return false;

  // Flags valid for compile and (with -enable-link-options, or always per the spec's list of
  // link options) for link.
  struct Flag { const char* name; bool BuildOptions::*field; bool link_ok; };
  static const Flag flags[] = {
      {"-cl-single-precision-constant", &BuildOptions::single_precision_constant, false},
      {"-cl-denorms-are-zero", &BuildOptions::denorms_are_zero, true},
      {"-cl-fp32-correctly-rounded-divide-sqrt", &BuildOptions::fp32_correctly_rounded_divide_sqrt, false},
      {"-cl-opt-disable", &BuildOptions::opt_disable, false},
      {"-cl-strict-aliasing", nullptr, false},  // OpenCL 1.0 option, accepted and ignored
      {"-cl-mad-enable", &BuildOptions::mad_enable, false},
      {"-cl-no-signed-zeros", &BuildOptions::no_signed_zeros, true},
      {"-cl-unsafe-math-optimizations", &BuildOptions::unsafe_math, true},
      {"-cl-finite-math-only", &BuildOptions::finite_math_only, true},
      {"-cl-fast-relaxed-math", &BuildOptions::fast_relaxed_math, true},
      {"-cl-uniform-work-group-size", &BuildOptions::uniform_work_group_size, false},
      {"-cl-no-subgroup-ifp", &BuildOptions::no_subgroup_ifp, true},
      {"-cl-kernel-arg-info", &BuildOptions::kernel_arg_info, false},
      {"-w", &BuildOptions::no_warnings, false},
      {"-Werror", &BuildOptions::warnings_as_errors, false},
      {"-g", &BuildOptions::debug_info, false},
  };

  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& a = w[i];
    if (kind == OptionsKind::Link) {
      if (a == "-create-library") { out->create_library = true; continue; }
      if (a == "-enable-link-options") { out->enable_link_options = true; continue; }
    }
    bool matched = false;
    for (const Flag& f : flags) {
      if (a == f.name) {
        if (kind == OptionsKind::Link && !f.link_ok) {
          *error = "option '" + a + "' is a compile option, not valid for linking";
          return false;
        }
        if (f.field) out->*f.field = true;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (kind == OptionsKind::Compile && (a == "-D" || a == "-I")) {
      if (i + 1 >= w.size()) {
        *error = "option '" + a + "' needs an argument";
        return false;
      }
      (a == "-D" ? out->defines : out->include_dirs).push_back(w[++i]);
      continue;
    }
    if (kind == OptionsKind::Compile && a.size() > 2 && (a.compare(0, 2, "-D") == 0 || a.compare(0, 2, "-I") == 0)) {
      (a[1] == 'D' ? out->defines : out->include_dirs).push_back(a.substr(2));
      continue;
    }
    if (kind == OptionsKind::Compile && a.compare(0, 8, "-cl-std=") == 0) {
      int v = 0;
      if (!parse_cl_std(a.substr(8), &v)) {
        *error = "unknown OpenCL C version in '" + a + "' (CL1.0, CL1.1, CL1.2, CL2.0, CL3.0)";
        return false;
      }
      if (v > device.max_cl_c_version) {
        *error = "'" + a + "' is above the OpenCL C version the device supports";
        return false;
      }
      if (!device.cl_c_versions.empty() &&
          std::find(device.cl_c_versions.begin(), device.cl_c_versions.end(), v) == device.cl_c_versions.end()) {
        *error = "'" + a + "' names an OpenCL C version the device does not support (CL_DEVICE_OPENCL_C_ALL_VERSIONS)";
        return false;
      }
      out->cl_std = v;
      out->cl_std_given = true;
      continue;
    }
    *error = "unknown " + std::string(kind == OptionsKind::Link ? "link" : "build") + " option '" + a + "'";
    return false;
  }
  for (const std::string& d : out->defines) {
    if (d.empty() || d[0] == '=') {
      *error = "-D needs a macro name";
      return false;
    }
  }
  return true;
}

}  // namespace mica::clc
