#version 450
// Comparisons, isnan, isinf over NaN, infinities, signed zeros.
// Vulkan only guarantees NaN behaviour under SignedZeroInfNanPreserve: declare it (capability 4466,
// execution mode 4461, width 32); the case requires float32_inf_nan_preserve.
#extension GL_EXT_spirv_intrinsics : require
spirv_execution_mode(capabilities = [4466], 4461, 32);
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { uint o[]; };  // raw bit patterns: no float store of denormal/NaN bits
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = uintBitsToFloat(a[2 * i]), y = uintBitsToFloat(a[2 * i + 1]);
  uint f = uint(x < y) | uint(x <= y) << 1 | uint(x == y) << 2 | uint(x != y) << 3 | uint(x > y) << 4 |
           uint(x >= y) << 5 | uint(isnan(x)) << 6 | uint(isinf(x)) << 7 | uint(isnan(y)) << 8 |
           uint(isinf(y)) << 9 | uint(x == x) << 10 | uint(!(x < y) && !(x >= y)) << 11;
  o[i] = f;
}
