#version 450
// Optional (float16): half-precision arithmetic on values exactly representable in half.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float16_t x = float16_t(a[2 * i]), y = float16_t(a[2 * i + 1]);
  o[4 * i + 0] = float(x + y);
  o[4 * i + 1] = float(x * y);
  o[4 * i + 2] = float(max(x, y) - min(x, y));
  o[4 * i + 3] = float(x * float16_t(0.5) - y);
}
