#version 450
// Divergent, nested if/else on invocation id and data.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  uint r;
  if ((i & 1u) == 0u) {
    if ((x & 3u) == 0u) r = x * 3u;
    else if ((x & 3u) == 1u) r = x ^ 0xffffu;
    else r = x + i;
  } else {
    r = (x > 0x80000000u) ? x >> 3 : x << 2;
    if ((i % 3u) == 0u) r = ~r;
  }
  o[2 * i] = r;
  uint s;
  if (x > i * 1000000u) s = 1u; else s = 2u;
  o[2 * i + 1] = s + r;
}
