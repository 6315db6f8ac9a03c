// Execution tests of the Vulkan 1.3 shader features the front end implements: buffer device
// addresses, integer dot products, zero-initialised shared memory, subgroup broadcast with a
// dynamic id, subgroup extended types (64-bit, 8/16-bit and half reductions and scans), 8- and
// 16-bit integers and storage, 16-bit floats, 64-bit atomics, robust buffer access and empty structs. Every shader runs on the device model in
// checked hazard mode on r1/r2 x perf/lowpower against a host reference. GLSL shaders are in
// corpus/, SPIR-V assembly (forms glslang does not produce) in spvasm/.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

struct Config {
	uint32_t rev, profile;
};
const Config kConfigs[] = {{1, 0}, {1, 1}, {2, 0}, {2, 1}};

uint32_t lcg(uint32_t &s)
{
	s = s * 1664525u + 1013904223u;
	return s;
}

std::vector<uint32_t> glsl(const std::string &file)
{
	std::string src = read_text(corpus_dir() + "/" + file);
	EXPECT_FALSE(src.empty()) << file;
	auto spv = glsl_to_spirv(src, file);
	if (auto *e = std::get_if<CompileError>(&spv)) {
		ADD_FAILURE() << file << ": " << e->message;
		return {};
	}
	return std::get<std::vector<uint32_t>>(spv);
}


// Compiles 'spv' for every revision/profile, runs it with the buffers 'make' builds and checks
// the results with 'check'.
void run_everywhere(const std::vector<uint32_t> &spv, const std::function<std::vector<Buffer>()> &make,
                    const std::vector<uint32_t> &push, uint32_t groups_x,
                    const std::function<void(const std::vector<Buffer> &, const std::string &)> &check,
                    bool robust = false, bool robust2 = false)
{
	ASSERT_FALSE(spv.empty());
	for (const Config &cfg : kConfigs) {
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.robust_buffer_access = robust;
		o.robust_buffer_access2 = robust2;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << "compile: " << e->message;
		std::vector<Buffer> bufs = make();
		const uint32_t groups[3] = {groups_x, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, push, groups);
		std::string where = "r" + std::to_string(cfg.rev) + "/" + (cfg.profile ? "lowpower" : "perf");
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		check(bufs, where);
	}
}

// 'n' buffers at set 0, bindings 0..n-1.
std::vector<Buffer> bound_buffers(uint32_t n)
{
	std::vector<Buffer> b(n);
	for (uint32_t k = 0; k < n; k++)
		b[k].binding = k;
	return b;
}

float u2f(uint32_t u) { return std::bit_cast<float>(u); }
uint32_t f2u(float f) { return std::bit_cast<uint32_t>(f); }

TEST(BufferDeviceAddress, PushConstantPointerUvec2AndPerLaneAddresses)
{
	// push: Vec4s data (offset 0), uvec2 counter_bits (offset 8)
	std::vector<uint32_t> data(256);
	uint32_t seed = 7;
	for (uint32_t &x : data)
		x = f2u((float)(int)(lcg(seed) % 200) - 100.0f);
	auto make = [&] {
		std::vector<Buffer> b(3);
		b[0].data.assign(192, 0xdeadbeefu);
		b[1].data = data;
		b[1].address_push_offset = 0;
		b[2].data.assign(9, 0);
		b[2].address_push_offset = 8;
		return b;
	};
	run_everywhere(glsl("bda_push.comp"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		std::vector<uint32_t> hist(8, 0);
		for (uint32_t i = 0; i < 64; i++) {
			for (uint32_t c = 0; c < 4; c++)
				ASSERT_EQ(b[1].data[4 * i + c], f2u(u2f(data[4 * i + c]) * 2.0f + 1.0f)) << where << " v[" << i << "]";
			EXPECT_EQ(b[0].data[3 * i], data[4 * i + 1] ^ data[4 * i + 2]) << where << " lane " << i;
			EXPECT_EQ(b[0].data[3 * i + 1], 1u) << where;
			EXPECT_EQ(b[0].data[3 * i + 2], 0u) << where << ": pointer -> uvec2 round trip";
			hist[i % 8] = std::max(hist[i % 8], data[4 * i + 3]);
		}
		EXPECT_EQ(b[2].data[0], 64u) << where;
		for (uint32_t k = 0; k < 8; k++)
			EXPECT_EQ(b[2].data[1 + k], hist[k]) << where << " hist " << k;
	});
}

TEST(BufferDeviceAddress, PointersStoredInMemory)
{
	std::vector<uint32_t> nodes(64 * 4, 0);
	uint32_t seed = 11;
	for (uint32_t i = 0; i < 64; i++)
		nodes[4 * i] = lcg(seed);
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].data.assign(64, 0xdeadbeefu);
		b[1].data = nodes;
		b[1].address_push_offset = 0;
		return b;
	};
	run_everywhere(glsl("bda_linked_list.comp"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++) {
			uint32_t p = i, sum = 0;
			for (int k = 0; k < 5; k++) {
				sum = sum * 31u + nodes[4 * p];
				p = (p * 7u + 3u) % 64u;
			}
			EXPECT_EQ(b[0].data[i], sum) << where << " lane " << i;
		}
		// the stored 'next' pointers: node 0 links to node 3, so every low word follows from it
		uint32_t base_lo = b[1].data[2] - 16u * 3u;   // node 0 links to node 3
		for (uint32_t i = 0; i < 64; i++)
			EXPECT_EQ(b[1].data[4 * i + 2], base_lo + 16u * ((i * 7u + 3u) % 64u)) << where << " next of " << i;
	});
}

TEST(BufferDeviceAddress, PtrAccessChainWithArrayStride)
{
	std::vector<uint32_t> pairs(128);
	uint32_t seed = 3;
	for (uint32_t &x : pairs)
		x = lcg(seed) >> 4;
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].data.assign(64, 0);
		b[1].data = pairs;
		b[1].address_push_offset = 0;
		return b;
	};
	run_everywhere(spvasm("ptr_access_chain.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++) {
			EXPECT_EQ(b[0].data[i], pairs[2 * (63 - i) + 1] + pairs[2 * i]) << where << " lane " << i;
			EXPECT_EQ(b[1].data[2 * i + 1], 8u * i + 1u) << where << " element " << i;
		}
	});
}

int64_t sext8(uint32_t w, unsigned k) { return (int8_t)(w >> (8 * k)); }
int64_t zext8(uint32_t w, unsigned k) { return (uint8_t)(w >> (8 * k)); }

TEST(IntegerDotProduct, AllFormsAndSaturation)
{
	// in: [0,256) vector a (4 per lane), [256, 512) vector b, [0, 64) packed a, [64, 128) packed
	// b, [512, 576) accumulators (see spvasm/integer_dot.spvasm).
	std::vector<uint32_t> in(576);
	uint32_t seed = 5;
	for (uint32_t &x : in)
		x = lcg(seed);
	for (uint32_t i = 0; i < 256; i += 3)
		in[i] %= 1000;   // small values too, so the wrapping sums are not all noise
	const uint32_t edges[] = {0x7fffffffu, 0x80000000u, 0xffffffffu, 0x7ffffff0u, 0x80000010u, 0xfffffff0u, 0, 5};
	for (uint32_t i = 0; i < 64; i++)
		if (i % 2)
			in[512 + i] = edges[(i / 2) % 8];
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = in;
		b[1].binding = 1;
		b[1].data.assign(15 * 64, 0xdeadbeefu);
		return b;
	};
	auto ssat = [](int64_t v) { return (uint32_t)(int32_t)std::clamp<int64_t>(v, INT32_MIN, INT32_MAX); };
	auto usat = [](uint64_t v) { return (uint32_t)std::min<uint64_t>(v, UINT32_MAX); };
	run_everywhere(spvasm("integer_dot.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		const auto &o = b[1].data;
		for (uint32_t i = 0; i < 64; i++) {
			uint32_t s = 0, u = 0, su = 0;
			uint64_t s64 = 0;
			for (unsigned k = 0; k < 4; k++) {
				uint32_t a = in[4 * i + k], bb = in[256 + 4 * i + k];
				s += a * bb;
				u += a * bb;
				su += a * bb;   // in 32 bits the low bits do not depend on signedness
				s64 += (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)bb);
			}
			uint32_t pa = in[i], pb = in[64 + i], acc = in[512 + i];
			int64_t ps = 0, pu = 0, psu = 0;
			for (unsigned k = 0; k < 4; k++) {
				ps += sext8(pa, k) * sext8(pb, k);
				pu += zext8(pa, k) * zext8(pb, k);
				psu += sext8(pa, k) * zext8(pb, k);
			}
			const std::string at = where + " lane " + std::to_string(i);
			EXPECT_EQ(o[0 * 64 + i], s) << at;
			EXPECT_EQ(o[1 * 64 + i], u) << at;
			EXPECT_EQ(o[2 * 64 + i], su) << at;
			EXPECT_EQ(o[3 * 64 + i], (uint32_t)ps) << at;
			EXPECT_EQ(o[4 * 64 + i], (uint32_t)pu) << at;
			EXPECT_EQ(o[5 * 64 + i], (uint32_t)psu) << at;
			EXPECT_EQ(o[6 * 64 + i], ssat((int64_t)(int32_t)acc + ps)) << at << " SDotAccSat packed";
			EXPECT_EQ(o[7 * 64 + i], usat((uint64_t)acc + (uint64_t)pu)) << at << " UDotAccSat packed";
			EXPECT_EQ(o[8 * 64 + i], ssat((int64_t)(int32_t)acc + psu)) << at << " SUDotAccSat packed";
			// 32-bit vectors: the dot product wraps in 32 bits (overflow there is undefined), only
			// the accumulation saturates
			EXPECT_EQ(o[9 * 64 + i], ssat((int64_t)(int32_t)acc + (int64_t)(int32_t)s)) << at << " SDotAccSat";
			EXPECT_EQ(o[10 * 64 + i], usat((uint64_t)acc + (uint64_t)u)) << at << " UDotAccSat";
			EXPECT_EQ(o[11 * 64 + i], (uint32_t)s64) << at << " SDot to 64 bits";
			EXPECT_EQ(o[12 * 64 + i], (uint32_t)(s64 >> 32)) << at << " SDot to 64 bits";
			uint64_t u64 = (uint64_t)acc + (uint64_t)pu;
			EXPECT_EQ(o[13 * 64 + i], (uint32_t)u64) << at;
			EXPECT_EQ(o[14 * 64 + i], (uint32_t)(u64 >> 32)) << at;
		}
	});
}

