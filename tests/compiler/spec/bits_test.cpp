// Integer and bit operations at the edges the SPIR-V specification defines: bitfieldExtract /
// bitfieldInsert for every (offset, count) with offset + count <= 32 (count 0 and 32 included),
// shifts by every amount below the width, bitCount / bitfieldReverse / findLSB / findMSB on
// 8/16/32/64-bit values, and the 64-bit integer operations (OpNot, shifts, abs, sign, min, max,
// clamp), against host references on every revision/profile in checked mode.
#include "spec_util.h"

using namespace mica::compiler;
using namespace mica::compiler::spectest;

namespace {

const char *kBits32 = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { uvec4 v[]; } inp;   // x, y, offset, count
layout(std430, set = 0, binding = 1) buffer Out { uint r[]; } o;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uvec4 a = inp.v[i];
	int off = int(a.z), cnt = int(a.w);
	uint s = (a.z + a.w) & 31u;
	uint b = i * 16u;
	o.r[b + 0u] = bitfieldExtract(a.x, off, cnt);
	o.r[b + 1u] = uint(bitfieldExtract(int(a.x), off, cnt));
	o.r[b + 2u] = bitfieldInsert(a.x, a.y, off, cnt);
	o.r[b + 3u] = uint(bitfieldInsert(int(a.x), int(a.y), off, cnt));
	o.r[b + 4u] = uint(bitCount(a.x));
	o.r[b + 5u] = bitfieldReverse(a.x);
	o.r[b + 6u] = a.x << s;
	o.r[b + 7u] = a.x >> s;
	o.r[b + 8u] = uint(int(a.x) >> s);
	o.r[b + 9u] = uint(findLSB(a.x));
	o.r[b + 10u] = uint(findMSB(a.x));
	o.r[b + 11u] = uint(findMSB(int(a.x)));
	// constant offsets/counts (the folding paths): the full width and the top bits
	o.r[b + 12u] = bitfieldExtract(a.x, 0, 32) ^ uint(bitfieldExtract(int(a.y), 0, 32));
	o.r[b + 13u] = bitfieldInsert(a.x, a.y, 0, 32);
	o.r[b + 14u] = uint(bitfieldExtract(int(a.x), 31, 1)) + bitfieldExtract(a.y, 8, 24);
	o.r[b + 15u] = bitfieldInsert(a.x, a.y, 16, 16) ^ bitfieldExtract(a.x, 5, 0);
}
)";

uint32_t bfe_u(uint32_t x, uint32_t off, uint32_t cnt) { return cnt == 0 ? 0 : (uint32_t)((uint64_t)x >> off) & (uint32_t)((1ull << cnt) - 1); }
uint32_t bfe_s(uint32_t x, uint32_t off, uint32_t cnt)
{
	if (cnt == 0)
		return 0;
	uint32_t v = bfe_u(x, off, cnt);
	return cnt < 32 && (v >> (cnt - 1)) & 1 ? v | ~(uint32_t)((1ull << cnt) - 1) : v;
}
uint32_t bfi(uint32_t base, uint32_t ins, uint32_t off, uint32_t cnt)
{
	uint32_t mask = (uint32_t)(((1ull << cnt) - 1) << off);
	return (base & ~mask) | ((uint32_t)((uint64_t)ins << off) & mask);
}
uint32_t rev32(uint32_t x)
{
	uint32_t r = 0;
	for (int k = 0; k < 32; k++)
		r |= ((x >> k) & 1u) << (31 - k);
	return r;
}
uint32_t find_lsb(uint32_t x) { return x ? (uint32_t)std::countr_zero(x) : ~0u; }
uint32_t find_umsb(uint32_t x) { return x ? 31u - (uint32_t)std::countl_zero(x) : ~0u; }
uint32_t find_smsb(uint32_t x) { return find_umsb((int32_t)x < 0 ? ~x : x); }

