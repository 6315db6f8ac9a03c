#version 450
// C = A * B for n x n row-major float matrices, 16x16 tiles staged in shared memory.
layout(local_size_x = 16, local_size_y = 16) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer C { float c[]; };
layout(push_constant) uniform Params { uint n; } params;

shared float ta[16][16];
shared float tb[16][16];

void main() {
  uint row = gl_GlobalInvocationID.y;
  uint col = gl_GlobalInvocationID.x;
  uint ly = gl_LocalInvocationID.y;
  uint lx = gl_LocalInvocationID.x;
  uint n = params.n;
  float acc = 0.0;
  for (uint t = 0u; t < n; t += 16u) {
    ta[ly][lx] = (row < n && t + lx < n) ? a[row * n + t + lx] : 0.0;
    tb[ly][lx] = (col < n && t + ly < n) ? b[(t + ly) * n + col] : 0.0;
    barrier();
    for (uint k = 0u; k < 16u; ++k) acc += ta[ly][k] * tb[k][lx];
    barrier();
  }
  if (row < n && col < n) c[row * n + col] = acc;
}
