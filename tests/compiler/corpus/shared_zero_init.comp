#version 460
// shaderZeroInitializeWorkgroupMemory: shared variables with a null initialiser start as zero
// (an array larger than the workgroup, a struct, a scalar); a few invocations then add to them.
#extension GL_EXT_null_initializer : require
layout(local_size_x = 48) in;
struct S { uint a; float b; uvec2 c; };
shared uint counts[100] = {};
shared S s = {};
shared uint total = {};
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  if (i % 3u == 0u)
    atomicAdd(counts[(i * 5u) % 100u], i + 1u);
  if (i == 7u)
    s.c.y = 5u;
  atomicAdd(total, 1u);
  barrier();
  for (uint k = i; k < 100u; k += 48u)
    o[k] = counts[k];
  if (i == 0u) {
    o[100] = s.a;
    o[101] = floatBitsToUint(s.b);
    o[102] = s.c.x;
    o[103] = s.c.y;
    o[104] = total;
  }
}
