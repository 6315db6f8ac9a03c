#version 450
// A subgroup mask copied into a local array that a loop indexes at run time: the optimizer
// forwards the copy to the built-in, so the access chain indexes the Input variable dynamically
// (CTS subgroups.ballot_mask.ext_shader_subgroup_ballot.compute.gl_subgroupgtmaskarb was refused).
// o[i] = the number of set bits of gl_SubgroupGtMask (31 - lane) and of gl_SubgroupLeMask (lane + 1).
#extension GL_KHR_shader_subgroup_ballot : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uvec4 gm = gl_SubgroupGtMask;
  uint bitmask[4] = uint[](gm.x, gm.y, gm.z, gm.w);
  uvec4 lm = gl_SubgroupLeMask;
  uint lemask[4] = uint[](lm.x, lm.y, lm.z, lm.w);
  uint gt = 0u, le = 0u;
  for (uint k = 0u; k < gl_SubgroupSize; k++) {
    if ((bitmask[k / 32u] & (1u << (k % 32u))) != 0u)
      gt++;
    if ((lemask[k / 32u] & (1u << (k % 32u))) != 0u)
      le++;
  }
  o[2u * i] = gt;
  o[2u * i + 1u] = le;
}
