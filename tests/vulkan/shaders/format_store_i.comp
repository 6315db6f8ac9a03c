#version 450
#extension GL_EXT_shader_image_load_formatted : require
// Per-format store and load through a storage image without a declared format
// (StorageImageWriteWithoutFormat / ReadWithoutFormat; test_image_shaders.cpp FormatsMatchLavapipe).
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform writeonly iimage2D dst;
layout(set = 0, binding = 1) uniform readonly iimage2D src;
layout(set = 0, binding = 2) buffer Out { ivec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_LocalInvocationID.xy);
  imageStore(dst, p, ivec4(p.x - 4 * p.y, p.y * 3 - 8, 7 - p.x, (p.x & 1) - 1));
  o[gl_LocalInvocationIndex] = imageLoad(src, p);
}
