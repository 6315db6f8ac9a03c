#version 450
// Loops carrying several values (Fibonacci pair swap, LCG, countdown).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  uint cnt = x % 50u;
  uint f0 = 0u, f1 = 1u, lcg = x;
  for (uint k = 0u; k < cnt; ++k) {
    uint t = f0 + f1;
    f0 = f1;
    f1 = t;
    lcg = lcg * 22695477u + 1u;
  }
  uint down = x & 0xffu, sum = 0u;
  while (down > 0u) {
    sum += down * down;
    down = (down & 1u) != 0u ? down - 1u : down - 2u;
  }
  o[3 * i] = f0;
  o[3 * i + 1] = lcg ^ f1;
  o[3 * i + 2] = sum;
}
