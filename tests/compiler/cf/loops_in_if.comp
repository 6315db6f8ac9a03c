#version 450
// Loops inside the arms of an if: a per-lane loop followed by a uniform loop with a break in the
// then-arm, a do-while whose exit test is at the bottom in the else-arm.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i], acc = 0u;
	if ((x & 1u) != 0u) {
		for (uint k = 0u; k < (x & 15u); k++)
			acc += k;
		for (uint k = 0u; k < 4u; k++) {
			acc = acc * 3u + 1u;
			if (acc > 500u)
				break;
		}
	} else {
		uint k = 0u;
		do {
			acc += x >> k;
			k++;
		} while ((x >> k) != 0u);
	}
	o[i] = acc;
}
