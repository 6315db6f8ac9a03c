#version 450
// C = A * B, one invocation per element (M x K times K x N, row-major, non-multiple sizes).
layout(local_size_x = 8, local_size_y = 8) in;
layout(push_constant) uniform P { uint M; uint N; uint K; };
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer C { float c[]; };
void main() {
  uint col = gl_GlobalInvocationID.x, row = gl_GlobalInvocationID.y;
  if (row >= M || col >= N) return;
  float acc = 0.0;
  for (uint k = 0u; k < K; ++k) acc += a[row * K + k] * b[k * N + col];
  c[row * N + col] = acc;
}
