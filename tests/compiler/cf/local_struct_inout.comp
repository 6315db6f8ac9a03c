#version 450
// A struct with an array member passed inout to a function that also has an out parameter,
// indexed at run time in a per-lane loop; frexp's out parameter.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
struct S { uint v[4]; vec2 f; };
void upd(inout S s, uint k, out uint old) { old = s.v[k & 3u]; s.v[k & 3u] = old * 3u + k; }
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	S s;
	s.v = uint[4](x, x+1u, x+2u, x+3u);
	s.f = vec2(0.0);
	uint acc = 0u;
	for (uint k = 0u; k < (x & 31u); k++) {
		uint old;
		upd(s, x >> (k & 7u), old);
		acc += old;
	}
	int e;
	float m = frexp(float(x & 4095u) + 1.0, e);
	o[i] = acc + s.v[x & 3u] + uint(e) * 65536u + uint(m * 1024.0) * 4096u;
}
