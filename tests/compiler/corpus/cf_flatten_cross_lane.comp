#version 450
#extension GL_KHR_shader_subgroup_vote : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// `a && b` and `a ? b : c` whose second operand is a subgroup operation: only the lanes for which
// the first operand holds take part in it, so flattening such a selection into straight-line
// code (pass_flatten_selections.cpp) must leave it a branch.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	bool p = (x & 1u) != 0u && subgroupAll((x & 1u) != 0u || x < 100u);
	uint s = (x & 2u) != 0u ? subgroupAdd(x & 0xffu) : 7u;
	o[i * 2u] = p ? 1u : 0u;
	o[i * 2u + 1u] = s;
}
