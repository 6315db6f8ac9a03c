#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
// subgroup reduction inside divergent control flow: only active lanes contribute
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i] & 0xffu;
	uint r = 0u;
	if ((x & 1u) != 0u)
		r = subgroupAdd(x);
	else
		r = subgroupMax(x) + 1000u;
	o[i] = r;
}
