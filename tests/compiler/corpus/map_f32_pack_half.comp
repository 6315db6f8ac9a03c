#version 450
// element-wise: packHalf2x16(vec2(x, y)) and back
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
	uint p = packHalf2x16(vec2(x, y));
	vec2 u = unpackHalf2x16(p ^ 0x00010000u);
	o[i] = p ^ (floatBitsToUint(u.y) * 3u);
}