TEST(ZeroInitializeWorkgroupMemory, NullInitialisedSharedVariables)
{
	auto make = [] {
		std::vector<Buffer> b(1);
		b[0].data.assign(105, 0xdeadbeefu);
		return b;
	};
	run_everywhere(glsl("shared_zero_init.comp"), make, {}, 2, [](const std::vector<Buffer> &b, const std::string &where) {
		std::vector<uint32_t> counts(100, 0);
		for (uint32_t i = 0; i < 48; i++)
			if (i % 3 == 0)
				counts[(i * 5) % 100] += i + 1;
		for (uint32_t k = 0; k < 100; k++)
			EXPECT_EQ(b[0].data[k], counts[k]) << where << " counts[" << k << "]";
		EXPECT_EQ(b[0].data[100], 0u) << where;
		EXPECT_EQ(b[0].data[101], 0u) << where;
		EXPECT_EQ(b[0].data[102], 0u) << where;
		EXPECT_EQ(b[0].data[103], 5u) << where;
		EXPECT_EQ(b[0].data[104], 48u) << where;
	});
}

TEST(ZeroInitializeWorkgroupMemory, VariablesOfNoWholeDwords)
{
	auto make = [] {
		std::vector<Buffer> b(1);
		b[0].data.assign(10, 0xdeadbeefu);
		return b;
	};
	run_everywhere(glsl("shared_zero_init_f16vec3.comp"), make, {}, 1, [](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 10; i++)
			EXPECT_EQ(b[0].data[i], 0u) << where << " element " << i;
	});
}

// Unfolded OpSpecConstantOp (translated at the top of the entry block), shifts whose Shift
// operand is wider or narrower than Base, OpQuantizeToF16 (tiny values become a zero, large ones
// infinity, NaN stays NaN).
TEST(SpirvInstructions, SpecConstantOpMixedWidthShiftsQuantizeToF16)
{
	const std::vector<uint32_t> floats = {0x3f800000u /* 1 */, 0x3727c5acu /* 1e-5: a half denormal */,
	                                      0xb58637bdu /* -1e-6 */, 0x4788b800u /* 70000 */,
	                                      0x3dcccccdu /* 0.1 */, 0x477fe000u /* 65504 */,
	                                      0xc0200000u /* -2.5 */, 0x7fc00001u /* NaN */};
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = floats;
		for (uint32_t i = 0; i < 8; i++)
			b[0].data.push_back(0x9e3779b9u * (i + 1));
		b[1].binding = 1;
		b[1].data.assign(21, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("spec_constant_op.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		const auto &o = b[1].data;
		EXPECT_EQ(o[0], 0x3f800000u) << where;
		EXPECT_EQ(o[1] & 0x7fffffffu, 0u) << where << " a half denormal is a zero";
		EXPECT_EQ(o[2] & 0x7fffffffu, 0u) << where;
		EXPECT_EQ(o[3], 0x7f800000u) << where << " beyond the largest half: infinity";
		EXPECT_EQ(o[4], 0x3dccc000u) << where << " 0.1 rounded to the nearest half";
		EXPECT_EQ(o[5], 0x477fe000u) << where;
		EXPECT_EQ(o[6], 0xc0200000u) << where;
		EXPECT_GT(o[7] & 0x7fffffffu, 0x7f800000u) << where << " NaN";
		for (uint32_t i = 0; i < 8; i++)
			EXPECT_EQ(o[8 + i], (0x9e3779b9u * (i + 1)) >> (3 * i)) << where << " lane " << i;
		EXPECT_EQ(o[16], (uint32_t)(-256 >> 3)) << where;
		const uint64_t r2 = 4886718345ull << 3;
		EXPECT_EQ(o[17], (uint32_t)r2) << where;
		EXPECT_EQ(o[18], (uint32_t)(r2 >> 32)) << where;
		EXPECT_EQ(o[19], (uint32_t)(-32 - -256)) << where;
		EXPECT_EQ(o[20], (uint32_t)(r2 << 3)) << where;
	});
}

// 64-bit specialization constants take all 64 bits of Options::spec_constants (the Vulkan driver
// passed only the low 32: CTS opspecconstantop.*_i64 cases).
TEST(SpirvInstructions, SixtyFourBitSpecConstantOverrides)
{
	const auto spv = spvasm("spec_constant_op.spvasm");
	ASSERT_FALSE(spv.empty());
	Options o;
	o.spec_constants = {{0, (uint32_t)-4096}, {1, 4}, {2, 0x1234567890ull}};
	auto res = compile_spirv(spv, o);
	ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	std::vector<Buffer> b(2);
	b[0].binding = 0;
	b[0].data.assign(16, 0);
	b[1].binding = 1;
	b[1].data.assign(21, 0xdeadbeefu);
	const uint32_t groups[3] = {1, 1, 1};
	RunOutcome r = run_kernel(std::get<CompileResult>(res), o.revision, o.power_profile, b, {}, groups);
	ASSERT_TRUE(r.ok) << r.error;
	const uint64_t r2 = 0x1234567890ull << 4;
	EXPECT_EQ(b[1].data[16], (uint32_t)(-4096 >> 4));
	EXPECT_EQ(b[1].data[17], (uint32_t)r2);
	EXPECT_EQ(b[1].data[18], (uint32_t)(r2 >> 32));
	EXPECT_EQ(b[1].data[19], (uint32_t)(-256 - -4096));
}

// Quad operations and clustered reductions (VK_SUBGROUP_FEATURE_QUAD_BIT / CLUSTERED_BIT), against
// a host model of 32-lane waves; the last reduction runs with a quarter of the lanes inactive.
TEST(Subgroup, QuadOperationsAndClusteredReductions)
{
	std::vector<uint32_t> in(128);
	for (uint32_t i = 0; i < 128; i++)
		in[i] = (i * 2654435761u) >> 7;
	auto make = [&] {
		std::vector<Buffer> b(3);
		b[0].binding = 0;
		b[0].data = in;
		b[1].binding = 1;
		b[1].data.assign(128 * 8, 0xdeadbeefu);
		b[2].binding = 2;
		b[2].data.assign(128, 0xdeadbeefu);
		return b;
	};
	run_everywhere(glsl("subgroup_quad_clustered.comp"), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			const uint32_t wave = i - i % 32, lane = i % 32;
			auto at = [&](uint32_t l) { return in[wave + l]; };
			auto cluster = [&](uint32_t size, auto fold, uint32_t init, bool only_active) {
				uint32_t acc = init;
				for (uint32_t l = lane & ~(size - 1); l < (lane & ~(size - 1)) + size; l++)
					if (!only_active || (at(l) & 3u) != 0u)
						acc = fold(acc, at(l));
				return acc;
			};
			const uint32_t *o = &b[1].data[i * 8];
			const std::string w = where + " invocation " + std::to_string(i);
			EXPECT_EQ(o[0], at((lane & ~3u) | 2u)) << w << " quad broadcast";
			EXPECT_EQ(o[1], at(lane ^ 1u)) << w << " swap horizontal";
			EXPECT_EQ(o[2], at(lane ^ 2u)) << w << " swap vertical";
			EXPECT_EQ(o[3], at(lane ^ 3u)) << w << " swap diagonal";
			EXPECT_EQ(o[4], cluster(4, [](uint32_t a, uint32_t x) { return a + x; }, 0, false)) << w << " clustered add 4";
			EXPECT_EQ(o[5], cluster(8, [](uint32_t a, uint32_t x) { return std::max(a, x); }, 0, false)) << w << " clustered max 8";
			EXPECT_EQ(o[6], in[i]) << w << " clustered xor 1";
			if ((in[i] & 3u) != 0u)
				EXPECT_EQ(o[7], cluster(16, [](uint32_t a, uint32_t x) { return a + x; }, 0, true)) << w << " clustered add 16, divergent";
			else
				EXPECT_EQ(o[7], 0xdeadbeefu) << w;
			EXPECT_EQ(b[2].data[i], 0x80000000u) << w << " the sum of negative zeros is -0.0";
		}
	});
}

