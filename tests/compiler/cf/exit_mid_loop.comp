#version 450
// Loops whose exit test is not in the header: while (true) with the break in the middle, a
// break from a nested loop's if, a continue before the exit test, and a subgroup operation
// after the divergent loops (every lane must be back: the count is the subgroup size).
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
#extension GL_KHR_shader_subgroup_arithmetic : require
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i], acc = 0u, n = 0u;
	while (true) {
		acc += x & 15u;
		x >>= 3;
		if (x == 0u)
			break;
		n++;
		if ((x & 1u) != 0u)
			continue;
		for (uint j = 0u; j < 5u; j++) {
			if (((x >> j) & 3u) == 3u)
				break;
			acc += j;
		}
		acc = acc * 7u;
	}
	uint lanes = subgroupAdd(1u);
	o[i] = acc + n * 100000u + lanes * 10000000u;
}
