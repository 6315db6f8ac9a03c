// Numbers the driver chooses (as opposed to hardware numbers from mica_hw.h) that several files
// must agree on: descriptor and push-constant limits of the binding model, memory types, queues.
#pragma once

#include <cstdint>

namespace mica::vk {

constexpr uint32_t kMemoryTypeDeviceLocal = 0;  // not mappable
constexpr uint32_t kMemoryTypeHostVisible = 1;  // device-local, mappable, coherent, cached
constexpr uint32_t kMemoryTypeCount = 2;

constexpr uint32_t kQueueFamilyCompute = 0;     // compute + transfer
constexpr uint32_t kQueueFamilyTransfer = 1;    // transfer only (DMA packets)
// A second compute + transfer family, like the asynchronous compute families of GPUs: its queue is a
// kernel context of its own next to family 0's, so an application (the CTS's *_compute_only_queue
// cases) can have a compute queue besides the universal one.
constexpr uint32_t kQueueFamilyAsyncCompute = 2;
constexpr uint32_t kQueueFamilyCount = 3;
constexpr uint32_t kQueuesPerFamily = 1;

constexpr uint32_t kMinBufferAlignment = 16;    // storage/uniform/texel offsets, buffer placement
constexpr uint32_t kNonCoherentAtomSize = 64;
constexpr uint64_t kMaxMemoryAllocationCount = 4096;

// maxMemoryAllocationSize and maxBufferSize: at least Vulkan 1.1's/1.3's minimum of 1 GiB, the heap
// when it is larger. The spec defines both as what may be attempted "even if there is more space
// available in the heap": on a smaller device (the simulated one has 256 MiB) a buffer of up to
// 1 GiB can be created, and allocating more memory than the heap holds fails with
// VK_ERROR_OUT_OF_DEVICE_MEMORY (dEQP-VK.api.maintenance3_check.maintenance3_properties, ...
// khr_maintenance_3, ...khr_maintenance4 check the minimum).
constexpr uint64_t kMinMaxAllocationBytes = uint64_t(1) << 30;
inline uint64_t max_allocation_bytes(uint64_t heap_bytes) {
  return heap_bytes > kMinMaxAllocationBytes ? heap_bytes : kMinMaxAllocationBytes;
}

}  // namespace mica::vk
