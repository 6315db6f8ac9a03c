#version 450
// Multisampled storage image writes (tests/vulkan/test_image_ms.cpp): every other texel of each
// layer gets a different value per sample (imageStore with a sample index, no declared format:
// StorageImageWriteWithoutFormat); the queries of the storage view are written to the buffer.
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform writeonly iimage2DMSArray img;
layout(set = 0, binding = 1) buffer Q { ivec4 q; };
void main() {
  const uint x = gl_GlobalInvocationID.x, y = gl_GlobalInvocationID.y, l = gl_GlobalInvocationID.z;
  const ivec3 size = imageSize(img);
  if (x == 0u && y == 0u && l == 0u) q = ivec4(size, imageSamples(img));
  if (x >= uint(size.x) || y >= uint(size.y) || ((x + y + l) & 1u) != 0u) return;
  for (uint s = 0u; s < uint(imageSamples(img)); ++s)
    imageStore(img, ivec3(x, y, l), int(s), ivec4(uvec4((x + 8u * s + 64u * l) & 127u, y, s, (x + s) & 1u)));
}
