#version 450
// Image instructions through Vulkan (test_image_shaders.cpp): storage image stores and atomics,
// storage image loads, sampling with explicit LOD (nearest and linear), gathers, fetches, texel
// buffers, size and level queries. 8x8 invocations; each writes its results to 'o'.
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0, rgba8) uniform writeonly image2D wimg;
layout(set = 0, binding = 1, r32ui) uniform uimage2D counters;
layout(set = 0, binding = 2) uniform sampler2D lin;        // linear, clamp to edge, 2 levels
layout(set = 0, binding = 3) uniform sampler2D near;       // nearest, repeat
layout(set = 0, binding = 4) uniform usamplerBuffer tb;    // R8G8B8A8_UINT texels
layout(set = 0, binding = 5, rgba32f) uniform readonly image2D rimg;
layout(set = 0, binding = 6, r32f) uniform imageBuffer sb; // storage texel buffer
layout(set = 0, binding = 7) buffer Out { vec4 o[]; };
void main() {
  ivec2 p = ivec2(gl_LocalInvocationID.xy);
  uint i = gl_LocalInvocationIndex;
  imageStore(wimg, p, vec4(float(p.x) / 7.0, float(p.y) / 7.0, 0.25, 1.0));
  uint old = imageAtomicAdd(counters, ivec2(p.x & 1, 0), 1u + uint(p.y));
  imageAtomicMax(counters, ivec2(2, 0), i * 7u % 13u);
  vec2 uv = (vec2(p) + vec2(0.3, 0.6)) / 8.0;
  o[i * 8 + 0] = textureLod(lin, uv, 0.0);
  o[i * 8 + 1] = textureLod(lin, uv * 1.5 - 0.2, 0.7);
  o[i * 8 + 2] = textureLod(near, uv * 2.3 - 0.4, 0.0);
  o[i * 8 + 3] = textureGather(lin, uv, 1) + textureGatherOffset(lin, uv, ivec2(1, -1), 3);
  o[i * 8 + 4] = texelFetch(lin, p & 3, 0) + texelFetch(lin, p & 1, 1);
  o[i * 8 + 5] = vec4(texelFetch(tb, int(i)));
  o[i * 8 + 6] = imageLoad(rimg, p);
  ivec2 s = imageSize(rimg);
  o[i * 8 + 7] = vec4(float(s.x), float(s.y), float(textureQueryLevels(lin)), float(textureSize(tb)));
  imageStore(sb, int(i), vec4(imageLoad(rimg, p).x * 2.0 + float(old > 1000000u)));
}
