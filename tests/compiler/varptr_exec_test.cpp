// Execution tests of SPIR-V variable pointers (VariablePointersStorageBuffer / VariablePointers,
// docs/compiler.md "Variable pointers"): storage buffer and Workgroup pointers selected per lane,
// merged in phis, walked with OpPtrAccessChain, null and compared, passed to and returned from
// functions, kept in local memory. Each shader (tests/compiler/spvasm/varptr_*.spvasm) runs on the
// device model in checked hazard mode on r1/r2 x perf/lowpower at -O2, -O0 and with robust buffer
// access, against results computed here on the host from random inputs.
#include <gtest/gtest.h>

#include <functional>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

struct Config {
	uint32_t rev, profile, opt;
	bool robust;
};
const Config kConfigs[] = {{1, 0, 2, false}, {1, 1, 2, false}, {2, 0, 2, false}, {2, 1, 2, false},
                           {1, 0, 0, false}, {2, 1, 2, true}};

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

// Compiles 'file' for every configuration, runs it on buffers from 'make' (set 0, binding = index)
// and hands the buffers after the run to 'check'.
void run_everywhere(const std::string &file, uint32_t groups_x, const std::function<std::vector<Buffer>()> &make,
                    const std::function<void(const std::vector<Buffer> &, const std::string &)> &check)
{
	const auto spv = spvasm(file);
	ASSERT_FALSE(spv.empty()) << file;
	for (const Config &cfg : kConfigs) {
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.opt_level = cfg.opt;
		o.robust_buffer_access = cfg.robust;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << file << ": " << e->message;
		std::vector<Buffer> bufs = make();
		for (uint32_t k = 0; k < bufs.size(); k++)
			bufs[k].binding = k;
		const uint32_t groups[3] = {groups_x, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, {}, groups);
		const std::string where = file + " r" + std::to_string(cfg.rev) + "/" + (cfg.profile ? "lowpower" : "perf") +
		                          " -O" + std::to_string(cfg.opt) + (cfg.robust ? " robust" : "");
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		check(bufs, where);
	}
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

} // namespace
