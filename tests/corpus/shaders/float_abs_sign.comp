#version 450
// abs, sign, negate, copysign through bit operations, on zeros and infinities too.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[2 * i], y = a[2 * i + 1];
  o[4 * i + 0] = abs(x);
  o[4 * i + 1] = sign(x);
  o[4 * i + 2] = -x;
  o[4 * i + 3] = uintBitsToFloat((floatBitsToUint(x) & 0x7fffffffu) | (floatBitsToUint(y) & 0x80000000u));
}
