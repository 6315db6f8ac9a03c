#version 450
// Per-format fetches and nearest samples through a combined image sampler (test_image_shaders.cpp
// SampledFormatsMatchLavapipe): texelFetch, then textureLod at the texel's centre (NEAREST).
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 1) uniform usampler2D src;
layout(set = 0, binding = 2) buffer Out { uvec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_LocalInvocationID.xy);
  o[gl_LocalInvocationIndex * 2u] = texelFetch(src, p, 0);
  o[gl_LocalInvocationIndex * 2u + 1u] = textureLod(src, (vec2(p) + 0.5) / 8.0, 0.0);
}
