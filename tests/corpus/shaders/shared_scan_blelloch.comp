#version 450
// Blelloch work-efficient exclusive scan: 128 invocations scan 256 elements (up-sweep, down-sweep).
layout(local_size_x = 128) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Totals { uint totals[]; };
shared uint t[256];
void main() {
  uint l = gl_LocalInvocationID.x;
  uint base = gl_WorkGroupID.x * 256u;
  t[2u * l] = a[base + 2u * l];
  t[2u * l + 1u] = a[base + 2u * l + 1u];
  uint off = 1u;
  for (uint d = 128u; d > 0u; d >>= 1) {
    barrier();
    if (l < d) {
      uint ai = off * (2u * l + 1u) - 1u;
      uint bi = off * (2u * l + 2u) - 1u;
      t[bi] += t[ai];
    }
    off <<= 1;
  }
  barrier();
  if (l == 0u) {
    totals[gl_WorkGroupID.x] = t[255];
    t[255] = 0u;
  }
  for (uint d = 1u; d < 256u; d <<= 1) {
    off >>= 1;
    barrier();
    if (l < d) {
      uint ai = off * (2u * l + 1u) - 1u;
      uint bi = off * (2u * l + 2u) - 1u;
      uint tmp = t[ai];
      t[ai] = t[bi];
      t[bi] += tmp;
    }
  }
  barrier();
  o[base + 2u * l] = t[2u * l];
  o[base + 2u * l + 1u] = t[2u * l + 1u];
}
