#version 450
// std430 arrays of structs with vec3/vec2/vec4 members and implicit padding; reversed scatter.
layout(local_size_x = 32) in;
struct Particle {
  vec3 pos;    // 0
  uint id;     // 12 (packs into the vec3's slot)
  vec2 vel;    // 16
  float mass;  // 24
  vec4 color;  // 32 (aligned up from 28)
  uint flags;  // 48; struct size 64
};
layout(std430, set = 0, binding = 0) readonly buffer Src { Particle p[]; } src;
layout(std430, set = 0, binding = 1) writeonly buffer Dst { Particle p[]; } dst;
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint total = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  Particle q = src.p[i];
  q.pos += vec3(q.vel, 0.5) * 2.0;
  q.id = q.id * 2u + 1u;
  q.vel = q.vel.yx;
  q.mass *= 0.5;
  q.flags |= (q.mass > 4.0 ? 1u : 0u) << 31;
  q.color = q.color.bgra;
  dst.p[total - 1u - i] = q;
}
