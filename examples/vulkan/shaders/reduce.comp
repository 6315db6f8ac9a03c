#version 450
// Sum of n unsigned integers: a shared-memory tree per workgroup, one atomic add per workgroup.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint values[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint total; };
layout(push_constant) uniform Params { uint n; } params;

shared uint partial[256];

void main() {
  uint lid = gl_LocalInvocationID.x;
  uint i = gl_GlobalInvocationID.x;
  partial[lid] = i < params.n ? values[i] : 0u;
  barrier();
  for (uint stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) partial[lid] += partial[lid + stride];
    barrier();
  }
  if (lid == 0u) atomicAdd(total, partial[0]);
}