void bitfield32_every_offset_and_count(int opt_level)
{
	// Every (offset, count) with offset + count <= 32: 561 pairs on 9 workgroups of 64.
	std::vector<std::pair<uint32_t, uint32_t>> pairs;
	for (uint32_t off = 0; off <= 32; off++)
		for (uint32_t cnt = 0; off + cnt <= 32; cnt++)
			pairs.push_back({off, cnt});
	const uint32_t lanes = 9 * 64;
	std::vector<uint32_t> in(4 * lanes);
	uint32_t seed = 3;
	const uint32_t specials[] = {0u, ~0u, 0x80000000u, 1u, 0x7fffffffu, 0x55555555u};
	for (uint32_t i = 0; i < lanes; i++) {
		in[4 * i] = i < 6 ? specials[i] : lcg(seed);
		in[4 * i + 1] = lcg(seed);
		auto [off, cnt] = pairs[i % pairs.size()];
		in[4 * i + 2] = off;
		in[4 * i + 3] = cnt;
	}
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data = in;
		b[1].data.assign(16 * lanes, 0);
		return b;
	};
	run_everywhere(glsl_for(kBits32, "vulkan1.2"), make, {}, 9, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const uint32_t x = in[4 * i], y = in[4 * i + 1], off = in[4 * i + 2], cnt = in[4 * i + 3], s = (off + cnt) & 31;
			const uint32_t want[16] = {bfe_u(x, off, cnt), bfe_s(x, off, cnt), bfi(x, y, off, cnt), bfi(x, y, off, cnt),
			                           (uint32_t)std::popcount(x), rev32(x), x << s, x >> s, (uint32_t)((int32_t)x >> s),
			                           find_lsb(x), find_umsb(x), find_smsb(x), x ^ y, y,
			                           (x >> 31 ? ~0u : 0u) + (y >> 8), bfi(x, y, 16, 16)};
			for (uint32_t k = 0; k < 16; k++)
				ASSERT_EQ(b[1].data[16 * i + k], want[k])
					<< where << " lane " << i << " result " << k << " x=" << std::hex << x << " y=" << y << std::dec
					<< " offset " << off << " count " << cnt;
		}
	}, opt_level);
}

TEST(Bits, Bitfield32EveryOffsetAndCount) { bitfield32_every_offset_and_count(2); }
TEST(Bits, Bitfield32EveryOffsetAndCountUnoptimised) { bitfield32_every_offset_and_count(0); }

const char *kInt64 = R"(#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { u64vec2 v[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { uint64_t r[]; } o;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint64_t x = inp.v[i].x, y = inp.v[i].y;
	int64_t sx = int64_t(x), sy = int64_t(y);
	uint s = i % 64u;
	uint b = i * 16u;
	o.r[b + 0u] = ~x;
	o.r[b + 1u] = x << s;
	o.r[b + 2u] = x >> s;
	o.r[b + 3u] = uint64_t(sx >> s);
	o.r[b + 4u] = uint64_t(abs(sx));
	o.r[b + 5u] = uint64_t(sign(sx));
	o.r[b + 6u] = uint64_t(min(sx, sy));
	o.r[b + 7u] = uint64_t(max(sx, sy));
	o.r[b + 8u] = min(x, y);
	o.r[b + 9u] = max(x, y);
	int64_t lo = min(sy, -sy), hi = max(sy, -sy);
	o.r[b + 10u] = uint64_t(clamp(sx, lo, hi));
	o.r[b + 11u] = clamp(x, min(y, y >> 1), max(y, y >> 1));
	o.r[b + 12u] = uint64_t(-sx) ^ (x * y);
	o.r[b + 13u] = uint64_t(~sx & sy | (sx ^ int64_t(y << 3)));
	o.r[b + 14u] = x << 32 | x >> 32;
	o.r[b + 15u] = uint64_t(sx >> 63) + (x >> 63) + (x << 63);
}
)";