// GL_ARB_shader_ballot / GL_ARB_shader_group_vote (SPV_KHR_shader_ballot, SPV_KHR_subgroup_vote):
// the KHR instructions as their GroupNonUniform counterparts, with a third of the lanes inactive.
TEST(Subgroup, KhrBallotAndVoteInstructions)
{
	std::vector<uint32_t> in(128);
	for (uint32_t i = 0; i < 128; i++) {
		in[i] = ((i * 2654435761u) >> 20) % 2000u;
		if (i % 32 == 5 && in[i] % 3 == 0)
			in[i] += 1;   // lane 5 (read by readInvocationARB) takes part
	}
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = in;
		b[1].binding = 1;
		b[1].data.assign(128 * 8, 0xdeadbeefu);
		return b;
	};
	run_everywhere(glsl("subgroup_arb_ballot_vote.comp"), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			const uint32_t wave = i - i % 32, lane = i % 32;
			const uint32_t *o = &b[1].data[i * 8];
			const std::string w = where + " invocation " + std::to_string(i);
			if (in[i] % 3 == 0) {
				EXPECT_EQ(o[0], 0xdeadbeefu) << w;
				continue;
			}
			uint32_t ballot = 0, first = 32;
			bool all = true, any = false, all_gt = true, all_le = true;
			for (uint32_t l = 0; l < 32; l++) {
				const uint32_t x = in[wave + l];
				if (x % 3 == 0)
					continue;
				first = std::min(first, l);
				ballot |= (x % 2 == 0 ? 1u : 0u) << l;
				all &= x < 1000;
				any |= x % 7 == 0;
				all_gt &= x > 500;
				all_le &= x <= 500;
			}
			EXPECT_EQ(o[0], ballot) << w;
			EXPECT_EQ(o[1], 0u) << w;
			EXPECT_EQ(o[2], in[wave + 5]) << w;
			EXPECT_EQ(o[3], in[wave + first]) << w;
			EXPECT_EQ(o[4], ((1u << lane) - 1) ^ (lane << 8) ^ (32u << 16)) << w;
			EXPECT_EQ(o[5], (all ? 1u : 0u) | (any ? 2u : 0u) | (all_gt || all_le ? 4u : 0u)) << w;
		}
	});
}

TEST(Subgroup, MaskBuiltinIndexedAtRunTime)
{
	auto make = [] {
		std::vector<Buffer> b(1);
		b[0].data.assign(256, 0xdeadbeefu);
		return b;
	};
	run_everywhere(glsl("subgroup_mask_dynamic_index.comp"), make, {}, 2, [](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			EXPECT_EQ(b[0].data[2 * i], 31 - i % 32) << where << " invocation " << i << " gt mask";
			EXPECT_EQ(b[0].data[2 * i + 1], i % 32 + 1) << where << " invocation " << i << " le mask";
		}
	});
}

// FPRoundingMode decorations on f32 -> f16 conversions in a shader (they were ignored outside
// Kernel modules: every conversion rounded to nearest even).
TEST(FloatControls, FConvertRoundingModeDecorations)
{
	// 1 + 1.5 * 2^-10 (a tie), -(1 + 1.25 * 2^-10), 70000 (beyond the largest half), 0.5 (exact)
	const std::vector<float> x = {1.0f + 1.5f / 1024, -(1.0f + 1.25f / 1024), 70000.0f, 0.5f};
	const uint16_t want[4][2] = {{0x3c02, 0x3c01}, {0xbc01, 0xbc01}, {0x7c00, 0x7bff}, {0x3800, 0x3800}};   // RTE, RTZ
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		for (float v : x)
			b[0].data.push_back(std::bit_cast<uint32_t>(v));
		b[1].binding = 1;
		b[1].data.assign(4, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("fconvert_rounding_mode.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 4; i++)
			for (uint32_t m = 0; m < 2; m++) {
				const uint32_t h = 2 * i + m;
				const uint16_t got = (uint16_t)(b[1].data[h / 2] >> (16 * (h % 2)));
				EXPECT_EQ(got, want[i][m]) << where << " input " << i << (m ? " RTZ" : " RTE");
			}
	});
}

// VK_EXT_shader_atomic_float: f32 add on a buffer and in shared memory, f32/f64 exchange.
TEST(Atomics, FloatAddAndExchange)
{
	// B: sum, swapped, pad, pad, dswap (8-byte aligned at 16), olds[64] at 24, dolds[64] at 280, shared_sum at 792
	auto make = [] {
		std::vector<Buffer> b(1);
		b[0].data.assign(199, 0);
		b[0].data[0] = std::bit_cast<uint32_t>(1.0f);
		b[0].data[1] = std::bit_cast<uint32_t>(100.0f);
		const uint64_t d = std::bit_cast<uint64_t>(-7.5);
		b[0].data[4] = (uint32_t)d;
		b[0].data[5] = (uint32_t)(d >> 32);
		return b;
	};
	run_everywhere(glsl("atomic_float.comp"), make, {}, 1, [](const std::vector<Buffer> &b, const std::string &where) {
		const auto &v = b[0].data;
		EXPECT_EQ(std::bit_cast<float>(v[0]), 1.0f + 64 * 0.25f) << where;
		EXPECT_EQ(std::bit_cast<float>(v[198]), 0.5f + 63 * 64 / 2.0f) << where << " shared memory";
		std::multiset<float> f{std::bit_cast<float>(v[1])};
		std::multiset<double> d{std::bit_cast<double>((uint64_t)v[4] | (uint64_t)v[5] << 32)};
		for (uint32_t i = 0; i < 64; i++) {
			f.insert(std::bit_cast<float>(v[6 + i]));
			d.insert(std::bit_cast<double>((uint64_t)v[70 + 2 * i] | (uint64_t)v[71 + 2 * i] << 32));
		}
		std::multiset<float> fe{100.0f};
		std::multiset<double> de{-7.5};
		for (uint32_t i = 1; i <= 64; i++) {
			fe.insert((float)i);
			de.insert(i + 0.125);
		}
		EXPECT_EQ(f, fe) << where << " every f32 value exchanged exactly once";
		EXPECT_EQ(d, de) << where << " every f64 value exchanged exactly once";
	});
}

// SignedZeroInfNanPreserve: -0 + 0 = +0, inf * 0 = NaN, -1 * 0 = -0, NaN stays NaN.
TEST(FloatControls, SignedZeroInfNanPreserve)
{
	const std::vector<uint32_t> x = {0x80000000u, 0x7f800000u, 0xbf800000u, 0x7fc00000u, 0x00000000u, 0xff800000u,
	                                 0x00000001u, 0x40490fdbu};
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = x;
		b[1].binding = 1;
		b[1].data.assign(24, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("signed_zero_preserve.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 8; i++) {
			const float v = std::bit_cast<float>(x[i]);
			auto same = [](uint32_t got, float want) {
				return std::isnan(want) ? std::isnan(std::bit_cast<float>(got)) : got == std::bit_cast<uint32_t>(want);
			};
			EXPECT_TRUE(same(b[1].data[i], v + 0.0f)) << where << " " << i << " + 0.0: " << std::hex << b[1].data[i];
			EXPECT_TRUE(same(b[1].data[8 + i], v * 0.0f)) << where << " " << i << " * 0.0: " << std::hex << b[1].data[8 + i];
			EXPECT_TRUE(same(b[1].data[16 + i], v - 0.0f)) << where << " " << i << " - 0.0: " << std::hex << b[1].data[16 + i];
		}
	});
}

