#version 450
// Nested switches inside a loop, a break out of the inner switch from a nested if, a continue
// after the switch.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i], acc = 0u;
	for (uint k = 0u; k < 8u; k++) {
		switch (x & 3u) {
		case 0u:
			switch ((x >> 2) & 3u) {
			case 0u:
				acc += 1u;
				break;
			case 1u:
				if ((x & 64u) != 0u)
					break;
				acc += 9u;
				break;
			default:
				acc += 5u;
				break;
			}
			break;
		case 1u:
			if (acc > 20u)
				break;
			acc += 3u;
			break;
		default:
			acc += x & 255u;
		}
		x = x * 1103515245u + 12345u;
		if (acc > 1000u)
			continue;
		acc ^= k;
	}
	o[i] = acc;
}