TEST(Bits, Int64OperationsAndShiftsByEveryAmount)
{
	const uint32_t lanes = 128;
	std::vector<uint64_t> in(2 * lanes);
	uint32_t seed = 8;
	const uint64_t specials[] = {0, ~0ull, 1ull << 63, 1, (1ull << 63) - 1, 0xffffffffull, 0x100000000ull};
	for (uint32_t i = 0; i < 2 * lanes; i++)
		in[i] = i < 7 ? specials[i] : ((uint64_t)lcg(seed) << 32 | lcg(seed)) >> (lcg(seed) % 3 == 0 ? 33 : 0);
	in[2 * 20 + 1] = 1ull << 63;   // min/max/abs with INT64_MIN
	in[2 * 21] = 1ull << 63;
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		for (uint64_t v : in) {
			b[0].data.push_back((uint32_t)v);
			b[0].data.push_back((uint32_t)(v >> 32));
		}
		b[1].data.assign(32 * lanes, 0);
		return b;
	};
	run_everywhere(glsl_for(kInt64, "vulkan1.2"), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const uint64_t x = in[2 * i], y = in[2 * i + 1];
			const int64_t sx = (int64_t)x, sy = (int64_t)y;
			const uint32_t s = i % 64;
			const int64_t lo = std::min(sy, (int64_t)(0 - y)), hi = std::max(sy, (int64_t)(0 - y));
			const uint64_t want[16] = {~x, x << s, x >> s, (uint64_t)(sx >> s),
			                           sx < 0 ? 0 - x : x, (uint64_t)(int64_t)(sx > 0 ? 1 : sx < 0 ? -1 : 0),
			                           (uint64_t)std::min(sx, sy), (uint64_t)std::max(sx, sy), std::min(x, y), std::max(x, y),
			                           (uint64_t)std::min(std::max(sx, lo), hi),
			                           std::min(std::max(x, std::min(y, y >> 1)), std::max(y, y >> 1)),
			                           (0 - x) ^ (x * y), (uint64_t)((~sx & sy) | (sx ^ (int64_t)(y << 3))),
			                           x << 32 | x >> 32, (uint64_t)(sx >> 63) + (x >> 63) + (x << 63)};
			for (uint32_t k = 0; k < 16; k++) {
				const uint64_t got = (uint64_t)b[1].data[32 * i + 2 * k] | ((uint64_t)b[1].data[32 * i + 2 * k + 1] << 32);
				ASSERT_EQ(got, want[k]) << where << " lane " << i << " result " << k << std::hex << " x=" << x << " y=" << y;
			}
		}
	});
}

} // namespace

