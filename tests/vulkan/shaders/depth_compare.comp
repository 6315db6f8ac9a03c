#version 450
// Depth-compare samples (OpImageSampleDrefExplicitLod) through a shadow sampler
// (test_image_shaders.cpp DepthCompareMatchesLavapipe): per invocation a reference that sweeps
// [-0.1, 1.1], sampled at the texel's centre and between texels (where a LINEAR sampler filters the
// four comparison results), and the four comparisons of a gather (OpImageDrefGather).
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 1) uniform sampler2DShadow src;
layout(set = 0, binding = 2) buffer Out { vec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_LocalInvocationID.xy);
  float ref = float(gl_LocalInvocationIndex) / 63.0 * 1.2 - 0.1;
  vec2 c = (vec2(p) + 0.5) / 8.0;
  o[gl_LocalInvocationIndex * 2u] = vec4(textureLod(src, vec3(c, ref), 0.0), 0.0, 0.0, 0.0);
  o[gl_LocalInvocationIndex * 2u + 1u] = textureGather(src, c + vec2(0.3, 0.45) / 8.0, ref);
  o[gl_LocalInvocationIndex * 2u + 1u].x = textureLod(src, vec3(c + vec2(0.3, 0.45) / 8.0, ref), 0.0);
}
