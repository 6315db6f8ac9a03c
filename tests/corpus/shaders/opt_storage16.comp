#version 450
// Optional (storage_buffer_16bit): 16-bit storage loads and stores with 32-bit arithmetic.
#extension GL_EXT_shader_16bit_storage : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint16_t h[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint16_t o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint x = uint(h[i]);
  uint y = uint(h[(i + 1u) % (gl_NumWorkGroups.x * 64u)]);
  o[i] = uint16_t((x * 3u + y) & 0xffffu);
}
