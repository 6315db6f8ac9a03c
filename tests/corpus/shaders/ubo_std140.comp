#version 450
// std140 uniform block: scalar array (16-byte stride), vec3 + float packing, mat4, ivec2, uvec4 array;
// dynamically indexed.
layout(local_size_x = 16) in;
layout(std140, set = 0, binding = 0) uniform U {
  float scalars[4];  // 0, 16, 32, 48
  vec3 v3;           // 64
  float f;           // 76
  mat4 m;            // 80..143 (column major)
  ivec2 iv;          // 144
  uvec4 uv[2];       // 160, 176
} u;
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  o[i] = u.scalars[i % 4u] * float(i) + u.v3[i % 3u] + u.f + u.m[i % 4u][i / 4u] + float(u.iv[i & 1u]) +
         float(u.uv[i % 2u][i % 4u] & 0xffu);
}
