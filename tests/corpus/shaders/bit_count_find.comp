#version 450
// bitCount, findLSB, findMSB (uint and int, including 0 and -1).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  o[5 * i + 0] = uint(bitCount(x));
  o[5 * i + 1] = uint(bitCount(int(x)));
  o[5 * i + 2] = uint(findLSB(x));
  o[5 * i + 3] = uint(findMSB(x));
  o[5 * i + 4] = uint(findMSB(int(x)));
}