TEST(ZeroInitializeWorkgroupMemory, ArrayLargerThanTheWorkgroup)
{
	auto make = [] {
		std::vector<Buffer> b(1);
		b[0].data.assign(32, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("shared_null_init.spvasm"), make, {}, 1, [](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 32; i++)
			EXPECT_EQ(b[0].data[i], 0u) << where << " lane " << i;
	});
}

TEST(Subgroup, BroadcastDynamicIdAnd64BitValues)
{
	std::vector<uint32_t> lanes = {17, 3, 31, 0};
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = lanes;
		b[1].binding = 1;
		b[1].data.assign(4 * 128, 0);
		return b;
	};
	run_everywhere(glsl("subgroup_broadcast_dynamic.comp"), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			uint32_t wave = (i % 64) / 32, first = i - i % 32;
			uint32_t src = first + lanes[wave];
			uint32_t x = src * 2654435761u;
			EXPECT_EQ(b[1].data[4 * i], x) << where << " lane " << i;
			EXPECT_EQ(b[1].data[4 * i + 1], src ^ x) << where << " lane " << i;
			uint32_t sh = first + ((i % 32) ^ 5u);
			EXPECT_EQ(b[1].data[4 * i + 2], sh) << where << " lane " << i;
			EXPECT_EQ(b[1].data[4 * i + 3], sh * 2654435761u) << where << " lane " << i;
		}
	});
}

// Which lanes of each wave take part: all; a random pattern; one lane; every third lane.
std::vector<uint32_t> wave_activity(uint32_t waves, uint32_t seed)
{
	std::vector<uint32_t> active(32 * waves, 0);
	for (uint32_t i = 0; i < active.size(); i++) {
		uint32_t lane = i % 32;
		switch ((i / 32) % 4) {
		case 0: active[i] = 1; break;
		case 1: active[i] = (lcg(seed) >> 16) % 5 < 3; break;
		case 2: active[i] = lane == 13; break;
		default: active[i] = lane % 3 == 0 || lane == 31; break;
		}
	}
	return active;
}

// Host reference of a subgroup reduction / scan over the active lanes of i's wave:
// kind 0 reduce, 1 inclusive, 2 exclusive.
template <class T, class F>
T wave_fold(const std::vector<T> &v, const std::vector<uint32_t> &active, uint32_t i, int kind, T identity, F f)
{
	uint32_t first = i - i % 32;
	T acc = identity;
	for (uint32_t j = first; j < first + 32; j++) {
		if (!active[j] || (kind == 1 && j > i) || (kind == 2 && j >= i))
			continue;
		acc = f(acc, v[j]);
	}
	return acc;
}

TEST(Subgroup, SixtyFourBitAndDoubleArithmeticInDivergentCode)
{
	const uint32_t n = 128, slots = 40;
	std::vector<uint64_t> a(n);
	std::vector<double> f(n);
	const double pick[] = {1, -1, 2, 0.5, 1.5, -0.5, 3, 0.25, -2, 1};
	uint32_t seed = 21;
	for (uint32_t i = 0; i < n; i++) {
		a[i] = ((uint64_t)lcg(seed) << 32) | lcg(seed);
		f[i] = pick[(lcg(seed) >> 8) % 10];
	}
	a[40] = a[41] = a[42];   // equal neighbours in the random wave
	std::vector<uint32_t> active = wave_activity(n / 32, 5);
	auto words = [](const auto &v) {
		std::vector<uint32_t> w(v.size() * 2);
		memcpy(w.data(), v.data(), w.size() * 4);
		return w;
	};
	const uint64_t nan_bits = 0x7ff8000000000001ull;
	std::vector<uint32_t> push = {(uint32_t)nan_bits, (uint32_t)(nan_bits >> 32)};
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(4);
		b[0].data = words(a);
		b[1].data = words(f);
		b[2].data = active;
		b[3].data.assign(2 * n * slots, 0xdeadbeefu);
		return b;
	};
	std::vector<int64_t> s(a.begin(), a.end());
	using U = uint64_t;
	using S = int64_t;
	auto add = [](U x, U y) { return x + y; };
	auto mul = [](U x, U y) { return x * y; };
	auto umin = [](U x, U y) { return std::min(x, y); };
	auto umax = [](U x, U y) { return std::max(x, y); };
	auto smin = [](S x, S y) { return std::min(x, y); };
	auto smax = [](S x, S y) { return std::max(x, y); };
	auto band = [](U x, U y) { return x & y; };
	auto bor = [](U x, U y) { return x | y; };
	auto bxor = [](U x, U y) { return x ^ y; };
	auto fadd = [](double x, double y) { return x + y; };
	auto fmul = [](double x, double y) { return x * y; };
	auto fmin = [](double x, double y) { return std::min(x, y); };
	auto fmax = [](double x, double y) { return std::max(x, y); };
	const double inf = INFINITY;
	run_everywhere(glsl("subgroup_int64_float64_arith.comp"), make, push, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		auto got = [&](uint32_t i, uint32_t k) {
			uint32_t w = 2 * (i * slots + k);
			return (uint64_t)b[3].data[w] | ((uint64_t)b[3].data[w + 1] << 32);
		};
		auto dbits = [](double x) { return std::bit_cast<uint64_t>(x); };
		for (uint32_t i = 0; i < n; i++) {
			std::string at = where + " lane " + std::to_string(i);
			if (!active[i]) {
				EXPECT_EQ(got(i, 0), 0xdeadbeefdeadbeefull) << at;
				continue;
			}
			for (int kind = 0; kind < 3; kind++) {
				std::string k = at + " kind " + std::to_string(kind);
				EXPECT_EQ(got(i, 0 + kind), wave_fold<U>(a, active, i, kind, 0, add)) << k << " add";
				EXPECT_EQ(got(i, 3 + kind), wave_fold<U>(a, active, i, kind, 1, mul)) << k << " mul";
				EXPECT_EQ(got(i, 6 + kind), (U)wave_fold<S>(s, active, i, kind, INT64_MAX, smin)) << k << " smin";
				EXPECT_EQ(got(i, 9 + kind), wave_fold<U>(a, active, i, kind, ~0ull, umin)) << k << " umin";
				EXPECT_EQ(got(i, 12 + kind), (U)wave_fold<S>(s, active, i, kind, INT64_MIN, smax)) << k << " smax";
				EXPECT_EQ(got(i, 15 + kind), wave_fold<U>(a, active, i, kind, 0, umax)) << k << " umax";
				EXPECT_EQ(got(i, 18 + kind), wave_fold<U>(a, active, i, kind, ~0ull, band)) << k << " and";
				EXPECT_EQ(got(i, 21 + kind), wave_fold<U>(a, active, i, kind, 0, bor)) << k << " or";
				EXPECT_EQ(got(i, 24 + kind), wave_fold<U>(a, active, i, kind, 0, bxor)) << k << " xor";
			}
			EXPECT_EQ(got(i, 27), dbits(wave_fold(f, active, i, 0, 0.0, fadd))) << at << " fadd";
			EXPECT_EQ(got(i, 28), dbits(wave_fold(f, active, i, 1, 0.0, fadd))) << at << " inclusive fadd";
			EXPECT_EQ(got(i, 29), dbits(wave_fold(f, active, i, 2, 1.0, fmul))) << at << " exclusive fmul";
			EXPECT_EQ(got(i, 30), dbits(wave_fold(f, active, i, 0, inf, fmin))) << at << " fmin";
			EXPECT_EQ(got(i, 31), dbits(wave_fold(f, active, i, 1, -inf, fmax))) << at << " inclusive fmax";
			EXPECT_EQ(got(i, 32), dbits(wave_fold(f, active, i, 2, inf, fmin))) << at << " exclusive fmin";
			std::vector<U> a7(n);
			for (uint32_t j = 0; j < n; j++)
				a7[j] = a[j] >> 7;
			EXPECT_EQ(got(i, 33), wave_fold<U>(a, active, i, 1, 0, add) ^ wave_fold<U>(a7, active, i, 1, 0, add)) << at << " vector";
			EXPECT_EQ(got(i, 34), dbits(wave_fold(f, active, i, 0, 1.0, fmul))) << at << " fmul";
			// all-equal over the active lanes of the wave
			auto all_equal = [&](auto key) {
				uint32_t first = i - i % 32;
				bool eq = true;
				for (uint32_t j = first; j < first + 32; j++)
					if (active[j] && !(key(j) == key(i)))
						eq = false;
				return eq;
			};
			uint32_t want = 0;
			want |= all_equal([&](uint32_t j) { return a[j]; }) ? 1u : 0u;
			want |= 2u;
			want |= all_equal([&](uint32_t j) { return (uint32_t)a[j]; }) ? 4u : 0u;
			want |= 8u;      // +0 == -0
			                 // 16: a NaN is never equal
			want |= all_equal([&](uint32_t j) { return f[j]; }) ? 32u : 0u;
			want |= all_equal([&](uint32_t j) { return a[j] & 1; }) ? 64u : 0u;
			want |= all_equal([&](uint32_t j) { return a[j] > 0x8000000000000000ull; }) ? 128u : 0u;
			want |= all_equal([&](uint32_t j) { return (uint32_t)a[j] == 0; }) ? 256u : 0u;
			EXPECT_EQ(got(i, 35), want) << at << " all-equal";
		}
	});
}

