#version 460
// robustBufferAccess2 (compiled with Options::robust_buffer_access2): each component of a vector
// access is bounds-checked on its own, so vectors straddling the end of a buffer keep their
// in-bounds components. The test sizes the buffers to end in the middle of a uvec4.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Src { uvec4 s[]; };
layout(std430, set = 0, binding = 1) buffer Dst { uvec4 d[]; };
layout(std430, set = 0, binding = 2) buffer Out { uvec4 o[]; };
layout(std140, set = 0, binding = 3) uniform U { uvec4 u[4]; };
struct S { uint a; uvec2 b; uint c; };                      // std430: a at 0, b at 8, c at 16; 24 bytes
layout(std430, set = 0, binding = 4) readonly buffer Pairs { S p[]; };
void main() {
  if (gl_WorkGroupID.x != 0u) return;                       // the checks assume one group of 64
  uint i = gl_GlobalInvocationID.x;
  o[i] = s[i];                                              // straddles at i == 2
  d[i] = uvec4(4u * i + 1u, 4u * i + 2u, 4u * i + 3u, 4u * i + 4u);   // straddles at i == 3
  o[64u + i] = u[i % 4u];                                   // uniform buffer: straddles at 1
  atomicAdd(d[i].y, 100u);                                  // only where .y is in bounds
  if (i < 4u) {
    o[128u + i] = u[1u];                                    // a uniform (scalar-load) offset straddling
    S t = p[1];                                             // a struct straddling inside its b
    o[132u + i] = uvec4(t.a, t.b, t.c);
  }
}
