#version 460
// Robust buffer access (compiled with Options::robust_buffer_access): indices beyond the
// buffers' sizes load 0, and stores and atomics out of bounds are dropped.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Src { uint s[]; };
layout(std430, set = 0, binding = 1) buffer Dst { uint d[]; };
layout(std430, set = 0, binding = 2) buffer Cnt { uint c[4]; };
layout(std140, set = 0, binding = 3) uniform U { uvec4 u[4]; };
layout(push_constant) uniform P { int shift; } pc;
void main() {
  uint i = gl_GlobalInvocationID.x;
  int j = int(i) + pc.shift;               // some negative, some past the end
  uint v = s[uint(j)];
  d[uint(j) * 2u] = v + 1u;                // stores past the end are dropped
  atomicAdd(c[i % 8u], 1u);                // half of these are out of bounds
  uint w = u[i % 8u].y;                    // uniform buffer, out of bounds for i % 8 >= 4
  d[i * 2u + 1u] = w;
  uint g = s[i * 0x40000001u];             // the 32-bit byte offset wraps: out of bounds
  if (i == 1u) d[0] = g + 100u;
}
