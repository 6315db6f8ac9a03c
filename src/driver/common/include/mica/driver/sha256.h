// SHA-256, used to key compiled binaries (pipeline caches, OpenCL program caches): a cache must never
// return a binary for different input, so a cryptographic digest of the full input is the key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mica::driver {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
public:
  Sha256();
  void update(std::span<const uint8_t> bytes);
  void update(std::string_view text) {
    update(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  template <typename T> void update_value(const T& v) {
    update(std::span(reinterpret_cast<const uint8_t*>(&v), sizeof v));
  }
  Digest finish();

private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

}  // namespace mica::driver
