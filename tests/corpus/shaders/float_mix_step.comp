#version 450
// mix, step, smoothstep.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[3 * i], y = a[3 * i + 1], t = a[3 * i + 2];
  o[3 * i + 0] = mix(x, y, t);
  o[3 * i + 1] = step(y, x);
  o[3 * i + 2] = smoothstep(-1.0, 1.0, t * 3.0 - 1.5);
}
