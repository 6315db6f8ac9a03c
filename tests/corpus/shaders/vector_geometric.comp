#version 450
// dot, cross (exact on small integers), length, distance, normalize.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  vec4 p = vec4(a[8 * i], a[8 * i + 1], a[8 * i + 2], a[8 * i + 3]);
  vec4 q = vec4(a[8 * i + 4], a[8 * i + 5], a[8 * i + 6], a[8 * i + 7]);
  vec3 c = cross(p.xyz, q.zyx);
  o[8 * i + 0] = dot(p, q);
  o[8 * i + 1] = c.x;
  o[8 * i + 2] = c.y;
  o[8 * i + 3] = c.z;
  o[8 * i + 4] = length(p);
  o[8 * i + 5] = distance(p.xy, q.wz);
  vec3 nrm = normalize(p.xyz + vec3(0.5));
  o[8 * i + 6] = nrm.x;
  o[8 * i + 7] = nrm.z;
}
