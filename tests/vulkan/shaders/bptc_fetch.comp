#version 450
// Every texel of a 128x128 block-compressed image fetched (test_image_bptc.cpp): o[y * 128 + x].
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform sampler2D src;
layout(set = 0, binding = 1) buffer Out { vec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_GlobalInvocationID.xy);
  o[p.y * 128 + p.x] = texelFetch(src, p, 0);
}
