// Query pools (timestamps) and host-side query access.
#include "query_pool.h"
#include "device.h"
#include "entrypoints.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <thread>

namespace mica::vk {

VkResult QueryPool::create(Device& device, const VkQueryPoolCreateInfo& info, const HostAllocation& where,
                          std::unique_ptr<QueryPool>& out) {
  // Timestamp and pipeline-statistics queries. Occlusion queries need graphics; creating one is
  // invalid usage (occlusion queries are core, but nothing can be drawn).
  auto pool = host_make<QueryPool>(where);
  pool->type_ = info.queryType;
  pool->count_ = info.queryCount;
  if (info.queryType == VK_QUERY_TYPE_PIPELINE_STATISTICS) {
    // One value per requested statistic, in bit order. Only compute work exists, so every
    // graphics statistic counts nothing and stays 0; compute invocations are counted.
    const VkQueryPipelineStatisticFlags stats = info.pipelineStatistics;
    pool->values_ = uint32_t(std::popcount(stats));
    if (stats & VK_QUERY_PIPELINE_STATISTIC_COMPUTE_SHADER_INVOCATIONS_BIT)
      pool->compute_index_ =
          std::popcount(stats & (VK_QUERY_PIPELINE_STATISTIC_COMPUTE_SHADER_INVOCATIONS_BIT - 1));
  }
  VkResult r = GpuMemory::create(device, uint64_t(std::max(info.queryCount, 1u)) * pool->slot_bytes(),
                                 GpuMemory::Usage::driver_shared, pool->memory_);
  if (r != VK_SUCCESS) return r;
  std::memset(pool->memory_->cpu(), 0, pool->memory_->size());
  out = std::move(pool);
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateQueryPool(VkDevice device, const VkQueryPoolCreateInfo* pInfo,
                                               const VkAllocationCallbacks* pAllocator, VkQueryPool* pPool) {
  return guarded([&] {
    std::unique_ptr<QueryPool> pool;
    auto* dev = Device::from(device);
    VkResult r = QueryPool::create(*dev, *pInfo, dev->child_allocation(pAllocator), pool);
    if (r == VK_SUCCESS) *pPool = release_to_handle<VkQueryPool>(std::move(pool));
    return r;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyQueryPool(VkDevice, VkQueryPool pool, const VkAllocationCallbacks*) {
  take_from_handle<QueryPool>(pool);
}

VKAPI_ATTR void VKAPI_CALL ResetQueryPool(VkDevice, VkQueryPool pool, uint32_t first, uint32_t count) {
  auto* p = from_handle<QueryPool>(pool);
  for (uint32_t q = first; q < first + count && q < p->count(); ++q)
    for (uint32_t v = 0; v <= p->values(); ++v) p->slot(q)[v] = 0;
}

VKAPI_ATTR VkResult VKAPI_CALL GetQueryPoolResults(VkDevice device, VkQueryPool pool, uint32_t first, uint32_t count,
                                                   size_t dataSize, void* pData, VkDeviceSize stride,
                                                   VkQueryResultFlags flags) {
  auto* dev = Device::from(device);
  auto* p = from_handle<QueryPool>(pool);
  const bool wide = flags & VK_QUERY_RESULT_64_BIT;
  const size_t width = wide ? 8 : 4;
  VkResult result = VK_SUCCESS;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t q = first + i;
    volatile uint64_t* slot = p->slot(q);
    const uint32_t nv = p->values();
    bool available = slot[nv] != 0;
    // WAIT: poll until the GPU wrote the availability word (device loss ends the wait).
    while (!available && (flags & VK_QUERY_RESULT_WAIT_BIT)) {
      if (dev->check_lost() != VK_SUCCESS) return VK_ERROR_DEVICE_LOST;
      std::this_thread::yield();
      available = slot[nv] != 0;
    }
    uint8_t* out = static_cast<uint8_t*>(pData) + i * stride;
    const bool with_avail = flags & VK_QUERY_RESULT_WITH_AVAILABILITY_BIT;
    if (i * stride + width * (nv + (with_avail ? 1 : 0)) > dataSize) break;
    if (available || (flags & VK_QUERY_RESULT_PARTIAL_BIT)) {
      for (uint32_t v = 0; v < nv; ++v) {
        const uint64_t value = slot[v];
        if (wide) std::memcpy(out + v * width, &value, 8);
        else {
          const uint32_t v32 = uint32_t(value);
          std::memcpy(out + v * width, &v32, 4);
        }
      }
    }
    if (!available) result = VK_NOT_READY;
    if (with_avail) {
      const uint64_t a = available ? 1 : 0;
      std::memcpy(out + nv * width, &a, width);
    }
  }
  return result;
}

}  // namespace mica::vk
