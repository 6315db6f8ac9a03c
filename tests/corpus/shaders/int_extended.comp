#version 450
// umulExtended, imulExtended, uaddCarry, usubBorrow.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  uint hi, lo, carry, borrow;
  umulExtended(x, y, hi, lo);
  o[8 * i + 0] = hi;
  o[8 * i + 1] = lo;
  int shi, slo;
  imulExtended(int(x), int(y), shi, slo);
  o[8 * i + 2] = uint(shi);
  o[8 * i + 3] = uint(slo);
  o[8 * i + 4] = uaddCarry(x, y, carry);
  o[8 * i + 5] = carry;
  o[8 * i + 6] = usubBorrow(x, y, borrow);
  o[8 * i + 7] = borrow;
}
