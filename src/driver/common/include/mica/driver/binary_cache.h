// A thread-safe map from input digest to compiled Mica binary, with a versioned, validated byte
// serialisation. Vulkan pipeline caches and OpenCL program binaries are built on it.
#pragma once

#include "mica/driver/sha256.h"

#include <cstdint>
#include <deque>
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
  size_t bytes() const;  // of the binaries held

  // Bounds the bytes held (0: unbounded, the default): inserting past the bound evicts the entries
  // inserted longest ago. Implicit caches that live as long as the process use it; caches the
  // application owns (Vulkan pipeline caches) stay unbounded.
  void set_capacity(size_t bytes);

  // Serialised form: magic, entry count, then per entry the digest, a byte count and the bytes.
  std::vector<uint8_t> serialize() const;
  // Adds the entries of a blob made by serialize(). Returns false (and adds nothing) for a blob that
  // is truncated or otherwise malformed; callers treat that like an empty cache.
  bool deserialize(std::span<const uint8_t> blob);

private:
  void evict_locked();
  mutable std::mutex mutex_;
  std::map<Digest, std::vector<uint8_t>> entries_;
  std::deque<Digest> order_;  // insertion order, for eviction (only kept while bounded)
  size_t bytes_ = 0;
  size_t capacity_ = 0;
};

}  // namespace mica::driver
