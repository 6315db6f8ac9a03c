#version 450
// switch inside a loop: continue and break from case bodies.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  uint acc = 1u;
  bool done = false;
  for (uint k = 0u; k < 16u; ++k) {
    switch ((x >> (2u * k)) & 3u) {
      case 0u: acc += k; continue;
      case 1u: acc *= 3u; break;
      case 2u: if (acc > 1000u) done = true; break;
      default: acc ^= x; break;
    }
    if (done) break;
    acc += 1u;
  }
  o[i] = acc;
}
