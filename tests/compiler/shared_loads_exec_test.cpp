// Random shared-memory programs against a host model (the merge_shared_loads pass and the shared
// accesses around it). Each program reads a shared array `s` (filled before a barrier, read-only
// after it) through four address shapes: consecutive lanes, a stride of four, one address per
// half-wave (SGEMM's `ta[ly][k]`) and a scattered permutation, at small constant offsets that
// often follow one another (the runs the pass merges); it reads, stores and atomically adds
// lane-private words of a second array `t` (a load moved across a store or an atomic reads a
// stale word), and mixes in barriers, subgroup sums (whole-wave EXEC writes) and reads under a
// divergent branch. Every program runs on the device model in checked hazard mode in every
// configuration of kExecConfigs and its output is compared with the host's, word for word; the
// -O2 programs must hold merged loads (the test covers the pass). MICA_SHARED_LOAD_SEEDS=n
// runs n programs instead of 40.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "asm.h"
#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {

constexpr uint32_t kLocal = 64, kGroups = 2, kInvocations = kLocal * kGroups, kSubgroup = 32;
constexpr uint32_t kSharedWords = 512, kPrivateWords = 16;   // s's words per workgroup, t's per invocation

struct Rng {
	uint64_t s;
	uint32_t next()
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return static_cast<uint32_t>(s >> 33);
	}
	uint32_t below(uint32_t n) { return next() % n; }
};

// The address shapes of a read of s: base(lid) + offset, every index below kSharedWords.
constexpr unsigned kBases = 4;
const char *const kBaseGlsl[kBases] = {"lid", "lid * 4u", "(lid / 16u) * 16u", "((lid * 7u) % 64u) * 4u"};
uint32_t base_of(unsigned b, uint32_t lid)
{
	switch (b) {
	case 0: return lid;
	case 1: return lid * 4;
	case 2: return (lid / 16) * 16;
	default: return ((lid * 7) % 64) * 4;
	}
}

struct Step {
	enum Kind { read_s, read_t, store_t, atomic_t, barrier, subgroup_sum, divergent_reads } kind;
	unsigned base = 0;
	uint32_t off = 0, off2 = 0;
};

struct Generated {
	std::string glsl;
	std::vector<Step> steps;
};

Generated generate(uint32_t seed)
{
	Rng rng{seed * 2654435761ull + 17};
	Generated g;
	const unsigned n = 8 + rng.below(20);
	// Offsets mostly follow the last one of their array, so runs form; a store or atomic on t
	// mostly takes the word the next read of t would (a read moved above it reads a stale word).
	uint32_t last_s = 0, last_t = 0;
	auto follow = [&](uint32_t &last, bool advance) {
		const uint32_t off = rng.below(4) < 3 ? (last + 1) % 16 : rng.below(16);
		if (advance)
			last = off;
		return off;
	};
	for (unsigned k = 0; k < n; k++) {
		Step st;
		const uint32_t r = rng.below(100);
		st.kind = r < 45 ? Step::read_s : r < 60 ? Step::read_t : r < 70 ? Step::store_t : r < 76 ? Step::atomic_t
		        : r < 82 ? Step::barrier : r < 88 ? Step::subgroup_sum : Step::divergent_reads;
		st.base = rng.below(kBases);
		if (st.kind == Step::read_s || st.kind == Step::divergent_reads) {
			st.off = follow(last_s, true);
			st.off2 = follow(last_s, true);
		} else {
			st.off = follow(last_t, st.kind == Step::read_t);
			st.off2 = rng.below(16);
		}
		g.steps.push_back(st);
		if ((st.kind == Step::store_t || st.kind == Step::atomic_t) && rng.below(2)) {
			// Half the time the word written is read next, after a read of the word before it.
			g.steps.insert(g.steps.end() - 1, Step{Step::read_t, 0, (st.off + 15) % 16, 0});
			g.steps.push_back(Step{Step::read_t, 0, st.off, 0});
			last_t = st.off;
		}
	}
	std::ostringstream s;
	s << "#version 450\n#extension GL_KHR_shader_subgroup_arithmetic : require\n"
	     "layout(local_size_x = 64) in;\n"
	     "layout(set = 0, binding = 0) readonly buffer A { uint a[]; };\n"
	     "layout(set = 0, binding = 1) writeonly buffer O { uint o[]; };\n"
	     "shared uint s[512];\nshared uint t[1024];\n"
	     "void main() {\n  uint i = gl_GlobalInvocationID.x, lid = gl_LocalInvocationID.x;\n  uint r = i;\n"
	     "  for (uint j = 0u; j < 8u; j++) s[lid * 8u + j] = a[(gl_WorkGroupID.x * 512u + lid * 8u + j) % 1024u];\n"
	     "  for (uint j = 0u; j < 16u; j++) t[lid * 16u + j] = i * 16u + j;\n  barrier();\n";
	for (const Step &st : g.steps) {
		switch (st.kind) {
		case Step::read_s:
			s << "  r = r * 31u + s[" << kBaseGlsl[st.base] << " + " << st.off << "u];\n";
			break;
		case Step::read_t:
			s << "  r = r * 37u + t[lid * 16u + " << st.off << "u];\n";
			break;
		case Step::store_t:
			s << "  t[lid * 16u + " << st.off << "u] = r ^ " << st.off2 << "u;\n";
			break;
		case Step::atomic_t:
			s << "  r += atomicAdd(t[lid * 16u + " << st.off << "u], r | 1u);\n";
			break;
		case Step::barrier:
			s << "  barrier();\n";
			break;
		case Step::subgroup_sum:
			s << "  r += subgroupAdd(r & 0xffu);\n";
			break;
		case Step::divergent_reads:
			s << "  if (lid % 3u != 0u) r += s[" << kBaseGlsl[st.base] << " + " << st.off << "u] * s["
			  << kBaseGlsl[st.base] << " + " << st.off2 << "u];\n";
			break;
		}
	}
	s << "  o[i] = r;\n}\n";
	g.glsl = s.str();
	return g;
}

