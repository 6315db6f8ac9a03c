#version 450
// sin, cos, atan, atan2 on [-pi, pi] within Vulkan's precision bounds.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[2 * i], y = a[2 * i + 1];
  o[4 * i + 0] = sin(x);
  o[4 * i + 1] = cos(x);
  o[4 * i + 2] = atan(y);
  o[4 * i + 3] = atan(y, x);
}
