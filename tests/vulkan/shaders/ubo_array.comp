#version 450
#extension GL_EXT_nonuniform_qualifier : require
// Arrays of uniform buffers (plain or dynamic, as the layout says): set 0 binding 0 is an array of
// 3 blocks read by constant, uniform and non-uniform index; binding 2 a single block; set 1
// binding 7 an array binding of the layout declared here as a single block (element 0); results
// to set 1 binding 5.
layout(local_size_x = 64) in;
layout(std140, set = 0, binding = 0) uniform U { uvec4 v[4]; } ubos[3];
layout(std140, set = 0, binding = 2) uniform S { uint k; } single;
layout(std430, set = 1, binding = 7) readonly buffer E { uint x; } first;
layout(std430, set = 1, binding = 5) buffer Out { uint o[]; };
layout(push_constant) uniform P { uint which; } pc;

void main() {
  uint i = gl_LocalInvocationID.x;
  o[i * 5 + 0] = ubos[0].v[i % 4u].x + ubos[2].v[3].w;
  o[i * 5 + 1] = ubos[pc.which].v[i % 4u].y;
  o[i * 5 + 2] = ubos[nonuniformEXT(i % 3u)].v[(i / 3u) % 4u].z;
  o[i * 5 + 3] = single.k;
  o[i * 5 + 4] = first.x;
}
