#version 450
// element-wise: frexp(x): mantissa bits and exponent
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { float a[]; };
layout(set = 0, binding = 1) readonly buffer InB { float b[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n)
		return;
	float x = a[i];
	float y = b[i];
	int e;
	float m = frexp(x * 1000.0, e);
	o[i] = floatBitsToUint(m) ^ (uint(e) * 0x01000193u);
}
