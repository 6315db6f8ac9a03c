// Execution tests of structured control flow in full (issue 10, part A): loops inside ifs,
// loops after loops, per-lane trip counts followed by uniform loops with barriers behind an
// early return, returns inside loops and switches, nested switches, exits outside the loop
// header, continue constructs with branches. Every shader (GLSL in cf/, SPIR-V assembly for
// shapes glslang does not produce in spvasm/) runs on the device model in checked hazard mode on
// r1/r2 x perf/lowpower and at -O0/-O2, against a host reference computed here.
#include <gtest/gtest.h>

#include <spirv-tools/libspirv.hpp>

#include <cmath>
#include <functional>

#include "exec_harness.h"
#include "../../src/compiler/passes.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {


std::string cf_dir() { return corpus_dir() + "/../cf/"; }

std::vector<uint32_t> glsl(const std::string &file)
{
	std::string src = read_text(cf_dir() + file);
	EXPECT_FALSE(src.empty()) << file;
	auto spv = glsl_to_spirv(src, file);
	if (auto *e = std::get_if<CompileError>(&spv)) {
		ADD_FAILURE() << file << ": " << e->message;
		return {};
	}
	return std::get<std::vector<uint32_t>>(spv);
}


uint32_t lcg(uint32_t &s)
{
	s = s * 1664525u + 1013904223u;
	return s;
}

// Input a[] (binding 0) of n words from 'gen', output o[] (binding 1); runs 'spv' on every
// configuration and compares o[] with 'ref(a)'.
void run_all(const std::vector<uint32_t> &spv, uint32_t n, uint32_t groups,
             const std::function<uint32_t(uint32_t k, uint32_t &seed)> &gen,
             const std::function<std::vector<uint32_t>(const std::vector<uint32_t> &)> &ref,
             const std::vector<uint32_t> &push = {}, bool every_config = true)
{
	ASSERT_FALSE(spv.empty());
	uint32_t seed = 12345;
	std::vector<uint32_t> a(n);
	for (uint32_t k = 0; k < n; k++)
		a[k] = gen(k, seed);
	const std::vector<uint32_t> want = ref(a);
	for (const ExecConfig &cfg : kExecConfigs) {
		// Large generated shaders (seconds to compile under the sanitizers): r1/lowpower and r2/perf.
		if (!every_config && !(cfg.opt == 2 && cfg.rev != 1 + cfg.profile))
			continue;
		const std::string where = config_name(cfg);
		auto res = compile_for(spv, cfg);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << where << ": compile: " << e->message;
		std::vector<Buffer> bufs(2);
		bufs[0].binding = 0;
		bufs[0].data = a;
		bufs[1].binding = 1;
		bufs[1].data.assign(want.size(), 0xdeadbeefu);
		const uint32_t g[3] = {groups, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, push, g);
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		size_t bad = 0;
		for (size_t k = 0; k < want.size(); k++)
			if (bufs[1].data[k] != want[k] && bad++ < 8)
				ADD_FAILURE() << where << ": o[" << k << "] = " << bufs[1].data[k] << ", want " << want[k]
				              << " (a = " << (k < a.size() ? a[k] : 0) << ")";
		ASSERT_EQ(bad, 0u) << where;
	}
}

// Per-invocation reference: o[k] = f(a[k]).
std::function<std::vector<uint32_t>(const std::vector<uint32_t> &)> each(std::function<uint32_t(uint32_t)> f)
{
	return [f](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a)
			o.push_back(f(x));
		return o;
	};
}

uint32_t rnd(uint32_t, uint32_t &s) { return lcg(s) >> 7; }
uint32_t small(uint32_t, uint32_t &s) { return (lcg(s) >> 9) % 160u; }

TEST(StructuredCf, LoopsInsideIfArms)
{
	run_all(glsl("loops_in_if.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = 0;
		if (x & 1u) {
			for (uint32_t k = 0; k < (x & 15u); k++)
				acc += k;
			for (uint32_t k = 0; k < 4; k++) {
				acc = acc * 3u + 1u;
				if (acc > 500u)
					break;
			}
		} else {
			uint32_t k = 0;
			do {
				acc += x >> k;
				k++;
			} while (k < 32 && (x >> k) != 0u);
		}
		return acc;
	}));
}

