#version 450
// One invocation per workgroup, many workgroups: a serial loop per group.
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
void main() {
  uint g = gl_WorkGroupID.x;
  uint s = 0u;
  for (uint k = 0u; k < 16u; ++k) s = s * 31u + a[g * 16u + k];
  o[g] = s;
}
