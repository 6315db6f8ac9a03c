// Execution tests of SPIR-V variable pointers (VariablePointersStorageBuffer / VariablePointers,
// docs/compiler.md "Variable pointers"): storage buffer and Workgroup pointers selected per lane,
// merged in phis, walked with OpPtrAccessChain, null and compared, passed to and returned from
// functions, kept in local memory. Each shader (tests/compiler/spvasm/varptr_*.spvasm) runs on the
// device model in checked hazard mode on r1/r2 x perf/lowpower at -O2, -O0 and with robust buffer
// access (robustBufferAccess and robustBufferAccess2: bounded pointers), against results computed
// here on the host from random inputs; the robust cases also with descriptor ranges shorter than
// their buffers, against the spec's values.
#include <gtest/gtest.h>

#include <spirv-tools/libspirv.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <sstream>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

struct Config {
	uint32_t rev, profile, opt;
	bool robust, robust2;   // robustBufferAccess, robustBufferAccess2
};
const Config kConfigs[] = {{1, 0, 2, false, false}, {1, 1, 2, false, false}, {2, 0, 2, false, false},
                           {2, 1, 2, false, false}, {1, 0, 0, false, false}, {2, 1, 2, true, false},
                           {1, 0, 2, true, true}};

uint32_t lcg(uint32_t &s)
{
	s = s * 1664525u + 1013904223u;
	return s >> 8;
}

std::vector<uint32_t> random_words(uint32_t n, uint32_t seed, uint32_t mask = 0xffffffu)
{
	std::vector<uint32_t> v(n);
	for (uint32_t &x : v)
		x = lcg(seed) & mask;
	return v;
}

// Compiles 'file' for each of 'configs', runs it on buffers from 'make' (set 0, binding = index)
// and hands the buffers after the run to 'check'.
void run_configs(const std::string &file, uint32_t groups_x, std::span<const Config> configs,
                 const std::function<std::vector<Buffer>()> &make,
                 const std::function<void(const std::vector<Buffer> &, const Config &, const std::string &)> &check)
{
	const auto spv = spvasm(file);
	ASSERT_FALSE(spv.empty()) << file;
	for (const Config &cfg : configs) {
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.opt_level = cfg.opt;
		o.robust_buffer_access = cfg.robust;
		o.robust_buffer_access2 = cfg.robust2;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << file << ": " << e->message;
		std::vector<Buffer> bufs = make();
		for (uint32_t k = 0; k < bufs.size(); k++)
			bufs[k].binding = k;
		const uint32_t groups[3] = {groups_x, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, {}, groups);
		const std::string where = file + " r" + std::to_string(cfg.rev) + "/" + (cfg.profile ? "lowpower" : "perf") +
		                          " -O" + std::to_string(cfg.opt) + (cfg.robust2 ? " robust2" : cfg.robust ? " robust" : "");
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		check(bufs, cfg, where);
	}
}

// Every configuration of kConfigs.
void run_everywhere(const std::string &file, uint32_t groups_x, const std::function<std::vector<Buffer>()> &make,
                    const std::function<void(const std::vector<Buffer> &, const std::string &)> &check)
{
	run_configs(file, groups_x, kConfigs, make,
	            [&](const std::vector<Buffer> &b, const Config &, const std::string &where) { check(b, where); });
}

TEST(VariablePointers, SelectBetweenBuffersPhiAndAtomic)
{
	auto a = random_words(129, 1);
	const auto b = random_words(128, 2);
	a[128] = 1000;
	run_everywhere("varptr_select_phi.spvasm", 2, [&] {
		std::vector<Buffer> v(3);
		v[0].data = a;
		v[1].data = b;
		v[2].data.assign(257, 0xdeadbeefu);
		v[2].data[256] = 0;
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		std::vector<uint32_t> out(257, 0xdeadbeefu), aa = a;
		out[256] = 0;
		for (uint32_t i = 0; i < 128; i++) {
			const uint32_t v = (a[i] & 1) ? a[i] : b[(i * 7) & 127];
			out[(a[i] & 2) ? i : 128 + i] = v;
			((a[i] & 4) ? out[256] : aa[128]) += 1;   // the atomics' counters
		}
		EXPECT_EQ(r[2].data[256], out[256]) << where;
		EXPECT_EQ(r[0].data[128], aa[128]) << where;
		for (uint32_t k = 0; k < 256; k++)
			ASSERT_EQ(r[2].data[k], out[k]) << where << " out[" << k << "]";
		for (uint32_t k = 0; k < 128; k++)
			ASSERT_EQ(r[1].data[k], b[k]) << where << " b[" << k << "] must not change";
	});
}