// The issue's miscompile: behind a (uniform) early return, a per-lane loop followed by a loop
// with barriers ran the code after the first loop once per exit iteration.
TEST(StructuredCf, PerLaneLoopThenBarrierLoopBehindEarlyReturn)
{
	const uint32_t rounds = 3, groups = 3, skip = 1;
	auto ref = [&](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(a.size(), 0xdeadbeefu);
		for (uint32_t g = 0; g < groups; g++) {
			if (g == skip)
				continue;
			std::vector<uint32_t> acc(64, 0), sh(64);
			for (uint32_t l = 0; l < 64; l++) {
				uint32_t x = a[g * 64 + l];
				for (uint32_t k = 0; k < (x & 7u); k++)
					acc[l] += k * 3u + x;
			}
			for (uint32_t r = 0; r < rounds; r++) {
				for (uint32_t l = 0; l < 64; l++)
					sh[l] = acc[l] + r;
				for (uint32_t l = 0; l < 64; l++)
					acc[l] += sh[(l + 1) & 63];
			}
			for (uint32_t l = 0; l < 64; l++)
				o[g * 64 + l] = acc[l];
		}
		return o;
	};
	run_all(glsl("return_barrier_loops.comp"), 64 * groups, groups, rnd, ref, {skip, rounds, 0xffffffffu});
	// The same behind a return whose condition is loaded from memory (the same value in the
	// whole group, so the barriers stay in uniform control flow; the compiler cannot tell).
	auto gen = [&](uint32_t k, uint32_t &s) { return k % 64 == 63 ? (k / 64 == skip ? 7u : 8u) : rnd(k, s) & ~1u; };
	run_all(glsl("return_barrier_loaded.comp"), 64 * groups, groups, gen, ref, {7u, rounds, 0xffffffffu});
}

uint32_t f_returns(uint32_t x)
{
	for (uint32_t k = 0; k < 10; k++) {
		if (x > 100u)
			return k;
		switch (x & 3u) {
		case 0:
			x += 7u;
			break;
		case 1:
			if (x > 50u)
				return x * 2u;
			x += 13u;
			break;
		default:
			x += 1u;
		}
	}
	return x;
}

// Loops counted from constants: after rotation their first test is known (`0 < 32`, `-3 <= 5`,
// `-4 < 3`) and goes with its branch; the lanes must still see every iteration.
TEST(StructuredCf, UniformLoopsCountedFromConstants)
{
	const uint32_t groups = 2;
	auto ref = [&](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o(a.size());
		for (uint32_t g = 0; g < groups; g++) {
			uint32_t total = 0;
			for (uint32_t l = 0; l < 64; l++)
				total += a[g * 64 + l];
			for (uint32_t l = 0; l < 64; l++) {
				int32_t acc = 0;
				for (int32_t step = 5; step >= -3; step -= 2)
					acc += static_cast<int32_t>(63 - l) * step;
				for (int32_t k = -4; k < 3; k++)
					if (static_cast<int32_t>(l % 7u) == k + 4)
						acc ^= k;
				o[g * 64 + l] = total + static_cast<uint32_t>(acc);
			}
		}
		return o;
	};
	run_all(glsl("constant_start_loops.comp"), 64 * groups, groups, rnd, ref);
}

// Push constants of adjacent dwords read on different paths come in one 64-bit load at the top;
// the in-range lanes must see both dwords (scale and n) where they were, and the third (bias).
TEST(StructuredCf, PushConstantsReadOnDifferentPaths)
{
	const uint32_t scale = 2654435761u, n = 100, bias = 12345;
	run_all(glsl("push_constant_pairs.comp"), 128, 2, rnd,
	        [&](const std::vector<uint32_t> &a) {
		        std::vector<uint32_t> o(a.size());
		        for (uint32_t i = 0; i < a.size(); i++)
			        o[i] = i < n ? a[i] * scale + bias : 7u;
		        return o;
	        },
	        {scale, n, 0xdeadbeefu, bias});
}

TEST(StructuredCf, ReturnsInsideLoopsAndSwitches)
{
	run_all(glsl("function_returns.comp"), 128, 2, [](uint32_t k, uint32_t &s) { return k < 64 ? k * 3u : small(k, s) * 8u; },
	        each([](uint32_t x) { return f_returns(x) + f_returns(x >> 3) * 1000u; }));
}

