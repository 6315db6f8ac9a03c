#version 450
// Every compute built-in on a 3D workgroup (4x2x2) and a 3D grid (3x2x2).
layout(local_size_x = 4, local_size_y = 2, local_size_z = 2) in;
layout(std430, set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uvec3 total = gl_NumWorkGroups * gl_WorkGroupSize;
  uvec3 g = gl_GlobalInvocationID;
  uint idx = (g.z * total.y + g.y) * total.x + g.x;
  uint b = idx * 16u;
  o[b + 0u] = g.x; o[b + 1u] = g.y; o[b + 2u] = g.z;
  o[b + 3u] = gl_LocalInvocationID.x; o[b + 4u] = gl_LocalInvocationID.y; o[b + 5u] = gl_LocalInvocationID.z;
  o[b + 6u] = gl_WorkGroupID.x; o[b + 7u] = gl_WorkGroupID.y; o[b + 8u] = gl_WorkGroupID.z;
  o[b + 9u] = gl_NumWorkGroups.x; o[b + 10u] = gl_NumWorkGroups.y; o[b + 11u] = gl_NumWorkGroups.z;
  o[b + 12u] = gl_WorkGroupSize.x; o[b + 13u] = gl_WorkGroupSize.y; o[b + 14u] = gl_WorkGroupSize.z;
  o[b + 15u] = gl_LocalInvocationIndex;
}
