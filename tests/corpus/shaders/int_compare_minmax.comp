#version 450
// Signed/unsigned comparisons, min/max/clamp/abs.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  int sx = int(x), sy = int(y);
  uint flags = uint(x < y) | uint(sx < sy) << 1 | uint(x == y) << 2 | uint(sx <= sy) << 3 |
               uint(x >= y) << 4 | uint(sx > sy) << 5 | uint(x != y) << 6;
  o[8 * i + 0] = flags;
  o[8 * i + 1] = min(x, y);
  o[8 * i + 2] = uint(min(sx, sy));
  o[8 * i + 3] = max(x, y);
  o[8 * i + 4] = uint(max(sx, sy));
  o[8 * i + 5] = uint(clamp(sx, -1000, 1000));
  o[8 * i + 6] = clamp(x, 100u, 0x80000000u);
  o[8 * i + 7] = uint(abs(sx >> 1));
}
