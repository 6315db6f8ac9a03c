#version 450
// runtime array length from the descriptor size
layout(local_size_x = 32) in;
layout(set = 0, binding = 0) readonly buffer InA { uint hdr; uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint n = uint(a.length());
	o[i] = i < n ? a[i] + n * 1000u + hdr : 0u;
}
