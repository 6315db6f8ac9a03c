// A thread-safe map from input digest to compiled Mica binary, with a versioned, validated byte
// serialisation. Vulkan pipeline caches and OpenCL program binaries are built on it.
#pragma once

#include "mica/driver/sha256.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace mica::driver {

class BinaryCache {
public:
  std::optional<std::vector<uint8_t>> find(const Digest& key) const;
  void insert(const Digest& key, std::vector<uint8_t> binary);
  void merge_from(const BinaryCache& other);
  size_t size() const;

  // Serialised form: magic, entry count, then per entry the digest, a byte count and the bytes.
  std::vector<uint8_t> serialize() const;
  // Adds the entries of a blob made by serialize(). Returns false (and adds nothing) for a blob that
  // is truncated or otherwise malformed; callers treat that like an empty cache.
  bool deserialize(std::span<const uint8_t> blob);

private:
  mutable std::mutex mutex_;
  std::map<Digest, std::vector<uint8_t>> entries_;
};

}  // namespace mica::driver
