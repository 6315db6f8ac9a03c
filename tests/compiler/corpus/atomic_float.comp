#version 450
// VK_EXT_shader_atomic_float: f32 atomic add on a storage buffer and on shared memory, f32 and
// f64 atomic exchange (every old value is returned exactly once).
#extension GL_EXT_shader_atomic_float : require
#extension GL_EXT_shader_explicit_arithmetic_types_float64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer B { float sum; float swapped; uint pad0; uint pad1; double dswap; float olds[64]; double dolds[64]; float shared_sum; };
shared float ssum;
void main() {
  uint i = gl_LocalInvocationIndex;
  if (i == 0u)
    ssum = 0.5;
  barrier();
  atomicAdd(sum, 0.25);
  atomicAdd(ssum, float(i));
  olds[i] = atomicExchange(swapped, float(i + 1u));
  dolds[i] = atomicExchange(dswap, double(i + 1u) + 0.125);
  barrier();
  if (i == 0u)
    shared_sum = atomicAdd(ssum, 0.0);
}
