#version 450
// heavy contention: every invocation increments one counter and records the old value
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer Ctr { uint counter[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	o[i] = atomicAdd(counter[0], 1u);
	atomicAdd(counter[1], i);
}
