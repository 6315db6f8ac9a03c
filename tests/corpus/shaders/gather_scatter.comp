#version 450
// Indirect addressing through a permutation: scatter and gather.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint src[]; };
layout(std430, set = 0, binding = 1) readonly buffer Perm { uint perm[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Scattered { uint scattered[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Gathered { uint gathered[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  scattered[perm[i]] = src[i] * 3u + 1u;
  gathered[i] = src[perm[i]];
}
