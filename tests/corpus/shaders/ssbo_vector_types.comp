#version 450
// std430 vec2/vec3/vec4 arrays (vec3 stride 16: padding must survive vec3 stores) and a float packed
// into a uvec3's last slot.
layout(local_size_x = 8) in;
layout(std430, set = 0, binding = 0) buffer V {
  vec2 v2[8];   // 0
  vec3 v3[8];   // 64, stride 16
  vec4 v4[8];   // 192
  uvec3 u3;     // 320
  float tail;   // 332
};
void main() {
  uint i = gl_LocalInvocationIndex;
  v2[i] = v2[i].yx * 2.0;
  v3[i] = v3[i].zxy + vec3(float(i));
  v4[i] = v4[i] * v4[i].w - vec4(1.0, 2.0, 3.0, 4.0);
  if (i == 0u) {
    u3 = u3.zxy * 3u;
    tail = tail * -4.0;
  }
}
