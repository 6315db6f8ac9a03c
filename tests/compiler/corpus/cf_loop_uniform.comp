#version 450
// loop with a uniform trip count from push constants (scalar counter)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint n; uint iters; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint acc = 0u;
	for (uint k = 0u; k < pc.iters; k++)
		acc = acc * 31u + a[(i + k) % pc.n];
	o[i] = acc;
}