TEST(StructuredCf, NestedSwitchesInLoopWithBreaksAndContinue)
{
	run_all(glsl("nested_switch_loop.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = 0;
		for (uint32_t k = 0; k < 8; k++) {
			switch (x & 3u) {
			case 0:
				switch ((x >> 2) & 3u) {
				case 0:
					acc += 1u;
					break;
				case 1:
					if (x & 64u)
						break;
					acc += 9u;
					break;
				default:
					acc += 5u;
					break;
				}
				break;
			case 1:
				if (acc > 20u)
					break;
				acc += 3u;
				break;
			default:
				acc += x & 255u;
			}
			x = x * 1103515245u + 12345u;
			if (acc > 1000u)
				continue;
			acc ^= k;
		}
		return acc;
	}));
}

TEST(StructuredCf, ExitTestsOutsideTheHeaderAndReconvergenceForSubgroups)
{
	run_all(glsl("exit_mid_loop.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = 0, n = 0;
		while (true) {
			acc += x & 15u;
			x >>= 3;
			if (x == 0u)
				break;
			n++;
			if (x & 1u)
				continue;
			for (uint32_t j = 0; j < 5; j++) {
				if (((x >> j) & 3u) == 3u)
					break;
				acc += j;
			}
			acc = acc * 7u;
		}
		return acc + n * 100000u + 32u * 10000000u;
	}));
}

uint32_t stepk(uint32_t k, uint32_t x)
{
	if ((x >> k) & 1u)
		return k + 1u;
	uint32_t s = k;
	while (s < 31u && ((x >> s) & 3u) == 0u)
		s += 2u;
	return s + 2u;
}

TEST(StructuredCf, ContinueConstructWithBranchesAndLoop)
{
	run_all(glsl("continue_construct_branches.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = 0;
		for (uint32_t k = 0; k < 32u; k = stepk(k, x)) {
			acc = acc * 5u + k;
			switch (k & 3u) {
			case 0:
				if (acc > 1000u) {
					acc -= 7u;
					break;
				}
				acc += 1u;
				[[fallthrough]];
			case 1:
				acc ^= 3u;
				break;
			case 2:
				if (x & 4u)
					return acc;
				break;
			}
		}
		return acc + 1u;
	}));
}

TEST(StructuredCf, ReturnsFromSwitchCasesAndLoopsInCases)
{
	run_all(glsl("switch_returns.comp"), 128, 2, rnd, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t x : a) {
			uint32_t acc = 0, r = 0;
			bool done = false;
			switch (x & 7u) {
			case 0:
				r = 0xdeadbeefu;   // returns without writing
				done = true;
				break;
			case 1:
				for (uint32_t k = 0; k < x % 13u && !done; k++) {
					if (k == 9u) {
						r = 77u;
						done = true;
						break;
					}
					acc += k;
				}
				break;
			case 2:
			case 3:
				while (acc < (x & 255u)) {
					acc += 17u;
					if (acc & 8u)
						continue;
					acc++;
				}
				break;
			default:
				acc = x;
			}
			o.push_back(done ? r : acc);
		}
		return o;
	});
}

TEST(StructuredCf, AssemblyBreaksAndContinuesWithoutMergesSwitchExitsAndReturnInLoop)
{
	run_all(spvasm("cf_shapes.spvasm"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = 0, k = 0;
		for (;;) {   // loop A
			acc += x & 7u;
			if (k >= (x & 3u) + 5u)
				break;
			acc *= 3u;
			if (!(acc & 16u))
				acc += 5u;
			k++;
			if (k & 1u)
				acc ^= k;
			if (!(k < 10u))
				break;
		}
		uint32_t y = x;
		for (uint32_t j = 0;;) {   // loop B
			bool leave = false;
			switch (y & 3u) {
			case 0:
				acc += 1u;
				leave = true;
				break;
			case 1:
				acc += 2u;
				break;
			case 2:
				acc += 3u + 100u;
				break;
			default:
				acc = acc * 2u + 100u;
			}
			if (leave)
				break;
			y >>= 2;
			if (!(++j < 8u))
				break;
		}
		for (uint32_t j = 0;;) {   // loop C
			acc += 7u;
			if (acc > 1000u)
				return acc;
			if (!(++j < (x & 7u)))
				break;
		}
		return acc + 10u;
	}));
}

TEST(StructuredCf, UnreachableArmsAndSwitchDefaultInsideALoop)
{
	run_all(spvasm("cf_unreachable.spvasm"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t acc = x, lim = x & 10u;
		for (uint32_t k = 0;;) {
			acc = ((x >> k) & 1u) ? acc + 7u : acc * 3u;
			if (!(++k < lim))
				break;
		}
		return acc;
	}));
}

