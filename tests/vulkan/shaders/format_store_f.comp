#version 450
#extension GL_EXT_shader_image_load_formatted : require
// Per-format store and load through a storage image without a declared format
// (StorageImageWriteWithoutFormat / ReadWithoutFormat; test_image_shaders.cpp FormatsMatchLavapipe).
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform writeonly image2D dst;
layout(set = 0, binding = 1) uniform readonly image2D src;
layout(set = 0, binding = 2) buffer Out { vec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_LocalInvocationID.xy);
  imageStore(dst, p, vec4(float(p.x) * 0.19 - 0.3, float(p.y) * 0.23, 0.77 - float(p.x) * 0.05, 0.5 + float(p.y) * 0.125));
  o[gl_LocalInvocationIndex] = imageLoad(src, p);
}
