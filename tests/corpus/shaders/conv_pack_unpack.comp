#version 450
// packHalf2x16/unpackHalf2x16, packUnorm4x8/unpackUnorm4x8, packSnorm2x16/unpackSnorm2x16.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };  // raw bit patterns: no float store of denormal/NaN bits
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uint h = a[2 * i], b = a[2 * i + 1];
  vec2 hv = unpackHalf2x16(h);
  vec4 u = unpackUnorm4x8(b);
  vec2 s = unpackSnorm2x16(b);
  o[10 * i + 0] = floatBitsToUint(hv.x);
  o[10 * i + 1] = floatBitsToUint(hv.y);
  o[10 * i + 2] = packHalf2x16(hv);
  o[10 * i + 3] = floatBitsToUint(u.x);
  o[10 * i + 4] = floatBitsToUint(u.y);
  o[10 * i + 5] = floatBitsToUint(u.z);
  o[10 * i + 6] = floatBitsToUint(u.w);
  o[10 * i + 7] = packUnorm4x8(u);
  o[10 * i + 8] = floatBitsToUint(s.x);
  o[10 * i + 9] = packSnorm2x16(s);
}
