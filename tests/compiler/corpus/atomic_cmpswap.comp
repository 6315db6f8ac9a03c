#version 450
// compare-and-swap: the first invocation to claim a slot wins
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 1) buffer Slots { uint slot[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint s = a[i] % 16u;
	uint prev = atomicCompSwap(slot[s], 0u, i + 1u);
	o[i] = prev == 0u ? 1u : 0u;
}
