#version 450
// Inclusive and exclusive subgroup scans (add, min, max, xor, mul, or, and).
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 14u;
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
  rec[b + 4u] = subgroupInclusiveAdd(x);
  rec[b + 5u] = subgroupExclusiveAdd(x);
  rec[b + 6u] = uint(subgroupInclusiveMin(int(x)));
  rec[b + 7u] = uint(subgroupExclusiveMin(int(x)));
  rec[b + 8u] = subgroupInclusiveMax(x);
  rec[b + 9u] = subgroupExclusiveMax(x);
  rec[b + 10u] = subgroupInclusiveXor(x);
  rec[b + 11u] = subgroupExclusiveMul(x | 1u);
  rec[b + 12u] = subgroupInclusiveOr(1u << (x % 32u));
  rec[b + 13u] = subgroupExclusiveAnd(~(1u << (x % 32u)));
}
