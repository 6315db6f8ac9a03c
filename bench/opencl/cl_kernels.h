// OpenCL C sources of the benchmark kernels (the same five as bench/vulkan: SAXPY, SGEMM, tree
// reduction with barriers, prefix scan, histogram with atomics). Work-group size 256 unless said.
#pragma once

namespace clbench {

inline const char* kSources = R"CLC(
kernel void saxpy(global float* y, global const float* x, float a) {
  size_t i = get_global_id(0);
  y[i] = a * x[i] + y[i];
}

// C = A * B, n x n, 16 x 16 tiles through local memory.
#define TILE 16
kernel void sgemm(global float* c, global const float* a, global const float* b, int n) {
  local float ta[TILE][TILE];
  local float tb[TILE][TILE];
  int col = get_global_id(0), row = get_global_id(1);
  int lx = get_local_id(0), ly = get_local_id(1);
  float acc = 0.0f;
  for (int t = 0; t < n; t += TILE) {
    ta[ly][lx] = a[row * n + t + lx];
    tb[ly][lx] = b[(t + ly) * n + col];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int k = 0; k < TILE; ++k) acc += ta[ly][k] * tb[k][lx];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  c[row * n + col] = acc;
}

// One partial sum per work-group: a tree over local memory with a barrier per level.
kernel void reduce(global uint* partial, global const uint* in, local uint* scratch) {
  size_t lid = get_local_id(0);
  scratch[lid] = in[get_global_id(0)];
  barrier(CLK_LOCAL_MEM_FENCE);
  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] += scratch[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) partial[get_group_id(0)] = scratch[0];
}

// Inclusive scan in three kernels: per-group scan (Hillis-Steele) writing group totals, a scan of
// the totals by one group, and the add of each group's offset.
kernel void scan_groups(global uint* out, global uint* sums, global const uint* in, local uint* tmp) {
  size_t lid = get_local_id(0), n = get_local_size(0);
  tmp[lid] = in[get_global_id(0)];
  barrier(CLK_LOCAL_MEM_FENCE);
  for (size_t off = 1; off < n; off <<= 1) {
    uint v = lid >= off ? tmp[lid - off] : 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    tmp[lid] += v;
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  out[get_global_id(0)] = tmp[lid];
  if (lid == n - 1) sums[get_group_id(0)] = tmp[lid];
}
kernel void scan_add(global uint* out, global const uint* scanned_sums) {
  size_t g = get_group_id(0);
  if (g > 0) out[get_global_id(0)] += scanned_sums[g - 1];
}

// 256 bins: per-group histogram with local atomics, merged with global atomics.
kernel void histogram(global uint* bins, global const uint* in, uint per_item) {
  local uint h[256];
  size_t lid = get_local_id(0);
  h[lid] = 0;
  barrier(CLK_LOCAL_MEM_FENCE);
  size_t base = get_global_id(0) * per_item;
  for (uint i = 0; i < per_item; ++i) atomic_inc(&h[in[base + i] & 255u]);
  barrier(CLK_LOCAL_MEM_FENCE);
  if (h[lid]) atomic_add(&bins[lid], h[lid]);
}

kernel void tiny(global uint* p) { p[get_global_id(0)] += 1; }
)CLC";

}  // namespace clbench
