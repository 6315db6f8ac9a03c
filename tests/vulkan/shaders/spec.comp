#version 450
// Specialization constants: out[i] = SCALE * i + OFFSET, workgroup size from constant 2.
layout(local_size_x_id = 2) in;
layout(constant_id = 0) const uint SCALE = 1u;
layout(constant_id = 1) const uint OFFSET = 0u;
layout(std430, set = 0, binding = 0) buffer Out { uint values[]; };

void main() {
  uint i = gl_GlobalInvocationID.x;
  values[i] = SCALE * i + OFFSET;
}
