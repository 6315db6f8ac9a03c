#version 450
// memoryBarrierBuffer() + barrier(): storage-buffer writes become visible to the rest of the workgroup.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) coherent buffer Scratch { uint scratch[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main() {
  uint l = gl_LocalInvocationID.x;
  uint base = gl_WorkGroupID.x * 64u;
  scratch[base + l] = a[base + l] * 7u + l;
  memoryBarrierBuffer();
  barrier();
  o[base + l] = scratch[base + (l + 1u) % 64u] ^ scratch[base + (l + 37u) % 64u];
}
