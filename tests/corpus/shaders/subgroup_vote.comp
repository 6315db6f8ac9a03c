#version 450
// subgroupAll, subgroupAny, subgroupAllEqual.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_vote : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 7u;
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
  uint x = a[2u * gl_GlobalInvocationID.x], y = a[2u * gl_GlobalInvocationID.x + 1u];
  rec[b + 4u] = subgroupAll(x >= 0x08000000u) ? 1u : 0u;
  rec[b + 5u] = subgroupAny(x < 0x08000000u) ? 1u : 0u;
  rec[b + 6u] = subgroupAllEqual(y) ? 1u : 0u;
}
