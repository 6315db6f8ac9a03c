#version 450
// mat4 * vec4, transpose, mat3 determinant on small integers (exact).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  mat4 m;
  for (int c = 0; c < 4; ++c)
    m[c] = vec4(a[20 * i + 4 * c], a[20 * i + 4 * c + 1], a[20 * i + 4 * c + 2], a[20 * i + 4 * c + 3]);
  vec4 v = vec4(a[20 * i + 16], a[20 * i + 17], a[20 * i + 18], a[20 * i + 19]);
  vec4 r = m * v;
  vec4 t = transpose(m) * v;
  for (int k = 0; k < 4; ++k) {
    o[9 * i + k] = r[k];
    o[9 * i + 4 + k] = t[k];
  }
  o[9 * i + 8] = determinant(mat3(m));
}
