#version 450
// Vector select: mix with bvec, any/all/not, ternaries.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  uvec4 v = uvec4(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]);
  bvec4 m = greaterThan(v, uvec4(0x80000000u));
  uvec4 r = mix(v, v.wzyx, m);
  o[4 * i] = r.x + r.y * 3u + r.z * 5u + r.w * 7u;
  o[4 * i + 1] = uint(any(m)) | uint(all(m)) << 1 | uint(any(not(m))) << 2 | uint(m.y) << 3;
  o[4 * i + 2] = (v.x > v.y) ? v.z : v.w;
  uvec4 s = uvec4(lessThanEqual(v, v.yzwx)) * uvec4(1u, 2u, 4u, 8u);
  o[4 * i + 3] = s.x | s.y | s.z | s.w;
}
