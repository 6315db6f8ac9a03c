#version 450
// Binding 0 is a dynamic storage buffer, binding 1 a dynamic uniform buffer: out[i] = in.k + i.
layout(local_size_x = 16) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[16]; };
layout(std140, set = 0, binding = 1) uniform In { uint k; };

void main() {
  values[gl_LocalInvocationID.x] = k + gl_LocalInvocationID.x;
}
