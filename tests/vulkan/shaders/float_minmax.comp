#version 450
// VK_EXT_shader_atomic_float2's f32 min/max (test_float_atomic_minmax.cpp): 256 invocations race,
// 32 per word, on 8 min and 8 max words in a storage buffer and in shared memory and on 8 + 8
// texels of an R32_SFLOAT storage image; then each invocation applies one min or max to a word of
// its own (old value returned, deterministic). float_minmax64.comp: the same with f64 (no image);
// both declare the same blocks.
#extension GL_EXT_shader_atomic_float2 : require
#extension GL_EXT_shader_explicit_arithmetic_types_float64 : require
layout(local_size_x = 256) in;
layout(set = 0, binding = 0, r32f) uniform image2D img;
layout(set = 0, binding = 1) buffer B { float f[16]; double d[16]; float fu[256]; double du[256]; } b;
layout(set = 0, binding = 2) readonly buffer In { float fv[256]; double dv[256]; float fw[256]; double dw[256]; } inp;
layout(set = 0, binding = 3) buffer Out { float of[256]; double od[256]; float sf[16]; double sd[16]; } o;
shared float shf[16];
shared double shd[16];
void main() {
  uint i = gl_LocalInvocationIndex;
  uint w = i % 8u;
  if (i < 16u) shf[i] = b.f[i];
  barrier();
  atomicMin(b.f[w], inp.fv[i]);
  atomicMax(b.f[8u + w], inp.fv[i]);
  atomicMin(shf[w], inp.fv[i]);
  atomicMax(shf[8u + w], inp.fv[i]);
  imageAtomicMin(img, ivec2(w, 0), inp.fv[i]);
  imageAtomicMax(img, ivec2(w, 1), inp.fv[i]);
  // One invocation per word: the old value and the new one are deterministic.
  if ((i & 1u) == 0u) {
    o.of[i] = atomicMin(b.fu[i], inp.fw[i]);
  } else {
    o.of[i] = atomicMax(b.fu[i], inp.fw[i]);
  }
  barrier();
  if (i < 16u) o.sf[i] = shf[i];
}
