#version 450
// Returns from switch cases and from a loop inside a case; a while loop with a continue in
// another case.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i], acc = 0u;
	switch (x & 7u) {
	case 0u:
		return;
	case 1u:
		for (uint k = 0u; k < x % 13u; k++) {
			if (k == 9u) { o[i] = 77u; return; }
			acc += k;
		}
		break;
	case 2u:
	case 3u:
		while (acc < (x & 255u)) {
			acc += 17u;
			if ((acc & 8u) != 0u) continue;
			acc++;
		}
		break;
	default:
		acc = x;
	}
	o[i] = acc;
}