namespace {

// 64-bit umulExtended / imulExtended / uaddCarry / usubBorrow (OpUMulExtended etc. on 64-bit
// operands) against 128-bit host arithmetic.
const char *kExtended64 = R"(
               OpCapability Shader
               OpCapability Int64
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "main" %gid %inb %outb
               OpExecutionMode %main LocalSize 64 1 1
               OpDecorate %gid BuiltIn GlobalInvocationId
               OpDecorate %rt ArrayStride 8
               OpMemberDecorate %blk 0 Offset 0
               OpDecorate %blk Block
               OpDecorate %inb DescriptorSet 0
               OpDecorate %inb Binding 0
               OpDecorate %outb DescriptorSet 0
               OpDecorate %outb Binding 1
       %void = OpTypeVoid
         %fn = OpTypeFunction %void
       %uint = OpTypeInt 32 0
        %u64 = OpTypeInt 64 0
        %s64 = OpTypeInt 64 1
      %uvec3 = OpTypeVector %uint 3
     %pinput = OpTypePointer Input %uvec3
        %gid = OpVariable %pinput Input
         %rt = OpTypeRuntimeArray %u64
        %blk = OpTypeStruct %rt
       %pblk = OpTypePointer StorageBuffer %blk
        %inb = OpVariable %pblk StorageBuffer
       %outb = OpVariable %pblk StorageBuffer
       %pu64 = OpTypePointer StorageBuffer %u64
      %pair = OpTypeStruct %u64 %u64
     %spair = OpTypeStruct %s64 %s64
     %uint_0 = OpConstant %uint 0
     %uint_1 = OpConstant %uint 1
     %uint_2 = OpConstant %uint 2
     %uint_3 = OpConstant %uint 3
     %uint_4 = OpConstant %uint 4
     %uint_5 = OpConstant %uint 5
     %uint_6 = OpConstant %uint 6
     %uint_7 = OpConstant %uint 7
     %uint_8 = OpConstant %uint 8
       %main = OpFunction %void None %fn
      %entry = OpLabel
         %g3 = OpLoad %uvec3 %gid
          %i = OpCompositeExtract %uint %g3 0
        %i2 = OpIMul %uint %i %uint_2
       %i21 = OpIAdd %uint %i2 %uint_1
         %px = OpAccessChain %pu64 %inb %uint_0 %i2
         %py = OpAccessChain %pu64 %inb %uint_0 %i21
          %x = OpLoad %u64 %px
          %y = OpLoad %u64 %py
         %sx = OpBitcast %s64 %x
         %sy = OpBitcast %s64 %y
         %um = OpUMulExtended %pair %x %y
         %sm = OpSMulExtended %spair %sx %sy
         %ac = OpIAddCarry %pair %x %y
         %sb = OpISubBorrow %pair %x %y
          %b = OpIMul %uint %i %uint_8
         %r0 = OpCompositeExtract %u64 %um 0
         %r1 = OpCompositeExtract %u64 %um 1
        %s2 = OpCompositeExtract %s64 %sm 0
        %s3 = OpCompositeExtract %s64 %sm 1
         %r2 = OpBitcast %u64 %s2
         %r3 = OpBitcast %u64 %s3
         %r4 = OpCompositeExtract %u64 %ac 0
         %r5 = OpCompositeExtract %u64 %ac 1
         %r6 = OpCompositeExtract %u64 %sb 0
         %r7 = OpCompositeExtract %u64 %sb 1
        %o0i = OpIAdd %uint %b %uint_0
         %o0 = OpAccessChain %pu64 %outb %uint_0 %o0i
               OpStore %o0 %r0
        %o1i = OpIAdd %uint %b %uint_1
         %o1 = OpAccessChain %pu64 %outb %uint_0 %o1i
               OpStore %o1 %r1
        %o2i = OpIAdd %uint %b %uint_2
         %o2 = OpAccessChain %pu64 %outb %uint_0 %o2i
               OpStore %o2 %r2
        %o3i = OpIAdd %uint %b %uint_3
         %o3 = OpAccessChain %pu64 %outb %uint_0 %o3i
               OpStore %o3 %r3
        %o4i = OpIAdd %uint %b %uint_4
         %o4 = OpAccessChain %pu64 %outb %uint_0 %o4i
               OpStore %o4 %r4
        %o5i = OpIAdd %uint %b %uint_5
         %o5 = OpAccessChain %pu64 %outb %uint_0 %o5i
               OpStore %o5 %r5
        %o6i = OpIAdd %uint %b %uint_6
         %o6 = OpAccessChain %pu64 %outb %uint_0 %o6i
               OpStore %o6 %r6
        %o7i = OpIAdd %uint %b %uint_7
         %o7 = OpAccessChain %pu64 %outb %uint_0 %o7i
               OpStore %o7 %r7
               OpReturn
               OpFunctionEnd
)";

