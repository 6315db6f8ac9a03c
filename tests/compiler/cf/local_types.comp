#version 450
// Run-time indexed locals of every width: a constant lookup table, 64-bit integers, doubles,
// 8-bit integers, booleans and an array of structs with a vec3 member; a module-scope (Private)
// array.
#extension GL_EXT_shader_explicit_arithmetic_types : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
struct P { vec3 pos; uint id; };
uint priv[12];
void main()
{
	const uint lut[8] = uint[](3u, 1u, 4u, 1u, 5u, 9u, 2u, 6u);
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint64_t w[6];
	double d[5];
	uint8_t b[10];
	bool f[7];
	P ps[4];
	for (uint k = 0u; k < 6u; k++) w[k] = uint64_t(x) << (k * 5u);
	for (uint k = 0u; k < 5u; k++) d[k] = double(k) * 0.5;
	for (uint k = 0u; k < 10u; k++) b[k] = uint8_t(x >> k);
	for (uint k = 0u; k < 7u; k++) f[k] = ((x >> k) & 1u) != 0u;
	for (uint k = 0u; k < 4u; k++) { ps[k].pos = vec3(float(k), float(x & 15u), 1.0); ps[k].id = k * 10u; }
	for (uint k = 0u; k < 12u; k++) priv[k] = k ^ x;
	uint acc = 0u;
	for (uint k = 0u; k < (x & 15u); k++) {
		uint j = (x >> k) & 7u;
		acc += lut[j];
		w[j % 6u] += uint64_t(k) << 33;
		d[j % 5u] += 1.25;
		b[(j + k) % 10u] += uint8_t(200u);
		f[j % 7u] = !f[j % 7u];
		ps[j & 3u].pos[k % 3u] += 2.0;
		ps[j & 3u].id += 1u;
		priv[(j * 3u + k) % 12u] += 1u;
	}
	uint sel = x % 6u;
	acc += uint(w[sel] >> 32) + uint(w[sel]);
	acc += uint(d[x % 5u] * 4.0);
	acc += uint(b[x % 10u]) * 7u;
	acc += f[x % 7u] ? 1000u : 0u;
	P q = ps[x & 3u];
	acc += uint(q.pos.x + q.pos.y * 3.0 + q.pos.z * 5.0) + q.id;
	acc += priv[x % 12u];
	o[i] = acc;
}
