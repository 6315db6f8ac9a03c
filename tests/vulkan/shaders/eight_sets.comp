#version 450
// Eight descriptor sets, bindings far apart (set s, binding s * 4096 + 9): out[s] = in_s.v * (s + 1).
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 9) buffer B0 { uint v; uint o[8]; } b0;
layout(std430, set = 1, binding = 4105) readonly buffer B1 { uint v; } b1;
layout(std430, set = 2, binding = 8201) readonly buffer B2 { uint v; } b2;
layout(std430, set = 3, binding = 12297) readonly buffer B3 { uint v; } b3;
layout(std140, set = 4, binding = 16393) uniform B4 { uint v; } b4;
layout(std140, set = 5, binding = 20489) uniform B5 { uint v; } b5;
layout(std430, set = 6, binding = 24585) readonly buffer B6 { uint v; } b6;
layout(std430, set = 7, binding = 28681) readonly buffer B7 { uint v; } b7[2];

void main() {
  b0.o[0] = b0.v;
  b0.o[1] = b1.v * 2u;
  b0.o[2] = b2.v * 3u;
  b0.o[3] = b3.v * 4u;
  b0.o[4] = b4.v * 5u;
  b0.o[5] = b5.v * 6u;
  b0.o[6] = b6.v * 7u;
  b0.o[7] = b7[1].v * 8u;
}