TEST(VariablePointers, LoopCarriedPointerAndPtrAccessChain)
{
	const auto a = random_words(136, 3);
	run_everywhere("varptr_ptr_chain.spvasm", 2, [&] {
		std::vector<Buffer> v(2);
		v[0].data = a;
		v[1].data.assign(128, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			uint32_t sum = 0;
			for (uint32_t k = 0; k < (i & 7); k++)
				sum += a[i + 1 + k];
			ASSERT_EQ(r[1].data[i], sum) << where << " lane " << i;
		}
	});
}

TEST(VariablePointers, NullComparisonsFunctionParametersAndPtrDiff)
{
	const auto a = random_words(67, 4), b = random_words(64, 5);
	run_everywhere("varptr_null_call.spvasm", 1, [&] {
		std::vector<Buffer> v(3);
		v[0].data = a;
		v[1].data = b;
		v[2].data.assign(192, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		for (uint32_t i = 0; i < 64; i++) {
			ASSERT_EQ(r[2].data[i], (a[i] & 4) ? a[i] : 777u) << where << " null check, lane " << i;
			ASSERT_EQ(r[2].data[64 + i], 4u) << where << " OpPtrDiff + OpPtrEqual, lane " << i;
			ASSERT_EQ(r[2].data[128 + i], (a[i] & 1) ? a[i] : b[i]) << where << " call, lane " << i;
		}
	});
}

TEST(VariablePointers, WorkgroupSelectStoreAtomicAndPtrAccessChain)
{
	const auto a = random_words(128, 6, 0x7fff);
	run_everywhere("varptr_workgroup.spvasm", 2, [&] {
		std::vector<Buffer> v(2);
		v[0].data = a;
		v[1].data.assign(128, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		for (uint32_t g = 0; g < 2; g++) {
			uint32_t wa[64] = {}, wb[64] = {};
			for (uint32_t l = 0; l < 64; l++)
				((l & 1) ? wa[l] : wb[63 - l]) = a[64 * g + l];
			for (uint32_t l = 0; l < 64; l++)
				((l & 2) ? wa[(l + 1) & 63] : wb[l]) += 1;
			for (uint32_t l = 0; l < 64; l++) {
				const uint32_t want = wa[l] + (wb[l] << 16) + ((l & 1) << 31);
				ASSERT_EQ(r[1].data[64 * g + l], want) << where << " group " << g << " lane " << l;
			}
		}
	});
}

TEST(VariablePointers, NullWorkgroupPointerIsNotTheFirstVariableAndFaults)
{
	run_everywhere("varptr_workgroup_null.spvasm", 1, [&] {
		std::vector<Buffer> v(2);
		v[0].data = {0};
		v[1].data.assign(65, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		for (uint32_t l = 0; l < 64; l++)
			ASSERT_EQ(r[1].data[l], (l & 1) ? 0u : 3u) << where << " lane " << l;
	});
	// Dereferenced (even lanes): a fault, no value from w[0].
	const auto spv = spvasm("varptr_workgroup_null.spvasm");
	auto res = compile_spirv(spv, Options{});
	ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	std::vector<Buffer> b(2);
	b[0].data = {1};
	b[1].data.assign(65, 0xdeadbeefu);
	b[1].binding = 1;
	const uint32_t groups[3] = {1, 1, 1};
	RunOutcome r = run_kernel(std::get<CompileResult>(res), 2, 0, b, {}, groups);
	EXPECT_FALSE(r.ok);
	EXPECT_NE(r.error.find("SHARED_OUT_OF_RANGE"), std::string::npos) << r.error;
}

TEST(VariablePointers, SelectWithinOneBufferKeepsRobustChecks)
{
	// a has 1024 words (a page), a[1023] = 1024: even lanes point a page past the end and read 0
	// (unchecked, they would read the next page or fault).
	auto a = random_words(1024, 9);
	a[1023] = 1024;
	const auto spv = spvasm("varptr_select_robust.spvasm");
	for (uint32_t rev : {1u, 2u}) {
		Options o;
		o.revision = rev;
		o.robust_buffer_access = true;
		auto res = compile_spirv(spv, o);
		ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
		std::vector<Buffer> b(2);
		b[0].data = a;
		b[1].data.assign(64, 0xdeadbeefu);
		b[1].binding = 1;
		const uint32_t groups[3] = {1, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), rev, 0, b, {}, groups);
		ASSERT_TRUE(r.ok) << r.error;
		for (uint32_t l = 0; l < 64; l++)
			ASSERT_EQ(b[1].data[l], (l & 1) ? a[l] : 0u) << "r" << rev << " lane " << l;
	}
}

TEST(VariablePointers, PointersInALocalArray)
{
	const auto a = random_words(129, 7), b = random_words(128, 8);
	run_everywhere("varptr_local_array.spvasm", 2, [&] {
		std::vector<Buffer> v(3);
		v[0].data = a;
		v[1].data = b;
		v[2].data.assign(128, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		for (uint32_t i = 0; i < 128; i++) {
			const uint32_t k = a[i] % 3;
			ASSERT_EQ(r[2].data[i], k == 0 ? a[i] : k == 1 ? a[i + 1] : b[i]) << where << " lane " << i;
		}
	});
}

// Pointers in Function variables stored on two paths and loaded after them: SPIRV-Tools'
// ssa-rewrite breaks the module, prepare_spirv canonicalises it without that pass (the variables
// stay in scratch memory) instead of refusing the valid shader.
TEST(VariablePointers, PointersInFunctionVariablesStoredOnTwoPaths)
{
	auto a = random_words(131, 11);
	const auto b = random_words(128, 12);
	a[0] = 0, a[1] = 1, a[2] = 2, a[3] = 15;   // every path: both arms of both selections, 0 and 3 trips
	run_everywhere("varptr_function_variable.spvasm", 2, [&] {
		std::vector<Buffer> v(3);
		v[0].data = a;
		v[1].data = b;
		v[2].data.assign(384, 0xdeadbeefu);
		return v;
	}, [&](const std::vector<Buffer> &r, const std::string &where) {
		std::vector<uint32_t> out(384, 0xdeadbeefu);
		for (uint32_t i = 0; i < 128; i++) {
			const uint32_t s = a[i];
			out[(s & 2) ? i : 128 + i] = (s & 1) ? a[i] : b[i];
			out[256 + i] = a[i + ((s >> 2) & 3)];
		}
		for (uint32_t k = 0; k < 384; k++)
			ASSERT_EQ(r[2].data[k], out[k]) << where << " out[" << k << "]";
	});
}

// The fallback recipes are taken only where the full recipe's output does not validate: every
// other variable-pointer module (and the rest of spvasm/) compiles with the full recipe at -O2 and
// -O0. --print-passes names the fallback.
TEST(VariablePointers, SsaRewriteFallbackOnlyWhereTheFullRecipeBreaksTheModule)
{
	const std::map<std::string, std::string> expected = {
		{"varptr_function_variable.spvasm", "canonicalised without ssa-rewrite"},
	};
	unsigned files = 0;
	for (const auto &entry : std::filesystem::directory_iterator(corpus_dir() + "/../spvasm")) {
		const std::string file = entry.path().filename().string();
		if (entry.path().extension() != ".spvasm")
			continue;
		files++;
		const auto spv = spvasm(file);
		for (int opt : {2, 0}) {
			Options o;
			o.opt_level = opt;
			o.print_passes = true;
			auto res = compile_spirv(spv, o);
			const std::string where = file + " -O" + std::to_string(opt);
			if (auto *e = std::get_if<CompileError>(&res)) {
				// Some modules name another entry point or need options; only the fallback matters here.
				EXPECT_EQ(e->message.find("canonicalised SPIR-V does not validate"), std::string::npos) << where << ": " << e->message;
				continue;
			}
			const std::string &log = std::get<CompileResult>(res).pass_log;
			const size_t at = log.find("; spirv_prepare: ");
			auto want = expected.find(file);
			if (want == expected.end()) {
				EXPECT_EQ(at, std::string::npos) << where << ": " << log.substr(at, log.find('\n', at) - at);
			} else {
				ASSERT_NE(at, std::string::npos) << where << ": no fallback reported";
				EXPECT_NE(log.substr(at, log.find('\n', at) - at).find(want->second), std::string::npos)
					<< where << ": " << log.substr(at, log.find('\n', at) - at);
			}
		}
	}
	EXPECT_GE(files, 20u);
}

// The fallback recipes never hide an invalid input: the same module with one invalid load (a u32
// loaded through the Function variable of pointers) is refused with the validator's message.
TEST(VariablePointers, InvalidInputIsRefusedBeforeAnyFallback)
{
	std::string text = read_text(corpus_dir() + "/../spvasm/varptr_function_variable.spvasm");
	const std::string load = "%x = OpLoad %u32 %p\n";
	ASSERT_NE(text.find(load), std::string::npos);
	text.replace(text.find(load), load.size(), "%x = OpLoad %u32 %pv\n");
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::vector<uint32_t> words;
	ASSERT_TRUE(tools.Assemble(text, &words));
	ASSERT_FALSE(tools.Validate(words));
	for (int opt : {2, 0}) {
		Options o;
		o.opt_level = opt;
		auto res = compile_spirv(words, o);
		ASSERT_TRUE(std::holds_alternative<CompileError>(res)) << "-O" << opt;
		const std::string &m = std::get<CompileError>(res).message;
		EXPECT_EQ(m.rfind("invalid SPIR-V: ", 0), 0u) << "-O" << opt << ": " << m;
		EXPECT_NE(m.find("OpLoad"), std::string::npos) << "-O" << opt << ": " << m;
	}
}

// ---- robust access through pointer values (bounded pointers: base, offset, range) ----

// Runs 'file' compiled with robustBufferAccess and with robustBufferAccess2 (the bool 'check' gets)
// on r1/r2 x perf/lowpower at -O2, -O0 and -O1, one workgroup.
void run_robust(const std::string &file, const std::function<std::vector<Buffer>()> &make,
                const std::function<void(const std::vector<Buffer> &, bool, const std::string &)> &check)
{
	std::vector<Config> configs;
	for (bool robust2 : {false, true})
		for (const Config &c : {Config{1, 0, 2, true, robust2}, Config{1, 1, 2, true, robust2}, Config{2, 0, 2, true, robust2},
		                        Config{2, 1, 2, true, robust2}, Config{1, 0, 0, true, robust2}, Config{2, 1, 1, true, robust2}})
			configs.push_back(c);
	run_configs(file, 1, configs, make,
	            [&](const std::vector<Buffer> &b, const Config &c, const std::string &where) { check(b, c.robust2, where); });
}

// A buffer of 'words' random words (or 'fill') whose descriptor covers the first 'range_words'.
Buffer ranged(uint32_t words, uint32_t range_words, uint32_t seed, std::optional<uint32_t> fill = std::nullopt)
{
	Buffer b;
	b.data = fill ? std::vector<uint32_t>(words, *fill) : random_words(words, seed);
	b.range_bytes = range_words * 4;
	return b;
}

TEST(VariablePointers, RobustAccessThroughPointerValues)
{
	// a, b: read; c, d: stored (sentinels 0xdeadbeef); e: atomics; out. The words past each
	// range are there to be seen: an unchecked load would return them, an unchecked store change them.
	constexpr uint32_t kA = 50, kB = 30, kC = 40, kD = 20, kE = 16;
	const auto a = random_words(80, 21), b = random_words(80, 22);
	run_robust("varptr_robust.spvasm", [&] {
		std::vector<Buffer> v = {ranged(80, kA, 0), ranged(80, kB, 0), ranged(64, kC, 0, 0xdeadbeefu),
		                         ranged(64, kD, 0, 0xdeadbeefu), ranged(32, kE, 0, 0u), ranged(384, 384, 0, 0xdeadbeefu)};
		v[0].data = a;
		v[1].data = b;
		return v;
	}, [&](const std::vector<Buffer> &r, bool, const std::string &where) {
		// The spec's value: the word at a (signed) element index, or 0 outside [0, range).
		auto at = [](const std::vector<uint32_t> &buf, uint32_t range, int64_t i) {
			return i >= 0 && i < (int64_t)range ? buf[(size_t)i] : 0u;
		};
		for (uint32_t l = 0; l < 64; l++) {
			const bool odd = l & 1;
			const auto &ab = odd ? a : b;
			const uint32_t rab = odd ? kA : kB;
			ASSERT_EQ(r[5].data[l], at(ab, rab, 2 * l)) << where << " select load, lane " << l;
			const int64_t step = (int64_t)((l * 5) & 31) - 16;
			ASSERT_EQ(r[5].data[64 + l], (l & 2) ? at(a, kA, l + step) : at(b, kB, l + step))
			        << where << " phi + OpPtrAccessChain " << step << ", lane " << l;
			ASSERT_EQ(r[5].data[128 + l], (l & 4) ? at(a, kA, l) : 0u) << where << " null load, lane " << l;
			ASSERT_EQ(r[5].data[192 + l], (l & 8) ? at(a, kA, l + 40) : at(b, kB, l)) << where << " Function variable, lane " << l;
			ASSERT_EQ(r[5].data[256 + l], at(ab, rab, 2 * (int64_t)l - 1)) << where << " step -1 on a value, lane " << l;
			ASSERT_EQ(r[5].data[320 + l], at(a, kA, 2 * (int64_t)l - 1)) << where << " step -1 on &a[2l], lane " << l;
		}
		for (uint32_t i = 0; i < 64; i++) {
			ASSERT_EQ(r[2].data[i], (i & 1) && i < kC ? 0x1000 + i : 0xdeadbeefu) << where << " c[" << i << "]";
			ASSERT_EQ(r[3].data[i], !(i & 1) && i < kD ? 0x1000 + i : 0xdeadbeefu) << where << " d[" << i << "]";
		}
		for (uint32_t i = 0; i < 32; i++)
			ASSERT_EQ(r[4].data[i], i < kE ? 1u : 0u) << where << " atomic e[" << i << "]";
		for (uint32_t i = 0; i < 80; i++) {
			ASSERT_EQ(r[0].data[i], a[i]) << where << " a[" << i << "] must not change";
			ASSERT_EQ(r[1].data[i], b[i]) << where << " b[" << i << "] must not change";
		}
	});
}

TEST(VariablePointers, RobustAccess2ChecksEachComponentThroughPointerValues)
{
	// Ranges ending inside a uvec4: c after 19 words, d after 10 (loads); e after 30, f after 6 (stores).
	constexpr uint32_t kC = 19, kD = 10, kE = 30, kF = 6;
	const auto c = random_words(64, 31), d = random_words(64, 32);
	run_robust("varptr_robust_vec4.spvasm", [&] {
		std::vector<Buffer> v = {ranged(64, kC, 0), ranged(64, kD, 0), ranged(64, kE, 0, 0xdeadbeefu),
		                         ranged(64, kF, 0, 0xdeadbeefu), ranged(128, 128, 0, 0xdeadbeefu)};
		v[0].data = c;
		v[1].data = d;
		return v;
	}, [&](const std::vector<Buffer> &r, bool per_component, const std::string &where) {
		// Word w of a vector starting at word 4h is accessed iff it (robustBufferAccess2) or the
		// whole vector (robustBufferAccess) is inside the range.
		auto inside = [&](uint32_t h, uint32_t w, uint32_t range) { return per_component ? w < range : 4 * h + 4 <= range; };
		std::vector<uint32_t> e(64, 0xdeadbeefu), f(64, 0xdeadbeefu);
		for (uint32_t l = 0; l < 32; l++) {
			const uint32_t h = l >> 1;
			const bool odd = l & 1;
			for (uint32_t k = 0; k < 4; k++) {
				const uint32_t w = 4 * h + k;
				const uint32_t want = inside(h, w, odd ? kC : kD) ? (odd ? c : d)[w] : 0u;
				ASSERT_EQ(r[4].data[4 * l + k], want) << where << " load, lane " << l << " component " << k;
				if (inside(h, w, odd ? kE : kF))
					(odd ? e : f)[w] = 16 * l + k;
			}
		}
		for (uint32_t i = 0; i < 64; i++) {
			ASSERT_EQ(r[2].data[i], e[i]) << where << " e[" << i << "]";
			ASSERT_EQ(r[3].data[i], f[i]) << where << " f[" << i << "]";
		}
	});
}

TEST(VariablePointers, RobustPtrAccessChainOnABufferVariable)
{
	// OpPtrAccessChain on the variable itself (the CTS's complex_types_compute.opptraccesschain_*
	// shape, a compile error with robust access before): bounded from the variable, stepped by the
	// block's ArrayStride; element 1 of a is past its range, and so is v[3] + 1.
	constexpr uint32_t kA = 16, kB = 25;
	const auto a = random_words(64, 41), b = random_words(64, 42);
	run_robust("varptr_robust_var_chain.spvasm", [&] {
		std::vector<Buffer> v = {ranged(64, kA, 0), ranged(64, kB, 0), ranged(32, 32, 0, 0xdeadbeefu)};
		v[0].data = a;
		v[1].data = b;
		return v;
	}, [&](const std::vector<Buffer> &r, bool, const std::string &where) {
		for (uint32_t l = 0; l < 32; l++) {
			const uint32_t e = l >> 4, j = l & 3, k = (l >> 2) & 3;
			const uint32_t word = e * 16 + (j + 1) * 4 + k;
			const bool odd = l & 1;
			const uint32_t want = word < (odd ? kA : kB) ? (odd ? a : b)[word] : 0u;
			ASSERT_EQ(r[2].data[l], want) << where << " lane " << l << " word " << word;
		}
	});
}

TEST(VariablePointers, RobustSelectBetweenDescriptorArraysChecksTheCount)
{
	// Bindings 0 and 1 hold one element each (the harness's descriptor arrays have count 1):
	// element 1 of either is past the count and reads 0; element 0 reads its buffer.
	const auto x = random_words(16, 51), y = random_words(16, 52);
	run_robust("varptr_robust_desc_array.spvasm", [&] {
		std::vector<Buffer> v = {ranged(16, 16, 0), ranged(16, 16, 0), ranged(32, 32, 0, 0xdeadbeefu)};
		v[0].data = x;
		v[1].data = y;
		return v;
	}, [&](const std::vector<Buffer> &r, bool, const std::string &where) {
		for (uint32_t l = 0; l < 32; l++) {
			const uint32_t want = ((l >> 1) & 1) ? 0u : ((l & 1) ? x : y)[l & 15];
			ASSERT_EQ(r[2].data[l], want) << where << " lane " << l;
		}
	});
}

// ---- random programs: pointer chains through selects, phis and OpPtrAccessChain ----
//
// Each lane starts with x = lane and p = &buf[start][16 + lane]; a random sequence of steps then
//   select: p = (x >> bit) & 1 ? p : &buf[k][(lane * m + c) & 63 + 16]
//   chain:  p = OpPtrAccessChain p, d                     (d in [-3, 3], constant or x-derived)
//   phi:    if ((x >> bit) & 1) p = OpPtrAccessChain p, d; else p = &buf[k][...]  (merged in a phi)
//   load:   x = x * 31 + *p
// and out[lane] = x. Three storage buffers of 256 random words (or Workgroup copies of them);
// every index stays in [0, 256).
struct Gen {
	std::mt19937 rng;
	std::ostringstream body;
	uint32_t next = 0;
	std::string fresh() { return "%t" + std::to_string(next++); }
	uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng); }
};

struct LaneState {
	uint32_t x, buf, idx;
};

// With 'shared' the pointers are Workgroup pointers into three shared arrays, which the lanes first
// fill from the buffers (then a barrier).
std::string random_program(uint32_t seed, bool shared,
                           std::function<void(std::vector<LaneState> &, const std::vector<std::vector<uint32_t>> &)> &model)
{
	Gen g{std::mt19937(seed), {}, 0};
	std::ostringstream &b = g.body;
	const char *bufs[3] = {"%b0", "%b1", "%b2"};
	if (shared) {
		bufs[0] = "%w0";
		bufs[1] = "%w1";
		bufs[2] = "%w2";
		for (uint32_t k = 0; k < 3; k++)
			for (uint32_t r = 0; r < 4; r++) {
				// w_k[lane + 64 r] = b_k[lane + 64 r]
				const std::string i = g.fresh(), src = g.fresh(), v = g.fresh(), dst = g.fresh();
				b << i << " = OpIAdd %u32 %lane %r" << r << "\n" << src << " = OpAccessChain %psu %b" << k << " %c0 " << i << "\n"
				  << v << " = OpLoad %u32 " << src << "\n" << dst << " = OpAccessChain %pp %w" << k << " " << i << "\nOpStore "
				  << dst << " " << v << "\n";
			}
		b << "OpControlBarrier %c2 %c2 %c264\n";
	}
	const char *member = shared ? "" : " %c0";
	std::vector<std::function<void(LaneState &, uint32_t lane, const std::vector<std::vector<uint32_t>> &)>> steps;
	const uint32_t start = g.pick(3);
	b << "%p0s = OpIAdd %u32 %lane %c16\n%pstart = OpAccessChain %pp " << bufs[start] << member << " %p0s\n";
	std::string p = "%pstart", x = "%lane";
	auto cst = [](int32_t v) { return "%k" + std::to_string(v + 8); };   // constants %k0..%k80 = -8..72
	auto elem = [&](uint32_t k, uint32_t m, uint32_t c) {
		// &buf[k][((lane * m + c) & 63) + 16]
		std::string t1 = g.fresh(), t2 = g.fresh(), t3 = g.fresh(), t4 = g.fresh(), r = g.fresh();
		b << t1 << " = OpIMul %u32 %lane " << cst((int32_t)m) << "\n" << t2 << " = OpIAdd %u32 " << t1 << " " << cst((int32_t)c)
		  << "\n" << t3 << " = OpBitwiseAnd %u32 " << t2 << " %c63\n" << t4 << " = OpIAdd %u32 " << t3 << " %c16\n"
		  << r << " = OpAccessChain %pp " << bufs[k] << member << " " << t4 << "\n";
		return r;
	};
	auto bit_of = [&](const std::string &xv, uint32_t bit) {
		std::string t1 = g.fresh(), t2 = g.fresh(), r = g.fresh();
		b << t1 << " = OpShiftRightLogical %u32 " << xv << " " << cst((int32_t)bit) << "\n" << t2 << " = OpBitwiseAnd %u32 " << t1
		  << " %c1\n" << r << " = OpINotEqual %bool " << t2 << " %c0\n";
		return r;
	};
	const uint32_t n = 6 + g.pick(8);
	uint32_t label = 0;
	for (uint32_t s = 0; s < n; s++) {
		const uint32_t kind = s + 1 == n ? 3 : g.pick(4);
		if (kind == 0) {   // select
			const uint32_t bit = g.pick(12), k = g.pick(3), m = 1 + g.pick(7), c = g.pick(40);
			std::string cond = bit_of(x, bit), q = elem(k, m, c), r = g.fresh();
			b << r << " = OpSelect %pp " << cond << " " << p << " " << q << "\n";
			p = r;
			steps.push_back([=](LaneState &st, uint32_t lane, const auto &) {
				if (!((st.x >> bit) & 1)) {
					st.buf = k;
					st.idx = ((lane * m + c) & 63) + 16;
				}
			});
		} else if (kind == 1) {   // chain by a constant
			const int32_t d = (int32_t)g.pick(7) - 3;
			std::string r = g.fresh();
			b << r << " = OpPtrAccessChain %pp " << p << " " << cst(d) << "\n";
			p = r;
			steps.push_back([=](LaneState &st, uint32_t, const auto &) { st.idx += d; });
		} else if (kind == 2) {   // phi
			const uint32_t bit = g.pick(12), k = g.pick(3), m = 1 + g.pick(7), c = g.pick(40);
			const int32_t d = (int32_t)g.pick(7) - 3;
			std::string cond = bit_of(x, bit);
			const std::string lt = "%then" + std::to_string(label), le = "%else" + std::to_string(label),
			                  lm = "%merge" + std::to_string(label);
			label++;
			b << "OpSelectionMerge " << lm << " None\nOpBranchConditional " << cond << " " << lt << " " << le << "\n";
			b << lt << " = OpLabel\n";
			std::string pt = g.fresh();
			b << pt << " = OpPtrAccessChain %pp " << p << " " << cst(d) << "\nOpBranch " << lm << "\n";
			b << le << " = OpLabel\n";
			std::string pe = elem(k, m, c);
			b << "OpBranch " << lm << "\n" << lm << " = OpLabel\n";
			std::string r = g.fresh();
			b << r << " = OpPhi %pp " << pt << " " << lt << " " << pe << " " << le << "\n";
			p = r;
			steps.push_back([=](LaneState &st, uint32_t lane, const auto &) {
				if ((st.x >> bit) & 1) {
					st.idx += d;
				} else {
					st.buf = k;
					st.idx = ((lane * m + c) & 63) + 16;
				}
			});
		} else {   // load
			std::string v = g.fresh(), t = g.fresh(), r = g.fresh();
			b << v << " = OpLoad %u32 " << p << "\n" << t << " = OpIMul %u32 " << x << " %k39\n" << r << " = OpIAdd %u32 " << t
			  << " " << v << "\n";
			x = r;
			steps.push_back([=](LaneState &st, uint32_t, const auto &data) { st.x = st.x * 31u + data[st.buf][st.idx]; });
		}
	}
	model = [steps, start](std::vector<LaneState> &lanes, const std::vector<std::vector<uint32_t>> &data) {
		for (uint32_t l = 0; l < lanes.size(); l++) {
			lanes[l] = {l, start, 16 + l};
			for (const auto &st : steps)
				st(lanes[l], l, data);
		}
	};
	std::ostringstream m;
	m << R"(OpCapability Shader
OpCapability VariablePointers
OpExtension "SPV_KHR_variable_pointers"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %lid %b0 %b1 %b2 %out %w0 %w1 %w2
OpExecutionMode %main LocalSize 64 1 1
OpDecorate %lid BuiltIn LocalInvocationId
OpDecorate %rt ArrayStride 4
OpDecorate %psu ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %b0 DescriptorSet 0
OpDecorate %b0 Binding 0
OpDecorate %b1 DescriptorSet 0
OpDecorate %b1 Binding 1
OpDecorate %b2 DescriptorSet 0
OpDecorate %b2 Binding 2
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 3
%void = OpTypeVoid
%fn = OpTypeFunction %void
%bool = OpTypeBool
%u32 = OpTypeInt 32 0
%i32 = OpTypeInt 32 1
%v3 = OpTypeVector %u32 3
%rt = OpTypeRuntimeArray %u32
%blk = OpTypeStruct %rt
%pblk = OpTypePointer StorageBuffer %blk
%psu = OpTypePointer StorageBuffer %u32
%pin = OpTypePointer Input %v3
%lid = OpVariable %pin Input
%b0 = OpVariable %pblk StorageBuffer
%b1 = OpVariable %pblk StorageBuffer
%b2 = OpVariable %pblk StorageBuffer
%out = OpVariable %pblk StorageBuffer
%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c16 = OpConstant %u32 16
%c63 = OpConstant %u32 63
%c2 = OpConstant %u32 2
%c264 = OpConstant %u32 264
%c256 = OpConstant %u32 256
%r0 = OpConstant %u32 0
%r1 = OpConstant %u32 64
%r2 = OpConstant %u32 128
%r3 = OpConstant %u32 192
%warr = OpTypeArray %u32 %c256
%pwarr = OpTypePointer Workgroup %warr
%pwu = OpTypePointer Workgroup %u32
%w0 = OpVariable %pwarr Workgroup
%w1 = OpVariable %pwarr Workgroup
%w2 = OpVariable %pwarr Workgroup
)";
	for (int v = -8; v <= 72; v++)
		m << "%k" << v + 8 << " = OpConstant %i32 " << v << "\n";
	m << "%main = OpFunction %void None %fn\n%entry = OpLabel\n%l3 = OpLoad %v3 %lid\n%lanei = OpCompositeExtract %u32 %l3 0\n"
	  << "%lane = OpCopyObject %u32 %lanei\n"
	  << b.str() << "%po = OpAccessChain %psu %out %c0 %lane\nOpStore %po " << x << "\nOpReturn\nOpFunctionEnd\n";
	// %pp: the pointer type the chains use (one declaration per type: %psu carries ArrayStride 4).
	std::string text = m.str();
	for (size_t at; (at = text.find("%pp ")) != std::string::npos;)
		text.replace(at, 3, shared ? "%pwu" : "%psu");
	return text;
}

