#version 450
// Float atomics on R32_SFLOAT storage images and storage texel buffers (VK_EXT_shader_atomic_float's
// image features; test_image_shaders.cpp FloatAtomicsMatchLavapipe). 64 invocations:
// img (8x8): row 0 takes 8 shared adds per texel of multiples of 0.25 (exact in any order);
//   rows 1-3 one add per texel of a random addend to a random value (IEEE rounding, old value
//   deterministic), then an atomic load of it; rows 4-7 an atomic store then an atomic load.
// buf (64): 0-7 take 8 shared exchanges each; 8-31 one exchange per texel; 32-63 an atomic store
//   and load per texel; 0-7 also a shared add after a barrier.
#extension GL_EXT_shader_atomic_float : require
#extension GL_KHR_memory_scope_semantics : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0, r32f) uniform image2D img;
layout(set = 0, binding = 1, r32f) uniform imageBuffer buf;
layout(set = 0, binding = 2) readonly buffer In { float addend[]; };
layout(set = 0, binding = 3) buffer Out { vec4 o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  vec4 r = vec4(0.0);
  imageAtomicAdd(img, ivec2(i % 8u, 0), float(i) * 0.25);
  if (i < 24u) {
    ivec2 p = ivec2(i % 8u, 1u + i / 8u);
    r.x = imageAtomicAdd(img, p, addend[i]);
    r.y = imageAtomicLoad(img, p, gl_ScopeDevice, gl_StorageSemanticsImage, gl_SemanticsRelaxed);
  } else if (i < 56u) {
    ivec2 p = ivec2(i % 8u, 4u + (i - 24u) / 8u);
    imageAtomicStore(img, p, addend[i], gl_ScopeDevice, gl_StorageSemanticsImage, gl_SemanticsRelaxed);
    r.y = imageAtomicLoad(img, p, gl_ScopeDevice, gl_StorageSemanticsImage, gl_SemanticsRelaxed);
  }
  r.z = imageAtomicExchange(buf, int(i % 8u), float(i) + 0.5);  // order-dependent: checked by property
  if (i >= 8u && i < 32u) r.w = imageAtomicExchange(buf, int(i), addend[i + 32u]);
  if (i >= 32u) {
    imageAtomicStore(buf, int(i), -addend[i - 32u], gl_ScopeDevice, gl_StorageSemanticsImage, gl_SemanticsRelaxed);
    r.w = imageAtomicLoad(buf, int(i), gl_ScopeDevice, gl_StorageSemanticsImage, gl_SemanticsRelaxed);
  }
  o[i] = r;
}
