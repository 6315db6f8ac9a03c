#version 450
// Grid-stride loop + shared tree reduction + one atomicAdd per workgroup.
layout(local_size_x = 128) in;
layout(push_constant) uniform P { uint n; };
layout(std430, set = 0, binding = 0) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint total; };
shared uint s[128];
void main() {
  uint l = gl_LocalInvocationID.x;
  uint acc = 0u;
  for (uint i = gl_GlobalInvocationID.x; i < n; i += gl_NumWorkGroups.x * 128u) acc += v[i];
  s[l] = acc;
  barrier();
  for (uint stride = 64u; stride > 0u; stride >>= 1) {
    if (l < stride) s[l] += s[l + stride];
    barrier();
  }
  if (l == 0u) atomicAdd(total, s[0]);
}