TEST(NarrowIntegers, ArithmeticStorageAndSubgroupsOnEightAndSixteenBits)
{
	const uint32_t n = 128, slots = 48;
	std::vector<int8_t> s8(n);
	std::vector<int16_t> s16(n);
	uint32_t seed = 33;
	for (uint32_t i = 0; i < n; i++) {
		s8[i] = (int8_t)(int)((lcg(seed) >> 12) % 255 - 127);   // -127..127: no INT8_MIN / -1
		s16[i] = (int16_t)(lcg(seed) >> 16);
	}
	s8[5] = -5;
	s8[6] = 7;
	s8[9] = 0;
	const int16_t ubo16[4] = {-300, 7, 32767, -32768};
	const uint8_t ubo8[4] = {200, 1, 0, 255};
	const int8_t pc8 = -77;
	const uint8_t pcu8 = 250;
	const int16_t pc16 = -1234;
	auto bytes_of = [](const void *p, size_t nbytes) {
		std::vector<uint32_t> w((nbytes + 3) / 4, 0);
		memcpy(w.data(), p, nbytes);
		return w;
	};
	std::vector<int8_t> ptr_init(256);
	for (uint32_t k = 0; k < 256; k++)
		ptr_init[k] = (int8_t)(k * 37 + 11);
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(7);   // the last one by address only
		b[0].data = bytes_of(s8.data(), n);
		b[1].data = bytes_of(s16.data(), 2 * n);
		b[2].data.assign(n * slots, 0xdeadbeefu);
		b[3].data.assign(n / 4, 0xa5a5a5a5u);
		b[4].data.assign(n / 2, 0xa5a5a5a5u);
		std::vector<uint8_t> u(16, 0);
		memcpy(u.data(), ubo16, 8);
		memcpy(u.data() + 8, ubo8, 4);
		b[5].data = bytes_of(u.data(), 16);
		b[6].data = bytes_of(ptr_init.data(), 256);
		b[6].address_push_offset = 8;
		return b;
	};
	auto i8 = [](int v) { return (int)(int8_t)v; };
	auto i16 = [](int v) { return (int)(int16_t)v; };
	for (int32_t shift : {0, 100}) {
		const bool robust = shift != 0;
		SCOPED_TRACE("shift " + std::to_string(shift));
		std::vector<uint32_t> push = {(uint32_t)(uint8_t)pc8 | ((uint32_t)pcu8 << 8) | ((uint32_t)(uint16_t)pc16 << 16),
		                              (uint32_t)shift, 0, 0};
		run_everywhere(glsl("narrow_int.comp"), make, push, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
			auto out = [&](uint32_t i, uint32_t k) { return (int32_t)b[2].data[slots * i + k]; };
			for (uint32_t i = 0; i < n; i++) {
				const int x = s8[i], y = s8[(i * 7 + 3) % 128], p = s16[i], q = s16[(i * 5 + 1) % 128];
				const uint8_t ux = (uint8_t)x, uy = (uint8_t)y;
				std::vector<int> want = {
					i8(x + y), i8(x - y), i8(x * y), y ? i8(x / y) : 99, y ? (int)(uint8_t)(ux % uy) : 99,
					x >> 2, ux >> 3, i8(x << 3), x < y, ux < uy, std::min(x, y), std::max(ux, uy), i8(std::abs(x)),
					(x > 0) - (x < 0), std::clamp(x, -20, 30), i8(-x), i8(~x), i16(x * y), i8(p), (int)(uint16_t)x,
					i16(p + q), i16(p * q), p >> 5, p < q, (int)((float)x * 2.5f), i8((int)((float)p / 300.0f)),
				};
				uint32_t packed = (uint32_t)(uint8_t)x | ((uint32_t)(uint8_t)y << 8) | (3u << 16) | (0xfcu << 24);
				want.push_back((int)packed);
				uint32_t w1 = i * 0x01fe7f80u, w2 = i * (uint32_t)-0x01020304;   // wrapping, as in the shader
				want.push_back((int)(uint8_t)(w1 >> 8) * 1000 + (int)(int8_t)(w2 >> 24));   // unpack8(int): i8vec4
				want.push_back((int)((uint32_t)(uint16_t)p | ((uint32_t)(uint16_t)q << 16)));
				uint32_t h1 = i * 0x9abc1234u, h2 = i * 0x7fed8001u;
				want.push_back((int)(uint16_t)(h1 & 0xffff) + (int)(int16_t)(h2 >> 16) * 3);   // unpack16(uint): u16vec2
				want.push_back((int)(((int64_t)p * -3000000) >> 20));
				want.push_back(i8((int)(uint8_t)((uint64_t)i * 0x0123456789abcdefull)));
				want.push_back(pc8);
				want.push_back(pcu8);
				want.push_back(pc16 * x);
				want.push_back(ubo16[i % 4] + ubo8[(i + 1) % 4] * 100000);
				want.push_back((x & -16) ^ (x | 5));
				// subgroup operations over the wave (all lanes active)
				uint32_t first = i - i % 32;
				int add = 0, mn = 127, exmax = -128, incmin16 = 32767, exmin16 = 32767, umax8 = 0, incmul16 = 1;
				for (uint32_t j = first; j < first + 32; j++) {
					add += s8[j];
					mn = std::min(mn, (int)s8[j]);
					umax8 = std::max(umax8, (int)(uint8_t)s8[j]);
					if (j < i)
						exmax = std::max(exmax, (int)s8[j]), exmin16 = std::min(exmin16, (int)s16[j]);
					if (j <= i)
						incmin16 = std::min(incmin16, (int)s16[j]), incmul16 = i16(incmul16 * s16[j]);
				}
				want.insert(want.end(), {i8(add), mn, exmax, incmin16, exmin16, umax8, incmul16});
				uint32_t l = i % 64, g = i - l;
				want.push_back(s8[g + 63 - l] * 100000 + s16[g + (l + 9) % 64]);
				uint32_t at = i + (uint32_t)shift;
				want.push_back(at < n ? s8[at] : 0);
				want.push_back(ptr_init[i ^ 1]);
				for (uint32_t k = 0; k < want.size(); k++)
					ASSERT_EQ(out(i, k), want[k]) << where << " lane " << i << " slot " << k;
				int8_t o8 = (int8_t)(b[3].data[i / 4] >> (8 * (i % 4)));
				EXPECT_EQ(o8, (int8_t)(x + 1)) << where << " o8[" << i << "]";
				// o16[i + shift] = s16[i] * 3: with shift 100 only lanes 0..27 are in bounds
				int16_t o16 = (int16_t)(b[4].data[i / 2] >> (16 * (i % 2)));
				int16_t want16 = i >= (uint32_t)shift ? (int16_t)(s16[i - shift] * 3) : (int16_t)0xa5a5;
				EXPECT_EQ(o16, want16) << where << " o16[" << i << "]";
				int8_t pb = (int8_t)(b[6].data[(128 + i) / 4] >> (8 * (i % 4)));
				EXPECT_EQ(pb, (int8_t)(x * 3)) << where << " bytes.v[" << 128 + i << "]";
			}
		}, robust);
	}
}

