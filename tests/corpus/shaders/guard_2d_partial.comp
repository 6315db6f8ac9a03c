#version 450
// 2D grid over a 37x23 image with 8x8 workgroups: partial workgroups in both dimensions.
layout(local_size_x = 8, local_size_y = 8) in;
layout(push_constant) uniform P { uint width; uint height; };
layout(std430, set = 0, binding = 0) readonly buffer In { uint img[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint res[]; };
void main() {
  uvec2 p = gl_GlobalInvocationID.xy;
  if (p.x >= width || p.y >= height) return;
  uint i = p.y * width + p.x;
  res[i] = img[i] * 2u + p.x * 1000u + p.y;
}
