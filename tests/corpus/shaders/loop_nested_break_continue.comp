#version 450
// Nested for loops with continue and break at both levels.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  uint acc = 0u;
  for (uint r = 0u; r < 8u; ++r) {
    if (((x >> r) & 1u) == 1u) continue;
    for (uint c = 0u; c < 8u; ++c) {
      if (c == ((x >> 8) & 7u)) break;
      if (((c + r) & 1u) == 0u) continue;
      acc += (r * 8u + c) ^ (x >> 16);
    }
    if (acc > (x & 0xfffu) + 200u) break;
  }
  o[i] = acc;
}