TEST(StructuredCf, SwitchOnA64BitSelector)
{
	run_all(spvasm("cf_switch64.spvasm"), 128, 2, rnd, each([](uint32_t x) {
		const uint64_t s = (uint64_t)(x & 3u) << 32 | ((x >> 2) & 1u);
		switch (s) {
		case 0x100000000ull: return 11u;
		case 0x100000001ull: return 22u;
		case 1:
		case 0x300000000ull: return x + 44u;
		default: return 55u;
		}
	}));
}

uint32_t f_dont_inline(uint32_t x)
{
	for (uint32_t k = 0; k < 8; k++) {
		if (x > 100u)
			return x + k;
		x = x * 3u + 1u;
	}
	return x;
}

TEST(StructuredCf, CtsShapesDontInlineDeadBlockIndex64UnusedSet5)
{
	run_all(spvasm("cts_shapes.spvasm"), 128, 2, small, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t i = 0; i < a.size(); i++) {
			uint32_t v = a[i ^ 1u];
			uint32_t loc = a[(i + (v & 7u)) & 127u];
			o.push_back(f_dont_inline(v) + loc);
		}
		return o;
	});
}

TEST(StructuredCf, CallReturningAPhysicalPointerParameter)
{
	const auto spv = spvasm("cts_pointer_call.spvasm");
	ASSERT_FALSE(spv.empty());
	for (const ExecConfig &cfg : kExecConfigs) {
		auto res = compile_for(spv, cfg);
		ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
		std::vector<Buffer> b(3);
		b[0].address_push_offset = 0;
		b[1].address_push_offset = 8;
		b[2].binding = 1;
		for (uint32_t k = 0; k < 128; k++) {
			b[0].data.push_back(k * 7u + 1u);
			b[1].data.push_back(k * 11u + 5u);
		}
		b[2].data.assign(128, 0xdeadbeefu);
		const uint32_t g[3] = {2, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, b, {}, g);
		ASSERT_TRUE(r.ok) << r.error;
		EXPECT_EQ(r.hazard_violations, 0u);
		for (uint32_t k = 0; k < 128; k++)
			ASSERT_EQ(b[2].data[k], ((k & 1u) ? k * 7u + 1u : k * 11u + 5u) * 3u + 1u) << k;
	}
}

// A switch with 300 cases feeding one phi (generated assembly; the CTS's opphi.wide has 512):
// the case masks are computed one at a time, not all kept live (which exhausted the SGPRs).
TEST(StructuredCf, ThreeHundredCaseSwitchIntoOnePhi)
{
	constexpr uint32_t kCases = 300;
	std::string t = R"(OpCapability Shader
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %gid %in %out
OpExecutionMode %main LocalSize 64 1 1
OpDecorate %gid BuiltIn GlobalInvocationId
OpDecorate %rt ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %in DescriptorSet 0
OpDecorate %in Binding 0
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 1
%void = OpTypeVoid
%fn = OpTypeFunction %void
%u32 = OpTypeInt 32 0
%v3 = OpTypeVector %u32 3
%rt = OpTypeRuntimeArray %u32
%blk = OpTypeStruct %rt
%pblk = OpTypePointer StorageBuffer %blk
%psu = OpTypePointer StorageBuffer %u32
%pin = OpTypePointer Input %v3
%gid = OpVariable %pin Input
%in = OpVariable %pblk StorageBuffer
%out = OpVariable %pblk StorageBuffer
%c0 = OpConstant %u32 0
%cdef = OpConstant %u32 7
)";
	for (uint32_t k = 0; k < kCases; k++)
		t += "%k" + std::to_string(k) + " = OpConstant %u32 " + std::to_string(k * 10 + 5) + "\n";
	t += "%main = OpFunction %void None %fn\n%entry = OpLabel\n%g = OpLoad %v3 %gid\n%i = OpCompositeExtract %u32 %g 0\n"
	     "%pa = OpAccessChain %psu %in %c0 %i\n%x = OpLoad %u32 %pa\nOpSelectionMerge %phi None\nOpSwitch %x %def";
	for (uint32_t k = 0; k < kCases; k++)
		t += " " + std::to_string(k) + " %case" + std::to_string(k);
	t += "\n%def = OpLabel\nOpBranch %phi\n";
	for (uint32_t k = 0; k < kCases; k++)
		t += "%case" + std::to_string(k) + " = OpLabel\nOpBranch %phi\n";
	t += "%phi = OpLabel\n%r = OpPhi %u32 %cdef %def";
	for (uint32_t k = 0; k < kCases; k++)
		t += " %k" + std::to_string(k) + " %case" + std::to_string(k);
	t += "\n%po = OpAccessChain %psu %out %c0 %i\nOpStore %po %r\nOpReturn\nOpFunctionEnd\n";
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::vector<uint32_t> words;
	ASSERT_TRUE(tools.Assemble(t, &words));
	run_all(words, 128, 2, [](uint32_t k, uint32_t &s) { return k < 100 ? k * 3u : lcg(s) % 400u; },
	        each([](uint32_t x) { return x < kCases ? x * 10u + 5u : 7u; }));
}

