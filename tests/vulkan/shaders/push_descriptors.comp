#version 450
// Set 0 is a push descriptor set (VK_KHR_push_descriptor): an output buffer, a uniform buffer and a
// uniform texel buffer; set 1 is an ordinary set. out[i] = k + texels[i] * 100 + inputs[i].
layout(local_size_x = 16) in;
layout(std430, set = 0, binding = 0) buffer Out { uint values[16]; };
layout(std140, set = 0, binding = 1) uniform K { uint k; };
layout(set = 0, binding = 2) uniform utextureBuffer texels;
layout(std430, set = 1, binding = 0) readonly buffer In { uint inputs[16]; };

void main() {
  uint i = gl_LocalInvocationID.x;
  values[i] = k + texelFetch(texels, int(i)).x * 100u + inputs[i];
}
