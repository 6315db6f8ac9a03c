#version 450
// switch with fall-through between cases (and into the default), divergent selector
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint r = 1u;
	switch (x % 6u) {
	case 0u:
		r += 10u;
	case 1u:
		r *= 3u;
		break;
	case 2u:
		r += 100u;
		if ((x & 64u) != 0u)
			break;
	case 3u:
		r += 1000u;
	default:
		r ^= 0x55u;
		break;
	case 5u:
		r = x;
	}
	o[i] = r;
}
