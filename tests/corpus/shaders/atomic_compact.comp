#version 450
// Stream compaction: atomicAdd hands out output slots to the elements that pass a filter.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 1) buffer Counter { uint count; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main() {
  uint x = v[gl_GlobalInvocationID.x];
  if (x % 3u == 0u) {
    uint slot = atomicAdd(count, 1u);
    o[slot] = x;
  }
}
