#version 450
// fma and a*b+c on small integers (exact whether fused or not).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[3 * i], y = a[3 * i + 1], z = a[3 * i + 2];
  o[2 * i + 0] = fma(x, y, z);
  o[2 * i + 1] = x * y - z;
}
