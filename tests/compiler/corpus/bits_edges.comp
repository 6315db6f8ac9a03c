#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
// Bit operations at the SPIR-V edges (issue 10): bitfieldExtract/Insert with every offset and
// count including count 32 and offset 32, shifts by every amount, bit count/reverse, findLSB/
// findMSB, and 64-bit NOT/shift/abs/sign/min/max; through Vulkan on Mica and lavapipe with
// inputs 1..1000 (tests/vulkan/test_corpus.cpp).
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i] * 2654435761u, y = a[i + 256u] * 40503u;
	int off = int(a[i + 512u] % 33u);
	int cnt = int(a[i + 768u] % uint(33 - off));
	if (i % 16u == 0u) { off = 0; cnt = 32; }
	uint b = i * 16u;
	o[b + 0u] = bitfieldExtract(x, off, cnt);
	o[b + 1u] = uint(bitfieldExtract(int(x), off, cnt));
	o[b + 2u] = bitfieldInsert(x, y, off, cnt);
	o[b + 3u] = uint(bitCount(x)) | (bitfieldReverse(x) & 0xffffffc0u);
	uint s = uint(off + cnt) & 31u;
	o[b + 4u] = (x << s) ^ (x >> (31u - s));
	o[b + 5u] = uint(int(x) >> s);
	o[b + 6u] = uint(findLSB(x)) ^ (uint(findMSB(int(y))) << 8) ^ (uint(findMSB(x >> (i % 32u))) << 16);
	uint64_t X = (uint64_t(x) << 32) | uint64_t(y), Y = (uint64_t(y) << 29) ^ uint64_t(x);
	int64_t sX = int64_t(X), sY = int64_t(Y);
	uint sh = i % 64u;
	uint64_t r0 = ~X, r1 = X << sh, r2 = X >> sh, r3 = uint64_t(sX >> sh);
	uint64_t r4 = uint64_t(abs(sX)) ^ uint64_t(sign(sY)), r5 = uint64_t(min(sX, sY)) + max(X, Y);
	o[b + 7u] = uint(r0); o[b + 8u] = uint(r0 >> 32);
	o[b + 9u] = uint(r1) ^ uint(r1 >> 32); o[b + 10u] = uint(r2) ^ uint(r2 >> 32);
	o[b + 11u] = uint(r3); o[b + 12u] = uint(r3 >> 32);
	o[b + 13u] = uint(r4) ^ uint(r4 >> 32); o[b + 14u] = uint(r5) ^ uint(r5 >> 32);
	o[b + 15u] = uint(clamp(sX, -abs(sY >> 2), abs(sY >> 2)) >> 20);
}
