#version 450
// subgroupAdd/Mul/Min/Max (uint and int)/And/Or/Xor reductions.
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 13u;
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
  rec[b + 4u] = subgroupAdd(x);
  rec[b + 5u] = subgroupMul(x | 1u);
  rec[b + 6u] = subgroupMin(x);
  rec[b + 7u] = subgroupMax(x);
  rec[b + 8u] = uint(subgroupMin(int(x)));
  rec[b + 9u] = uint(subgroupMax(int(x)));
  rec[b + 10u] = subgroupAnd(x | 0x0fffffffu);
  rec[b + 11u] = subgroupOr(x & 0xf000000fu);
  rec[b + 12u] = subgroupXor(x);
}
