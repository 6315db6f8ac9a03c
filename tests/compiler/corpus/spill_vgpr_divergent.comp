#version 450
// VGPR spilling under divergent control flow: 160 per-lane values (with their loop-carried copies
// over 300 VGPRs live) are updated in one arm of a lane-dependent branch inside a run-time loop and
// read in the other, so spill stores and reloads run with partial EXEC masks (each lane's slot
// must keep its own value); the workgroup of 48 leaves the second wave half empty.
layout(local_size_x = 48) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint rounds; } pc;
const int K = 40;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x[K], y[K], z[K], w[K];
	for (int k = 0; k < K; k++) {
		x[k] = a[(i * 3u + uint(k)) % 512u];
		y[k] = uint(k) * i;
		z[k] = i ^ uint(k);
		w[k] = a[(i + uint(k) * 7u) % 512u];
	}
	uint acc = 0u;
	for (uint r = 0u; r < pc.rounds; r++) {
		if (((i + r) % 3u) == 0u) {
			for (int k = 0; k < K; k++) {
				x[k] = (x[k] >> 1u) + uint(k);
				y[k] = (y[k] >> 1u) + r;
				z[k] = (z[k] >> 1u) + 1u;
				w[k] = (w[k] >> 1u) + i;
			}
		} else {
			for (int k = 0; k < K; k++)
				acc = acc * 17u + x[k] + (y[k] ^ z[k]) - w[k];
		}
	}
	for (int k = 0; k < K; k++)
		acc += x[k] ^ w[k];
	o[i] = acc;
}