// ---- function-scope memory (locals SPIRV-Tools cannot promote live in the lane's scratch area)

TEST(FunctionMemory, LocalArrayIndexedAtRunTimeInPerLaneLoop)
{
	run_all(glsl("local_histogram.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t h[16] = {};
		for (uint32_t k = 0; k < (x & 63u); k++) {
			uint32_t v = (x >> (k & 15u)) ^ (k * 2654435761u);
			h[v & 15u] += k;
		}
		uint32_t acc = 0;
		for (uint32_t k = 0; k < 16; k++)
			acc = acc * 31u + h[k];
		return acc;
	}));
}

TEST(FunctionMemory, StructInoutAndOutParametersAndFrexp)
{
	run_all(glsl("local_struct_inout.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t v[4] = {x, x + 1u, x + 2u, x + 3u}, acc = 0;
		for (uint32_t k = 0; k < (x & 31u); k++) {
			uint32_t kk = x >> (k & 7u);
			uint32_t old = v[kk & 3u];
			v[kk & 3u] = old * 3u + kk;
			acc += old;
		}
		int e;
		float m = std::frexp((float)(x & 4095u) + 1.0f, &e);
		return acc + v[x & 3u] + (uint32_t)e * 65536u + (uint32_t)(m * 1024.0f) * 4096u;
	}));
}

TEST(FunctionMemory, LargeLocalArrayMatrixAndVectorWrittenAtRunTimeIndices)
{
	run_all(glsl("local_big_array_matrix.comp"), 128, 2, rnd, each([](uint32_t x) {
		uint32_t big[200];
		for (uint32_t k = 0; k < 200; k++)
			big[k] = k * x;
		for (uint32_t k = 0; k < (x & 255u); k++)
			big[(k * 7u + x) % 200u] ^= k;
		float m[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};   // m[column][row]
		float v[4];
		for (float &c : v)
			c = (float)(x & 7u);
		for (uint32_t k = 0; k < (x & 3u); k++) {
			m[k & 3u][(k + 1u) & 3u] = (float)(k + 1u);
			v[k] += 1.0f;
		}
		uint32_t acc = 0;
		for (uint32_t k = 0; k < 200; k += 7)
			acc += big[k];
		float r[4];
		for (int row = 0; row < 4; row++) {
			r[row] = 0;
			for (int c = 0; c < 4; c++)
				r[row] += m[c][row] * v[c];
		}
		return acc + (uint32_t)(r[0] + 2.0f * r[1] + 4.0f * r[2] + 8.0f * r[3]);
	}));
}

TEST(FunctionMemory, LocalsOfEveryWidthConstantTableStructArrayAndPrivateArray)
{
	run_all(glsl("local_types.comp"), 128, 2, rnd, each([](uint32_t x) {
		const uint32_t lut[8] = {3, 1, 4, 1, 5, 9, 2, 6};
		uint64_t w[6];
		double d[5];
		uint8_t b[10];
		bool f[7];
		struct P {
			float pos[3];
			uint32_t id;
		} ps[4];
		uint32_t priv[12];
		for (uint32_t k = 0; k < 6; k++)
			w[k] = (uint64_t)x << (k * 5u);
		for (uint32_t k = 0; k < 5; k++)
			d[k] = k * 0.5;
		for (uint32_t k = 0; k < 10; k++)
			b[k] = (uint8_t)(x >> k);
		for (uint32_t k = 0; k < 7; k++)
			f[k] = (x >> k) & 1u;
		for (uint32_t k = 0; k < 4; k++)
			ps[k] = {{(float)k, (float)(x & 15u), 1.0f}, k * 10u};
		for (uint32_t k = 0; k < 12; k++)
			priv[k] = k ^ x;
		uint32_t acc = 0;
		for (uint32_t k = 0; k < (x & 15u); k++) {
			uint32_t j = (x >> k) & 7u;
			acc += lut[j];
			w[j % 6u] += (uint64_t)k << 33;
			d[j % 5u] += 1.25;
			b[(j + k) % 10u] = (uint8_t)(b[(j + k) % 10u] + 200u);
			f[j % 7u] = !f[j % 7u];
			ps[j & 3u].pos[k % 3u] += 2.0f;
			ps[j & 3u].id += 1u;
			priv[(j * 3u + k) % 12u] += 1u;
		}
		uint32_t sel = x % 6u;
		acc += (uint32_t)(w[sel] >> 32) + (uint32_t)w[sel];
		acc += (uint32_t)(d[x % 5u] * 4.0);
		acc += (uint32_t)b[x % 10u] * 7u;
		acc += f[x % 7u] ? 1000u : 0u;
		const P &q = ps[x & 3u];
		acc += (uint32_t)(q.pos[0] + q.pos[1] * 3.0f + q.pos[2] * 5.0f) + q.id;
		acc += priv[x % 12u];
		return acc;
	}));
}

