#version 450
// Privatised histogram: shared-memory atomics per workgroup, then one global atomicAdd per bin.
layout(local_size_x = 256) in;
layout(push_constant) uniform P { uint n; };
layout(std430, set = 0, binding = 0) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 1) buffer Hist { uint bins[256]; };
shared uint local_bins[256];
void main() {
  uint l = gl_LocalInvocationID.x;
  local_bins[l] = 0u;
  barrier();
  for (uint i = gl_GlobalInvocationID.x; i < n; i += gl_NumWorkGroups.x * 256u) {
    uint x = v[i];
    atomicAdd(local_bins[x & 0xffu], 1u);
    atomicAdd(local_bins[(x >> 8) & 0xffu], 1u);
  }
  barrier();
  if (local_bins[l] != 0u) atomicAdd(bins[l], local_bins[l]);
}
