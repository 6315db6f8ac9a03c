// The shared execution corpus (tests/corpus, the cases the Vulkan drivers run) compiled by the
// Mica compiler directly and run on the device model in checked hazard mode, on r1/lowpower
// and r2/perf (the strictest and the loosest hazard rules). Cases needing features the
// compiler or this harness does not provide are skipped by name of the feature.
#include <gtest/gtest.h>

#include <cstring>

#include "exec_harness.h"
#include "mica/corpus/corpus.h"

using namespace mica::compiler;
using namespace mica::compiler::test;
namespace corpus = mica::corpus;

namespace {

// Features this path lacks: the NaN-preserving execution mode.
constexpr corpus::Features kUnsupported = corpus::float32_inf_nan_preserve;

std::vector<uint32_t> to_words(const corpus::Bytes &b)
{
	std::vector<uint32_t> w((b.size() + 3) / 4, 0);
	if (!b.empty())
		std::memcpy(w.data(), b.data(), b.size());
	return w;
}

class SharedCorpus : public ::testing::TestWithParam<size_t> {};

TEST_P(SharedCorpus, RunsCorrectly)
{
	const corpus::Case &c = corpus::all_cases().at(GetParam());
	corpus::Features missing = c.required & kUnsupported;
	if (missing)
		GTEST_SKIP() << "needs " << corpus::feature_names(missing);
	std::vector<uint32_t> spv = corpus::load_spirv(c);
	const std::vector<corpus::Bytes> initial = corpus::initial_buffers(c);
	ASSERT_EQ(initial.size(), c.bindings.size());
	std::vector<uint32_t> push = to_words(c.push_constants);
	const struct {
		uint32_t rev, profile;
	} configs[] = {{1, 1}, {2, 0}};
	for (auto cfg : configs) {
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.entry_point = c.entry;
		for (const corpus::SpecConstant &s : c.spec_constants)
			o.spec_constants[s.id] = s.value;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << c.name << ": compile: " << e->message;
		std::vector<Buffer> bufs;
		for (size_t i = 0; i < c.bindings.size(); i++) {
			bufs.push_back(Buffer{c.bindings[i].set, c.bindings[i].binding, to_words(initial[i])});
			if (c.bindings[i].device_address)
				bufs.back().address_push_offset = (int32_t)c.bindings[i].push_offset;
		}
		RunOutcome r = run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, push, c.groups.data());
		ASSERT_TRUE(r.ok) << c.name << " r" << cfg.rev << "/" << cfg.profile << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << c.name;
		std::vector<corpus::Bytes> final;
		for (size_t i = 0; i < bufs.size(); i++) {
			corpus::Bytes b(initial[i].size());
			std::memcpy(b.data(), bufs[i].data.data(), b.size());
			final.push_back(std::move(b));
		}
		corpus::CheckResult cr = c.check(corpus::CheckInput{initial, final, MICA_WAVE_SIZE});
		EXPECT_TRUE(cr.ok) << c.name << " r" << cfg.rev << "/" << cfg.profile << ": " << cr.message;
	}
}

std::string case_name(const ::testing::TestParamInfo<size_t> &info) { return corpus::all_cases().at(info.param).name; }

INSTANTIATE_TEST_SUITE_P(Cases, SharedCorpus, ::testing::Range<size_t>(0, corpus::all_cases().size()), case_name);

} // namespace
