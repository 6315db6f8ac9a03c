#version 450
// matrices: products with vectors and matrices, transpose, outer product, scalar product, and
// matrices in a std430 block (column-major mat3 with a 16-byte column stride, row_major mat2x3)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer InB { mat3 m3; layout(row_major) mat2x3 rm; };
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
layout(push_constant) uniform P { uint n; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n)
		return;
	float x = a[i];
	float y = a[(i + 1u) % pc.n];
	mat3 m = mat3(x, y, x + y, x - y, 1.0, 2.0, 3.0, x * y, 0.5);
	vec3 v = vec3(y, 1.0, x);
	float r = dot(m * v, vec3(1.0, 2.0, 3.0)) + (v * m).z + (m * transpose(m))[1][2] + outerProduct(v, v)[2][0] +
	          (m * 2.0)[0][1];
	r += (m3 * vec3(x, 1.0, 2.0)).y + (rm * vec2(x, 1.0)).z;
	o[i] = r;
}
