// Query pools. Each query is a slot in GPU memory: its 64-bit values (one for a timestamp, one per
// enabled statistic for a pipeline-statistics query) followed by a 64-bit availability word. The
// GPU writes them with TIMESTAMP / WRITE_DATA packets and the internal statistics program; the host
// reads them through the mapping or copies them with DMA packets.
#pragma once

#include "gpu_memory.h"
#include "object.h"

#include <memory>

namespace mica::vk {

class Device;

class QueryPool : public NonDispatchable<VK_OBJECT_TYPE_QUERY_POOL> {
public:
  static VkResult create(Device& device, const VkQueryPoolCreateInfo& info, const HostAllocation& where,
                         std::unique_ptr<QueryPool>& out);

  VkQueryType type() const { return type_; }
  uint32_t count() const { return count_; }
  uint32_t values() const { return values_; }  // 64-bit result values per query
  uint64_t slot_bytes() const { return (values_ + 1) * 8ull; }
  uint64_t value_va(uint32_t q, uint32_t v = 0) const { return memory_->va() + q * slot_bytes() + v * 8ull; }
  uint64_t available_va(uint32_t q) const { return value_va(q, values_); }
  volatile uint64_t* slot(uint32_t q) const {
    return reinterpret_cast<volatile uint64_t*>(memory_->cpu() + q * slot_bytes());
  }
  // Index of the compute-shader-invocations value (statistics pools), or -1 when not enabled.
  int compute_invocations_index() const { return compute_index_; }

private:
  VkQueryType type_ = VK_QUERY_TYPE_TIMESTAMP;
  uint32_t count_ = 0;
  uint32_t values_ = 1;
  int compute_index_ = -1;
  std::unique_ptr<GpuMemory> memory_;
};

}  // namespace mica::vk
