#version 450
// Uniform loops whose counters start from constants (their guards fold away after rotation:
// fold_constant_guards): unsigned halving, signed steps through negative values, a signed count
// from a negative start. The barriers keep them loops (loops with a barrier are not unrolled).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { uint a[]; };
layout(std430, set = 0, binding = 1) buffer O { uint o[]; };
shared uint s[64];
void main() {
  uint lid = gl_LocalInvocationID.x, gid = gl_GlobalInvocationID.x;
  s[lid] = a[gid];
  barrier();
  for (uint stride = 32u; stride > 0u; stride >>= 1u) {
    if (lid < stride) s[lid] += s[lid + stride];
    barrier();
  }
  uint total = s[0];
  barrier();
  int acc = 0;
  for (int step = 5; step >= -3; step -= 2) {
    s[lid] = uint(int(lid) * step);
    barrier();
    acc += int(s[63u - lid]);
    barrier();
  }
  for (int k = -4; k < 3; k++) {
    if (int(lid % 7u) == k + 4) acc ^= k;
    barrier();
  }
  o[gid] = total + uint(acc);
}
