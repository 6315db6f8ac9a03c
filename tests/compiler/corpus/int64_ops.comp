#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
// 64-bit integer arithmetic
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint64_t o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint64_t x = uint64_t(a[i]);
	uint64_t y = x * 0x100000001ul + (x << 20);
	y = y ^ (y >> 7);
	o[i] = y - uint64_t(i);
}
