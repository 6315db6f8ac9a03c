#version 450
// functions with in/out parameters (inlined by SPIRV-Tools)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
uint hash(uint v)
{
	v ^= v >> 16;
	v *= 0x7feb352du;
	v ^= v >> 15;
	return v;
}
void split(uint v, out uint lo, out uint hi)
{
	lo = v & 0xffffu;
	hi = v >> 16;
}
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint lo, hi;
	split(hash(a[i]), lo, hi);
	o[i] = lo * 3u + hi;
}
