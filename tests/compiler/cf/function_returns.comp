#version 450
// A function that returns from inside a loop and from inside a switch in that loop, called
// twice (inlined twice).
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
uint f(uint x)
{
	for (uint k = 0u; k < 10u; k++) {
		if (x > 100u)
			return k;
		switch (x & 3u) {
		case 0u:
			x += 7u;
			break;
		case 1u:
			if (x > 50u)
				return x * 2u;
			x += 13u;
			break;
		default:
			x += 1u;
		}
	}
	return x;
}
void main()
{
	uint i = gl_GlobalInvocationID.x;
	o[i] = f(a[i]) + f(a[i] >> 3) * 1000u;
}
