// OpenCL C 3.0 __opencl_c_generic_address_space (tests/compiler/kernel/generic.cl): get_fence,
// to_global, to_local and to_private on generic pointers to each address space, mixed within a
// wave, on every revision and power profile.
#include <gtest/gtest.h>

#include "cl_harness.h"
#include "mica_hw.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

struct Target {
	uint32_t revision, profile;
};

class GenericAddressSpace : public ::testing::TestWithParam<Target> {};

} // namespace

TEST_P(GenericAddressSpace, FenceAndCasts)
{
	const uint32_t n = 128, local = 64;
	std::vector<uint32_t> out(n * 3, 0xdeadbeef);
	std::vector<Arg> args = {Arg::buffer(out), Arg::local((local + 1) * 4)};
	NDRange r;
	r.global = {n, 1, 1};
	r.local = {local, 1, 1};
	Result res = run(load_spv("generic"), "address_spaces", r, args, GetParam().revision, GetParam().profile);
	ASSERT_TRUE(res.ok) << res.error;
	EXPECT_EQ(res.hazard_violations, 0u);
	auto o = args[0].as<uint32_t>();
	// bits: get_fence (1 local, 2 global), 16 to_global, 32 to_local, 64 to_private non-NULL
	for (uint32_t i = 0; i < n; i++) {
		const bool odd = i & 1;
		EXPECT_EQ(o[i * 3 + 0], odd ? 1u | 32u : 2u | 16u) << "work-item " << i << (odd ? ": __local" : ": __global");
		EXPECT_EQ(o[i * 3 + 1], 2u | 64u) << "work-item " << i << ": private (a fence on it is a global one)";
		const uint32_t p[4] = {1, 2, 3, i};
		EXPECT_EQ(o[i * 3 + 2], p[(i + 1) & 3] + (odd ? i % local : 0)) << "work-item " << i << ": loads through the casts";
	}
}

INSTANTIATE_TEST_SUITE_P(AllTargets, GenericAddressSpace,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R1, MICA_PROFILE_LOWPOWER},
                                           Target{MICA_REV_R2, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
