#version 450
// robustBufferAccess2 (VK_EXT_robustness2): descriptors cover windows that end inside a uvec4 of
// larger buffers filled with sentinels, so a straddling vector access shows whether each component
// was checked on its own; texel buffers read past their views give the format's zero texel.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Src { uvec4 s[]; };
layout(std430, set = 0, binding = 1) buffer Dst { uvec4 d[]; };
layout(std430, set = 0, binding = 2) buffer Out { uvec4 o[]; };
layout(std140, set = 0, binding = 3) uniform U { uvec4 u[4]; };
layout(std430, set = 0, binding = 4) readonly buffer Words { uint w[]; };
layout(set = 0, binding = 5) uniform usamplerBuffer tb_r32;     // R32_UINT, 4 texels
layout(set = 0, binding = 6) uniform usamplerBuffer tb_rgba8;   // R8G8B8A8_UINT, 4 texels
void main() {
  uint i = gl_GlobalInvocationID.x;
  o[i] = s[i];                                                     // straddles at i == 2
  d[i] = uvec4(4u * i + 1u, 4u * i + 2u, 4u * i + 3u, 4u * i + 4u);   // straddles at i == 3
  atomicAdd(d[i].y, 100u);                                         // a scalar: in or out
  o[64u + i] = u[i % 8u];                                          // straddles at 1
  o[128u + i] = uvec4(w[i], uint(w.length()), 0u, 0u);             // a byte-granular window
  o[192u + i] = texelFetch(tb_r32, int(i % 8u));
  o[256u + i] = texelFetch(tb_rgba8, int(i % 8u));
}
