#version 450
// out[global id] = workgroup id * 1000 + local id + tag: checks dispatch base, group counts and
// push constants.
layout(local_size_x = 32) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[]; };
layout(push_constant) uniform Params { uint tag; uint limit; } params;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.limit) values[i] = gl_WorkGroupID.x * 1000u + gl_LocalInvocationID.x + params.tag;
}
