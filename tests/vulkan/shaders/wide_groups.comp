#version 450
// group_records.comp with 256-invocation workgroups that also count their invocations: a grid of
// more than 2^20 invocations, which the driver cuts into several kernel jobs (each within the
// kernel's job timeout), must still run every invocation once and show every workgroup the whole
// dispatch's gl_NumWorkGroups and its own gl_WorkGroupID.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) buffer Out { uint count; uint invocations; uint records[]; };
layout(push_constant) uniform Params { uint tag; } params;

void main() {
  atomicAdd(invocations, 1u);
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
