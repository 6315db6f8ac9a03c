// Diagnostics for application developers: with MICA_VK_DEBUG=1 the driver says on stderr why a
// call failed (an unsupported feature, extension, ...). Silent otherwise.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace mica::vk {

inline bool debug_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("MICA_VK_DEBUG");
    return v && *v && *v != '0';
  }();
  return enabled;
}

[[gnu::format(printf, 1, 2)]] inline void debug_log(const char* fmt, ...) {
  if (!debug_enabled()) return;
  std::va_list ap;
  va_start(ap, fmt);
  std::fputs("mica-vk: ", stderr);
  std::vfprintf(stderr, fmt, ap);
  std::fputc('\n', stderr);
  va_end(ap);
}

}  // namespace mica::vk
