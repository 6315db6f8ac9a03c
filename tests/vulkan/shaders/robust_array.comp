#version 450
// Robust buffer access through an array of descriptors: element pc.which (which may be past the
// array's count) is read and written at index pc.at (which may be past the buffer's size).
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer B { uint v[]; } bufs[2];
layout(std430, set = 0, binding = 1) buffer Out { uint o[]; };
layout(push_constant) uniform P { uint which; uint at; } pc;

void main() {
  o[0] = bufs[pc.which].v[pc.at];
  o[1] = uint(bufs[pc.which].v.length());
  bufs[pc.which].v[pc.at] = 77u;
  o[2] = atomicAdd(bufs[pc.which].v[pc.at], 5u);
}
