#version 450
// Copies two inline uniform blocks (read like uniform buffers) to the output: out[0..7] = block 1,
// out[8..11] = block 2.
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[]; };
layout(std140, set = 0, binding = 1) uniform Block1 { uvec4 a; uvec4 b; } block1;
layout(std140, set = 0, binding = 2) uniform Block2 { uvec4 c; } block2;

void main() {
  values[0] = block1.a.x; values[1] = block1.a.y; values[2] = block1.a.z; values[3] = block1.a.w;
  values[4] = block1.b.x; values[5] = block1.b.y; values[6] = block1.b.z; values[7] = block1.b.w;
  values[8] = block2.c.x; values[9] = block2.c.y; values[10] = block2.c.z; values[11] = block2.c.w;
}
