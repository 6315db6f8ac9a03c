#version 450
// C = A * B with 16x16 shared-memory tiles (sizes multiples of 16).
layout(local_size_x = 16, local_size_y = 16) in;
layout(push_constant) uniform P { uint M; uint N; uint K; };
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer C { float c[]; };
shared float ta[16][16];
shared float tb[16][16];
void main() {
  uint lx = gl_LocalInvocationID.x, ly = gl_LocalInvocationID.y;
  uint col = gl_GlobalInvocationID.x, row = gl_GlobalInvocationID.y;
  float acc = 0.0;
  for (uint t = 0u; t < K; t += 16u) {
    ta[ly][lx] = a[row * K + t + lx];
    tb[ly][lx] = b[(t + ly) * N + col];
    barrier();
    for (uint k = 0u; k < 16u; ++k) acc += ta[ly][k] * tb[k][lx];
    barrier();
  }
  c[row * N + col] = acc;
}
