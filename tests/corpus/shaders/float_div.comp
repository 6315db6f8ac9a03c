#version 450
// Float division (2.5 ULP) and division by zero giving signed infinity.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[3 * i], y = a[3 * i + 1], zero = a[3 * i + 2];  // zero: +0.0 or -0.0 from memory
  o[2 * i + 0] = x / y;
  o[2 * i + 1] = x / zero;
}
