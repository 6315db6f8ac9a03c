#version 450
// switch with fallthrough, grouped labels, default, negative case labels.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  uint r = 0u;
  switch (x % 8u) {
    case 0u: r += 1u;
    case 1u: r += 10u; break;
    case 2u:
    case 3u: r = x * 2u; break;
    case 5u: r = x ^ 0x55u;
    case 6u: r += 100u; break;
    default: r = 7777u;
  }
  switch (int(x >> 28) - 8) {
    case -8: r ^= 1u; break;
    case 0: r ^= 2u; break;
    case 7: r ^= 4u; break;
    default: break;
  }
  o[i] = r;
}
