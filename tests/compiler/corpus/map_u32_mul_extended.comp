#version 450
// element-wise: umulExtended / imulExtended, both halves
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
	uint hi, lo;
	umulExtended(x, y, hi, lo);
	int shi, slo;
	imulExtended(int(x), int(y), shi, slo);
	uvec2 vhi, vlo;
	umulExtended(uvec2(x, y), uvec2(y, 12345u), vhi, vlo);
	o[i] = hi + lo * 3u + uint(shi) * 5u + uint(slo) * 7u + vhi.x * 11u + vhi.y * 13u + vlo.y;
}
