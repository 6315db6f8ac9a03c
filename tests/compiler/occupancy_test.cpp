// The occupancy estimate (stats.cpp) against hand-computed cases for the per-CU limits of
// mica.toml [device], and the per-wave register limits the allocator derives from them.
#include <gtest/gtest.h>

#include <string>

#include "machine.h"
#include "mica/compiler/compiler.h"

using namespace mica::compiler;

namespace {

// The expectations below are worked out for these limits.
static_assert(MICA_WAVE_SLOTS_PER_CU == 32 && MICA_VGPR_FILE_PER_CU == 4096 && MICA_SGPR_FILE_PER_CU == 3200 &&
              MICA_VGPR_ALLOC_GRANULE == 8 && MICA_SGPR_ALLOC_GRANULE == 16 && MICA_SHARED_BYTES_PER_CU == 65536,
              "mica.toml [device] limits changed: rework the expected values");

TEST(Occupancy, SmallWavesAreLimitedByWaveSlots)
{
	// 2 waves per group; 16 groups by slots, 128 by VGPRs (16 each), 50 by SGPRs (32 each).
	Occupancy o = estimate_occupancy(10, 29, 0, 64);
	EXPECT_EQ(o.waves, 32u);
	EXPECT_STREQ(o.limited_by, "wave slots");
}

TEST(Occupancy, VgprsRoundedToTheGranule)
{
	// 254 VGPRs -> 256: 4096 / (256 * 2) = 8 groups of 2 waves.
	Occupancy o = estimate_occupancy(254, 32, 0, 64);
	EXPECT_EQ(o.waves, 16u);
	EXPECT_STREQ(o.limited_by, "VGPRs");
	// 129 VGPRs -> 136: 4096 / 136 = 30 single-wave groups.
	o = estimate_occupancy(129, 20, 0, 32);
	EXPECT_EQ(o.waves, 30u);
	EXPECT_STREQ(o.limited_by, "VGPRs");
}

TEST(Occupancy, SgprsLimit)
{
	// 128 SGPRs: 3200 / 128 = 25 single-wave groups.
	Occupancy o = estimate_occupancy(8, 128, 0, 32);
	EXPECT_EQ(o.waves, 25u);
	EXPECT_STREQ(o.limited_by, "SGPRs");
	// 97 SGPRs -> 112: 3200 / 112 = 28.
	EXPECT_EQ(estimate_occupancy(8, 97, 0, 1).waves, 28u);
}

TEST(Occupancy, SharedMemoryLimitsWholeWorkgroups)
{
	// 8 waves per group: 4 groups by slots, 16 by VGPRs, 12 by SGPRs, 3 by 20000 shared bytes.
	Occupancy o = estimate_occupancy(32, 32, 20000, 256);
	EXPECT_EQ(o.waves, 24u);
	EXPECT_STREQ(o.limited_by, "shared memory");
	// A partial last wave still takes a slot: 33 invocations = 2 waves.
	EXPECT_EQ(estimate_occupancy(8, 20, 65536, 33).waves, 2u);
}

TEST(Occupancy, WideWorkgroupsGetFewerRegistersPerWave)
{
	EXPECT_EQ(vgpr_limit(1), (unsigned)MICA_VGPRS_PER_WAVE);
	EXPECT_EQ(vgpr_limit(512), 256u);   // 16 waves x 256 = 4096
	EXPECT_EQ(vgpr_limit(1024), 128u);  // 32 waves
	EXPECT_EQ(vgpr_limit(800), 160u);   // 25 waves: 163 -> granule 8
	EXPECT_EQ(sgpr_limit(32), (unsigned)MICA_SGPRS_PER_WAVE);
	EXPECT_EQ(sgpr_limit(1024), 96u);   // 3200 / 32 = 100 -> granule 16
	// At those limits a whole 1024-invocation workgroup is resident.
	Occupancy o = estimate_occupancy(vgpr_limit(1024), sgpr_limit(1024), 0, 1024);
	EXPECT_EQ(o.waves, 32u);
}

TEST(Occupancy, CompiledShaderReportsItsLimit)
{
	const char *src = "#version 450\n"
	                  "layout(local_size_x = 1024) in;\n"
	                  "layout(set = 0, binding = 0) buffer B { uint d[]; };\n"
	                  "shared uint s[1024];\n"
	                  "void main() { s[gl_LocalInvocationIndex] = d[gl_GlobalInvocationID.x];\n"
	                  "  barrier(); d[gl_GlobalInvocationID.x] = s[1023u - gl_LocalInvocationIndex]; }\n";
	auto spv = glsl_to_spirv(src, "occupancy.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	auto res = compile_spirv(std::get<std::vector<uint32_t>>(spv), Options{});
	ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	const CompileResult &r = std::get<CompileResult>(res);
	EXPECT_LE(r.binary.entries[0].vgpr_count, vgpr_limit(1024));
	EXPECT_EQ(r.stats.waves_per_cu, 32u);   // one workgroup of 32 waves fills the slots
	EXPECT_EQ(r.stats.occupancy_limited_by, "wave slots");
	std::string text = format_stats(r.stats, false);
	EXPECT_NE(text.find("32 waves per CU (limited by wave slots)"), std::string::npos) << text;
	std::string json = format_stats(r.stats, true);
	EXPECT_NE(json.find("\"occupancy_limited_by\": \"wave slots\""), std::string::npos) << json;
	EXPECT_NE(json.find("\"scratch_bytes\": 0"), std::string::npos) << json;
}

} // namespace
