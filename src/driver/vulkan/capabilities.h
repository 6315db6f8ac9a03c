// What the driver + compiler can really do. Every feature bit and extension the driver advertises is
// derived from this one place, so nothing is advertised that is not implemented.
#pragma once

#include "object.h"

namespace mica::vk {

struct ShaderCapabilities {
  bool int64 = false;
  bool int16 = false;
  bool int8 = false;
  bool float64 = false;
  bool float16 = false;
  bool storage_buffer_16bit = false;
  bool storage_buffer_8bit = false;
  bool buffer_device_address = false;
  bool vulkan_memory_model = false;
  bool integer_dot_product = false;
  bool zero_initialize_workgroup_memory = false;
  bool scalar_block_layout = false;
  bool variable_pointers = false;
  bool shader_atomic_int64 = false;          // buffer and shared 64-bit atomics
  bool subgroup_extended_types = false;
  bool subgroup_broadcast_dynamic_id = false;
  bool demote_to_helper_invocation = false;
  bool terminate_invocation = false;
  bool robust_buffer_access = false;
  bool robust_buffer_access2 = false;              // VK_EXT_robustness2: per-component checks, byte-exact
  bool buffer_array_dynamic_indexing = false;      // arrays of uniform/storage buffers, uniform index
  bool buffer_array_non_uniform_indexing = false;  // ... any index (NonUniform)
  bool runtime_descriptor_array = false;           // ... runtime-sized in the shader
  bool signed_zero_inf_nan_preserve = false;       // float controls, 16/32/64-bit
  bool rounding_mode_rte = false;
  bool float32_atomics = false;                    // VK_EXT_shader_atomic_float, buffers and shared memory
  bool float32_atomic_add = false;
  bool float64_atomics = false;
  bool float32_atomic_min_max = false;             // VK_EXT_shader_atomic_float2: buffers, shared memory, images
  bool float64_atomic_min_max = false;             // ... buffers and shared memory
  bool shader_subgroup_clock = false;              // VK_KHR_shader_clock: the wave's cycle counter
  bool shader_device_clock = false;                // ... and the device clock (s_timestamp_b64)
  VkSubgroupFeatureFlags subgroup_operations = VK_SUBGROUP_FEATURE_BASIC_BIT;
};

// The shader capabilities of the compiler this driver is built with (see docs/compiler.md).
const ShaderCapabilities& shader_capabilities();

}  // namespace mica::vk
