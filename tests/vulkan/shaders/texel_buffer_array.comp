#version 450
// Arrays of uniform and storage texel buffers indexed by dynamically uniform values (push constants
// and a loop counter): out[l] = u[i][l] + s[j][l] * 1000, sum[l] = u[0][l] + ... + u[n-1][l], and
// s[(i + 1) % 3][l] = l + 7 + i.
layout(local_size_x = 32) in;
layout(set = 0, binding = 0) uniform utextureBuffer u[4];
layout(set = 0, binding = 1, r32ui) uniform uimageBuffer s[3];
layout(std430, set = 0, binding = 2) buffer Out { uint values[32]; uint sums[32]; };
layout(push_constant) uniform P { uint i; uint j; uint n; } pc;

void main() {
  int l = int(gl_LocalInvocationID.x);
  values[l] = texelFetch(u[pc.i], l).x + imageLoad(s[pc.j], l).x * 1000u;
  uint sum = 0u;
  for (uint k = 0u; k < pc.n; ++k) sum += texelFetch(u[k], l).x;
  sums[l] = sum;
  imageStore(s[(pc.i + 1u) % 3u], l, uvec4(uint(l) + 7u + pc.i));
}
