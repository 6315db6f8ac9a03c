#version 450
// Specialization constants of every scalar kind, a spec-constant expression, and a shared array sized
// by a spec constant. The case sets non-default values for all of them.
layout(local_size_x = 64) in;
layout(constant_id = 0) const int K_INT = 3;
layout(constant_id = 1) const uint K_UINT = 5u;
layout(constant_id = 2) const float K_FLOAT = 1.5;
layout(constant_id = 3) const bool K_BOOL = false;
layout(constant_id = 4) const uint K_LEN = 4u;
const uint DERIVED = K_UINT * 2u + 1u;
shared uint table[K_LEN];
layout(std430, set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uint i = gl_LocalInvocationIndex;
  if (i < K_LEN) table[i] = i * DERIVED;
  barrier();
  o[4u * i] = table[i % K_LEN];
  o[4u * i + 1u] = uint(int(i) * K_INT);
  o[4u * i + 2u] = floatBitsToUint(float(i) * K_FLOAT);
  o[4u * i + 3u] = K_BOOL ? 1u : 2u;
  if (i == 0u) o[256] = K_LEN;
}
