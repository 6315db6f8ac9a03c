#version 450
// Hillis-Steele inclusive scan (double-buffered shared memory), per workgroup of 256.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };
shared uint buf[2][256];
void main() {
  uint l = gl_LocalInvocationID.x;
  uint cur = 0u;
  buf[0][l] = a[gl_GlobalInvocationID.x];
  barrier();
  for (uint off = 1u; off < 256u; off <<= 1) {
    uint v = buf[cur][l];
    if (l >= off) v += buf[cur][l - off];
    buf[1u - cur][l] = v;
    cur = 1u - cur;
    barrier();
  }
  o[gl_GlobalInvocationID.x] = buf[cur][l];
}
