#version 450
// Matrix transpose through a padded 16x16 shared tile (2D workgroups, 2D grid).
layout(local_size_x = 16, local_size_y = 16) in;
layout(push_constant) uniform P { uint width; uint height; };  // of the source matrix
layout(std430, set = 0, binding = 0) readonly buffer In { float m[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float t[]; };
shared float tile[16][17];
void main() {
  uvec2 l = gl_LocalInvocationID.xy;
  uvec2 g = gl_WorkGroupID.xy * 16u;
  tile[l.y][l.x] = m[(g.y + l.y) * width + g.x + l.x];
  barrier();
  // The transpose is width rows by height columns: element (g.x + l.y, g.y + l.x).
  t[(g.x + l.y) * height + g.y + l.x] = tile[l.x][l.y];
}
