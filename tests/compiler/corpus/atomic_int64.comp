#version 460
// 64-bit atomics on a storage buffer and on shared memory (add, min/max, and/or/xor, exchange,
// compare-exchange), with carries across the 32-bit halves.
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_atomic_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { uint64_t v[]; };
layout(std430, set = 0, binding = 1) buffer Acc { uint64_t sum; uint64_t umax; int64_t smin; uint64_t x; uint64_t swapped; uint64_t cas; uint64_t shared_sum; uint64_t olds; };
shared uint64_t ssum;
void main() {
  uint i = gl_LocalInvocationIndex;
  if (i == 0u) ssum = 0ul;
  barrier();
  uint64_t a = v[gl_GlobalInvocationID.x];
  atomicAdd(sum, a);
  atomicMax(umax, a);
  atomicMin(smin, int64_t(a));
  atomicXor(x, a);
  atomicOr(x, 0ul);
  atomicAnd(x, ~0ul);
  atomicAdd(ssum, a >> 4);
  if (gl_GlobalInvocationID.x == 5u) atomicExchange(swapped, a);
  atomicCompSwap(cas, 0x100000000ul * 3ul + 7ul, a);
  uint64_t old = atomicAdd(olds, 1ul);
  barrier();
  if (i == 0u) atomicAdd(shared_sum, ssum);
  if (old >= 0x7fffffffffffffffUL) sum = 0ul;   // never: keeps the returned value used
}
