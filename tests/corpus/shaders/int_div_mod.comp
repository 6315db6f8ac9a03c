#version 450
// Unsigned and signed division and remainder (no division by zero, no INT_MIN / -1).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  o[4 * i + 0] = x / y;
  o[4 * i + 1] = x % y;
  o[4 * i + 2] = uint(int(x) / int(y));  // truncates toward zero
  // GLSL leaves % with negative operands undefined: only non-negative ones here.
  o[4 * i + 3] = uint(int(x & 0x7fffffffu) % int(y & 0x7fffffffu));
}
