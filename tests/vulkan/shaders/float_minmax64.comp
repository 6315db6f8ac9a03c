#version 450
// float_minmax.comp with f64 words (buffer and shared memory; lavapipe 22.3 has no f64 min/max,
// so test_float_atomic_minmax.cpp checks this one against the host only).
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
  if (i < 16u) shd[i] = b.d[i];
  barrier();
  atomicMin(b.d[w], inp.dv[i]);
  atomicMax(b.d[8u + w], inp.dv[i]);
  atomicMin(shd[w], inp.dv[i]);
  atomicMax(shd[8u + w], inp.dv[i]);
  // One invocation per word: the old value and the new one are deterministic.
  if ((i & 1u) == 0u) {
    o.od[i] = atomicMax(b.du[i], inp.dw[i]);
  } else {
    o.od[i] = atomicMin(b.du[i], inp.dw[i]);
  }
  barrier();
  if (i < 16u) o.sd[i] = shd[i];
}
