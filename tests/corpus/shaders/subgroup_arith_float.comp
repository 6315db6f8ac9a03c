#version 450
// Float subgroup reductions and scans on integer/power-of-two values (exact in any order).
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 10u;
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
  float x = uintBitsToFloat(a[2u * gl_GlobalInvocationID.x]);
  float y = uintBitsToFloat(a[2u * gl_GlobalInvocationID.x + 1u]);
  rec[b + 4u] = floatBitsToUint(subgroupAdd(x));
  rec[b + 5u] = floatBitsToUint(subgroupMin(x));
  rec[b + 6u] = floatBitsToUint(subgroupMax(x));
  rec[b + 7u] = floatBitsToUint(subgroupInclusiveAdd(x));
  rec[b + 8u] = floatBitsToUint(subgroupExclusiveAdd(x));
  rec[b + 9u] = floatBitsToUint(subgroupMul(y));
}
