#version 450
// 3-D workgroups and grid: every ID built-in
layout(local_size_x = 4, local_size_y = 4, local_size_z = 2) in;
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uvec3 g = gl_GlobalInvocationID;
	uvec3 n = gl_NumWorkGroups * gl_WorkGroupSize;
	uint idx = (g.z * n.y + g.y) * n.x + g.x;
	o[idx * 4u + 0u] = gl_LocalInvocationIndex;
	o[idx * 4u + 1u] = gl_WorkGroupID.x + gl_WorkGroupID.y * 10u + gl_WorkGroupID.z * 100u;
	o[idx * 4u + 2u] = gl_LocalInvocationID.x + gl_LocalInvocationID.y * 10u + gl_LocalInvocationID.z * 100u;
	o[idx * 4u + 3u] = gl_NumWorkGroups.x + gl_NumWorkGroups.y * 10u + gl_NumWorkGroups.z * 100u;
}
