// The binding model shared with the compiler (docs/compiler.md, "Binding model"): how descriptor
// sets, push constants and workgroup information reach a Mica program.
//
//   s[0:1]  address of the dispatch's descriptor table: kMaxDescriptorSets x kBindingsPerSet
//           entries of kDescriptorBytes, entry (set, binding) at (set * kBindingsPerSet + binding)
//           * kDescriptorBytes, each { u64 address, u32 size in bytes, u32 reserved }
//   s[2:3]  address of the push-constant block
//   s4..s6  number of workgroups x, y, z
//   s7..s9  base workgroup x, y, z (vkCmdDispatchBase)
//   s[10:11] address of the queue's scratch buffer, only for programs whose binary entry has
//           scratch_bytes != 0 (VGPR spills; mica.toml [launch_abi])
//
// The driver keeps each descriptor set as its kBindingsPerSet-entry slice of that table in host
// memory and assembles the dispatch's table (with dynamic offsets applied) when the dispatch is
// recorded. That is valid because updating a set that a recorded command buffer uses (without
// update-after-bind, which is not supported) invalidates the command buffer.
#pragma once

#include "object.h"

extern "C" {
#include "mica_hw.h"
}

#include <cstdint>

namespace mica::vk {

// Must match the compiler's binding model (src/compiler, abi::k*).
constexpr uint32_t kUserDataDescriptorTable = 0;
constexpr uint32_t kUserDataPushConstants = 2;
constexpr uint32_t kUserDataNumWorkgroups = 4;
constexpr uint32_t kUserDataBaseWorkgroup = 7;
constexpr uint32_t kUserDataCount = 10;  // s0..s9, set for every dispatch
constexpr uint32_t kUserDataScratch = 10;
constexpr uint64_t kScratchAlignment = 256;
// Bytes of scratch a program with 'scratch_bytes' per lane needs: one region per wave slot of every
// CU (mica.toml [launch_abi]: scratch_bytes * wave_size * cu_count * wave_slots_per_cu).
inline uint64_t scratch_buffer_bytes(uint32_t scratch_bytes_per_lane, uint32_t cu_count) {
  return uint64_t{scratch_bytes_per_lane} * MICA_WAVE_SIZE * cu_count * MICA_WAVE_SLOTS_PER_CU;
}
constexpr uint32_t kDescriptorBytes = 16;
constexpr uint32_t kBindingsPerSet = 32;
constexpr uint32_t kMaxDescriptorSets = 4;
constexpr uint32_t kSetBytes = kBindingsPerSet * kDescriptorBytes;
constexpr uint32_t kDescriptorTableBytes = kMaxDescriptorSets * kSetBytes;

constexpr uint32_t kMaxPushConstantBytes = 256;

// Inline uniform blocks: the block's bytes live in GPU memory of the set's pool and the binding's
// table entry points at them, so the program reads the block like a uniform buffer. One table
// entry per block (binding < kBindingsPerSet); each block starts kInlineUniformBlockAlignment-aligned.
constexpr uint32_t kMaxInlineUniformBlockBytes = 4096;
constexpr uint32_t kInlineUniformBlockAlignment = 16;
constexpr uint32_t kMaxInlineUniformBlocks = kMaxDescriptorSets * kBindingsPerSet;  // per stage / layout
constexpr uint32_t kMaxInlineUniformTotalBytes = 65536;  // all blocks of a pipeline layout
constexpr uint32_t kMaxDescriptorsPerType = kMaxDescriptorSets * kBindingsPerSet;
constexpr uint32_t kMaxDynamicBuffers = 16;
constexpr uint32_t kMaxWorkgroupCount = 65535;
constexpr bool kPipelineStatisticsSupported = true;  // compute invocations; graphics counters are 0
// Texel buffers need image instructions the compiler does not have: no buffer-view format
// features are advertised.
constexpr VkFormatFeatureFlags kTexelBufferFeatures = 0;

// Descriptor types the binding model has descriptors for: buffers, one descriptor per binding
// (for inline uniform blocks: one block per binding, descriptorCount being its size in bytes).
inline bool is_supported_descriptor_type(VkDescriptorType type) {
  switch (type) {
  case VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK:
  case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER:
  case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER:
  case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC:
  case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC:
    return true;
  default:
    return false;
  }
}

inline bool is_dynamic(VkDescriptorType type) {
  return type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC || type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
}

// One descriptor as the program reads it.
struct BufferDescriptor {
  uint64_t address;
  uint32_t size;
  uint32_t reserved;
};
static_assert(sizeof(BufferDescriptor) == kDescriptorBytes);

}  // namespace mica::vk
