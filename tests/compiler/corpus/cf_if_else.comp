#version 450
// divergent if/else with values merged by a phi
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint r;
	if ((x & 1u) != 0u)
		r = x * 3u + 1u;
	else
		r = x / 2u;
	o[i] = r;
}
