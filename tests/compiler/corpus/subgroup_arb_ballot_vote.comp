#version 450
// GL_ARB_shader_ballot / GL_ARB_shader_group_vote (SPV_KHR_shader_ballot, SPV_KHR_subgroup_vote;
// VK_EXT_shader_subgroup_ballot / _vote): ballotARB, readInvocationARB, readFirstInvocationARB,
// the ARB masks and sizes, allInvocationsARB / anyInvocationARB / allInvocationsEqualARB, in
// divergent control flow (lanes whose value is a multiple of 3 sit out).
#extension GL_ARB_shader_ballot : require
#extension GL_ARB_shader_group_vote : require
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint x = a[i];
  if (x % 3u != 0u) {
    uint64_t b = ballotARB(x % 2u == 0u);
    o[i * 8u + 0u] = uint(b);
    o[i * 8u + 1u] = uint(b >> 32);
    o[i * 8u + 2u] = readInvocationARB(x, 5u);
    o[i * 8u + 3u] = readFirstInvocationARB(x);
    o[i * 8u + 4u] = uint(gl_SubGroupLtMaskARB) ^ (gl_SubGroupInvocationARB << 8) ^ (gl_SubGroupSizeARB << 16);
    o[i * 8u + 5u] = (allInvocationsARB(x < 1000u) ? 1u : 0u) | (anyInvocationARB(x % 7u == 0u) ? 2u : 0u) |
                     (allInvocationsEqualARB(x > 500u) ? 4u : 0u);
  }
}
