#version 450
#extension GL_KHR_shader_subgroup_ballot : require
// broadcasts and subgroup built-ins
layout(local_size_x = 96) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	o[i * 4u + 0u] = subgroupBroadcastFirst(x);
	o[i * 4u + 1u] = subgroupBroadcast(x, 5u);
	o[i * 4u + 2u] = gl_SubgroupID * 1000u + gl_SubgroupInvocationID;
	o[i * 4u + 3u] = gl_NumSubgroups * 100u + gl_SubgroupSize;
}
