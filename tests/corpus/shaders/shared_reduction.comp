#version 450
// Tree reduction (sum and max) in shared memory, one result pair per workgroup.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
shared uint ssum[256];
shared uint smax[256];
void main() {
  uint l = gl_LocalInvocationID.x;
  uint v = a[gl_GlobalInvocationID.x];
  ssum[l] = v;
  smax[l] = v;
  barrier();
  for (uint stride = 128u; stride > 0u; stride >>= 1) {
    if (l < stride) {
      ssum[l] += ssum[l + stride];
      smax[l] = max(smax[l], smax[l + stride]);
    }
    barrier();
  }
  if (l == 0u) {
    o[2u * gl_WorkGroupID.x] = ssum[0];
    o[2u * gl_WorkGroupID.x + 1u] = smax[0];
  }
}
