#version 450
// Runtime array after fixed members; .length() drives the bounds guard (more invocations than elements).
layout(local_size_x = 32) in;
layout(std430, set = 0, binding = 0) buffer Data {
  uint count_out;
  uint pad;
  uvec2 pairs[];
};
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint len = uint(pairs.length());
  if (i == 0u) count_out = len;
  if (i >= len) return;
  pairs[i] = pairs[i].yx + uvec2(len, i);
}
