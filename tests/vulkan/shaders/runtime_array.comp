#version 450
#extension GL_EXT_nonuniform_qualifier : require
// A runtime-sized array of storage buffers (runtimeDescriptorArray): the layout gives the count;
// out[i] = rt[first + i % n].v.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 3) buffer R { uint v; } rt[];
layout(std430, set = 1, binding = 0) buffer Out { uint o[]; };
layout(push_constant) uniform P { uint n; uint first; } pc;

void main() {
  uint i = gl_LocalInvocationID.x;
  o[i] = rt[nonuniformEXT(pc.first + i % pc.n)].v;
}
