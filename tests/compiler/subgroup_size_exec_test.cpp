// Subgroup sizes 8, 16 and 32 (compiler::Options::subgroup_size, VK_EXT_subgroup_size_control):
// every subgroup operation class (built-ins, shuffles, broadcasts, reductions, scans, clustered
// and quad operations, votes, ballots, 64-bit values) on random inputs and random divergence, run
// on the device model in checked mode on r1/r2 x perf/lowpower, against a host model in which a
// workgroup's invocations form subgroups of N consecutive invocations.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <functional>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

constexpr uint32_t kGroups = 2, kSlots = 48;

uint32_t lcg(uint32_t &s)
{
	s = s * 1664525u + 1013904223u;
	return s;
}

std::vector<uint32_t> shader()
{
	std::string src = read_text(corpus_dir() + "/subgroup_sizes.comp");
	EXPECT_FALSE(src.empty());
	auto spv = glsl_to_spirv(src, "subgroup_sizes.comp");
	if (auto *e = std::get_if<CompileError>(&spv)) {
		ADD_FAILURE() << e->message;
		return {};
	}
	return std::get<std::vector<uint32_t>>(spv);
}

// The host model of one invocation's subgroup.
struct Subgroup {
	uint32_t n;          // subgroup size
	uint32_t first;      // global index of subgroup lane 0
	uint32_t count;      // lanes that exist (the workgroup can end inside the subgroup)
	uint32_t lane;       // this invocation's subgroup lane
	Subgroup(uint32_t n_, uint32_t local, uint32_t i) : n(n_)
	{
		const uint32_t li = i % local, group_first = i - li;
		first = group_first + li / n * n;
		count = std::min(n, local - li / n * n);
		lane = li % n;
	}
	bool exists(uint32_t l) const { return l < count; }
};

