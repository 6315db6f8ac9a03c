#version 450
// Early return for some invocations, then a loop with a data-dependent break.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  if ((x & 7u) == 3u) return;  // these outputs stay untouched
  uint acc = x;
  for (uint k = 0u; k < 16u; ++k) {
    if (((acc >> k) & 1u) != 0u && k > (x & 15u)) break;
    acc = acc * 1664525u + 1013904223u;
  }
  o[i] = acc;
}
