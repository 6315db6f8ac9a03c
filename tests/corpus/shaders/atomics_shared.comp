#version 450
// Every shared-memory atomic within each workgroup of 128; results per workgroup.
layout(local_size_x = 128) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Groups { uint res[]; };  // 10 words per workgroup
layout(std430, set = 0, binding = 2) writeonly buffer Ret { uint ret[]; };     // 3 words per invocation
shared uint s_add, s_min, s_max, s_and, s_or, s_xor, s_xchg, s_cas, s_ticket;
shared int s_smin;
void main() {
  uint l = gl_LocalInvocationID.x;
  uint i = gl_GlobalInvocationID.x;
  uint x = v[i];
  if (l == 0u) {
    s_add = 0u; s_min = 0xffffffffu; s_max = 0u; s_and = 0xffffffffu; s_or = 0u; s_xor = 0u;
    s_xchg = 0u; s_cas = 0u; s_ticket = 0u; s_smin = 0x7fffffff;
  }
  barrier();
  atomicAdd(s_add, x);
  atomicMin(s_min, x);
  atomicMax(s_max, x);
  atomicAnd(s_and, ~(1u << (x % 32u)));
  atomicOr(s_or, 1u << (x % 31u));
  atomicXor(s_xor, x);
  atomicMin(s_smin, int(x));
  ret[3u * i] = atomicAdd(s_ticket, 1u);
  ret[3u * i + 1u] = atomicExchange(s_xchg, l + 1u);
  ret[3u * i + 2u] = atomicCompSwap(s_cas, l, l + 1u);
  barrier();
  if (l == 0u) {
    uint b = 10u * gl_WorkGroupID.x;
    res[b] = s_add; res[b + 1u] = s_min; res[b + 2u] = s_max; res[b + 3u] = s_and; res[b + 4u] = s_or;
    res[b + 5u] = s_xor; res[b + 6u] = s_xchg; res[b + 7u] = s_cas; res[b + 8u] = s_ticket; res[b + 9u] = uint(s_smin);
  }
}
