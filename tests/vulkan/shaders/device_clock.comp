#version 450
// VK_KHR_shader_clock at device scope (test_shader_clock.cpp): each invocation reads the device
// clock as uint64, as uvec2, and again after a loop whose length depends on the workgroup.
#extension GL_EXT_shader_realtime_clock : require
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer B { uint64_t t[]; };
layout(push_constant) uniform P { uint base; };
void main() {
  uint i = base + gl_GlobalInvocationID.x;
  uint64_t a = clockRealtimeEXT();
  uvec2 b2 = clockRealtime2x32EXT();
  uint acc = i;
  for (uint k = 0u; k < 20u * (gl_WorkGroupID.x + 1u); k++) acc = acc * 1664525u + 1013904223u;
  uint64_t c = clockRealtimeEXT();
  t[4u * i] = a;
  t[4u * i + 1u] = packUint2x32(b2);
  t[4u * i + 2u] = c;
  t[4u * i + 3u] = uint64_t(acc);
}
