#version 450
// workgroup tree reduction in shared memory with barriers
layout(local_size_x = 128) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
shared uint s[128];
void main()
{
	uint l = gl_LocalInvocationID.x;
	s[l] = a[gl_GlobalInvocationID.x];
	barrier();
	for (uint stride = 64u; stride > 0u; stride >>= 1) {
		if (l < stride)
			s[l] += s[l + stride];
		barrier();
	}
	if (l == 0u)
		o[gl_WorkGroupID.x] = s[0];
}
