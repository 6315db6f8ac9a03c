#version 450
// a uniform loop counter read after a loop with a divergent exit (temporal divergence)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint lim = a[i] % 50u;
	uint k;
	for (k = 0u; k < 64u; k++) {
		if (k * k > lim * 7u)
			break;
	}
	o[i] = k;
}
