#include "descriptor_memory.h"

#include <algorithm>

namespace mica::vk {

DescriptorMemory::DescriptorMemory(Device& device, uint64_t expected_bytes)
    : device_(device), next_chunk_bytes_(std::clamp(expected_bytes, kMinChunkBytes, kChunkBytes)) {}

bool DescriptorMemory::take(uint32_t chunk, uint64_t bytes, Range& out) {
  auto& free = chunks_[chunk].free;
  for (auto it = free.begin(); it != free.end(); ++it) {
    if (it->second < bytes) continue;
    const uint64_t offset = it->first, rest = it->second - bytes;
    free.erase(it);
    if (rest) free[offset + bytes] = rest;
    const GpuMemory& m = *chunks_[chunk].memory;
    out = {chunk, offset, bytes, m.va() + offset, m.cpu() + offset};
    return true;
  }
  return false;
}

VkResult DescriptorMemory::allocate(uint64_t bytes, Range& out) {
  bytes = std::max<uint64_t>(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment);
  for (uint32_t c = 0; c < chunks_.size(); ++c)
    if (take(c, bytes, out)) return VK_SUCCESS;
  Chunk chunk;
  const uint64_t size = std::max(bytes, next_chunk_bytes_);
  next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kChunkBytes);
  VkResult r = GpuMemory::create(device_, size, GpuMemory::Usage::driver_shared, chunk.memory);
  if (r != VK_SUCCESS) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
  chunk.free[0] = chunk.memory->size();
  chunks_.push_back(std::move(chunk));
  return take(uint32_t(chunks_.size() - 1), bytes, out) ? VK_SUCCESS : VK_ERROR_OUT_OF_DEVICE_MEMORY;
}

void DescriptorMemory::free(const Range& range) {
  if (range.bytes == 0 || range.chunk >= chunks_.size()) return;
  auto& free = chunks_[range.chunk].free;
  auto it = free.emplace(range.offset, range.bytes).first;
  auto next = std::next(it);
  if (next != free.end() && it->first + it->second == next->first) {
    it->second += next->second;
    free.erase(next);
  }
  if (it != free.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      free.erase(it);
    }
  }
}

void DescriptorMemory::reset() {
  for (auto& c : chunks_) {
    c.free.clear();
    c.free[0] = c.memory->size();
  }
}

}  // namespace mica::vk
