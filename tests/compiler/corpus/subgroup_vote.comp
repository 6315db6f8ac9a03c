#version 450
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_KHR_shader_subgroup_vote : require
// ballot, vote, elect
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uvec4 b = subgroupBallot((x & 1u) != 0u);
	uint r = b.x;
	o[i * 4u + 0u] = r;
	o[i * 4u + 1u] = (subgroupAll(x > 5u) ? 1u : 0u) + (subgroupAny(x == 7u) ? 2u : 0u);
	o[i * 4u + 2u] = subgroupElect() ? 1u : 0u;
	o[i * 4u + 3u] = subgroupBallotBitCount(b) + subgroupBallotExclusiveBitCount(b) * 100u;
}
