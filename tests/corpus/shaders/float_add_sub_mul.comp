#version 450
// Correctly rounded float add/sub/mul (Vulkan requires it).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[2 * i], y = a[2 * i + 1];
  o[3 * i + 0] = x + y;
  o[3 * i + 1] = x - y;
  o[3 * i + 2] = x * y;
}
