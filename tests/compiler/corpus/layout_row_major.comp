#version 450
// Row-major matrices through arrays and nested structs, std430 and std140 (issue 10): whole
// matrices, columns and elements with dynamic indices, loads and stores; through Vulkan on Mica
// and lavapipe (tests/vulkan/test_corpus.cpp).
layout(local_size_x = 16) in;
struct Inner { float a; mat2x3 m; vec3 v; };
struct Outer { Inner in_[2]; mat3 c; };
layout(std430, set = 0, binding = 0) buffer Src {
	layout(row_major) mat3x4 rm[6]; layout(row_major) Outer o[3]; mat4x3 cm[2]; layout(column_major) Inner ci;
};
layout(std140, set = 0, binding = 1) uniform U { layout(row_major) mat3 urm[2]; layout(row_major) Inner ui; float tail; };
layout(std430, set = 0, binding = 2) buffer Dst { float r[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Dst2 { layout(row_major) mat3x4 rm2[6]; layout(row_major) Outer o2[3]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint k = i * 64u;
	mat3x4 a = rm[i % 6u];
	for (int c = 0; c < 3; c++)
		for (int row = 0; row < 4; row++)
			r[k + uint(4 * c + row)] = a[c][row];
	vec4 col = rm[(i + 1u) % 6u][i % 3u];
	r[k + 12u] = col.x; r[k + 13u] = col.y; r[k + 14u] = col.z; r[k + 15u] = col.w;
	r[k + 16u] = rm[(i + 2u) % 6u][(i + 1u) % 3u][i % 4u];
	Inner in_ = o[i % 3u].in_[(i / 3u) % 2u];
	r[k + 17u] = in_.a;
	for (int c = 0; c < 2; c++)
		for (int row = 0; row < 3; row++)
			r[k + 18u + uint(3 * c + row)] = in_.m[c][row];
	vec3 oc = o[(i + 1u) % 3u].c[i % 3u];
	r[k + 24u] = oc.x; r[k + 25u] = oc.y; r[k + 26u] = oc.z;
	r[k + 27u] = cm[i % 2u][i % 4u][i % 3u];
	r[k + 28u] = ci.m[i % 2u][(i + 1u) % 3u];
	mat3 um = urm[i % 2u];
	for (int c = 0; c < 3; c++)
		for (int row = 0; row < 3; row++)
			r[k + 29u + uint(3 * c + row)] = um[c][row];
	vec3 ucol = urm[1][i % 3u];
	r[k + 38u] = ucol.x + ui.m[i % 2u][i % 3u] + tail;
	// stores into a buffer nobody reads: row-major matrices, one column, one element
	if (i < 6u) {
		rm2[i] = a * 2.0 + mat3x4(1.0);
		rm2[i][(i + 1u) % 3u] = col;
		rm2[i][2][i % 4u] = -1.0;
		o2[i % 3u].in_[i / 3u].m[i % 2u] = vec3(float(i), 0.5, -0.5);
	}
}
