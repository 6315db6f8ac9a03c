#version 450
// Global histogram: 4096 values from 16 workgroups contend on 64 bins (count and weighted sum).
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint v[]; };
layout(std430, set = 0, binding = 1) buffer Hist { uint count[64]; uint weight[64]; };
void main() {
  uint x = v[gl_GlobalInvocationID.x];
  uint bin = x % 64u;
  atomicAdd(count[bin], 1u);
  atomicAdd(weight[bin], x >> 20);
}
