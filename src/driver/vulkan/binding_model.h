// The binding model shared with the compiler (docs/compiler.md, "Binding model"): how descriptor
// sets, push constants and workgroup information reach a Mica program.
//
//   s[0:1]  address of the dispatch's descriptor table: kMaxDescriptorSets x kBindingsPerSet
//           entries of kDescriptorBytes, entry (set, binding) at (set * kBindingsPerSet + binding)
//           * kDescriptorBytes, each { u64 address, u32 size in bytes, u32 reserved }
//   s[2:3]  address of the push-constant block
//   s4..s6  number of workgroups x, y, z
//   s7..s9  base workgroup x, y, z (vkCmdDispatchBase)
//
// The driver keeps each descriptor set as its kBindingsPerSet-entry slice of that table in host
// memory and assembles the dispatch's table (with dynamic offsets applied) when the dispatch is
// recorded. That is valid because updating a set that a recorded command buffer uses (without
// update-after-bind, which is not supported) invalidates the command buffer.
#pragma once

#include "object.h"

#include <cstdint>

namespace mica::vk {

// Must match the compiler's binding model (src/compiler, abi::k*).
constexpr uint32_t kUserDataDescriptorTable = 0;
constexpr uint32_t kUserDataPushConstants = 2;
constexpr uint32_t kUserDataNumWorkgroups = 4;
constexpr uint32_t kUserDataBaseWorkgroup = 7;
constexpr uint32_t kUserDataCount = 10;
constexpr uint32_t kDescriptorBytes = 16;
constexpr uint32_t kBindingsPerSet = 32;
constexpr uint32_t kMaxDescriptorSets = 4;
constexpr uint32_t kSetBytes = kBindingsPerSet * kDescriptorBytes;
constexpr uint32_t kDescriptorTableBytes = kMaxDescriptorSets * kSetBytes;

constexpr uint32_t kMaxPushConstantBytes = 256;
constexpr uint32_t kMaxDescriptorsPerType = kMaxDescriptorSets * kBindingsPerSet;
constexpr uint32_t kMaxDynamicBuffers = 16;
constexpr uint32_t kMaxWorkgroupCount = 65535;
constexpr bool kPipelineStatisticsSupported = true;  // compute invocations; graphics counters are 0
// Texel buffers need image instructions the compiler does not have: no buffer-view format
// features are advertised.
constexpr VkFormatFeatureFlags kTexelBufferFeatures = 0;

// Descriptor types the binding model has descriptors for: buffers, one descriptor per binding.
inline bool is_supported_descriptor_type(VkDescriptorType type) {
  switch (type) {
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
