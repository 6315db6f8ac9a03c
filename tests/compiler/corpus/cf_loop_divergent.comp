#version 450
// data-dependent trip count (Collatz steps), lanes leave the loop at different iterations
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i] % 1000u + 1u;
	uint steps = 0u;
	while (x != 1u && steps < 500u) {
		x = (x & 1u) != 0u ? 3u * x + 1u : x / 2u;
		steps++;
	}
	o[i] = steps;
}
