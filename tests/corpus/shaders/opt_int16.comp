#version 450
// Optional (int16): 16-bit integer arithmetic in registers (wraps at 16 bits), stored widened.
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint16_t x = uint16_t(a[i] & 0xffffu), y = uint16_t(a[i] >> 16);
  int16_t sx = int16_t(x), sy = int16_t(y);
  o[4 * i + 0] = uint(uint16_t(x + y));
  o[4 * i + 1] = uint(uint16_t(x * y));
  o[4 * i + 2] = uint(int(sx >> int16_t(y & uint16_t(15))));
  o[4 * i + 3] = uint(sx < sy) | uint(x < y) << 1 | uint(uint16_t(~x)) << 16;
}
