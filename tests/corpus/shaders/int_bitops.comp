#version 450
// Bitwise and/or/xor/not on uint and int.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[2 * i], y = a[2 * i + 1];
  o[5 * i + 0] = x & y;
  o[5 * i + 1] = x | y;
  o[5 * i + 2] = x ^ y;
  o[5 * i + 3] = ~x;
  o[5 * i + 4] = uint(~int(y) & int(x)) | (x & 0xf0f0f0f0u);
}
