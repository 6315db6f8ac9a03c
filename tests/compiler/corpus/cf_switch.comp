#version 450
// switch with several cases, a shared case and default
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint r;
	switch (x % 7u) {
	case 0u: r = 10u; break;
	case 1u:
	case 2u: r = x + 1u; break;
	case 4u: r = x * 2u; break;
	default: r = 99u; break;
	}
	o[i] = r;
}
