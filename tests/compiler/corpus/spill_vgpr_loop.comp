#version 450
// VGPR spilling: 300 per-lane values stay live across a loop with a run-time trip count, more
// than the 250 allocatable VGPRs, so some live in scratch memory (stored once, reloaded in the
// loop body on every iteration). Four arrays of 75 because SPIRV-Tools' scalar replacement stops
// at 100 elements per variable.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint rounds; } pc;
const int K = 75;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint v0[K], v1[K], v2[K], v3[K];
	for (int k = 0; k < K; k++) {
		v0[k] = a[(i + uint(k)) % 512u] * uint(k + 1);
		v1[k] = a[(i + uint(k + K)) % 512u] * uint(k + K + 1);
		v2[k] = a[(i + uint(k + 2 * K)) % 512u] * uint(k + 2 * K + 1);
		v3[k] = a[(i + uint(k + 3 * K)) % 512u] * uint(k + 3 * K + 1);
	}
	uint acc = i;
	for (uint r = 0u; r < pc.rounds; r++) {
		for (int k = 0; k < K; k++)
			acc = acc * 31u + (v0[k] ^ r);
		for (int k = 0; k < K; k++)
			acc = acc * 31u + (v1[k] ^ r);
		for (int k = 0; k < K; k++)
			acc = acc * 31u + (v2[k] ^ r);
		for (int k = 0; k < K; k++)
			acc = acc * 31u + (v3[k] ^ r);
	}
	o[i] = acc;
}