// 'local' invocations per workgroup (specialization constant 0).
void run_size(uint32_t n, uint32_t local, uint32_t seed)
{
	const uint32_t kLocal = local, kN = local * kGroups;
	std::vector<uint32_t> spv = shader();
	ASSERT_FALSE(spv.empty());
	std::vector<uint32_t> v(kN), w(kN), act(kN);
	for (uint32_t i = 0; i < kN; i++) {
		v[i] = lcg(seed);
		w[i] = lcg(seed);
	}
	// some inputs repeated so all-equal votes come out both ways; divergence patterns per subgroup
	for (uint32_t i = 0; i < kN; i++) {
		const uint32_t pattern = (i / 8) % 5;
		act[i] = pattern == 0 ? 1u : pattern == 1 ? (lcg(seed) >> 16) % 3 != 0 : pattern == 2 ? (i % 8 == 5) : pattern == 3 ? (i % 3 == 0) : 0u;
		if ((i / 16) % 3 == 1)
			v[i] = (v[i] & 0x0ffffff0u) | 0x10000000u | ((i / 24) % 2);   // x >> 28 == 1: the vote is often true
	}
	const uint32_t configs[4][2] = {{1, 0}, {1, 1}, {2, 0}, {2, 1}};
	for (const auto &cfg : configs) {
		Options o;
		o.revision = cfg[0];
		o.power_profile = cfg[1];
		o.subgroup_size = n;
		o.spec_constants[0] = local;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << "N=" << n << " compile: " << e->message;
		std::vector<Buffer> bufs(4);
		for (uint32_t k = 0; k < 4; k++)
			bufs[k].binding = k;
		bufs[0].data = v;
		bufs[1].data = w;
		bufs[2].data = act;
		bufs[3].data.assign(kN * kSlots, 0xdeadbeefu);
		const uint32_t groups[3] = {kGroups, 1, 1};
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg[0], cfg[1], bufs, {}, groups);
		const std::string where = "N=" + std::to_string(n) + " X=" + std::to_string(local) + " r" + std::to_string(cfg[0]) + (cfg[1] ? "/lowpower" : "/perf");
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		const std::vector<uint32_t> &out = bufs[3].data;
		for (uint32_t i = 0; i < kN; i++) {
			const Subgroup s(n, local, i);
			const uint32_t *got = &out[i * kSlots];
			const std::string at = where + " invocation " + std::to_string(i);
			auto V = [&](uint32_t l) { return v[s.first + l]; };
			auto V64 = [&](uint32_t l) { return (uint64_t)w[s.first + l] << 32 | v[s.first + l]; };
			const uint32_t lanes = n == 32 ? ~0u : (1u << n) - 1, eq = 1u << s.lane;
			EXPECT_EQ(got[0], n) << at << " SubgroupSize";
			EXPECT_EQ(got[1], s.lane) << at << " SubgroupInvocationID";
			EXPECT_EQ(got[2], (i % kLocal) / n) << at << " SubgroupID";
			EXPECT_EQ(got[3], (kLocal + n - 1) / n) << at << " NumSubgroups";
			EXPECT_EQ(got[4], eq) << at << " EqMask";
			EXPECT_EQ(got[5], ~(eq - 1) & lanes) << at << " GeMask";
			EXPECT_EQ(got[6], ~(eq | (eq - 1)) & lanes) << at << " GtMask";
			EXPECT_EQ(got[7], eq | (eq - 1)) << at << " LeMask";
			EXPECT_EQ(got[8], eq - 1) << at << " LtMask";
			// shuffles: only where the source lane exists (others are undefined)
			auto check_from = [&](uint32_t slot, int64_t src, const char *what) {
				if (src >= 0 && src < (int64_t)n && s.exists((uint32_t)src)) {
					EXPECT_EQ(got[slot], V((uint32_t)src)) << at << " " << what;
				}
			};
			check_from(9, w[i] % n, "shuffle");
			check_from(10, s.lane ^ 5u, "shuffle xor 5");
			check_from(11, (int64_t)s.lane - 3, "shuffle up 3");
			check_from(12, s.lane + 3, "shuffle down 3");
			check_from(13, 2, "broadcast 2");
			check_from(20, (s.lane & ~3u) | 1u, "quad broadcast 1");
			check_from(21, s.lane ^ 3u, "quad swap diagonal");
			uint32_t sum = 0, mx = 0, incl = 0, excl = 0, c4 = 0, c8 = 0;
			uint64_t s64 = 0, min64 = ~0ull, exmin64 = ~0ull;
			for (uint32_t l = 0; l < s.count; l++) {
				sum += V(l);
				mx = std::max(mx, V(l));
				min64 = std::min(min64, V64(l));
				if (l <= s.lane) {
					incl += V(l);
					s64 += V64(l);
				}
				if (l < s.lane) {
					excl += V(l);
					exmin64 = std::min(exmin64, V64(l));
				}
				if (l / 4 == s.lane / 4)
					c4 += V(l);
				if (l / 8 == s.lane / 8)
					c8 = std::max(c8, V(l));
			}
			EXPECT_EQ(got[14], sum) << at << " add";
			EXPECT_EQ(got[15], mx) << at << " max";
			EXPECT_EQ(got[16], incl) << at << " inclusive add";
			EXPECT_EQ(got[17], excl) << at << " exclusive add";
			EXPECT_EQ(got[18], c4) << at << " clustered add 4";
			EXPECT_EQ(got[19], c8) << at << " clustered max 8";
			EXPECT_EQ(got[22], (uint32_t)s64) << at << " inclusive add u64 lo";
			EXPECT_EQ(got[23], (uint32_t)(s64 >> 32)) << at << " inclusive add u64 hi";
			if (s.exists(s.lane ^ 1u)) {
				EXPECT_EQ(got[24], (uint32_t)V64(s.lane ^ 1u)) << at << " shuffle xor u64 lo";
				EXPECT_EQ(got[25], (uint32_t)(V64(s.lane ^ 1u) >> 32)) << at << " shuffle xor u64 hi";
			}
			EXPECT_EQ(got[26], (uint32_t)(min64 >> 16)) << at << " min u64";
			EXPECT_EQ(got[27], (uint32_t)exmin64) << at << " exclusive min u64";
			// part B: over the active lanes of the subgroup
			if (!act[i]) {
				EXPECT_EQ(got[28], 0xdeadbeefu) << at;
				continue;
			}
			auto A = [&](uint32_t l) { return act[s.first + l] != 0; };
			uint32_t active = 0, bal = 0, bsum = 0, bmax = 0, bexcl = 0, bc4 = 0, band = ~0u, first = 32;
			uint64_t bmul = 1;
			bool all_eq = true, all_eq_f = true;
			const uint32_t key = std::min(v[i] >> 28, 1u), fkey = v[i] >> 30;
			for (uint32_t l = 0; l < s.count; l++) {
				if (!A(l))
					continue;
				first = std::min(first, l);
				active |= 1u << l;
				if (V(l) & 1u)
					bal |= 1u << l;
				bsum += V(l);
				if (l <= s.lane) {
					bmax = std::max(bmax, V(l));
					bmul *= w[s.first + l] % 7u + 1u;
				}
				if (l < s.lane)
					bexcl += V(l);
				if (l / 4 == s.lane / 4)
					bc4 += V(l);
				band &= V(l) | 0x80000000u;
				all_eq &= std::min(V(l) >> 28, 1u) == key;
				all_eq_f &= (V(l) >> 30) == fkey;
			}
			// glslang evaluates 'p || subgroupElect()' with a branch: elect runs in the lanes where
			// p is false, and picks the first of those
			const uint32_t not_p = active & ~bal;
			const uint32_t bal2 = bal | (not_p ? 1u << std::countr_zero(not_p) : 0u);
			EXPECT_EQ(got[28], s.lane == first ? 1u : 0u) << at << " elect";
			EXPECT_EQ(got[29], bal == active ? 1u : 0u) << at << " all";
			EXPECT_EQ(got[30], bal != 0 ? 1u : 0u) << at << " any";
			EXPECT_EQ(got[31], all_eq ? 1u : 0u) << at << " all equal";
			EXPECT_EQ(got[32], bal) << at << " ballot";
			EXPECT_EQ(got[33], (uint32_t)std::popcount(bal)) << at << " ballot bit count";
			EXPECT_EQ(got[34], (uint32_t)std::popcount(bal & (eq | (eq - 1)))) << at << " inclusive bit count";
			EXPECT_EQ(got[35], (uint32_t)std::popcount(bal & (eq - 1))) << at << " exclusive bit count";
			EXPECT_EQ(got[36], (uint32_t)std::countr_zero(bal2)) << at << " find LSB";
			EXPECT_EQ(got[37], 31u - (uint32_t)std::countl_zero(bal2)) << at << " find MSB";
			EXPECT_EQ(got[38], (bal >> s.lane) & 1u) << at << " inverse ballot";
			EXPECT_EQ(got[39], (bal >> (w[i] % n)) & 1u) << at << " ballot bit extract";
			EXPECT_EQ(got[40], V(first)) << at << " broadcast first";
			EXPECT_EQ(got[41], bsum) << at << " add (divergent)";
			EXPECT_EQ(got[42], bmax) << at << " inclusive max (divergent)";
			EXPECT_EQ(got[43], bexcl) << at << " exclusive add (divergent)";
			EXPECT_EQ(got[44], bc4) << at << " clustered add 4 (divergent)";
			EXPECT_EQ(got[45], band) << at << " and (divergent)";
			EXPECT_EQ(got[46], all_eq_f ? 1u : 0u) << at << " all equal float";
			EXPECT_EQ(got[47], (uint32_t)(bmul >> 3)) << at << " inclusive mul u64 (divergent)";
		}
	}
}

TEST(SubgroupSize, Eight) { run_size(8, 80, 11); }
TEST(SubgroupSize, Sixteen) { run_size(16, 80, 12); }
TEST(SubgroupSize, ThirtyTwo) { run_size(32, 80, 13); }
// 76 invocations: the last subgroup of 8 (4 lanes) or 16 (12 lanes) is partial
TEST(SubgroupSize, EightPartialLastSubgroup) { run_size(8, 76, 14); }
TEST(SubgroupSize, SixteenPartialLastSubgroup) { run_size(16, 76, 15); }

// Only 8, 16 and 32 exist; OpenCL kernels run at the wave size.
TEST(SubgroupSize, OtherSizesAreRefused)
{
	std::vector<uint32_t> spv = shader();
	ASSERT_FALSE(spv.empty());
	for (uint32_t n : {0u, 1u, 4u, 12u, 64u}) {
		Options o;
		o.subgroup_size = n;
		auto res = compile_spirv(spv, o);
		auto *e = std::get_if<CompileError>(&res);
		ASSERT_NE(e, nullptr) << n;
		EXPECT_NE(e->message.find("subgroup size"), std::string::npos) << e->message;
	}
}

} // namespace
