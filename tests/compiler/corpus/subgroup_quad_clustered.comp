#version 450
// Quad operations (broadcast, horizontal/vertical/diagonal swaps: shuffles inside groups of four
// lanes) and clustered reductions (the first log2(size) steps of the xor butterfly), the last one
// in divergent control flow where the inactive lanes of a cluster contribute the identity.
#extension GL_KHR_shader_subgroup_quad : require
#extension GL_KHR_shader_subgroup_clustered : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
layout(std430, set = 0, binding = 2) buffer OutF { float f[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint x = a[i];
  o[i * 8u + 0u] = subgroupQuadBroadcast(x, 2u);
  o[i * 8u + 1u] = subgroupQuadSwapHorizontal(x);
  o[i * 8u + 2u] = subgroupQuadSwapVertical(x);
  o[i * 8u + 3u] = subgroupQuadSwapDiagonal(x);
  o[i * 8u + 4u] = subgroupClusteredAdd(x, 4u);
  o[i * 8u + 5u] = subgroupClusteredMax(x, 8u);
  o[i * 8u + 6u] = subgroupClusteredXor(x, 1u);
  if ((x & 3u) != 0u)
    o[i * 8u + 7u] = subgroupClusteredAdd(x, 16u);
  // -0.0 in every lane: the sum of a cluster of negative zeros is -0.0 (the identity is -0.0)
  f[i] = subgroupClusteredAdd(-0.0, 2u);
}