TEST(Bits, Int64ExtendedMultiplyAddSubtract)
{
	const uint32_t lanes = 128;
	std::vector<uint64_t> in(2 * lanes);
	uint32_t seed = 12;
	const uint64_t specials[] = {0, ~0ull, 1ull << 63, ~0ull, (1ull << 63) - 1, 1ull << 63, 0xffffffffull, 0x100000000ull};
	for (uint32_t i = 0; i < 2 * lanes; i++)
		in[i] = i < 8 ? specials[i] : ((uint64_t)lcg(seed) << 32 | lcg(seed)) >> (lcg(seed) % 4 == 0 ? lcg(seed) % 64 : 0);
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		for (uint64_t v : in) {
			b[0].data.push_back((uint32_t)v);
			b[0].data.push_back((uint32_t)(v >> 32));
		}
		b[1].data.assign(16 * lanes, 0);
		return b;
	};
	run_everywhere(assemble(kExtended64), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const uint64_t x = in[2 * i], y = in[2 * i + 1];
			const unsigned __int128 up = (unsigned __int128)x * y;
			const __int128 sp = (__int128)(int64_t)x * (__int128)(int64_t)y;
			const uint64_t want[8] = {(uint64_t)up, (uint64_t)(up >> 64), (uint64_t)sp, (uint64_t)((unsigned __int128)sp >> 64),
			                          x + y, x + y < x ? 1u : 0u, x - y, x < y ? 1u : 0u};
			for (uint32_t k = 0; k < 8; k++) {
				const uint64_t got = (uint64_t)b[1].data[16 * i + 2 * k] | ((uint64_t)b[1].data[16 * i + 2 * k + 1] << 32);
				ASSERT_EQ(got, want[k]) << where << " lane " << i << " result " << k << std::hex << " x=" << x << " y=" << y;
			}
		}
	});
}

} // namespace

namespace {

// 64-bit division and modulo with small and large magnitudes of both signs (GLSL % on signed
// values is OpSMod: the sign of the divisor).
const char *kDiv64 = R"(#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { i64vec2 v[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { int64_t r[]; } o;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	int64_t x = inp.v[i].x, y = inp.v[i].y;
	o.r[4u * i] = x / y;
	o.r[4u * i + 1u] = x % y;
	o.r[4u * i + 2u] = int64_t(uint64_t(x) / uint64_t(y));
	o.r[4u * i + 3u] = int64_t(uint64_t(x) % uint64_t(y));
}
)";

TEST(Bits, Int64DivisionAndModuloSigns)
{
	const uint32_t lanes = 256;
	std::vector<int64_t> in(2 * lanes);
	uint32_t seed = 5;
	for (uint32_t i = 0; i < lanes; i++) {
		auto mag = [&](uint32_t kind) -> int64_t {
			switch (kind % 4) {
			case 0: return 1 + lcg(seed) % 1000;                                   // small
			case 1: return (int64_t)(((uint64_t)lcg(seed) << 31) | lcg(seed));    // large
			case 2: return 1 + lcg(seed) % 7;                                      // tiny
			default: return (int64_t)((((uint64_t)lcg(seed) << 32) | lcg(seed)) >> 2);
			}
		};
		int64_t x = mag(i), y = mag(i / 4);
		if (i & 16)
			x = -x;
		if (i & 32)
			y = -y;
		in[2 * i] = x;
		in[2 * i + 1] = y;
	}
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		for (int64_t v : in) {
			b[0].data.push_back((uint32_t)(uint64_t)v);
			b[0].data.push_back((uint32_t)((uint64_t)v >> 32));
		}
		b[1].data.assign(8 * lanes, 0);
		return b;
	};
	run_everywhere(glsl_for(kDiv64, "vulkan1.2"), make, {}, lanes / 64, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const int64_t x = in[2 * i], y = in[2 * i + 1];
			int64_t mod = x % y;
			if (mod != 0 && ((mod < 0) != (y < 0)))
				mod += y;
			const uint64_t want[4] = {(uint64_t)(x / y), (uint64_t)mod, (uint64_t)x / (uint64_t)y, (uint64_t)x % (uint64_t)y};
			for (uint32_t k = 0; k < 4; k++) {
				const uint64_t got = (uint64_t)b[1].data[8 * i + 2 * k] | ((uint64_t)b[1].data[8 * i + 2 * k + 1] << 32);
				ASSERT_EQ(got, want[k]) << where << " lane " << i << " result " << k << " x=" << x << " y=" << y;
			}
		}
	});
}

} // namespace
