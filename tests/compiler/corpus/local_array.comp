#version 450
// function-local array with constant indices after unrolling (scalar replacement)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint t[4];
	t[0] = a[i];
	t[1] = t[0] * 2u;
	t[2] = t[1] + t[0];
	t[3] = t[2] ^ 0x55u;
	o[i] = t[0] + t[1] + t[2] + t[3];
}
