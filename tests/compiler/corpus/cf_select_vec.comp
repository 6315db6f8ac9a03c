#version 450
// vectors: component-wise ops, swizzles, bvec any/all
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uvec4 v = uvec4(x, x >> 8, x >> 16, x >> 24) & 0xffu;
	uvec4 w = v * uvec4(1u, 2u, 3u, 4u) + v.wzyx;
	bvec4 big = greaterThan(w, uvec4(200u));
	uint r = ((x & 1u) != 0u ? w.y : w.z) + (any(big) ? 1000u : 0u) + (all(big) ? 2000u : 0u);
	o[i] = r;
}
