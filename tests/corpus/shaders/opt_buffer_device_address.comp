#version 450
// Optional (buffer_device_address): a buffer reached through a 64-bit pointer in push constants;
// read through it, write back through it, and follow a second pointer stored in memory.
#extension GL_EXT_buffer_reference : require
layout(local_size_x = 64) in;
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Words { uint w[]; };
layout(push_constant) uniform P { Words data; uint n; uint pad; };
layout(std430, set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint v = data.w[i];
  o[i] = v * 5u + 1u;
  data.w[i] = ~v;
}
