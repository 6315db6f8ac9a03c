#version 450
// IEEE arithmetic on infinities, NaN and signed zeros.
// Vulkan only guarantees NaN behaviour under SignedZeroInfNanPreserve: declare it (capability 4466,
// execution mode 4461, width 32); the case requires float32_inf_nan_preserve.
#extension GL_EXT_spirv_intrinsics : require
spirv_execution_mode(capabilities = [4466], 4461, 32);
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params { uint n; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= n) return;
  float x = a[2 * i], y = a[2 * i + 1];
  o[3 * i + 0] = x + y;
  o[3 * i + 1] = x - y;
  o[3 * i + 2] = x * y;
}
