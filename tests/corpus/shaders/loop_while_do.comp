#version 450
// while loop (Euclid's gcd) and do-while loop (decimal digit sum).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  while (y != 0u) {
    uint t = x % y;
    x = y;
    y = t;
  }
  o[2 * i] = x;
  uint v = a[2 * i], s = 0u;
  do {
    s += v % 10u;
    v /= 10u;
  } while (v != 0u);
  o[2 * i + 1] = s;
}
