#version 450
// Hillis-Steele inclusive scan over a workgroup in shared memory (double buffered)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
shared uint buf[2][64];
void main()
{
	uint l = gl_LocalInvocationID.x;
	uint cur = 0u;
	buf[0][l] = a[gl_GlobalInvocationID.x];
	barrier();
	for (uint d = 1u; d < 64u; d <<= 1) {
		uint v = buf[cur][l];
		if (l >= d)
			v += buf[cur][l - d];
		buf[1u - cur][l] = v;
		cur = 1u - cur;
		barrier();
	}
	o[gl_GlobalInvocationID.x] = buf[cur][l];
}
