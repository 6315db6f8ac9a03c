#version 450
// nested divergent ifs, some without else
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint r = 5u;
	if (x > 1000u) {
		if ((x & 2u) != 0u)
			r = x - 1000u;
		else if ((x & 4u) != 0u)
			r = 77u;
		r += 3u;
	} else {
		if (x < 10u)
			r = x * x;
	}
	o[i] = r;
}
