#version 450
// Every texel of a 128x128 block-compressed image (test_image_bptc.cpp), fetched (o[2 i]) and
// sampled NEAREST at its centre (o[2 i + 1]), i = y * 128 + x.
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform sampler2D src;
layout(set = 0, binding = 1) buffer Out { vec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_GlobalInvocationID.xy);
  uint i = uint(p.y * 128 + p.x);
  o[2u * i] = texelFetch(src, p, 0);
  o[2u * i + 1u] = textureLod(src, (vec2(p) + 0.5) / 128.0, 0.0);
}
