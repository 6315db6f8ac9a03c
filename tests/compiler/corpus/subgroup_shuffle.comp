#version 450
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_KHR_shader_subgroup_shuffle_relative : require
// shuffles
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint lane = gl_SubgroupInvocationID;
	o[i * 4u + 0u] = subgroupShuffle(x, (lane * 7u) & 31u);
	o[i * 4u + 1u] = subgroupShuffleXor(x, 5u);
	o[i * 4u + 2u] = lane >= 3u ? subgroupShuffleUp(x, 3u) : 0u;
	o[i * 4u + 3u] = lane < 30u ? subgroupShuffleDown(x, 2u) : 1u;
}
