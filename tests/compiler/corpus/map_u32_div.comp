#version 450
// element-wise: o[i] = x / (y | 1u)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 1) readonly buffer InB { uint b[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n)
		return;
	uint x = a[i];
	uint y = b[i];
	o[i] = x / (y | 1u);
}
