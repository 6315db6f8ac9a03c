#version 450
// early return from nested control flow (merge-return in SPIRV-Tools)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	if ((x & 3u) == 0u)
		return;
	for (uint k = 0u; k < 4u; k++) {
		if (x % (k + 5u) == 0u)
			return;
	}
	o[i] = x + 1u;
}
