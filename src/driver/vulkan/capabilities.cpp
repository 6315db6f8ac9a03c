#include "capabilities.h"

#include "mica/compiler/compiler.h"

namespace mica::vk {

// Derived from the compiler's own list (mica::compiler::shader_features(), defined next to the
// SPIR-V capability check), so the driver cannot advertise a shader feature the compiler refuses.
const ShaderCapabilities& shader_capabilities() {
  static const ShaderCapabilities caps = [] {
    const compiler::ShaderFeatures& f = compiler::shader_features();
    ShaderCapabilities c;
    c.int64 = f.int64;
    c.int16 = f.int16;
    c.int8 = f.int8;
    c.float64 = f.float64;
    c.float16 = f.float16;
    c.storage_buffer_16bit = f.storage_buffer_16bit;
    c.storage_buffer_8bit = f.storage_buffer_8bit;
    c.buffer_device_address = f.buffer_device_address;
    c.vulkan_memory_model = f.vulkan_memory_model && f.vulkan_memory_model_device_scope;
    // The Vulkan features come as a pair: variablePointers requires variablePointersStorageBuffer.
    c.variable_pointers = f.variable_pointers_storage_buffer && f.variable_pointers;
    c.integer_dot_product = f.integer_dot_product;
    c.zero_initialize_workgroup_memory = f.zero_initialize_workgroup_memory;
    // Both the buffer and the shared-memory variants are advertised together.
    c.shader_atomic_int64 = f.shader_buffer_int64_atomics && f.shader_shared_int64_atomics;
    c.subgroup_extended_types = f.subgroup_extended_types;
    c.subgroup_broadcast_dynamic_id = f.subgroup_broadcast_dynamic_id;
    c.demote_to_helper_invocation = f.demote_to_helper_invocation;
    c.terminate_invocation = f.terminate_invocation;
    c.robust_buffer_access = f.robust_buffer_access;
    c.robust_buffer_access2 = f.robust_buffer_access && f.robust_buffer_access2;
    c.scalar_block_layout = f.scalar_block_layout;
    c.buffer_array_dynamic_indexing = f.buffer_array_dynamic_indexing;
    c.buffer_array_non_uniform_indexing = f.buffer_array_non_uniform_indexing;
    c.runtime_descriptor_array = f.runtime_descriptor_array;
    c.subgroup_operations = f.subgroup_operations;
    c.signed_zero_inf_nan_preserve = f.signed_zero_inf_nan_preserve;
    c.rounding_mode_rte = f.rounding_mode_rte;
    c.float32_atomics = f.float32_atomics;
    c.float32_atomic_add = f.float32_atomic_add;
    c.float64_atomics = f.float64_atomics;
    c.float32_atomic_min_max = f.float32_atomic_min_max;
    c.float64_atomic_min_max = f.float64_atomic_min_max;
    c.shader_subgroup_clock = f.shader_subgroup_clock;
    c.shader_device_clock = f.shader_device_clock;
    return c;
  }();
  return caps;
}

}  // namespace mica::vk
