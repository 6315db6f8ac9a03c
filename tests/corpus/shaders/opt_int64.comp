#version 450
// Optional (int64): 64-bit integer add, mul, shifts (logical/arithmetic), division, signed compare.
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint64_t a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint64_t o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint64_t x = a[2 * i], y = a[2 * i + 1];
  uint s = uint(y & 63ul);
  o[6 * i + 0] = x + y;
  o[6 * i + 1] = x * y;
  o[6 * i + 2] = x >> s;
  o[6 * i + 3] = uint64_t(int64_t(x) >> s);
  o[6 * i + 4] = x / (y | 1ul);
  o[6 * i + 5] = (int64_t(x) < int64_t(y) ? 1ul : 0ul) | (x < y ? 2ul : 0ul) | (uint64_t(uint(x)) << 32);
}
