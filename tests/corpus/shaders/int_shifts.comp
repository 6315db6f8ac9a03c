#version 450
// Logical/arithmetic shifts and a rotate built from shifts.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], s = a[2 * i + 1] & 31u;
  o[4 * i + 0] = x << s;
  o[4 * i + 1] = x >> s;
  o[4 * i + 2] = uint(int(x) >> int(s));
  o[4 * i + 3] = (x << s) | (x >> ((32u - s) & 31u));
}
