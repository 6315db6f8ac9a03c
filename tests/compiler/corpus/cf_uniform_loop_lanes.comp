#version 450
#extension GL_KHR_shader_subgroup_ballot : require
// Loops whose trip count and exits are uniform (push constants) next to lanes that leave apart.
// Uniform loops are lowered without EXEC masks (pass_uniform_loops.cpp); a ballot counts the
// lanes active at each point, so a loop taken as uniform while its lanes leave apart (a
// divergent break or continue, a uniform break inside a divergent if) gives other counts.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint iters; uint stop; } pc;

uint lanes() { return subgroupBallotBitCount(subgroupBallot(true)); }

void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	// divergent break: not uniform
	uint r1 = 0u;
	for (uint k = 0u; k < pc.iters; k++) {
		if (((x >> k) & 1u) != 0u)
			break;
		r1 += lanes() * (k + 1u);
	}
	// divergent continue: not uniform
	uint r2 = 0u;
	for (uint k = 0u; k < pc.iters; k++) {
		if (((x >> k) & 1u) != 0u)
			continue;
		r2 += lanes() + k;
	}
	// a break on a uniform condition inside a divergent if: not uniform
	uint r3 = 0u;
	for (uint k = 0u; k < pc.iters; k++) {
		if ((x & 1u) != 0u) {
			if (k == pc.stop)
				break;
		}
		r3 += lanes();
	}
	// uniform: a uniform continue and break, a divergent if that joins again
	uint r4 = 0u;
	for (uint k = 0u; k < pc.iters; k++) {
		if (k == pc.stop + 1u)
			continue;
		if (((x >> k) & 1u) != 0u)
			r4 += k;
		else
			r4 ^= lanes();
		if (k == pc.stop + 3u)
			break;
		r4 += lanes();
	}
	// uniform around a loop whose lanes leave apart
	uint r5 = 0u;
	for (uint k = 0u; k < pc.iters; k++) {
		uint y = x >> k;
		while ((y & 1u) != 0u)
			y >>= 1u;
		r5 += lanes() + y % 7u;
	}
	// uniform do-while (the exit in the continue construct)
	uint r6 = 0u;
	uint k6 = 0u;
	do {
		r6 = r6 * 3u + lanes() + (x & k6);
		k6++;
	} while (k6 < pc.iters);
	// uniform, leaving by the header's test or a uniform break with different values (the exits'
	// edges carry phi copies)
	uint r7 = 0u;
	uint found = 99u;
	for (uint k = 0u; k < pc.iters; k++) {
		uint t = k * 3u + pc.stop;
		if (t > 20u) {
			found = t;
			break;
		}
		r7 += lanes() + (x >> k) % 5u;
	}
	r7 = r7 * 1000u + found;
	o[i * 7u] = r1;
	o[i * 7u + 1u] = r2;
	o[i * 7u + 2u] = r3;
	o[i * 7u + 3u] = r4;
	o[i * 7u + 4u] = r5;
	o[i * 7u + 5u] = r6;
	o[i * 7u + 6u] = r7;
}
