#version 450
// Iterated 1D smoothing in shared memory: two barriers per iteration (read phase, write phase).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
shared uint s[64];
void main() {
  uint l = gl_LocalInvocationID.x;
  s[l] = a[gl_GlobalInvocationID.x];
  barrier();
  for (int it = 0; it < 8; ++it) {
    uint left = s[l == 0u ? 0u : l - 1u];
    uint right = s[l == 63u ? 63u : l + 1u];
    uint v = (left + 2u * s[l] + right) / 4u;
    barrier();
    s[l] = v + uint(it);
    barrier();
  }
  o[gl_GlobalInvocationID.x] = s[l];
}
