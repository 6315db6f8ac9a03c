#version 450
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[]; };

void main() {
  if (gl_GlobalInvocationID.x == 0u) {
    values[0] = gl_NumWorkGroups.x;
    values[1] = gl_NumWorkGroups.y;
    values[2] = gl_NumWorkGroups.z;
  }
}
