// GPU memory for a pool's descriptor sets (binding_model.h): host-visible chunks mapped into the
// device's address space, sub-allocated first fit. Chunks are made as sets need them and kept
// until the pool is destroyed, so a pool reset or a free makes room without a kernel call.
#pragma once

#include "gpu_memory.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace mica::vk {

class Device;

class DescriptorMemory {
public:
  struct Range {
    uint32_t chunk = 0;
    uint64_t offset = 0, bytes = 0;
    uint64_t va = 0;
    uint8_t* cpu = nullptr;
  };

  // 'expected_bytes': what the pool's sizes suggest its sets need; the first chunk is that large
  // (at least a page, at most kChunkBytes), later ones double up to kChunkBytes, so a small pool
  // takes a page of device memory and a busy one few chunks.
  DescriptorMemory(Device& device, uint64_t expected_bytes);
  // 'bytes' is rounded up to kAlignment. VK_ERROR_OUT_OF_DEVICE_MEMORY when no chunk can be made.
  VkResult allocate(uint64_t bytes, Range& out);
  void free(const Range& range);
  void reset();  // every range free again

  static constexpr uint64_t kAlignment = 16;
  static constexpr uint64_t kChunkBytes = 64 * 1024;
  static constexpr uint64_t kMinChunkBytes = 4096;

private:
  struct Chunk {
    std::unique_ptr<GpuMemory> memory;
    std::map<uint64_t, uint64_t> free;  // offset -> bytes, coalesced
  };
  bool take(uint32_t chunk, uint64_t bytes, Range& out);

  Device& device_;
  uint64_t next_chunk_bytes_;
  std::vector<Chunk> chunks_;
};

}  // namespace mica::vk
