#version 450
// Every workgroup appends one record {gl_NumWorkGroups, gl_WorkGroupID, tag}: checks the group
// counts a shader sees under direct, base and indirect dispatches, per dispatch (tag).
layout(local_size_x = 2) in;
layout(std430, set = 0, binding = 0) buffer Out { uint count; uint pad; uint records[]; };
layout(push_constant) uniform Params { uint tag; } params;

void main() {
  if (gl_LocalInvocationID.x != 0u) return;
  uint slot = atomicAdd(count, 1u) * 8u;
  records[slot + 0u] = gl_NumWorkGroups.x;
  records[slot + 1u] = gl_NumWorkGroups.y;
  records[slot + 2u] = gl_NumWorkGroups.z;
  records[slot + 3u] = gl_WorkGroupID.x;
  records[slot + 4u] = gl_WorkGroupID.y;
  records[slot + 5u] = gl_WorkGroupID.z;
  records[slot + 6u] = params.tag;
}
