#version 450
// 256-bin histogram of bytes (packed four per uint): shared-memory atomics per workgroup, then
// one global atomic add per bin.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint words[]; };
layout(std430, set = 0, binding = 1) buffer Bins { uint bins[256]; };
layout(push_constant) uniform Params { uint word_count; } params;

shared uint local_bins[256];

void main() {
  uint lid = gl_LocalInvocationID.x;
  local_bins[lid] = 0u;
  barrier();
  uint i = gl_GlobalInvocationID.x;
  if (i < params.word_count) {
    uint w = words[i];
    atomicAdd(local_bins[w & 255u], 1u);
    atomicAdd(local_bins[(w >> 8u) & 255u], 1u);
    atomicAdd(local_bins[(w >> 16u) & 255u], 1u);
    atomicAdd(local_bins[w >> 24u], 1u);
  }
  barrier();
  if (local_bins[lid] != 0u) atomicAdd(bins[lid], local_bins[lid]);
}
