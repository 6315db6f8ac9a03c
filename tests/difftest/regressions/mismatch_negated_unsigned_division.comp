#version 450
// difftest regression: mismatch_negated_unsigned_division (reduced from seed 20589)
// found as mismatch: SPIRV-Tools folded -(a / b) into a / -b for unsigned division
// difftest program, seed 20589, features dynarr,int64,subgroup
#extension GL_KHR_shader_subgroup_basic : enable
#extension GL_KHR_shader_subgroup_arithmetic : enable
#extension GL_KHR_shader_subgroup_ballot : enable
#extension GL_KHR_shader_subgroup_vote : enable
#extension GL_KHR_shader_subgroup_shuffle : enable
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : enable
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint inp[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint outp[]; };
layout(std430, set = 0, binding = 2) buffer Atom { uint atom[]; };
shared uint sh[64];
shared uint shatom[8];
uint lid;
uint gid;
uint g0;
uint g1;
uint g2;
uint g3;

void emit(uint v0, uint v1, uint v2, uint v3, uint a[8]) {
  uint base = gid * 16u;
  outp[base + 0u] = g0;
  outp[base + 1u] = g1;
  outp[base + 2u] = g2;
  outp[base + 3u] = g3;
  outp[base + 4u] = v0;
  outp[base + 5u] = v1;
  outp[base + 6u] = v2;
  outp[base + 7u] = v3;
  outp[base + 8u] = a[0];
  outp[base + 9u] = a[1];
  outp[base + 10u] = a[2];
  outp[base + 11u] = a[3];
  outp[base + 12u] = a[4];
  outp[base + 13u] = a[5];
  outp[base + 14u] = a[6];
  outp[base + 15u] = a[7];
}

void main() {
  lid = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
  gid = gl_WorkGroupID.x * 64u + lid;
  g0 = inp[(gid * 7u + 0u) & 1023u];
  g1 = inp[(gid * 7u + 1u) & 1023u];
  g2 = inp[(gid * 7u + 2u) & 1023u];
  g3 = inp[(gid * 7u + 3u) & 1023u];
  uint v0 = inp[(gid * 5u + 3u) & 1023u] ^ 0u;
  uint v1 = inp[(gid * 5u + 4u) & 1023u] ^ 1u;
  uint v2 = inp[(gid * 5u + 5u) & 1023u] ^ 2u;
  uint v3 = inp[(gid * 5u + 6u) & 1023u] ^ 3u;
  uint arr[8];
  arr[0] = inp[(gid + 0u) & 1023u];
  arr[1] = inp[(gid + 131u) & 1023u];
  arr[2] = inp[(gid + 262u) & 1023u];
  arr[3] = inp[(gid + 393u) & 1023u];
  arr[4] = inp[(gid + 524u) & 1023u];
  arr[5] = inp[(gid + 655u) & 1023u];
  arr[6] = inp[(gid + 786u) & 1023u];
  arr[7] = inp[(gid + 917u) & 1023u];
  if (lid < 8u) shatom[lid] = (lid == 2u || lid == 5u) ? 0xFFFFFFFFu : 0u;
  barrier();
  g0 |= (-(345816241u / (gid | 1u)));
  g1 = -(g1 / 3u);
  emit(v0, v1, v2, v3, arr);
}
