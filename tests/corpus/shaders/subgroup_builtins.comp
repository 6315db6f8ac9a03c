#version 450
// Subgroup built-ins and subgroupElect; subgroupBarrier.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
layout(local_size_x = 128) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 5u;
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
  subgroupBarrier();
  rec[b + 4u] = subgroupElect() ? 1u : 0u;
}
