#version 450
// y = a * x + y over n elements (push constants a and n; partial last workgroup).
layout(local_size_x = 64) in;
layout(push_constant) uniform P { float a; uint n; };
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) buffer Y { float y[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
