#version 450
// subgroupShuffleUp / subgroupShuffleDown by 1, 3 and 5.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle_relative : require
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
  rec[b + 4u] = subgroupShuffleUp(x, 1u);
  rec[b + 5u] = subgroupShuffleDown(x, 1u);
  rec[b + 6u] = subgroupShuffleUp(x, 3u);
  rec[b + 7u] = subgroupShuffleDown(x, 5u);
}
