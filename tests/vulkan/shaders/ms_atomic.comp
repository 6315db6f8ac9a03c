#version 450
// Image atomics on one sample of a multisampled R32_UINT image (tests/vulkan/test_image_ms.cpp):
// every invocation adds to sample (invocation % 4) of texel (invocation / 4 % 7, 0) of layer 1 and
// keeps the old value; sample 3 of texel (6, 4) of layer 0 takes an exchange and a compare-exchange.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0, r32ui) uniform uimage2DMSArray img;
layout(set = 0, binding = 1) buffer Out { uint old[]; };
void main() {
  const uint i = gl_GlobalInvocationID.x;
  old[i] = imageAtomicAdd(img, ivec3(int(i / 4u % 7u), 0, 1), int(i % 4u), i + 1u);
  if (i == 0u) {
    old[64] = imageAtomicExchange(img, ivec3(6, 4, 0), 3, 0x1234u);
    old[65] = imageAtomicCompSwap(img, ivec3(6, 4, 0), 3, 0x1234u, 0x5678u);
    old[66] = imageLoad(img, ivec3(6, 4, 0), 2).x;
  }
}