// Register-pressure shaders (generated: GLSL has no loops in its preprocessor). Each phase keeps
// 'values' per-lane values live across a loop with a per-lane trip count; with 'local', a local
// array is also updated at run-time indices in the loops (scratch for locals and spills together).
struct Pressure {
	std::vector<uint32_t> phases;   // values per phase
	bool local = false;
};

std::string pressure_glsl(const Pressure &pr)
{
	std::string src = "#version 450\nlayout(local_size_x = 64) in;\n"
	                  "layout(set = 0, binding = 0) readonly buffer In { uint a[]; };\n"
	                  "layout(set = 0, binding = 1) buffer Out { uint o[]; };\n"
	                  "void main() {\n uint i = gl_GlobalInvocationID.x;\n uint x = a[i];\n uint acc = x;\n";
	if (pr.local)
		src += " uint h[32];\n for (uint k = 0u; k < 32u; k++) h[k] = k;\n";
	for (size_t ph = 0; ph < pr.phases.size(); ph++) {
		const std::string P = "p" + std::to_string(ph) + "_";
		for (uint32_t k = 0; k < pr.phases[ph]; k++)
			src += " uint " + P + std::to_string(k) + " = a[(i + acc + " + std::to_string(k) + "u) & 127u] * " +
			       std::to_string(k + 1 + ph) + "u;\n";
		src += " for (uint r = 0u; r < (x & 3u) + 1u; r++) {\n";
		for (uint32_t k = 0; k < pr.phases[ph]; k++)
			src += "  acc = acc * 31u + (" + P + std::to_string(k) + " ^ r);\n";
		if (pr.local)
			src += "  h[acc & 31u] += r + 1u;\n";
		src += " }\n";
	}
	src += pr.local ? " o[i] = acc + h[x & 31u] * 7u + h[(x >> 5) & 31u];\n}\n" : " o[i] = acc;\n}\n";
	return src;
}

std::vector<uint32_t> pressure_reference(const Pressure &pr, const std::vector<uint32_t> &a)
{
	std::vector<uint32_t> o;
	for (uint32_t i = 0; i < a.size(); i++) {
		uint32_t x = a[i], acc = x, h[32];
		for (uint32_t k = 0; k < 32; k++)
			h[k] = k;
		for (size_t ph = 0; ph < pr.phases.size(); ph++) {
			std::vector<uint32_t> t(pr.phases[ph]);
			for (uint32_t k = 0; k < t.size(); k++)
				t[k] = a[(i + acc + k) & 127u] * (uint32_t)(k + 1 + ph);
			for (uint32_t r = 0; r < (x & 3u) + 1u; r++) {
				for (uint32_t v : t)
					acc = acc * 31u + (v ^ r);
				if (pr.local)
					h[acc & 31u] += r + 1u;
			}
		}
		o.push_back(pr.local ? acc + h[x & 31u] * 7u + h[(x >> 5) & 31u] : acc);
	}
	return o;
}

// Compiles the shader at -O2 (r2/perf), returns its result for the caller's checks, and runs it
// everywhere against the reference.
CompileResult run_pressure(const Pressure &pr)
{
	auto spv = glsl_to_spirv(pressure_glsl(pr), "pressure.comp");
	EXPECT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
	if (!std::holds_alternative<std::vector<uint32_t>>(spv))
		return {};
	const auto words = std::get<std::vector<uint32_t>>(spv);
	auto res = compile_spirv(words, Options{});
	EXPECT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	if (!std::holds_alternative<CompileResult>(res))
		return {};
	run_all(words, 128, 2, rnd, [&](const std::vector<uint32_t> &a) { return pressure_reference(pr, a); }, {}, false);
	return std::get<CompileResult>(res);
}

