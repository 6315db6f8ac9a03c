#version 450
// Optional (int64_atomics): 64-bit atomicAdd/atomicMax/atomicXor on a storage buffer across workgroups.
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_atomic_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint64_t v[]; };
layout(std430, set = 0, binding = 1) buffer Acc { uint64_t sum; uint64_t mx; uint64_t x; };
void main() {
  uint64_t a = v[gl_GlobalInvocationID.x];
  atomicAdd(sum, a);
  atomicMax(mx, a);
  atomicXor(x, a);
}
