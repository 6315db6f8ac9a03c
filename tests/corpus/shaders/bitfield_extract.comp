#version 450
// bitfieldExtract (signed and unsigned) with data-dependent offset and width (0..32).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint x = a[3 * i];
  int off = int(a[3 * i + 1] & 31u);
  int bits = int(a[3 * i + 2] % uint(33 - off));
  o[2 * i + 0] = bitfieldExtract(x, off, bits);
  o[2 * i + 1] = uint(bitfieldExtract(int(x), off, bits));
}
