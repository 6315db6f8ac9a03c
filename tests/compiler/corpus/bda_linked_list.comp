#version 460
// Buffer device address: pointers stored in memory. Every invocation links its node to another
// one (a pointer store), then walks five links (per-lane pointer loads) summing the values.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(buffer_reference) buffer Node;
layout(buffer_reference, std430, buffer_reference_align = 16) buffer Node { uint value; uint pad; Node next; };
layout(push_constant) uniform P { Node first; } pc;
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  Node self = Node(uint64_t(pc.first) + 16ul * i);
  self.next = Node(uint64_t(pc.first) + 16ul * ((i * 7u + 3u) % 64u));
  memoryBarrierBuffer();
  barrier();
  Node p = self;
  uint sum = 0u;
  for (int k = 0; k < 5; k++) {
    sum = sum * 31u + p.value;
    p = p.next;
  }
  o[i] = sum;
}
