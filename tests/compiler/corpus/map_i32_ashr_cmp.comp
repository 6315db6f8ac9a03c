#version 450
// element-wise: o[i] = (x >> (y & 31)) + (x < y ? 1 : 0) + (x <= -5 ? 2 : 0)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { int a[]; };
layout(set = 0, binding = 1) readonly buffer InB { int b[]; };
layout(set = 0, binding = 2) writeonly buffer Out { int o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n)
		return;
	int x = a[i];
	int y = b[i];
	o[i] = (x >> (y & 31)) + (x < y ? 1 : 0) + (x <= -5 ? 2 : 0);
}
