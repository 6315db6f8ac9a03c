#version 450
// Separate SPIR-V functions: in/out/inout parameters, struct return, calls in loops.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
struct Pair { uint lo; uint hi; };

uint rotl(uint v, uint s) {
  s &= 31u;
  return s == 0u ? v : (v << s) | (v >> (32u - s));
}
void swap_if_greater(inout uint p, inout uint q) {
  if (p > q) { uint t = p; p = q; q = t; }
}
uint mix_hash(uint v) {
  v ^= v >> 16; v *= 0x7feb352du; v ^= v >> 15; v *= 0x846ca68bu; v ^= v >> 16;
  return v;
}
Pair split(uint v) {
  Pair p;
  p.lo = v & 0xffffu;
  p.hi = v >> 16;
  return p;
}
uint classify(uint v, out uint kind) {
  if (v < 1000u) { kind = 0u; return v; }
  if (v < 0x80000000u) { kind = 1u; return v / 7u; }
  kind = 2u;
  return ~v;
}
uint fold(uint v) {
  uint acc = 0u;
  for (uint k = 0u; k < 4u; ++k) acc = rotl(acc, 5u) ^ mix_hash(v + k);
  return acc;
}

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint p = a[2 * i], q = a[2 * i + 1];
  swap_if_greater(p, q);
  Pair s = split(fold(p));
  uint kind;
  uint c = classify(q, kind);
  o[3 * i] = p;
  o[3 * i + 1] = s.lo * 3u + s.hi;
  o[3 * i + 2] = c ^ (kind << 30);
}
