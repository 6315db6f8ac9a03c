#version 450
// Non-power-of-two workgroup (7x3x1) and grid (5x3x2); linear ids via gl_LocalInvocationIndex.
layout(local_size_x = 7, local_size_y = 3) in;
layout(std430, set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uint group = (gl_WorkGroupID.z * gl_NumWorkGroups.y + gl_WorkGroupID.y) * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint slot = group * 21u + gl_LocalInvocationIndex;
  o[2u * slot] = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * 100u + gl_GlobalInvocationID.z * 10000u;
  o[2u * slot + 1u] = group;
}