// The host: every invocation step by step (subgroup sums need the whole subgroup's values).
std::vector<uint32_t> model(const Generated &g, const std::vector<uint32_t> &a)
{
	std::vector<uint32_t> r(kInvocations), s(kGroups * kSharedWords), t(kInvocations * kPrivateWords);
	for (uint32_t i = 0; i < kInvocations; i++) {
		const uint32_t wg = i / kLocal, lid = i % kLocal;
		r[i] = i;
		for (uint32_t j = 0; j < 8; j++)
			s[wg * kSharedWords + lid * 8 + j] = a[(wg * 512 + lid * 8 + j) % 1024];
		for (uint32_t j = 0; j < kPrivateWords; j++)
			t[i * kPrivateWords + j] = i * 16 + j;
	}
	auto sh = [&](uint32_t i, unsigned base, uint32_t off) {
		return s[(i / kLocal) * kSharedWords + base_of(base, i % kLocal) + off];
	};
	for (const Step &st : g.steps) {
		std::vector<uint32_t> sums(kInvocations / kSubgroup, 0);
		if (st.kind == Step::subgroup_sum)
			for (uint32_t i = 0; i < kInvocations; i++)
				sums[i / kSubgroup] += r[i] & 0xff;
		for (uint32_t i = 0; i < kInvocations; i++) {
			uint32_t &w = t[i * kPrivateWords + st.off % kPrivateWords];
			switch (st.kind) {
			case Step::read_s: r[i] = r[i] * 31 + sh(i, st.base, st.off); break;
			case Step::read_t: r[i] = r[i] * 37 + w; break;
			case Step::store_t: w = r[i] ^ st.off2; break;
			case Step::atomic_t: {
				const uint32_t old = w;
				w += r[i] | 1;
				r[i] += old;
				break;
			}
			case Step::barrier: break;
			case Step::subgroup_sum: r[i] += sums[i / kSubgroup]; break;
			case Step::divergent_reads:
				if ((i % kLocal) % 3 != 0)
					r[i] += sh(i, st.base, st.off) * sh(i, st.base, st.off2);
				break;
			}
		}
	}
	return r;
}

unsigned wide_shared_loads(const CompileResult &r)
{
	AsmProgram p;
	std::string err;
	EXPECT_TRUE(decode_program(r.binary.code, 0, p, err)) << err;
	std::istringstream text(print_asm(p));
	unsigned n = 0;
	for (std::string line; std::getline(text, line);)
		n += line.find("ds_load_b128") != std::string::npos || line.find("ds_load_b64") != std::string::npos;
	return n;
}

TEST(SharedLoads, RandomProgramsMatchTheHost)
{
	const char *env = std::getenv("MICA_SHARED_LOAD_SEEDS");
	const uint32_t programs = env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 40;
	std::vector<uint32_t> a(1024);
	Rng data{99};
	for (uint32_t &x : a)
		x = data.next();
	unsigned merged = 0;
	for (uint32_t seed = 1; seed <= programs; seed++) {
		const Generated g = generate(seed);
		SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + g.glsl);
		auto spv = glsl_to_spirv(g.glsl, "shared_loads.comp");
		if (auto *e = std::get_if<CompileError>(&spv))
			FAIL() << "glslang: " << e->message;
		const std::vector<uint32_t> want = model(g, a);
		for (const ExecConfig &cfg : kExecConfigs) {
			SCOPED_TRACE(config_name(cfg));
			auto res = compile_for(std::get<std::vector<uint32_t>>(spv), cfg);
			if (auto *e = std::get_if<CompileError>(&res))
				FAIL() << "compile: " << e->message;
			const CompileResult &compiled = std::get<CompileResult>(res);
			if (cfg.opt == 2)
				merged += wide_shared_loads(compiled);
			std::vector<Buffer> bufs(2);
			bufs[0].data = a;
			bufs[1].binding = 1;
			bufs[1].data.assign(kInvocations, 0xdeadbeefu);
			const uint32_t groups[3] = {kGroups, 1, 1};
			RunOutcome out = run_kernel(compiled, cfg.rev, cfg.profile, bufs, {}, groups);
			ASSERT_TRUE(out.ok) << out.error;
			ASSERT_EQ(out.hazard_violations, 0u);
			for (uint32_t k = 0; k < kInvocations; k++)
				ASSERT_EQ(bufs[1].data[k], want[k]) << "o[" << k << "]";
		}
	}
	std::printf("%u programs, %u wide shared loads in their -O2 code\n", programs, merged);
	// The programs exercised the pass: merged loads in the -O2 code (4 configurations each).
	EXPECT_GE(merged, programs) << "wide shared loads in the -O2 programs";
}

} // namespace
