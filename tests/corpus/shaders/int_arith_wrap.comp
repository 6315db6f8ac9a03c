#version 450
// Wrapping 32-bit integer add/sub/mul/negate, signed and unsigned.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  int sx = int(x), sy = int(y);
  o[6 * i + 0] = x + y;
  o[6 * i + 1] = x - y;
  o[6 * i + 2] = x * y;
  o[6 * i + 3] = uint(-sx);
  o[6 * i + 4] = uint(sx * sy);
  o[6 * i + 5] = uint(sx + sy) ^ uint(sx - sy);
}
