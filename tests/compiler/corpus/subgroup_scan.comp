#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
// subgroup inclusive/exclusive scans
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i] & 0xffu;
	o[i * 2u] = subgroupInclusiveAdd(x);
	o[i * 2u + 1u] = subgroupExclusiveMax(x);
}
