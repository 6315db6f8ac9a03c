#version 460
// Buffer device address: a uniform pointer in push constants (vec4 array, dynamic index), a
// pointer made from a uvec2 (atomics through it), per-lane pointers from 64-bit arithmetic and
// from indexing a reference (OpPtrAccessChain), and a pointer converted back to uvec2.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_buffer_reference2 : require
#extension GL_EXT_buffer_reference_uvec2 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(buffer_reference, std430, buffer_reference_align = 16) buffer Vec4s { vec4 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Counter { uint count; uint hist[8]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Word { uint w; };
layout(push_constant) uniform P { Vec4s data; uvec2 counter_bits; } pc;
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  vec4 x = pc.data.v[i];
  Word base = Word(uint64_t(pc.data));
  Word wy = base[4u * i + 1u];                                  // OpPtrAccessChain, ArrayStride 4
  Word wz = Word(uint64_t(pc.data) + uint64_t(16u * i + 8u));   // per-lane 64-bit address
  uint y = wy.w, z = wz.w;
  Counter c = Counter(pc.counter_bits);
  uint old = atomicAdd(c.count, 1u);
  atomicMax(c.hist[i % 8u], floatBitsToUint(x.w));
  pc.data.v[i] = x * 2.0 + vec4(1.0);
  uvec2 back = uvec2(c);
  o[3u * i] = y ^ z;
  o[3u * i + 1u] = old < 64u * gl_NumWorkGroups.x ? 1u : 0u;
  o[3u * i + 2u] = back.x ^ back.y ^ pc.counter_bits.x ^ pc.counter_bits.y;
}
