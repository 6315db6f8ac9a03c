#version 450
// Collatz: loop with a divergent, data-dependent trip count and loop-carried values.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint v = a[i] % 10000u + 1u;
  uint steps = 0u, peak = v;
  while (v != 1u && steps < 1000u) {
    v = (v & 1u) != 0u ? 3u * v + 1u : v / 2u;
    peak = max(peak, v);
    steps++;
  }
  o[2 * i] = steps;
  o[2 * i + 1] = peak;
}
