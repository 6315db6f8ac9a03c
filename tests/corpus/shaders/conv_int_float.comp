#version 450
// int/uint <-> float conversions (correctly rounded; in-range float -> int truncation).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };  // raw bit patterns: no float store of denormal/NaN bits
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint w = a[2 * i];
  float f = uintBitsToFloat(a[2 * i + 1]);
  o[5 * i + 0] = floatBitsToUint(float(int(w)));
  o[5 * i + 1] = floatBitsToUint(float(w));
  o[5 * i + 2] = uint(int(f));
  o[5 * i + 3] = uint(abs(f));
  o[5 * i + 4] = floatBitsToUint(float(int(w) >> 8));  // exactly representable
}
