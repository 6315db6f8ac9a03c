#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
// subgroup reductions
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i] & 0xffffu;
	o[i * 4u + 0u] = subgroupAdd(x);
	o[i * 4u + 1u] = subgroupMin(x) + subgroupMax(x);
	o[i * 4u + 2u] = subgroupAnd(x | 0xff00u) ^ subgroupOr(x & 0xffu);
	o[i * 4u + 3u] = subgroupXor(x);
}
