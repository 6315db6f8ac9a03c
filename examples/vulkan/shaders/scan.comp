#version 450
// Inclusive prefix sum in three phases selected by a specialization constant:
//   0: scan each block of 256 in shared memory, write the block total to sums[block]
//   1: scan the block totals (one workgroup, at most 256 blocks)
//   2: add the scanned total of the previous blocks to every element of block > 0
layout(local_size_x = 256) in;
layout(constant_id = 0) const uint PHASE = 0u;
layout(std430, set = 0, binding = 0) buffer Data { uint data[]; };
layout(std430, set = 0, binding = 1) buffer Sums { uint sums[]; };
layout(push_constant) uniform Params { uint n; } params;

shared uint tile[256];

void scan_tile(uint lid) {
  for (uint offset = 1u; offset < 256u; offset <<= 1u) {
    uint add = lid >= offset ? tile[lid - offset] : 0u;
    barrier();
    tile[lid] += add;
    barrier();
  }
}

void main() {
  uint lid = gl_LocalInvocationID.x;
  uint block = gl_WorkGroupID.x;
  if (PHASE == 0u) {
    uint i = block * 256u + lid;
    tile[lid] = i < params.n ? data[i] : 0u;
    barrier();
    scan_tile(lid);
    if (i < params.n) data[i] = tile[lid];
    if (lid == 255u) sums[block] = tile[255];
  } else if (PHASE == 1u) {
    uint blocks = (params.n + 255u) / 256u;
    tile[lid] = lid < blocks ? sums[lid] : 0u;
    barrier();
    scan_tile(lid);
    if (lid < blocks) sums[lid] = tile[lid];
  } else {
    uint i = block * 256u + lid;
    if (block > 0u && i < params.n) data[i] += sums[block - 1u];
  }
}