TEST(NarrowIntegers, AssemblyFormsCarryExtendedMultiplySwitchBitcastAndDotProducts)
{
	const uint32_t n = 64;
	std::vector<uint32_t> in(n);
	uint32_t seed = 3;
	for (uint32_t &x : in)
		x = lcg(seed);
	in[0] = (in[0] & ~0xffu) | 0xfbu;   // switch cases: -5, 100, -100 in byte 0
	in[1] = (in[1] & ~0xffu) | 100u;
	in[2] = (in[2] & ~0xffu) | 0x9cu;
	in[3] = 0x7f7f7f7fu;                // dot products that saturate
	in[4] = 0x80808080u;
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = in;
		b[1].binding = 1;
		b[1].data.assign(8 * n, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("narrow_forms.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < n; i++) {
			const uint32_t w = in[i], wr = w * 2654435761u;
			const uint8_t a = (uint8_t)w, bb = (uint8_t)(w >> 8);
			const uint16_t h = (uint16_t)w, k = (uint16_t)(w >> 16);
			const int sa = (int8_t)a, sb = (int8_t)bb;
			auto out = [&](uint32_t s) { return b[1].data[8 * i + s]; };
			std::string at = where + " lane " + std::to_string(i);
			EXPECT_EQ(out(0), (uint32_t)(uint8_t)(a + bb) | ((a + bb) > 255 ? 256u : 0u)) << at << " carry";
			uint32_t prod = (uint32_t)h * k;
			EXPECT_EQ(out(1), prod) << at << " umul extended";
			int sprod = sa * sb;
			EXPECT_EQ(out(2), (uint32_t)(uint8_t)sprod | ((uint32_t)(uint8_t)(sprod >> 8) << 8)) << at << " smul extended";
			EXPECT_EQ(out(3), (uint32_t)(uint16_t)(sa * 3)) << at << " sconvert";
			EXPECT_EQ(out(4), sa == -5 ? 1u : sa == 100 ? 2u : sa == -100 ? 3u : 4u) << at << " switch";
			int dot = 0, udot = 0;
			for (int c = 0; c < 4; c++) {
				dot += (int8_t)(w >> (8 * c)) * (int8_t)(wr >> (8 * c));
				udot += (int)(uint8_t)(w >> (8 * c)) * (uint8_t)(wr >> (8 * c));
			}
			EXPECT_EQ(out(5), (uint32_t)dot) << at << " sdot";
			EXPECT_EQ((int32_t)out(6), std::clamp(dot + sb, -128, 127)) << at << " sdot acc sat";
			EXPECT_EQ(out(7), (uint32_t)std::min(udot + a, 255) | ((uint32_t)bb | (uint32_t)a << 8) << 8) << at << " udot acc sat";
		}
	});
}

// IEEE binary16 on the host: exact widening, and rounding to nearest even from a double.
double half_value(uint16_t h)
{
	const int e = (h >> 10) & 31, m = h & 1023;
	double v = e == 0 ? std::ldexp((double)m, -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp((double)(m | 1024), e - 25);
	return (h & 0x8000) ? -v : v;
}

uint16_t half_bits(double d)
{
	const uint16_t sign = std::signbit(d) ? 0x8000 : 0;
	d = std::fabs(d);
	if (d >= 65520.0)
		return sign | 0x7c00;
	if (d == 0)
		return sign;
	int e;
	std::frexp(d, &e);                               // d in [2^(e-1), 2^e)
	const int quantum = std::max(e - 1 - 10, -24);    // 11 significant bits, denormals at 2^-24
	const double r = std::ldexp(std::nearbyint(std::ldexp(d, -quantum)), quantum);
	if (r == 0)
		return sign;
	std::frexp(r, &e);
	if (e - 1 < -14)
		return sign | (uint16_t)std::ldexp(r, 24);
	return sign | (uint16_t)((e - 1 + 15) << 10) | (uint16_t)(std::ldexp(r, 11 - e) - 1024);
}

TEST(HalfStorage, LoadsStoresAndConversionsWithoutHalfArithmetic)
{
	const uint32_t n = 128;
	std::vector<uint16_t> h(n);
	uint32_t seed = 17;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t bits = (uint16_t)(lcg(seed) >> 16);
		if (((bits >> 10) & 31) == 31)
			bits &= 0xbfff;   // no inf/NaN from the random part
		h[i] = bits;
	}
	h[0] = 0x7c00;   // +inf
	h[1] = 0x8000;   // -0
	h[2] = 0x0001;   // smallest denormal
	h[3] = 0x03ff;   // largest denormal
	h[4] = 0x7bff;   // largest finite
	const uint16_t uh[4] = {0x3c00, 0xc000, 0x3555, 0x0200};   // 1, -2, ~1/3, a denormal
	const uint16_t ph = 0x4248;                                 // 3.140625
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(4);
		b[0].data.assign(n / 2, 0);
		memcpy(b[0].data.data(), h.data(), 2 * n);
		b[1].data.assign(n, 0xdeadbeefu);
		b[2].data.assign(n / 2, 0xdeadbeefu);
		b[3].data = {uh[0] | (uint32_t)uh[1] << 16, uh[2] | (uint32_t)uh[3] << 16, 0, 0};
		return b;
	};
	run_everywhere(glsl("half_storage.comp"), make, {ph}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < n; i++) {
			const float x = (float)half_value(h[i]);
			const float want = x * 3.0f + (float)half_value(uh[i % 4]) + (float)half_value(ph);
			EXPECT_EQ(b[1].data[i], f2u(want)) << where << " o[" << i << "]";
			const uint16_t got = (uint16_t)(b[2].data[i / 2] >> (16 * (i % 2)));
			EXPECT_EQ(got, half_bits((double)(x * 1.5f + 0.1f))) << where << " oh[" << i << "] from " << x;
		}
	});
}

TEST(HalfStorage, DoubleToHalfIsCorrectlyRoundedAndFloatsConvert)
{
	const uint32_t n = 64;
	std::vector<double> d(n);
	uint32_t seed = 23;
	for (uint32_t i = 0; i < n; i++)
		d[i] = std::ldexp((double)(int32_t)lcg(seed), -(int)(lcg(seed) % 40)) / 3.0;
	d[0] = 1.0 + std::ldexp(1.0, -11);                          // a tie: to even (1.0)
	d[1] = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);    // just above the tie: up (a
	                                                             // double rounding through f32 gets 1.0)
	d[2] = -(1.0 + 3 * std::ldexp(1.0, -11));                    // a tie: to even (up in magnitude)
	d[3] = 65519.99;                                             // below the overflow threshold
	d[4] = 65520.0;                                              // rounds to infinity
	d[5] = 1e300;                                                // beyond f32 too
	d[6] = std::ldexp(1.0, -25) + std::ldexp(1.0, -60);          // just above half the smallest denormal
	d[7] = std::ldexp(1.0, -25);                                 // exactly half: to even (0)
	d[8] = -0.0;
	d[9] = INFINITY;
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(3);
		b[0].data.assign(2 * n, 0);
		memcpy(b[0].data.data(), d.data(), 8 * n);
		b[1].data.assign(n, 0xdeadbeefu);
		b[2].data.assign(4 * n, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("half_convert.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		auto half_at = [&](uint32_t k) { return (uint16_t)(b[1].data[k / 2] >> (16 * (k % 2))); };
		for (uint32_t i = 0; i < n; i++) {
			const uint16_t want = half_bits(d[i]);
			ASSERT_EQ(half_at(i), want) << where << " f16(" << d[i] << ") lane " << i;
			const double back = half_value(want);
			uint64_t bits = (uint64_t)b[2].data[4 * i] | ((uint64_t)b[2].data[4 * i + 1] << 32);
			EXPECT_EQ(bits, std::bit_cast<uint64_t>(back)) << where << " f64(half) lane " << i;
			EXPECT_EQ(b[2].data[4 * i + 2], f2u((float)back)) << where << " float(half) lane " << i;
			const float iv = (float)(((int)i - 32) * 1237) * 0.125f;
			EXPECT_EQ(half_at(64 + i), half_bits(iv)) << where << " f16(" << iv << ")";
			EXPECT_EQ(b[2].data[4 * i + 3], f2u((float)half_value(half_bits(iv)))) << where << " float(half) lane " << i;
		}
	});
}

