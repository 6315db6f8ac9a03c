#version 450
// workgroup of 48 invocations: the second wave is half populated
layout(local_size_x = 48) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
shared uint s[48];
void main()
{
	uint l = gl_LocalInvocationID.x;
	s[l] = a[gl_GlobalInvocationID.x];
	barrier();
	o[gl_GlobalInvocationID.x] = s[(l + 17u) % 48u] + l;
}