// Locals in scratch and VGPR spills together: the spill slots follow the lanes' local areas in
// the wave's region.
TEST(FunctionMemory, LocalsAndVgprSpillsShareTheScratchRegion)
{
	CompileResult r = run_pressure({{280}, true});
	EXPECT_GT(r.stats.spills, 0u);
	EXPECT_GT(r.binary.entries.at(0).scratch_bytes, 32u * 4u + 4u);   // the local array and spill slots
	// More than 256 slots: the spill base is also biased for the negative offsets.
	r = run_pressure({{600}, true});
	EXPECT_GT(r.binary.entries.at(0).scratch_bytes, 32u * 4u + 256u * 4u);
}

// ---- register pressure

// More than 512 spilled dwords per lane (the reach of the MEM offset field from one base): slots
// beyond the first 64 KiB window add the window to the lane offset.
TEST(RegisterPressure, SpillsBeyondTheOffsetFieldsReach)
{
	CompileResult r = run_pressure({{900}});
	EXPECT_GT(r.binary.entries.at(0).scratch_bytes, 512u * 4u);
	printf("900 live values: %u spills, %u scratch bytes per lane, %u instructions\n", r.stats.spills,
	       r.binary.entries.at(0).scratch_bytes, r.stats.instructions);
}

// Two phases whose values are never live together: their spilled values share slots.
TEST(RegisterPressure, SpilledValuesThatDoNotInterfereShareSlots)
{
	CompileResult r = run_pressure({{330, 330}});
	EXPECT_GT(r.stats.spills, 0u);
	EXPECT_LT(r.binary.entries.at(0).scratch_bytes, r.stats.spills * 4u * 3u / 4u);
	printf("2 x 330 live values: %u spills in %u scratch bytes per lane\n", r.stats.spills,
	       r.binary.entries.at(0).scratch_bytes);
}

// 250 uniform values (uniform-buffer loads, in SGPRs) live across a loop: far more than the
// scalar file, so SGPRs spill into lanes of several VGPRs (32 slots each; one was the limit).
TEST(RegisterPressure, ScalarSpillsBeyondOneVgprOfLanes)
{
	constexpr uint32_t kValues = 250;
	std::string src = "#version 450\nlayout(local_size_x = 64) in;\n"
	                  "layout(set = 0, binding = 0) uniform U { uvec4 u[64]; };\n"
	                  "layout(set = 0, binding = 1) buffer Out { uint o[]; };\n"
	                  "void main() {\n uint i = gl_GlobalInvocationID.x;\n uint x = u[(i >> 2) & 63u][i & 3u];\n";
	for (uint32_t k = 0; k < kValues; k++)
		src += " uint s" + std::to_string(k) + " = u[" + std::to_string(k / 4) + "][" + std::to_string(k % 4) + "] * " +
		       std::to_string(k + 1) + "u;\n";
	src += " uint acc = x;\n for (uint r = 0u; r < (x & 3u) + 1u; r++) {\n";
	for (uint32_t k = 0; k < kValues; k++)
		src += "  acc = acc * 31u + (s" + std::to_string(k) + " ^ r);\n";
	src += " }\n o[i] = acc;\n}\n";
	auto spv = glsl_to_spirv(src, "sgpr_pressure.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
	const auto words = std::get<std::vector<uint32_t>>(spv);
	auto res = compile_spirv(words, Options{});
	ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	EXPECT_GT(std::get<CompileResult>(res).stats.spills, 32u);
	printf("250 live uniform values: %u spills\n", std::get<CompileResult>(res).stats.spills);
	run_all(words, 256, 2, rnd, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t i = 0; i < 128; i++) {
			uint32_t x = a[i & 255u], acc = x;
			for (uint32_t r = 0; r < (x & 3u) + 1u; r++)
				for (uint32_t k = 0; k < kValues; k++)
					acc = acc * 31u + ((a[k] * (k + 1)) ^ r);
			o.push_back(acc);
		}
		return o;
	}, {}, false);
}

// ---- zero-initialised workgroup memory of any size

