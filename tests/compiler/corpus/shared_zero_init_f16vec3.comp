#version 460
// Null-initialised shared variables whose size is not a whole number of dwords (an f16vec3 is
// 6 bytes): the zeroing stores whole dwords, so each such variable must own a dword-aligned,
// dword-rounded range (CTS compute.pipeline.zero_initialize_workgroup_memory.types.f16vec3
// faulted with SHARED_OUT_OF_RANGE when the last one ended 2 bytes before a dword boundary).
#extension GL_EXT_null_initializer : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(local_size_x = 3) in;
shared f16vec3 a = {};
shared float16_t h = {};
shared f16vec3 b = {};
shared f16vec3 c = {};
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  o[i] = a[i] == float16_t(0) ? 0u : 1u;
  o[3u + i] = b[i] == float16_t(0) ? 0u : 1u;
  o[6u + i] = c[i] == float16_t(0) ? 0u : 1u;
  if (i == 0u)
    o[9] = h == float16_t(0) ? 0u : 1u;
}
