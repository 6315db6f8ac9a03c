// The binding model shared with the compiler (docs/compiler.md "Binding model", mica.toml
// [launch_abi]): how descriptor sets, push constants and workgroup information reach a Mica program.
//
//   s[0:1]  address of the dispatch's set table: one u64 set address per set of the pipeline
//           layout (0 for a set that is not bound)
//   s[2:3]  address of the push-constant block
//   s4..s6  number of workgroups x, y, z
//   s7..s9  base workgroup x, y, z (vkCmdDispatchBase)
//   s[10:11] address of the queue's scratch buffer, only for programs whose binary entry has
//           scratch_bytes != 0 (VGPR spills; mica.toml [launch_abi])
//
// A descriptor set is GPU memory of its pool (descriptor_set.h), laid out by its layout
// (descriptor_layout.h): the binding's 16-byte entry at binding * 16 describes element 0 and
// names the binding's array header; the header (u32 count) is followed by every element. Sets
// without dynamic descriptors are read where they are; a set with dynamic descriptors is copied
// into the submission with the bind's offsets applied, when the dispatch is recorded. Both are
// exact, because updating a set that a recorded command buffer uses (without update-after-bind,
// which is not supported) invalidates the command buffer.
#pragma once

#include "object.h"

extern "C" {
#include "mica_hw.h"
}

#include <cstdint>
#include <span>
#include <vector>

namespace mica::vk {

// The launch ABI (mica.toml [launch_abi]); the compiler reads the same constants.
constexpr uint32_t kUserDataDescriptorSets = MICA_ABI_S_DESCRIPTOR_SETS;
constexpr uint32_t kUserDataPushConstants = MICA_ABI_S_PUSH_CONSTANTS;
constexpr uint32_t kUserDataNumWorkgroups = MICA_ABI_S_NUM_WORKGROUPS;
constexpr uint32_t kUserDataBaseWorkgroup = MICA_ABI_S_BASE_WORKGROUP;
constexpr uint32_t kUserDataCount = 10;  // s0..s9, set for every dispatch
constexpr uint32_t kUserDataScratch = MICA_ABI_S_SCRATCH_BASE;
constexpr uint64_t kScratchAlignment = 256;
// Bytes of scratch a program with 'scratch_bytes' per lane needs: one region per wave slot of every
// CU (mica.toml [launch_abi]: scratch_bytes * wave_size * cu_count * wave_slots_per_cu).
inline uint64_t scratch_buffer_bytes(uint32_t scratch_bytes_per_lane, uint32_t cu_count) {
  return uint64_t{scratch_bytes_per_lane} * MICA_WAVE_SIZE * cu_count * MICA_WAVE_SLOTS_PER_CU;
}
constexpr uint32_t kDescriptorBytes = MICA_ABI_DESCRIPTOR_BYTES;
constexpr uint32_t kArrayHeaderBytes = MICA_ABI_DESCRIPTOR_ARRAY_HEADER_BYTES;
constexpr uint32_t kMaxDescriptorSets = MICA_ABI_DESCRIPTOR_SETS_MAX;  // maxBoundDescriptorSets
// Set memory is dense by binding number: a set whose highest binding is b has (b + 1) entries.
// Binding numbers are bounded so that this part stays at most 16 MiB.
constexpr uint32_t kMaxBindingNumber = (1u << 20) - 1;
// Descriptors of one set (and of one stage, and per type): every descriptor is 16 bytes of set
// memory, so a set of the maximum size takes 16 MiB of the device's memory (plus its entries).
constexpr uint32_t kMaxDescriptorsPerSet = 1u << 20;
// Dynamic buffer descriptors, per type (uniform, storage): a set with any is copied (whole) into
// every dispatch that uses it.
constexpr uint32_t kMaxDynamicBuffers = 1u << 16;

constexpr uint32_t kMaxPushConstantBytes = 256;
// VK_KHR_push_descriptor: descriptors of one push set. Any number would do (a push set is a copy of
// set memory uploaded with each dispatch); the spec's minimum keeps those uploads small.
constexpr uint32_t kMaxPushDescriptors = 32;

// Inline uniform blocks: the block's bytes live in the set's memory after its descriptors and the
// binding's entry (and its one array element) point at them, so the program reads the block like a
// uniform buffer. Each block starts kInlineUniformBlockAlignment-aligned.
constexpr uint32_t kMaxInlineUniformBlockBytes = 4096;
constexpr uint32_t kInlineUniformBlockAlignment = 16;
constexpr uint32_t kMaxInlineUniformBlocks = 128;             // per stage / set / layout
constexpr uint32_t kMaxInlineUniformTotalBytes = 65536;       // all blocks of a pipeline layout
constexpr uint32_t kMaxWorkgroupCount = 65535;
constexpr bool kPipelineStatisticsSupported = true;  // compute invocations; graphics counters are 0
// Image, sampler and texel-buffer bindings: each element is a texture-unit image descriptor (32 bytes;
// texel buffers: a BUFFER-type one) followed by a sampler descriptor (16 bytes; zero where the type
// has none), so one layout serves every such type and a combined image sampler is one element. The
// compiler reads the same layout (spirv_to_ir.h abi::kImageElementBytes).
constexpr uint32_t kImageElementBytes = MICA_TEX_IMAGE_DESCRIPTOR_BYTES + MICA_TEX_SAMPLER_DESCRIPTOR_BYTES;
constexpr uint32_t kSamplerInElement = MICA_TEX_IMAGE_DESCRIPTOR_BYTES;
static_assert(kImageElementBytes % kDescriptorBytes == 0, "image elements keep 16-byte alignment");

inline bool is_image_descriptor_type(VkDescriptorType type) {
  switch (type) {
  case VK_DESCRIPTOR_TYPE_SAMPLER:
  case VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER:
  case VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE:
  case VK_DESCRIPTOR_TYPE_STORAGE_IMAGE:
  case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
  case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER:
  // Only fragment shaders read input attachments, which a compute device never runs; layouts,
  // pools and writes still take them like sampled images (VK_KHR_maintenance3 asks
  // vkGetDescriptorSetLayoutSupport for maxPerSetDescriptors of every type: dEQP-VK.api.
  // maintenance3_check.descriptor_set).
  case VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT:
    return true;
  default:
    return false;
  }
}

// Bytes of one array element of a binding of this type.
inline uint32_t element_bytes(VkDescriptorType type) {
  return is_image_descriptor_type(type) ? kImageElementBytes : kDescriptorBytes;
}

// Descriptor types the binding model has descriptors for: buffers, any number per binding (for
// inline uniform blocks: one block per binding, descriptorCount being its size in bytes), and the
// image types above.
inline bool is_supported_descriptor_type(VkDescriptorType type) {
  if (is_image_descriptor_type(type)) return true;
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

// One descriptor as the program reads it: a binding's entry (whose 'array' is the offset of its
// array header in the set) or an array element ('array' 0).
struct BufferDescriptor {
  uint64_t address;
  uint32_t size;
  uint32_t array;
};
static_assert(sizeof(BufferDescriptor) == kDescriptorBytes);

// The memory of a set whose binding i (i < descriptors.size()) holds the one descriptor
// descriptors[i]: what the driver's own programs bind (internal_pipelines.cpp).
std::vector<uint8_t> plain_set_memory(std::span<const BufferDescriptor> descriptors);

}  // namespace mica::vk
