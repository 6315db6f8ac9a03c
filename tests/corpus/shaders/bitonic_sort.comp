#version 450
// Full bitonic sort of 512 keys per workgroup in shared memory (256 invocations, 2 keys each);
// every (k, j) step is a compare-exchange pass separated by barriers.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) buffer Data { uint d[]; };
shared uint s[512];
void main() {
  uint l = gl_LocalInvocationID.x;
  uint base = gl_WorkGroupID.x * 512u;
  s[l] = d[base + l];
  s[l + 256u] = d[base + l + 256u];
  barrier();
  for (uint k = 2u; k <= 512u; k <<= 1) {
    for (uint j = k >> 1; j > 0u; j >>= 1) {
      // Invocation l handles the pair (i, i ^ j) where i has bit j clear.
      uint i = (l / j) * 2u * j + (l % j);
      uint p = i ^ j;
      bool up = (i & k) == 0u;
      uint x = s[i], y = s[p];
      if ((x > y) == up) {
        s[i] = y;
        s[p] = x;
      }
      barrier();
    }
  }
  d[base + l] = s[l];
  d[base + l + 256u] = s[l + 256u];
}
