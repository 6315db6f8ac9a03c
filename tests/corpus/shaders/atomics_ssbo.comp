#version 450
// Every storage-buffer atomic, 512 invocations over 8 workgroups hitting the same words.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Counters {
  uint add_c; uint min_c; uint max_c; uint and_c; uint or_c; uint xor_c;
  uint xchg_c; uint cas_c; int smin_c; int smax_c; uint ticket;
};
layout(std430, set = 0, binding = 1) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Ret { uint ret[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint x = v[i];
  atomicAdd(add_c, x);
  atomicMin(min_c, x);
  atomicMax(max_c, x);
  atomicAnd(and_c, ~(1u << (x % 32u)));
  atomicOr(or_c, 1u << (x % 31u));
  atomicXor(xor_c, x);
  atomicMin(smin_c, int(x));
  atomicMax(smax_c, int(x));
  ret[3u * i] = atomicAdd(ticket, 1u);
  ret[3u * i + 1u] = atomicExchange(xchg_c, i + 1u);
  ret[3u * i + 2u] = atomicCompSwap(cas_c, i, i + 1u);
}
