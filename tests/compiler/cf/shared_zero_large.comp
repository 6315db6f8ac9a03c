#version 460
// Zero-initialised shared arrays far larger than 4096 elements and than 8 stores per
// invocation (the zeroing is a loop), together 61600 of the 65536 bytes.
#extension GL_EXT_null_initializer : require
layout(local_size_x = 64) in;
shared uint big[14000] = {};
shared uvec2 mid[700] = {};
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  if (i == 5u) { big[13999] += 7u; mid[699].y += 3u; }
  big[i * 200u] += i;
  barrier();
  uint acc = 0u;
  for (uint k = i; k < 14000u; k += 64u) acc += big[k] * (k + 1u);
  for (uint k = i; k < 700u; k += 64u) acc += mid[k].x + mid[k].y * 5u;
  o[gl_GlobalInvocationID.x] = acc;
}
