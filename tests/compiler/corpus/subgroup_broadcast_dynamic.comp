#version 460
// subgroupBroadcast with a dynamically uniform (not constant) lane id, loaded from a buffer,
// of 32- and 64-bit values; and subgroupShuffle of a 64-bit value.
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_EXT_shader_subgroup_extended_types_int64 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { uint lane_of_group[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint lane = lane_of_group[gl_SubgroupID];
  uint x = i * 2654435761u;
  uint64_t w = (uint64_t(i) << 32) | uint64_t(x);
  uint b = subgroupBroadcast(x, lane);
  uint64_t bw = subgroupBroadcast(w, lane);
  uint64_t sw = subgroupShuffle(w, gl_SubgroupInvocationID ^ 5u);
  o[4u * i] = b;
  o[4u * i + 1u] = uint(bw >> 32) ^ uint(bw);
  o[4u * i + 2u] = uint(sw >> 32);
  o[4u * i + 3u] = uint(sw);
}
