#version 450
// Read-modify-write of one buffer through uint and ivec4 views in two blocks of the same binding set.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Words { uint w[]; };
layout(std430, set = 0, binding = 1) buffer Quads { ivec4 q[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  w[i] = (w[i] * w[i]) ^ i;
  ivec4 v = q[i];
  q[i] = ivec4(v.w - v.x, v.z * 2, -v.y, v.x + v.y + v.z);
}
