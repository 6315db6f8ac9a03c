#version 450
// nested loops with break and continue in divergent conditions
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint acc = 0u;
	for (uint p = 0u; p < 8u; p++) {
		if (((x >> p) & 1u) == 0u)
			continue;
		for (uint q = 0u; q < 16u; q++) {
			if (q > (x & 15u))
				break;
			acc += p * 16u + q;
		}
		if (acc > 400u)
			break;
	}
	o[i] = acc;
}
