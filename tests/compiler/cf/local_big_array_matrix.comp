#version 450
// A 200-element local array and a matrix and vector written at run-time indices.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint big[200];
	for (uint k = 0u; k < 200u; k++) big[k] = k * x;
	uint n = x & 255u;
	for (uint k = 0u; k < n; k++) big[(k * 7u + x) % 200u] ^= k;
	mat4 m = mat4(1.0);
	vec4 v = vec4(float(x & 7u));
	for (uint k = 0u; k < (x & 3u); k++) { m[k & 3u][(k + 1u) & 3u] = float(k + 1u); v[k] += 1.0; }
	uint acc = 0u;
	for (uint k = 0u; k < 200u; k += 7u) acc += big[k];
	vec4 r = m * v;
	o[i] = acc + uint(r.x + 2.0*r.y + 4.0*r.z + 8.0*r.w);
}
