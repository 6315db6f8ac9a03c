#version 450
// atomic min/max/and/or/xor/exchange on a few shared addresses
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 1) buffer Acc { uint acc[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	atomicMin(acc[0], x);
	atomicMax(acc[1], x);
	atomicAnd(acc[2], x | 0x0f0f0f0fu);
	atomicOr(acc[3], x & 0x01010101u);
	atomicXor(acc[4], x);
	atomicMin(acc[5 + (x & 3u)], x);
}
