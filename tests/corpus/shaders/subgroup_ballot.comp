#version 450
// subgroupBallot and bit counts/find, BitExtract, InverseBallot, Broadcast, BroadcastFirst (divergent).
// Record per invocation: [SubgroupSize, SubgroupID, SubgroupInvocationID, NumSubgroups, results...]
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rec { uint rec[]; };
const uint STRIDE = 17u;
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
  uint lane = gl_SubgroupInvocationID;
  uvec4 bal = subgroupBallot((x & 1u) != 0u);
  rec[b + 4u] = bal.x; rec[b + 5u] = bal.y; rec[b + 6u] = bal.z; rec[b + 7u] = bal.w;
  rec[b + 8u] = subgroupBallotBitCount(bal);
  rec[b + 9u] = subgroupBallotInclusiveBitCount(bal);
  rec[b + 10u] = subgroupBallotExclusiveBitCount(bal);
  uvec4 nz = subgroupBallot((x & 1u) != 0u || subgroupElect());  // never empty
  rec[b + 11u] = subgroupBallotFindLSB(nz);
  rec[b + 12u] = subgroupBallotFindMSB(nz);
  rec[b + 13u] = subgroupBallotBitExtract(bal, (lane + 1u) % gl_SubgroupSize) ? 1u : 0u;
  rec[b + 14u] = subgroupBroadcast(x, 3u);
  uint first = 12345u;
  if ((x & 2u) != 0u) first = subgroupBroadcastFirst(x);
  rec[b + 15u] = first;
  rec[b + 16u] = subgroupInverseBallot(uvec4(0x55555555u)) ? 1u : 0u;
}
