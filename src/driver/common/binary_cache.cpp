#include "mica/driver/binary_cache.h"

#include <cstring>

namespace mica::driver {
namespace {

constexpr uint32_t kMagic = 0x4843434d;  // 'MCCH'
constexpr uint32_t kVersion = 1;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

bool get_u32(std::span<const uint8_t>& in, uint32_t& v) {
  if (in.size() < 4) return false;
  v = uint32_t(in[0]) | uint32_t(in[1]) << 8 | uint32_t(in[2]) << 16 | uint32_t(in[3]) << 24;
  in = in.subspan(4);
  return true;
}

}  // namespace

std::optional<std::vector<uint8_t>> BinaryCache::find(const Digest& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void BinaryCache::insert(const Digest& key, std::vector<uint8_t> binary) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    bytes_ -= it->second.size();
    bytes_ += binary.size();
    it->second = std::move(binary);
  } else {
    bytes_ += binary.size();
    entries_.emplace(key, std::move(binary));
    if (capacity_) order_.push_back(key);
  }
  evict_locked();
}

void BinaryCache::set_capacity(size_t bytes) {
  std::lock_guard lock(mutex_);
  capacity_ = bytes;
  order_.clear();
  if (capacity_)
    for (const auto& [k, v] : entries_) order_.push_back(k);
  evict_locked();
}

void BinaryCache::evict_locked() {
  // The newest entry always stays, even when it alone is larger than the bound.
  while (capacity_ && bytes_ > capacity_ && order_.size() > 1) {
    auto it = entries_.find(order_.front());
    order_.pop_front();
    if (it == entries_.end()) continue;
    bytes_ -= it->second.size();
    entries_.erase(it);
  }
}

size_t BinaryCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void BinaryCache::merge_from(const BinaryCache& other) {
  if (&other == this) return;
  std::scoped_lock lock(mutex_, other.mutex_);
  for (const auto& [k, v] : other.entries_)
    if (entries_.emplace(k, v).second) {
      bytes_ += v.size();
      if (capacity_) order_.push_back(k);
    }
  evict_locked();
}

size_t BinaryCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::vector<uint8_t> BinaryCache::serialize() const {
  std::lock_guard lock(mutex_);
  std::vector<uint8_t> out;
  put_u32(out, kMagic);
  put_u32(out, kVersion);
  put_u32(out, uint32_t(entries_.size()));
  for (const auto& [key, bin] : entries_) {
    out.insert(out.end(), key.begin(), key.end());
    put_u32(out, uint32_t(bin.size()));
    out.insert(out.end(), bin.begin(), bin.end());
  }
  return out;
}

bool BinaryCache::deserialize(std::span<const uint8_t> blob) {
  uint32_t magic = 0, version = 0, count = 0;
  if (!get_u32(blob, magic) || magic != kMagic || !get_u32(blob, version) || version != kVersion ||
      !get_u32(blob, count))
    return false;
  std::map<Digest, std::vector<uint8_t>> parsed;
  for (uint32_t i = 0; i < count; ++i) {
    Digest key;
    if (blob.size() < key.size()) return false;
    std::memcpy(key.data(), blob.data(), key.size());
    blob = blob.subspan(key.size());
    uint32_t n = 0;
    if (!get_u32(blob, n) || blob.size() < n) return false;
    parsed[key].assign(blob.begin(), blob.begin() + n);
    blob = blob.subspan(n);
  }
  std::lock_guard lock(mutex_);
  for (auto& [k, v] : parsed) {
    const size_t n = v.size();
    if (entries_.emplace(k, std::move(v)).second) {
      bytes_ += n;
      if (capacity_) order_.push_back(k);
    }
  }
  evict_locked();
  return true;
}

}  // namespace mica::driver
