// The clGet*Info protocol shared by every query: the caller's buffer must be large enough for the
// value (else CL_INVALID_VALUE), param_value may be NULL to ask only for the size.
#pragma once

#include "cl_api.h"

#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace mica::cl {

class InfoWriter {
public:
  InfoWriter(size_t size, void* value, size_t* size_ret) : size_(size), value_(value), size_ret_(size_ret) {}

  cl_int bytes(const void* data, size_t n) {
    if (value_) {
      if (size_ < n) return CL_INVALID_VALUE;
      if (n && data) std::memcpy(value_, data, n);
    }
    if (size_ret_) *size_ret_ = n;
    return CL_SUCCESS;
  }
  template <typename T> cl_int scalar(const T& v) { return bytes(&v, sizeof v); }
  cl_int string(std::string_view s) {
    std::vector<char> z(s.begin(), s.end());
    z.push_back('\0');
    return bytes(z.data(), z.size());
  }
  template <typename T> cl_int array(std::span<const T> v) { return bytes(v.data(), v.size_bytes()); }
  template <typename T> cl_int array(const std::vector<T>& v) { return bytes(v.data(), v.size() * sizeof(T)); }

private:
  size_t size_;
  void* value_;
  size_t* size_ret_;
};

}  // namespace mica::cl
