#version 450
// Subgroup operations inside a divergent branch; checked against the active set the branch reports.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 96) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 12u;
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
  if (x % 3u != 0u) {
    uvec4 act = subgroupBallot(true);
    rec[b + 4u] = act.x; rec[b + 5u] = act.y; rec[b + 6u] = act.z; rec[b + 7u] = act.w;
    rec[b + 8u] = subgroupAdd(x);
    rec[b + 9u] = subgroupElect() ? 1u : 0u;
    rec[b + 10u] = subgroupExclusiveAdd(1u);
    rec[b + 11u] = subgroupBroadcastFirst(gl_SubgroupInvocationID);
  }
}
