#version 450
// Workgroup size from specialization constants (local_size_x_id / local_size_y_id), non-default values.
layout(local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 0) const uint WX = 8u;
layout(constant_id = 1) const uint WY = 2u;
layout(std430, set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uint width = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  uint idx = gl_GlobalInvocationID.y * width + gl_GlobalInvocationID.x;
  o[3u * idx] = gl_LocalInvocationIndex;
  o[3u * idx + 1u] = gl_WorkGroupSize.x * 100u + gl_WorkGroupSize.y;
  o[3u * idx + 2u] = gl_WorkGroupID.x + gl_WorkGroupID.y * 16u + WX * WY * 256u;
}
