#version 450
// bitfieldInsert with data-dependent offset and width (0..32).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint base = a[4 * i], ins = a[4 * i + 1];
  int off = int(a[4 * i + 2] & 31u);
  int bits = int(a[4 * i + 3] % uint(33 - off));
  o[2 * i + 0] = bitfieldInsert(base, ins, off, bits);
  o[2 * i + 1] = uint(bitfieldInsert(int(base), int(ins), off, bits));
}