class RandomPointerChains : public ::testing::TestWithParam<bool> {};

TEST_P(RandomPointerChains, MatchTheHostModel)
{
	const bool shared = GetParam();
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	// 24 programs in CI (about 0.3 s); MICA_VARPTR_SEEDS=n runs more by hand.
	const char *n_env = std::getenv("MICA_VARPTR_SEEDS");
	const uint32_t seeds = n_env ? (uint32_t)std::strtoul(n_env, nullptr, 10) : 24;
	for (uint32_t seed = 1; seed <= seeds; seed++) {
		std::function<void(std::vector<LaneState> &, const std::vector<std::vector<uint32_t>> &)> model;
		const std::string text = random_program(seed, shared, model);
		std::vector<uint32_t> spv;
		std::string diag;
		tools.SetMessageConsumer([&](spv_message_level_t, const char *, const spv_position_t &p, const char *m) {
			diag += "line " + std::to_string(p.line + 1) + ": " + m + "\n";
		});
		ASSERT_TRUE(tools.Assemble(text, &spv)) << diag << text;
		ASSERT_TRUE(tools.Validate(spv)) << diag << text;
		std::vector<std::vector<uint32_t>> data(3);
		for (uint32_t k = 0; k < 3; k++)
			data[k] = random_words(256, seed * 7 + k);
		std::vector<LaneState> lanes(64);
		model(lanes, data);
		const Config &cfg = kConfigs[seed % std::size(kConfigs)];
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.opt_level = cfg.opt;
		o.robust_buffer_access = cfg.robust;
		o.robust_buffer_access2 = cfg.robust2;
		auto res = compile_spirv(spv, o);
		ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << "seed " << seed << ": " << std::get<CompileError>(res).message;
		std::vector<Buffer> bufs(4);
		for (uint32_t k = 0; k < 4; k++)
			bufs[k].binding = k;
		for (uint32_t k = 0; k < 3; k++)
			bufs[k].data = data[k];
		bufs[3].data.assign(64, 0xdeadbeefu);
		const uint32_t groups[3] = {1, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, {}, groups);
		ASSERT_TRUE(r.ok) << "seed " << seed << ": " << r.error << "\n" << text;
		EXPECT_EQ(r.hazard_violations, 0u) << "seed " << seed;
		for (uint32_t l = 0; l < 64; l++)
			ASSERT_EQ(bufs[3].data[l], lanes[l].x) << "seed " << seed << " lane " << l << "\n" << text;
	}
}

INSTANTIATE_TEST_SUITE_P(VariablePointers, RandomPointerChains, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool> &i) { return i.param ? "Workgroup" : "StorageBuffer"; });

} // namespace
