#version 450
#extension GL_EXT_scalar_block_layout : require
// Scalar block layout (vec3 arrays with a 12-byte stride, a row-major matrix with 8-byte rows,
// members at 4-byte offsets) and std430 uniform blocks (issue 10); through Vulkan on Mica and
// lavapipe (tests/vulkan/test_corpus.cpp).
layout(local_size_x = 16) in;
struct P { float a; vec3 b; vec2 c; };
layout(scalar, set = 0, binding = 0) buffer S { vec3 v[64]; P p[16]; layout(row_major) mat2x3 m[4]; float last; };
layout(std430, set = 0, binding = 1) uniform U { float f[8]; vec3 w[4]; };
layout(scalar, set = 0, binding = 2) writeonly buffer O { vec3 ov[64]; P op[16]; float r[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	vec3 x = v[i];
	P q = p[(i + 3u) % 16u];
	ov[i] = x * 2.0 + q.b;
	op[i % 16u] = P(q.a + f[i % 8u], q.b * w[i % 4u], q.c + m[i % 4u][i % 2u].xy);
	r[4u * i] = m[(i + 1u) % 4u][1][i % 3u];
	r[4u * i + 1u] = last + v[(i * 7u) % 64u].z;
	r[4u * i + 2u] = w[(i + 2u) % 4u].y;
	r[4u * i + 3u] = p[i % 16u].c.y;
}
