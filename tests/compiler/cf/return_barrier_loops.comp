#version 450
// A uniform early return, then a loop whose trip count differs per lane, then a uniform loop
// with barriers exchanging values through shared memory. The code after the first loop must
// run once per invocation, so that every invocation reaches each barrier exactly once.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
layout(push_constant) uniform P { uint skip_group; uint rounds; uint never; } pc;
shared uint sh[64];
void main()
{
	uint l = gl_LocalInvocationID.x;
	uint i = gl_GlobalInvocationID.x;
	if (gl_WorkGroupID.x == pc.skip_group)
		return;
	uint x = a[i];
	uint acc = 0u;
	for (uint k = 0u; k < (x & 7u); k++) {
		if (x == pc.never)   // a return inside the per-lane loop that no invocation takes
			return;
		acc += k * 3u + x;
	}
	for (uint r = 0u; r < pc.rounds; r++) {
		sh[l] = acc + r;
		barrier();
		acc += sh[(l + 1u) & 63u];
		barrier();
	}
	o[i] = acc;
}
