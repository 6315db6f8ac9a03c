#version 450
// Shared memory + barrier: reverse each workgroup's slice.
layout(local_size_x = 128) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
shared uint s[128];
void main() {
  uint l = gl_LocalInvocationID.x;
  s[l] = a[gl_GlobalInvocationID.x];
  barrier();
  o[gl_GlobalInvocationID.x] = s[127u - l];
}
