#version 450
// Two descriptor sets: set 1 binding 3 is read, set 0 binding 0 written.
layout(local_size_x = 8) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[8]; };
layout(std430, set = 1, binding = 3) readonly buffer In { uint inputs[8]; };

void main() {
  uint i = gl_LocalInvocationID.x;
  values[i] = inputs[i] * 3u + 1u;
}