TEST(HalfArithmetic, CorrectlyRoundedOperationsConversionsAndSubgroups)
{
	const uint32_t n = 128;
	std::vector<uint16_t> a(n);
	uint32_t seed = 41;
	for (uint32_t i = 0; i < n; i++) {
		// finite halves of moderate size (no overflow in x * y), both signs, some denormals
		const int e = (int)(lcg(seed) % 22) + 4;
		a[i] = (uint16_t)((lcg(seed) & 0x8000) | (e << 10) | ((lcg(seed) >> 8) & 1023));
	}
	a[0] = 0x0000;
	a[1] = 0x8000;
	a[2] = 0x0123;   // denormal
	a[3] = 0x3c00;
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(3);
		b[0].data.assign(n / 2, 0);
		memcpy(b[0].data.data(), a.data(), 2 * n);
		b[1].data.assign(8 * n, 0xdeadbeefu);
		b[2].data.assign(2 * n, 0xdeadbeefu);
		return b;
	};
	auto h = [](double d) { return half_bits(d); };
	auto v = [](uint16_t bits) { return half_value(bits); };
	run_everywhere(glsl("half_arith.comp"), make, {}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		auto out = [&](uint32_t k) { return (uint16_t)(b[1].data[k / 2] >> (16 * (k % 2))); };
		for (uint32_t i = 0; i < n; i++) {
			const double x = v(a[i]), y = v(a[(i * 7 + 3) % 128]);
			std::vector<uint16_t> want = {
				h(x + y), h(x - y), h(x * y), (uint16_t)0, h(std::sqrt(std::fabs(x))), h(std::min(x, y)),
				h(std::max(-x, y)), h(std::floor(x)), h((double)(float)((float)x * 0.3f)),
				h((double)(float)((int)i * 37 - 2000)),
			};
			const bool div_nan = x == 0 && y == 0;
			want[3] = div_nan ? 0 : h(x / y);
			const double vx = v(h(v(h(x * 2.0)) + y)), vz = v(h(v(h(0.5 * 2.0)) + y));
			want.push_back(h(vx));
			want.push_back(h(vz));
			// subgroups: halves of small integers (exact sums and products in any order)
			const uint32_t first = i - i % 32;
			double sum = 0, mul = 1, exmin = INFINITY, mx = -INFINITY;
			for (uint32_t j = first; j < first + 32; j++) {
				sum += (double)((int)(j % 32) - 10);
				if (j <= i)
					mul *= j % 32 < 12 ? -2.0 : 1.0;
				if (j < i)
					exmin = std::min(exmin, v(a[j]));
				mx = std::max(mx, v(a[(j * 7 + 3) % 128]));
			}
			want.insert(want.end(), {h(sum), h(mul), h(exmin), h(mx)});
			for (uint32_t k = 0; k < want.size(); k++) {
				if (k == 3 && div_nan) {
					const uint16_t q = out(16 * i + 3);
					EXPECT_TRUE((q & 0x7c00) == 0x7c00 && (q & 0x3ff)) << where << " lane " << i << ": 0/0 is NaN";
					continue;
				}
				// -0 and +0 compare equal but min/max of zeros may pick either
				const uint16_t got = out(16 * i + k);
				if ((k == 5 || k == 6 || k == 14 || k == 15) && !(want[k] & 0x7fff) && !(got & 0x7fff))
					continue;
				ASSERT_EQ(got, want[k]) << where << " lane " << i << " slot " << k << " x=" << x << " y=" << y;
			}
			uint32_t c = (x < y) | (x == y) << 1 | (x >= 0) << 2 | (div_nan ? 8u : 0u);
			EXPECT_EQ(b[2].data[2 * i], c) << where << " lane " << i << " compares";
			EXPECT_EQ((int32_t)b[2].data[2 * i + 1], (int)x + (int)(int16_t)y * 100000) << where << " lane " << i;
		}
	});
}

TEST(Atomics, SixtyFourBitOnBuffersAndSharedMemory)
{
	std::vector<uint32_t> in(2 * 256);
	uint32_t seed = 9;
	for (uint32_t &x : in)
		x = lcg(seed);
	auto v = [&](uint32_t i) { return (uint64_t)in[2 * i] | ((uint64_t)in[2 * i + 1] << 32); };
	const uint64_t cas_expect = 0x100000000ull * 3 + 7;
	auto make = [&] {
		std::vector<Buffer> b(2);
		b[0].binding = 0;
		b[0].data = in;
		b[1].binding = 1;
		b[1].data.assign(16, 0);
		b[1].data[4] = 0xffffffffu;   // smin starts at INT64_MAX
		b[1].data[5] = 0x7fffffffu;
		b[1].data[6] = 0x12345678u;   // x
		b[1].data[7] = 0x9abcdef0u;
		b[1].data[8] = 0x55u;         // swapped
		b[1].data[10] = (uint32_t)cas_expect;
		b[1].data[11] = (uint32_t)(cas_expect >> 32);
		return b;
	};
	run_everywhere(glsl("atomic_int64.comp"), make, {}, 4, [&](const std::vector<Buffer> &b, const std::string &where) {
		auto r = [&](unsigned k) { return (uint64_t)b[1].data[2 * k] | ((uint64_t)b[1].data[2 * k + 1] << 32); };
		uint64_t sum = 0, umax = 0, x = 0x9abcdef012345678ull, shared_sum = 0;
		int64_t smin = INT64_MAX;
		bool cas_taken = false;
		for (uint32_t i = 0; i < 256; i++) {
			sum += v(i);
			umax = std::max(umax, v(i));
			smin = std::min(smin, (int64_t)v(i));
			x ^= v(i);
			shared_sum += v(i) >> 4;
			cas_taken |= v(i) != cas_expect;
		}
		EXPECT_EQ(r(0), sum) << where;
		EXPECT_EQ(r(1), umax) << where;
		EXPECT_EQ((int64_t)r(2), smin) << where;
		EXPECT_EQ(r(3), x) << where;
		EXPECT_EQ(r(4), v(5)) << where << " exchange";
		// exactly one compare-exchange sees the expected value and writes its own
		bool found = false;
		for (uint32_t i = 0; i < 256; i++)
			found |= r(5) == v(i);
		EXPECT_TRUE(found && cas_taken) << where << " compare-exchange";
		EXPECT_EQ(r(6), shared_sum) << where << " shared";
		EXPECT_EQ(r(7), 256u) << where << " returned values";
	});
}

// The buffers of the robust-access shaders: binding 0 of n_src words 1000 + k, binding 1 of n_dst
// sentinels, binding 2 of out_words words out_fill, binding 3 (uniform) of n_ubo words 500 + k.
std::vector<Buffer> robust_buffers(uint32_t n_src, uint32_t n_dst, uint32_t out_words, uint32_t out_fill, uint32_t n_ubo)
{
	std::vector<Buffer> b(4);
	for (uint32_t k = 0; k < 4; k++)
		b[k].binding = k;
	for (uint32_t k = 0; k < n_src; k++)
		b[0].data.push_back(1000 + k);
	b[1].data.assign(n_dst, 0xdeadbeefu);
	b[2].data.assign(out_words, out_fill);
	for (uint32_t k = 0; k < n_ubo; k++)
		b[3].data.push_back(500 + k);
	return b;
}

TEST(RobustBufferAccess, OutOfBoundsLoadsAreZeroStoresAndAtomicsDropped)
{
	const uint32_t n_src = 40, n_dst = 100;
	auto make = [&] { return robust_buffers(n_src, n_dst, 4, 0, 16); };
	auto src = [](uint32_t k) { return 1000 + k; };
	auto ubo = [](uint32_t k) { return 500 + k; };
	for (int32_t shift : {-10, 5}) {
		std::vector<uint32_t> push = {(uint32_t)shift};
		SCOPED_TRACE("shift " + std::to_string(shift));
		run_everywhere(glsl("robust_access.comp"), make, push, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			std::vector<uint32_t> want(n_dst, 0xdeadbeefu);
			for (uint32_t i = 0; i < 64; i++) {
				int32_t j = (int32_t)i + shift;
				uint32_t v = (j >= 0 && (uint32_t)j < n_src) ? src((uint32_t)j) : 0u;
				uint64_t at = (uint64_t)(uint32_t)j * 2;   // in elements; OOB when >= n_dst
				if ((uint32_t)j * 2u == at && at < n_dst)
					want[at] = v + 1u;
			}
			for (uint32_t i = 0; i < 64; i++)
				if (i * 2 + 1 < n_dst)
					want[i * 2 + 1] = (i % 8) < 4 ? ubo((i % 8) * 4 + 1) : 0u;
			want[0] = 100u;   // the wrapped index loads 0
			for (uint32_t k = 0; k < n_dst; k++)
				EXPECT_EQ(b[1].data[k], want[k]) << where << " d[" << k << "]";
			for (uint32_t k = 0; k < 4; k++)
				EXPECT_EQ(b[2].data[k], 8u) << where << " c[" << k << "]";
		}, true);
	}
}

TEST(RobustBufferAccess, OnlyTheOptionAddsTheChecks)
{
	// Without Options::robust_buffer_access the accesses are not bounds-checked: less code.
	auto spv = glsl("robust_access.comp");
	Options o;
	auto plain = compile_spirv(spv, o);
	o.robust_buffer_access = true;
	auto robust = compile_spirv(spv, o);
	ASSERT_TRUE(std::holds_alternative<CompileResult>(plain));
	ASSERT_TRUE(std::holds_alternative<CompileResult>(robust));
	EXPECT_GT(std::get<CompileResult>(robust).stats.instructions, std::get<CompileResult>(plain).stats.instructions);
}

