#version 450
// Optional (storage_buffer_8bit + int8): uint8/int8 buffers and 8-bit arithmetic.
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint8_t b[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { int8_t o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint8_t x = b[2 * i], y = b[2 * i + 1];
  int8_t s = int8_t(x) - int8_t(y);
  o[2 * i] = s >> int8_t(1);
  o[2 * i + 1] = int8_t(uint8_t(x * y));
}
