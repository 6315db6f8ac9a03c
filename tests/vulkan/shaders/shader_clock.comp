#version 450
// VK_KHR_shader_clock at subgroup scope (test_shader_clock.cpp): each invocation reads the clock
// as uint64 and as uvec2 around a loop whose length depends on the workgroup; a subgroup's clock
// never goes backwards.
#extension GL_ARB_shader_clock : require
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer B { uint64_t t[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint64_t a = clockARB();
  uvec2 b2 = clock2x32ARB();
  uint acc = i;
  for (uint k = 0u; k < 50u * (gl_WorkGroupID.x + 1u); k++) acc = acc * 1664525u + 1013904223u;
  uint64_t c = clockARB();
  t[4u * i] = a;
  t[4u * i + 1u] = packUint2x32(b2);
  t[4u * i + 2u] = c;
  t[4u * i + 3u] = uint64_t(acc);
}
