#version 450
// Pipeline creation time must stay bounded and roughly linear in shader size: a loop with a large
// constant trip count next to a local array indexed by a loop counter (which makes the compiler
// fully unroll constant-count loops to promote the array). Full unrolling of every such loop once
// took minutes and ~900 MB here (dEQP-VK.spirv_assembly...float16.logical_nan.*_vector).
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer Data { uint v[]; };
layout(constant_id = 0) const int kTrips = 38416;

void main() {
  uint local[8];
  for (int i = 0; i < 8; ++i) local[i] = v[i] * 3u;
  uint acc = 0u;
  for (int i = 0; i < kTrips; ++i) acc = acc * 31u + uint(i);
  for (int i = 0; i < 8; ++i) acc += local[i];
  v[8] = acc;
}