// robustBufferAccess2: buffers ending inside a uvec4 or a struct (the harness's descriptors cover
// exactly the data), so a straddling load keeps its in-bounds words and zeroes the rest (also
// through a uniform offset, scalar loads), a straddling store
// writes only its in-bounds words, and an atomic on a word past the end is dropped. With
// robustBufferAccess alone (per access) the same vectors read all zero and are not stored at all,
// which the second half checks, so the test tells the two modes apart.
TEST(RobustBufferAccess2, StraddlingVectorsAreCheckedPerComponent)
{
	const uint32_t n_src = 10, n_dst = 14, n_ubo = 6, n_pairs = 9;
	auto make = [&] {
		std::vector<Buffer> b = robust_buffers(n_src, n_dst, 136 * 4, 0xffffffffu, n_ubo);
		b.emplace_back();
		b[4].binding = 4;
		for (uint32_t k = 0; k < n_pairs; k++)
			b[4].data.push_back(3000 + k);
		return b;
	};
	for (bool per_component : {true, false}) {
		SCOPED_TRACE(per_component ? "robust_buffer_access2" : "robust_buffer_access");
		run_everywhere(glsl("robust_access2.comp"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			// Word w of an access of the four words [first, first + 4) of a buffer of n words.
			auto in = [&](uint32_t first, uint32_t w, uint32_t n) {
				return per_component ? w < n : first + 4 <= n;
			};
			for (uint32_t i = 0; i < 64; i++)
				for (uint32_t c = 0; c < 4; c++) {
					const uint32_t w = 4 * i + c, uw = 4 * (i % 4) + c;
					EXPECT_EQ(b[2].data[w], in(4 * i, w, n_src) ? 1000 + w : 0u) << where << " s[" << i << "]." << c;
					EXPECT_EQ(b[2].data[256 + w], in(4 * (i % 4), uw, n_ubo) ? 500 + uw : 0u)
					        << where << " u[" << i % 4 << "]." << c;
				}
			for (uint32_t l = 0; l < 4; l++)
				for (uint32_t c = 0; c < 4; c++) {
					// u[1] through a uniform offset: words 4..7 of 6.
					EXPECT_EQ(b[2].data[4 * (128 + l) + c], in(4, 4 + c, n_ubo) ? 500 + 4 + c : 0u)
					        << where << " u[1]." << c;
					// p[1] = words 6..11 of 9: a = word 6, b = words 8 and 9, c = word 10. Per access,
					// the optimizer may load the struct whole or member by member: only the
					// per-component result is determined.
					const uint32_t word[4] = {6, 8, 9, 10};
					if (per_component) {
						EXPECT_EQ(b[2].data[4 * (132 + l) + c], word[c] < n_pairs ? 3000 + word[c] : 0u)
						        << where << " p[1] member word " << word[c];
					}
				}
			for (uint32_t w = 0; w < n_dst; w++) {
				uint32_t want = in(w / 4 * 4, w, n_dst) ? w + 1 : 0xdeadbeefu;
				if (w % 4 == 1)
					want += 100;   // the atomic on .y: one scalar, checked alone in both modes
				EXPECT_EQ(b[1].data[w], want) << where << " d word " << w;
			}
		}, true, per_component);
	}
}

// Empty structs passed to and returned from a function through branches (an OpPhi of the empty
// type once inlined): the optimizer's dead-insert elimination crashed on it (spvasm/empty_struct_call).
TEST(SpirvInstructions, EmptyStructReturnedThroughBranches)
{
	auto make = [] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data.assign(64, 0xdeadbeefu);
		b[1].data.assign(3, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("empty_struct_call.spvasm"), make, {}, 1, [](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++)
			EXPECT_EQ(b[0].data[i], i % 2 ? 2u : 1u) << where << " lane " << i;
		EXPECT_EQ(b[1].data[0], 0xdeadbeefu) << where;
		EXPECT_EQ(b[1].data[2], 7u) << where;
	});
}

// Half bits of a small non-negative integer (exact in f16 below 2048).
uint32_t half_of_int(uint32_t v)
{
	if (v == 0)
		return 0;
	const unsigned e = 31 - (unsigned)std::countl_zero(v);   // v = 1.m * 2^e
	return ((e + 15) << 10) | (((v << (10 - e)) & 0x3ffu));
}

// OpBitcast of f16vec2 to uint, one from constants only: SPIRV-Tools' simplify-instructions folded
// it into an invalid 32-bit constant of two 16-bit words; such a module is now canonicalised
// again without the performance passes (spvasm/half_vector_bitcast_fold).
TEST(HalfStorage, BitcastOfConstantHalfVectorsIsNotMisfolded)
{
	auto make = [] {
		std::vector<Buffer> b = bound_buffers(1);
		b[0].data.assign(128, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("half_vector_bitcast_fold.spvasm"), make, {}, 1, [](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++) {
			EXPECT_EQ(b[0].data[i], 0xbc004000u + i) << where << " lane " << i;   // (2.0, -1.0)
			EXPECT_EQ(b[0].data[64 + i], 0x4300u | (half_of_int(i) << 16)) << where << " lane " << i;   // (3.5, i)
		}
	});
}

// OpBitcast of constant vectors of 16-bit components, bitcast again
// (spvasm/half_vector_constant_bitcast): SPIRV-Tools' folding kept the low half only (CTS
// precision_fp16_storage32b.inverse.compute.mat4 read 0.0 for
// uintBitsToFloat(packFloat2x16(f16vec2(0.0, -1.0)))); the compiler now folds the first bitcast
// itself (spirv_constant_bitcast.cpp), also after a local holding the constant is promoted.
TEST(HalfStorage, BitcastOfConstantHalfVectorsKeepsEveryComponent)
{
	auto pack = [](double lo, double hi) { return (uint32_t)half_bits(lo) | ((uint32_t)half_bits(hi) << 16); };
	auto make = [] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data.assign(3, 0xdeadbeefu);
		b[1].data.assign(5, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("half_vector_constant_bitcast.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		EXPECT_EQ(b[0].data[0], pack(0.0, -1.0)) << where;
		EXPECT_EQ(b[0].data[1], pack(2.0, -0.25)) << where;
		EXPECT_EQ(b[0].data[2], pack(2.0, -0.25)) << where;
		EXPECT_EQ(b[1].data[0], pack(0.5, 65504.0)) << where;
		EXPECT_EQ(b[1].data[1], pack(1.0, -2.0)) << where;
		EXPECT_EQ(b[1].data[2], pack(0.0, 0.125)) << where;
		EXPECT_EQ(b[1].data[3], 7u | ((uint32_t)(uint16_t)-9 << 16)) << where;
		EXPECT_EQ(b[1].data[4], 0xfe030201u) << where;   // u8vec4(1, 2, 3, 254)
	});
}

// Block, offsets, strides, sets and bindings given only through decoration groups
// (spvasm/decoration_groups): out (binding 1) = in (binding 0) * 2 + 1, in left alone.
TEST(SpirvInstructions, DecorationGroupsAreApplied)
{
	std::vector<uint32_t> in(64);
	uint32_t seed = 11;
	for (uint32_t &x : in)
		x = lcg(seed) >> 8;
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data = in;
		b[1].data.assign(64, 0xdeadbeefu);
		return b;
	};
	run_everywhere(spvasm("decoration_groups.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++) {
			EXPECT_EQ(b[1].data[i], in[i] * 2u + 1u) << where << " lane " << i;
			EXPECT_EQ(b[0].data[i], in[i]) << where << " lane " << i;
		}
	});
}

// OpUMulExtended, OpSMulExtended, OpIAddCarry and OpISubBorrow on 8- and 16-bit integers against
// the host (spvasm/narrow_extended_results): the unsigned ones computed their high half / carry in
// 32 bits, a high byte of 0 for uint8 (CTS mul_extended.unsigned_8bit / unsigned_16bit).
TEST(NarrowIntegers, ExtendedResultInstructions)
{
	std::vector<uint32_t> in(128);
	uint32_t seed = 29;
	for (uint32_t &x : in)
		x = lcg(seed);
	in[0] = 0xff, in[1] = 0xff;        // the largest products and sums
	in[2] = 0x80, in[3] = 0xffff;      // -128 * -1, 0 - 0xff...
	in[4] = 0, in[5] = 1;              // borrows
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data = in;
		b[1].data.assign(64 * 16, 0xdeadbeefu);
		return b;
	};
	auto sext = [](uint32_t v, unsigned w) { return (uint32_t)(((int32_t)(v << (32 - w))) >> (32 - w)); };
	run_everywhere(spvasm("narrow_extended_results.spvasm"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++)
			for (unsigned wi = 0; wi < 2; wi++) {
				const unsigned w = wi ? 16 : 8;
				const uint32_t mask = (1u << w) - 1, x = in[2 * i] & mask, y = in[2 * i + 1] & mask;
				const uint32_t um = x * y, sum = x + y;
				const int32_t sm = (int32_t)sext(x, w) * (int32_t)sext(y, w);
				const uint32_t want[8] = {um & mask, (um >> w) & mask, sext((uint32_t)sm & mask, w),
				                          sext(((uint32_t)sm >> w) & mask, w), sum & mask, sum >> w, (x - y) & mask,
				                          x < y ? 1u : 0u};
				for (unsigned k = 0; k < 8; k++)
					EXPECT_EQ(b[1].data[16 * i + 8 * wi + k], want[k])
						<< where << " lane " << i << " width " << w << " result " << k << " x " << x << " y " << y;
			}
	});
}

} // namespace
