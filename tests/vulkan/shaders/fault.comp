#version 450
// Stores through a buffer address from the push constants: given an address no memory is bound
// at, every lane's store faults (MMU_UNMAPPED, write).
#extension GL_EXT_buffer_reference : require
layout(local_size_x = 64) in;
layout(buffer_reference, std430) buffer Data { uint v[]; };
layout(push_constant) uniform P { Data data; } pc;
void main() { pc.data.v[gl_GlobalInvocationID.x] = gl_GlobalInvocationID.x; }
