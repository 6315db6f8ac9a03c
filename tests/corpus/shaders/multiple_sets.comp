#version 450
// Bindings spread over three descriptor sets, non-contiguous binding numbers, storage + uniform.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { uint a[]; };
layout(std430, set = 1, binding = 0) readonly buffer B { uint b[]; };
layout(std430, set = 1, binding = 3) writeonly buffer C { uint c[]; };
layout(std140, set = 2, binding = 1) uniform K { uint k; uint shift; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  c[i] = a[i] * k + (b[i] >> shift);
}
