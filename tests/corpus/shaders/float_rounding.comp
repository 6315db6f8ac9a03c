#version 450
// floor/ceil/fract/trunc/roundEven/round (no ties for round).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[i];
  o[6 * i + 0] = floor(x);
  o[6 * i + 1] = ceil(x);
  o[6 * i + 2] = fract(x);
  o[6 * i + 3] = trunc(x);
  o[6 * i + 4] = roundEven(x);
  o[6 * i + 5] = round(x);
}
