#version 450
// Optional (float64): correctly rounded double add/sub/mul, floor, min, abs, int -> double.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { double a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { double o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  double x = a[2 * i], y = a[2 * i + 1];
  o[6 * i + 0] = x + y;
  o[6 * i + 1] = x - y;
  o[6 * i + 2] = x * y;
  o[6 * i + 3] = floor(x);
  o[6 * i + 4] = min(x, y) + abs(y);
  o[6 * i + 5] = double(int(i) - 100) * 0.125lf;
}
