#version 450
// bitfieldReverse on uint and int.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[i];
  o[2 * i + 0] = bitfieldReverse(x);
  o[2 * i + 1] = uint(bitfieldReverse(int(x ^ 0x5a5a5a5au)));
}
