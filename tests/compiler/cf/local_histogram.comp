#version 450
// A local histogram indexed at run time in a loop whose trip count differs per lane (not
// unrollable): the array lives in the lane's scratch area.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint h[16];
	for (uint k = 0u; k < 16u; k++) h[k] = 0u;
	uint n = x & 63u;
	for (uint k = 0u; k < n; k++) {
		uint v = (x >> (k & 15u)) ^ (k * 2654435761u);
		h[v & 15u] += k;
	}
	uint acc = 0u;
	for (uint k = 0u; k < 16u; k++) acc = acc * 31u + h[k];
	o[i] = acc;
}
