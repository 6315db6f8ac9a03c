#version 450
// do-while (condition in the continue construct)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint digits = 0u;
	do {
		digits++;
		x /= 10u;
	} while (x != 0u);
	o[i] = digits;
}
