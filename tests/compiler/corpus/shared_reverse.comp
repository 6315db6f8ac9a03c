#version 450
// exchange through shared memory: reverse each workgroup's elements
layout(local_size_x = 96) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
shared uint s[96];
void main()
{
	uint l = gl_LocalInvocationID.x;
	s[l] = a[gl_GlobalInvocationID.x];
	memoryBarrierShared();
	barrier();
	o[gl_GlobalInvocationID.x] = s[95u - l];
}
