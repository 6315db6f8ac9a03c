#version 450
// element-wise: asin(x / 10) + acos(y / 10)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { float a[]; };
layout(set = 0, binding = 1) readonly buffer InB { float b[]; };
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n)
		return;
	float x = a[i];
	float y = b[i];
	o[i] = asin(x * 0.1) + 2.0 * acos(y * 0.1);
}
