#version 450
// Robust buffer access: every invocation reads and writes one element past its index range on
// purpose. The source and destination descriptors cover only part of their buffers, so without
// bounds checks the accesses would land in mapped memory the test fills with sentinels.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Src { uint s[]; };
layout(std430, set = 0, binding = 1) buffer Dst { uint d[]; };
layout(std430, set = 0, binding = 2) buffer Out { uint o[]; };
layout(std140, set = 0, binding = 3) uniform U { uvec4 u[4]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  o[i * 3u] = s[i];                 // in range for i < 16
  d[i] = i + 1u;                    // stores past the range are dropped
  atomicAdd(d[i], 100u);           // so are atomics (same invocation: ordered after the store)
  o[i * 3u + 1u] = u[i % 8u].x;     // uniform buffer of 4 vec4s
  o[i * 3u + 2u] = uint(s.length());
}
