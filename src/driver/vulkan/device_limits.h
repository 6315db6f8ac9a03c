// Numbers the driver chooses (as opposed to hardware numbers from mica_hw.h) that several files
// must agree on: descriptor and push-constant limits of the binding model, memory types, queues.
#pragma once

#include <cstdint>

namespace mica::vk {

constexpr uint32_t kMemoryTypeDeviceLocal = 0;  // not mappable
constexpr uint32_t kMemoryTypeHostVisible = 1;  // device-local, mappable, coherent
constexpr uint32_t kMemoryTypeCount = 2;

constexpr uint32_t kQueueFamilyCompute = 0;     // compute + transfer
constexpr uint32_t kQueueFamilyTransfer = 1;    // transfer only (DMA packets)
constexpr uint32_t kQueueFamilyCount = 2;
constexpr uint32_t kQueuesPerFamily = 1;

constexpr uint32_t kMinBufferAlignment = 16;    // storage/uniform/texel offsets, buffer placement
constexpr uint32_t kNonCoherentAtomSize = 64;
constexpr uint64_t kMaxMemoryAllocationCount = 4096;

}  // namespace mica::vk
