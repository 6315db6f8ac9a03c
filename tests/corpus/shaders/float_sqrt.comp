#version 450
// sqrt and inversesqrt.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[i];
  o[3 * i + 0] = sqrt(x);
  o[3 * i + 1] = inversesqrt(x);
  o[3 * i + 2] = sqrt(x * x);
}
