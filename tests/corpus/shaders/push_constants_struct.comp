#version 450
// Push constant block with mixed members at std430 offsets; in-place update with a count guard.
layout(local_size_x = 64) in;
layout(push_constant) uniform PC {
  uint count;   // 0
  float scale;  // 4
  int bias;     // 8
  uint pad;     // 12
  vec4 tint;    // 16
  uvec2 range;  // 32
} pc;
layout(std430, set = 0, binding = 0) buffer Data { float d[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= pc.count) return;
  float inside = (i >= pc.range.x && i < pc.range.y) ? 1.0 : 0.0;
  d[i] = d[i] * pc.scale + float(pc.bias) + pc.tint[i % 4u] * inside;
}