TEST(WorkgroupMemory, ZeroInitialisedArraysOfAnySize)
{
	run_all(glsl("shared_zero_large.comp"), 128, 2, rnd, [](const std::vector<uint32_t> &a) {
		std::vector<uint32_t> o;
		for (uint32_t g = 0; g < a.size() / 64; g++) {
			std::vector<uint32_t> big(14000, 0), mid(1400, 0);
			big[13999] += 7;
			mid[699 * 2 + 1] += 3;
			for (uint32_t i = 0; i < 64; i++)
				big[i * 200] += i;
			for (uint32_t i = 0; i < 64; i++) {
				uint32_t acc = 0;
				for (uint32_t k = i; k < 14000; k += 64)
					acc += big[k] * (k + 1);
				for (uint32_t k = i; k < 700; k += 64)
					acc += mid[2 * k] + mid[2 * k + 1] * 5;
				o.push_back(acc);
			}
		}
		return o;
	});
}

// ---- diagnosable failures: the message names the SPIR-V instruction (opcode, result id, name)

std::string compile_error(const std::string &glsl_src)
{
	auto spv = glsl_to_spirv(glsl_src, "diag.comp");
	if (!std::holds_alternative<std::vector<uint32_t>>(spv))
		return "glslang: " + std::get<CompileError>(spv).message;
	auto res = compile_spirv(std::get<std::vector<uint32_t>>(spv), Options{});
	return std::holds_alternative<CompileError>(res) ? std::get<CompileError>(res).message : "compiled";
}

TEST(Diagnostics, RefusalsNameTheSpirvInstruction)
{
	const std::string head = "#version 450\nlayout(local_size_x = 64) in;\n";
	std::string m = compile_error(head + "layout(set = 0, binding = 0) buffer B { uint x[]; } bufs;\n"
	                                     "shared uint big[20000];\n"
	                                     "void main() { big[gl_LocalInvocationIndex] = 1u; barrier(); bufs.x[0] = big[3]; }\n");
	EXPECT_NE(m.find("exceeds the device limit"), std::string::npos) << m;
	EXPECT_NE(m.find("at SPIR-V instruction OpVariable %"), std::string::npos) << m;
	EXPECT_NE(m.find("\"big\""), std::string::npos) << m;
	m = compile_error(head + "layout(set = 40, binding = 0) buffer B { uint x[]; } bufs;\n"
	                         "void main() { bufs.x[0] = 1u; }\n");
	EXPECT_NE(m.find("outside the binding model"), std::string::npos) << m;
	EXPECT_NE(m.find("at SPIR-V instruction OpStore"), std::string::npos) << m;
	m = compile_error(head + "layout(set = 0, binding = 0) uniform sampler2D s;\n"
	                         "layout(set = 0, binding = 1) buffer O { vec4 o[]; };\n"
	                         "void main() { o[0] = textureGrad(s, vec2(0.5), vec2(0.1), vec2(0.1)); }\n");
	EXPECT_NE(m.find("Grad"), std::string::npos) << m;
	EXPECT_NE(m.find("at SPIR-V instruction OpImageSampleExplicitLod %"), std::string::npos) << m;
	// Function-scope memory beyond the per-invocation limit: refused, naming the variable.
	m = compile_error(head + "layout(set = 0, binding = 0) buffer B { uint o[]; };\n"
	                         "void main() { uint big[5000]; for (uint k = 0u; k < o[0]; k++) big[o[k + 1u]] = k;\n"
	                         " o[1] = big[o[2]]; }\n");
	EXPECT_NE(m.find("function-scope variables of 20000 bytes per invocation exceed the limit"), std::string::npos) << m;
	EXPECT_NE(m.find("at SPIR-V instruction OpVariable %"), std::string::npos) << m;
}

// A failure in control-flow lowering names the SPIR-V block (OpLabel id) it stopped at: a
// conditional branch without a merge instruction whose sides neither leave a construct nor
// rejoin (not valid structured SPIR-V, so built as IR here).
TEST(Diagnostics, ControlFlowFailuresNameTheSpirvBlock)
{
	ir::Program p;
	std::string error;
	ASSERT_TRUE(ir::parse_program(R"(program mid
BB0:
  %1:u1 = local_id
  %2:b = ult %1:u1, 10
  cbr %2:b, BB1, BB2
BB1:
  ret
BB2:
  ret
)", p, error)) << error;
	p.block_labels = {77, 78, 79};
	uniformity(p);
	ir::Program m;
	EXPECT_FALSE(isel(p, m, error));
	EXPECT_NE(error.find("unstructured conditional branch"), std::string::npos) << error;
	EXPECT_NE(error.find("in the SPIR-V block %77"), std::string::npos) << error;
}

} // namespace
