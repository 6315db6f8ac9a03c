#version 460
// 8- and 16-bit integers (shaderInt8/shaderInt16) and their storage: arithmetic with the wrap
// and sign semantics of the narrow type, conversions, bitcasts (pack/unpack), bitwise operations
// with negative constants, subgroup operations; loads and stores in storage buffers (byte/short
// granularity between lanes), a uniform buffer, push constants, shared memory and through a
// physical pointer; with robust buffer access, out-of-bounds loads give 0 and stores are dropped.
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_EXT_shader_subgroup_extended_types_int8 : require
#extension GL_EXT_shader_subgroup_extended_types_int16 : require
#extension GL_EXT_buffer_reference : require
layout(local_size_x = 64) in;
layout(buffer_reference, std430, buffer_reference_align = 1) buffer Bytes { int8_t v[]; };
layout(std430, set = 0, binding = 0) readonly buffer S8 { int8_t s8[]; };
layout(std430, set = 0, binding = 1) readonly buffer S16 { int16_t s16[]; };
layout(std430, set = 0, binding = 2) writeonly buffer O { int o[]; };
layout(std430, set = 0, binding = 3) writeonly buffer O8 { int8_t o8[]; };
layout(std430, set = 0, binding = 4) writeonly buffer O16 { int16_t o16[]; };
layout(std140, set = 0, binding = 5) uniform U { i16vec4 u16v; u8vec4 u8v; };
layout(push_constant) uniform P { int8_t pc8; uint8_t pcu8; int16_t pc16; int shift; Bytes bytes; };
shared int8_t sh8[64];
shared int16_t sh16[64];

void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint l = gl_LocalInvocationID.x;
	int8_t x = s8[i];
	int8_t y = s8[(i * 7u + 3u) % 128u];
	int16_t p = s16[i];
	int16_t q = s16[(i * 5u + 1u) % 128u];
	uint b = 48u * i;
	o[b + 0u] = int(x + y);
	o[b + 1u] = int(x - y);
	o[b + 2u] = int(x * y);
	o[b + 3u] = y != int8_t(0) ? int(x / y) : 99;
	o[b + 4u] = y != int8_t(0) ? int(uint8_t(x) % uint8_t(y)) : 99;
	o[b + 5u] = int(x >> 2);
	o[b + 6u] = int(uint8_t(x) >> 3);
	o[b + 7u] = int(x << int8_t(3));
	o[b + 8u] = x < y ? 1 : 0;
	o[b + 9u] = uint8_t(x) < uint8_t(y) ? 1 : 0;
	o[b + 10u] = int(min(x, y));
	o[b + 11u] = int(max(uint8_t(x), uint8_t(y)));
	o[b + 12u] = int(abs(x));
	o[b + 13u] = int(sign(x));
	o[b + 14u] = int(clamp(x, int8_t(-20), int8_t(30)));
	o[b + 15u] = int(-x);
	o[b + 16u] = int(~x);
	o[b + 17u] = int(int16_t(x) * int16_t(y));
	o[b + 18u] = int(int8_t(p));
	o[b + 19u] = int(uint16_t(x));
	o[b + 20u] = int(p + q);
	o[b + 21u] = int(p * q);
	o[b + 22u] = int(p >> 5);
	o[b + 23u] = p < q ? 1 : 0;
	o[b + 24u] = int(float(x) * 2.5);
	o[b + 25u] = int(int8_t(float(p) / 300.0));
	o[b + 26u] = pack32(i8vec4(x, y, int8_t(3), int8_t(-4)));
	o[b + 27u] = int(unpack8(i * 0x01fe7f80u).y) * 1000 + int(unpack8(int(i) * -0x01020304).w);
	o[b + 28u] = pack32(i16vec2(p, q));
	o[b + 29u] = int(unpack16(i * 0x9abc1234u).x) + int(unpack16(int(i) * 0x7fed8001).y) * 3;
	o[b + 30u] = int(int64_t(p) * int64_t(-3000000) >> 20);
	o[b + 31u] = int(int8_t(uint64_t(i) * 0x0123456789abcdeful));
	o[b + 32u] = int(pc8);
	o[b + 33u] = int(pcu8);
	o[b + 34u] = int(pc16) * int(x);
	o[b + 35u] = int(u16v[i % 4u]) + int(u8v[(i + 1u) % 4u]) * 100000;
	o[b + 36u] = int(x & int8_t(-16)) ^ int(x | int8_t(5));
	o[b + 37u] = int(subgroupAdd(x));
	o[b + 38u] = int(subgroupMin(x));
	o[b + 39u] = int(subgroupExclusiveMax(x));
	o[b + 40u] = int(subgroupInclusiveMin(p));
	o[b + 41u] = int(subgroupExclusiveMin(p));
	o[b + 42u] = int(subgroupMax(uint8_t(x)));
	o[b + 43u] = int(subgroupInclusiveMul(p));
	sh8[l] = x;
	sh16[l] = p;
	barrier();
	o[b + 44u] = int(sh8[63u - l]) * 100000 + int(sh16[(l + 9u) % 64u]);
	o[b + 45u] = int(s8[i + uint(shift)]);
	o[b + 46u] = int(bytes.v[i ^ 1u]);
	bytes.v[128u + i] = x * int8_t(3);
	o8[i] = x + int8_t(1);
	o16[i + uint(shift)] = p * int16_t(3);
}
