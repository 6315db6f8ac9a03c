#version 450
// shared-memory atomics, then one writer per bin
layout(local_size_x = 128) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
shared uint bins[16];
void main()
{
	uint l = gl_LocalInvocationID.x;
	if (l < 16u)
		bins[l] = 0u;
	barrier();
	atomicAdd(bins[a[gl_GlobalInvocationID.x] & 15u], 1u);
	barrier();
	if (l < 16u)
		o[gl_WorkGroupID.x * 16u + l] = bins[l];
}
