#version 450
// exp2, log2, exp, log, pow within Vulkan's precision bounds.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[2 * i], y = a[2 * i + 1];
  o[5 * i + 0] = exp2(x);
  o[5 * i + 1] = log2(y);
  o[5 * i + 2] = exp(x);
  o[5 * i + 3] = log(y);
  o[5 * i + 4] = pow(y, x * 0.25);
}
