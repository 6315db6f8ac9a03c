#version 450
// Every texel of a 128x128 block-compressed image (test_image_bptc.cpp): fetched (o[3 i]), sampled
// NEAREST at its centre (o[3 i + 1]) and LINEAR between it and its right and lower neighbours
// (o[3 i + 2]), i = y * 128 + x.
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) uniform sampler2D src;
layout(set = 0, binding = 1) buffer Out { vec4 o[]; };
layout(set = 0, binding = 2) uniform sampler2D lin;
void main() {
  ivec2 p = ivec2(gl_GlobalInvocationID.xy);
  uint i = uint(p.y * 128 + p.x);
  o[3u * i] = texelFetch(src, p, 0);
  o[3u * i + 1u] = textureLod(src, (vec2(p) + 0.5) / 128.0, 0.0);
  o[3u * i + 2u] = textureLod(lin, (vec2(p) + vec2(0.75, 0.875)) / 128.0, 0.0);
}
