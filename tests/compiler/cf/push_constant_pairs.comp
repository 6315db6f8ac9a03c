#version 450
// Push constants read on different paths: `n` (offset 4) at the top, `scale` (offset 0) and
// `bias` (offset 12) only where the lane is in range. The first two come in one 64-bit load
// (pass_merge_constant_loads.cpp); `bias` keeps its own.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { uint a[]; };
layout(std430, set = 0, binding = 1) buffer O { uint o[]; };
layout(push_constant) uniform Params { uint scale; uint n; uint pad; uint bias; } pc;
void main() {
  uint i = gl_GlobalInvocationID.x;
  o[i] = 7u;
  if (i < pc.n) o[i] = a[i] * pc.scale + pc.bias;
}
