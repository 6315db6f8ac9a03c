#version 450
// frexp and ldexp (exact).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };  // raw bit patterns: no float store of denormal/NaN bits
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = uintBitsToFloat(a[2 * i]);
  int k = int(a[2 * i + 1] % 41u) - 20;
  int e;
  float m = frexp(x, e);
  o[3 * i + 0] = floatBitsToUint(m);
  o[3 * i + 1] = uint(e);
  o[3 * i + 2] = floatBitsToUint(ldexp(x, k));
}
