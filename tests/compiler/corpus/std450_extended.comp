#version 450
// GLSL.std.450 functions added for issue 10 (hyperbolic and inverse hyperbolic, faceforward /
// reflect / refract, modf, frexp, ldexp, fma, matrix inverse and determinant), run through Vulkan
// on Mica and lavapipe (tests/vulkan/test_corpus.cpp) with inputs in [-8, 8].
layout(local_size_x = 16) in;
layout(set = 0, binding = 0) readonly buffer In { vec4 a[]; };
layout(set = 0, binding = 1) writeonly buffer Out { float r[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	vec4 v = a[i];
	vec4 u = a[i + 100u] / 8.0;
	float x = v.x / 8.0, y = v.y / 8.0, z = v.z / 8.0;
	uint k = i * 48u;
	r[k + 0u] = sinh(x * 2.0); r[k + 1u] = cosh(x * 2.0); r[k + 2u] = tanh(v.x);
	r[k + 3u] = asinh(v.y); r[k + 4u] = acosh(1.0 + abs(v.z)); r[k + 5u] = atanh(z * 0.95);
	vec3 n = normalize(vec3(x, y, 1.0)), iv = normalize(vec3(y, z, -1.0));
	vec3 ff = faceforward(n, iv, u.xyz), rf = reflect(iv, n), rr = refract(iv, n, 0.5 + abs(u.w));
	r[k + 6u] = ff.x; r[k + 7u] = ff.y; r[k + 8u] = ff.z;
	r[k + 9u] = rf.x; r[k + 10u] = rf.y; r[k + 11u] = rf.z;
	r[k + 12u] = rr.x; r[k + 13u] = rr.y; r[k + 14u] = rr.z;
	float w;
	r[k + 15u] = modf(v.w * 3.3, w); r[k + 16u] = w;
	int e;
	r[k + 17u] = frexp(v.x * 100.0, e); r[k + 18u] = float(e);
	r[k + 19u] = ldexp(v.y, int(i % 20u) - 10); r[k + 20u] = fma(x, y, z);
	mat2 m2 = mat2(4.0 + x, y, z, 4.0 - x);
	mat2 i2 = inverse(m2);
	r[k + 21u] = i2[0][0]; r[k + 22u] = i2[0][1]; r[k + 23u] = i2[1][0]; r[k + 24u] = i2[1][1];
	mat3 m3 = mat3(4.0 + x, y, z, u.x, 4.0 - y, u.y, u.z, u.w, 4.0 + z);
	mat3 i3 = inverse(m3);
	for (int c = 0; c < 3; c++)
		for (int row = 0; row < 3; row++)
			r[k + 25u + uint(3 * c + row)] = i3[c][row];
	mat4 m4 = mat4(4.0 + x, y, z, u.x, u.y, 4.0 - y, u.z, x, u.w, z, 4.0 + z, y, x, u.x, u.y, 4.0 - z);
	mat4 i4 = inverse(m4);
	for (int c = 0; c < 4; c++)
		r[k + 34u + uint(c)] = i4[c][c] + i4[c][3 - c];
	r[k + 38u] = determinant(m4) / 256.0;
	r[k + 39u] = determinant(m3) / 64.0;
}
