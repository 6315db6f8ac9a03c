#version 450
// 5-point stencil on a 40x30 float grid with clamped borders (integer-valued data: exact).
layout(local_size_x = 16, local_size_y = 8) in;
layout(push_constant) uniform P { uint width; uint height; };
layout(std430, set = 0, binding = 0) readonly buffer In { float src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float dst[]; };
float at(int x, int y) {
  x = clamp(x, 0, int(width) - 1);
  y = clamp(y, 0, int(height) - 1);
  return src[uint(y) * width + uint(x)];
}
void main() {
  ivec2 p = ivec2(gl_GlobalInvocationID.xy);
  if (p.x >= int(width) || p.y >= int(height)) return;
  float v = 4.0 * at(p.x, p.y) - at(p.x - 1, p.y) - at(p.x + 1, p.y) - at(p.x, p.y - 1) - at(p.x, p.y + 1);
  dst[uint(p.y) * width + uint(p.x)] = v;
}
