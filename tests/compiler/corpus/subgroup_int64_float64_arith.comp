#version 460
// shaderSubgroupExtendedTypes, 64-bit part: reductions and inclusive/exclusive scans of 64-bit
// integers and doubles, and all-equal on 64-bit, double, vector and boolean values, inside a
// divergent branch (only the lanes with takes_part[i] != 0 run it).
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_vote : require
#extension GL_EXT_shader_subgroup_extended_types_int64 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint64_t a[]; };
layout(std430, set = 0, binding = 1) readonly buffer InF { double f[]; };
layout(std430, set = 0, binding = 2) readonly buffer Active { uint takes_part[]; };
layout(std430, set = 0, binding = 3) buffer Out { uint64_t o[]; };
layout(push_constant) uniform P { double nan_value; };

void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (takes_part[i] == 0u)
		return;
	uint64_t x = a[i];
	int64_t s = int64_t(x);
	double d = f[i];
	uint b = 40u * i;
	o[b + 0u] = subgroupAdd(x);
	o[b + 1u] = subgroupInclusiveAdd(x);
	o[b + 2u] = subgroupExclusiveAdd(x);
	o[b + 3u] = subgroupMul(x);
	o[b + 4u] = subgroupInclusiveMul(x);
	o[b + 5u] = subgroupExclusiveMul(x);
	o[b + 6u] = uint64_t(subgroupMin(s));
	o[b + 7u] = uint64_t(subgroupInclusiveMin(s));
	o[b + 8u] = uint64_t(subgroupExclusiveMin(s));
	o[b + 9u] = subgroupMin(x);
	o[b + 10u] = subgroupInclusiveMin(x);
	o[b + 11u] = subgroupExclusiveMin(x);
	o[b + 12u] = uint64_t(subgroupMax(s));
	o[b + 13u] = uint64_t(subgroupInclusiveMax(s));
	o[b + 14u] = uint64_t(subgroupExclusiveMax(s));
	o[b + 15u] = subgroupMax(x);
	o[b + 16u] = subgroupInclusiveMax(x);
	o[b + 17u] = subgroupExclusiveMax(x);
	o[b + 18u] = subgroupAnd(x);
	o[b + 19u] = subgroupInclusiveAnd(x);
	o[b + 20u] = subgroupExclusiveAnd(x);
	o[b + 21u] = subgroupOr(x);
	o[b + 22u] = subgroupInclusiveOr(x);
	o[b + 23u] = subgroupExclusiveOr(x);
	o[b + 24u] = subgroupXor(x);
	o[b + 25u] = subgroupInclusiveXor(x);
	o[b + 26u] = subgroupExclusiveXor(x);
	o[b + 27u] = doubleBitsToUint64(subgroupAdd(d));
	o[b + 28u] = doubleBitsToUint64(subgroupInclusiveAdd(d));
	o[b + 29u] = doubleBitsToUint64(subgroupExclusiveMul(d));
	o[b + 30u] = doubleBitsToUint64(subgroupMin(d));
	o[b + 31u] = doubleBitsToUint64(subgroupInclusiveMax(d));
	o[b + 32u] = doubleBitsToUint64(subgroupExclusiveMin(d));
	// a vector: every component is reduced on its own
	u64vec2 v = subgroupInclusiveAdd(u64vec2(x, x >> 7));
	o[b + 33u] = v.x ^ v.y;
	o[b + 34u] = doubleBitsToUint64(subgroupMul(d));
	uint eq = 0u;
	eq |= subgroupAllEqual(x) ? 1u : 0u;
	eq |= subgroupAllEqual((uint64_t(gl_SubgroupID) << 40) | 5ul) ? 2u : 0u;
	eq |= subgroupAllEqual(x | 0xffffffff00000000ul) ? 4u : 0u;   // differs only in the low half
	eq |= subgroupAllEqual((gl_SubgroupInvocationID & 1u) == 0u ? 0.0lf : -0.0lf) ? 8u : 0u;
	eq |= subgroupAllEqual(nan_value) ? 16u : 0u;
	eq |= subgroupAllEqual(dvec2(1.5lf, d)) ? 32u : 0u;
	eq |= subgroupAllEqual(uvec2(7u, uint(x) & 1u)) ? 64u : 0u;
	eq |= subgroupAllEqual(x > 0x8000000000000000ul) ? 128u : 0u;
	eq |= subgroupAllEqual((x & 0xffffffffu) == 0ul) ? 256u : 0u;
	o[b + 35u] = uint64_t(eq);
}
