#version 460
// 16-bit float arithmetic (shaderFloat16): add, sub, mul, div, sqrt, fma-free expressions, min,
// max, abs, negate, floor, comparisons, conversions to and from f32/int/int16, vectors and dot,
// and subgroup reductions/scans of halves (the f16 instructions). Every f16 operation is
// correctly rounded (computed in f32, rounded to f16).
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_EXT_shader_subgroup_extended_types_float16 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float16_t a[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float16_t o[]; };
layout(std430, set = 0, binding = 2) writeonly buffer OutI { int oi[]; };

void main()
{
	uint i = gl_GlobalInvocationID.x;
	float16_t x = a[i];
	float16_t y = a[(i * 7u + 3u) % 128u];
	uint b = 16u * i;
	o[b + 0u] = x + y;
	o[b + 1u] = x - y;
	o[b + 2u] = x * y;
	o[b + 3u] = x / y;
	o[b + 4u] = sqrt(abs(x));
	o[b + 5u] = min(x, y);
	o[b + 6u] = max(-x, y);
	o[b + 7u] = floor(x);
	o[b + 8u] = float16_t(float(x) * 0.3);
	o[b + 9u] = float16_t(int(i) * 37 - 2000);
	f16vec3 v = f16vec3(x, y, float16_t(0.5)) * float16_t(2.0) + f16vec3(y);
	o[b + 10u] = v.x;
	o[b + 11u] = v.z;
	o[b + 12u] = subgroupAdd(float16_t(int(i % 32u) - 10));
	o[b + 13u] = subgroupInclusiveMul(i % 32u < 12u ? float16_t(-2.0) : float16_t(1.0));
	o[b + 14u] = subgroupExclusiveMin(x);
	o[b + 15u] = subgroupMax(y);
	uint c = 0u;
	c |= x < y ? 1u : 0u;
	c |= x == y ? 2u : 0u;
	c |= x >= float16_t(0.0) ? 4u : 0u;
	c |= isnan(x / y) ? 8u : 0u;
	oi[2u * i] = int(c);
	oi[2u * i + 1u] = int(x) + int(int16_t(y)) * 100000;
}
