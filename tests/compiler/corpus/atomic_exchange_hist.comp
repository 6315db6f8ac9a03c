#version 450
// histogram with atomics; exchange into a per-invocation slot
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 1) buffer Hist { uint hist[]; };
layout(set = 0, binding = 2) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	atomicAdd(hist[a[i] % 32u], 1u);
	o[i] = atomicExchange(o[i], i * 2u);
}
