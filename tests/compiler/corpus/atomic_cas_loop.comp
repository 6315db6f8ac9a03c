#version 450
// Float accumulation with an atomicCompSwap retry loop. The loop's only exit is a `break` whose
// block is the loop's merge block (then the function returns): the break arm goes straight to
// the merge (regression: rejected as "return from inside a loop"). Integer-valued floats, so
// the sums are exact in any order.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float v[]; };
layout(std430, set = 0, binding = 1) buffer Acc { uint acc[8]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint k = i % 8u;
	float x = v[i];
	uint old = acc[k];
	for (;;) {
		uint assumed = old;
		old = atomicCompSwap(acc[k], assumed, floatBitsToUint(uintBitsToFloat(assumed) + x));
		if (old == assumed) break;
	}
}
