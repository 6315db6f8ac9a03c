#version 450
// Fetches every sample of every texel of two multisampled 2D-array images, with textureSize and
// textureSamples of both (tests/vulkan/test_image_ms.cpp).
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform sampler2DMSArray a;
layout(set = 0, binding = 1) uniform sampler2DMSArray b;
layout(set = 0, binding = 2) buffer Out { vec4 v[]; } o;
layout(set = 0, binding = 3) buffer Q { ivec4 q[2]; };
void main() {
  const uint x = gl_GlobalInvocationID.x, y = gl_GlobalInvocationID.y, l = gl_GlobalInvocationID.z;
  const ivec3 size = textureSize(a);
  const int n = textureSamples(a);
  if (x == 0u && y == 0u && l == 0u) {
    q[0] = ivec4(size, n);
    q[1] = ivec4(textureSize(b), textureSamples(b));
  }
  if (x >= uint(size.x) || y >= uint(size.y)) return;
  const uint texel = (l * uint(size.y) + y) * uint(size.x) + x, texels = uint(size.x * size.y * size.z);
  for (int s = 0; s < n; ++s) {
    o.v[texel * uint(n) + uint(s)] = texelFetch(a, ivec3(x, y, l), s);
    o.v[(texels + texel) * uint(n) + uint(s)] = texelFetch(b, ivec3(x, y, l), s);
  }
}
