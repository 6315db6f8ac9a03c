#version 450
// min/max/clamp on ordered values.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[3 * i], y = a[3 * i + 1], z = a[3 * i + 2];
  o[4 * i + 0] = min(x, y);
  o[4 * i + 1] = max(x, y);
  o[4 * i + 2] = clamp(x, min(y, z), max(y, z));
  o[4 * i + 3] = max(min(x, z), y);
}
