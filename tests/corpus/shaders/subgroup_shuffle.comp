#version 450
// subgroupShuffle (computed and reversed lanes) and subgroupShuffleXor.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 8u;
uint header() {
  uint b = gl_GlobalInvocationID.x * STRIDE;
  rec[b] = gl_SubgroupSize;
  rec[b + 1u] = gl_SubgroupID;
  rec[b + 2u] = gl_SubgroupInvocationID;
  rec[b + 3u] = gl_NumSubgroups;
  return b;
}
void main() {
  uint b = header();
  uint x = a[gl_GlobalInvocationID.x];
  uint lane = gl_SubgroupInvocationID, size = gl_SubgroupSize;
  rec[b + 4u] = subgroupShuffle(x, (lane * 5u + 3u) % size);
  rec[b + 5u] = subgroupShuffleXor(x, 1u);
  rec[b + 6u] = subgroupShuffleXor(x, size / 2u);
  rec[b + 7u] = subgroupShuffle(x, size - 1u - lane);
}
