#version 450
// double precision arithmetic and conversions
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { float a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	double x = double(a[i]);
	double y = x * 1.0000001 + 0.5;
	y = fma(y, x, -2.0);
	o[i] = float(min(y, 1.0e6));
}
