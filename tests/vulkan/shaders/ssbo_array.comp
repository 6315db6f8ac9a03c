#version 450
#extension GL_EXT_nonuniform_qualifier : require
// An array of 4 storage buffers (set 0, binding 0), indexed by constants, by a dynamically uniform
// index (push constant, loop counter) and by a per-lane (non-uniform) index; loads, stores,
// atomics and length() through the elements. Results go to set 0, binding 1.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { uint base; uint data[]; } inputs[4];
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
layout(push_constant) uniform P { uint which; uint count; } pc;

void main() {
  uint i = gl_LocalInvocationID.x;
  o[i * 8 + 0] = inputs[0].data[i] + inputs[3].base;
  o[i * 8 + 1] = inputs[pc.which].data[i];
  uint s = 0u;
  for (uint k = 0u; k < pc.count; k++)
    s += inputs[k].data[i] * (k + 1u);
  o[i * 8 + 2] = s;
  o[i * 8 + 3] = inputs[nonuniformEXT(i % 4u)].data[i];
  o[i * 8 + 4] = uint(inputs[nonuniformEXT(i % 4u)].data.length());
  o[i * 8 + 5] = uint(inputs[pc.which].data.length());
  o[i * 8 + 6] = uint(inputs[2].data.length());
  atomicAdd(inputs[nonuniformEXT(i % 3u)].base, 1u);
  inputs[nonuniformEXT((i + 1u) % 4u)].data[64u + i] = i * 3u;
}
