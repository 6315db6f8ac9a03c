#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
// 64-bit division and remainder, unsigned and signed (software: the ISA divides 32-bit only);
// signed % is OpSMod
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint64_t o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint64_t x = (uint64_t(a[i]) << 32) | uint64_t(a[(i * 7u + 3u) % 256u]);
	uint64_t y = uint64_t(a[(i + 1u) % 256u]) + 1ul;
	if ((i & 3u) == 1u)
		y = (y << 29) | 5ul;
	if ((i & 7u) == 2u)
		y = y | 0x8000000000000000ul;
	int64_t sx = int64_t(x), sy = int64_t(y ^ (uint64_t(i & 4u) << 61));
	o[4u * i] = x / y;
	o[4u * i + 1u] = x % y;
	o[4u * i + 2u] = uint64_t(sx / sy) ^ uint64_t(sx % sy);
	o[4u * i + 3u] = uint64_t(sx - sy * (sx / sy));
}
