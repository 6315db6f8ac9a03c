// SPDX-License-Identifier: MIT
// End to end with the real assembler (src/isa): assembled binaries go through SHADER_CREATE and
// run; an assembled program without the SEC_WAVE_START_TLB workaround is refused.
#include "uapi_fixture.h"

#include <mica/isa/assembler.h>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x30000000;
constexpr uint64_t DATA_VA = 0x20000000;

std::vector<uint8_t> assemble_or_fail(const std::string &src)
{
	auto r = mica::isa::assemble(src, "test.s");
	std::string diags;
	for (const auto &d : r.diagnostics)
		diags += d.format() + "\n";
	EXPECT_TRUE(r.binary.has_value()) << diags;
	return r.binary ? r.binary->serialize() : std::vector<uint8_t>{};
}

TEST_F(UapiTest, AssembledKernelRuns)
{
	auto bin = assemble_or_fail(R"(
.kernel store_lanes
.workgroup 32
    s_nop 3                       ; SEC_WAVE_START_TLB: no memory access in the first 4 cycles
    v_shl_b32 v1, lane_id, 2
    v_add_u32 v2, lane_id, s2
    s_nop 0
    global_store_b32 v1, s[0:1], v2
    s_waitcnt gm(0)
    s_endpgm
)");
	ASSERT_FALSE(bin.empty());
	uint32_t ctx = a_->ctx();
	uint32_t sh = a_->shader(bin);
	a_->bind(sh, CODE_VA, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC);
	uint32_t data = a_->bo(4096);
	a_->bind(data, DATA_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx, dispatch_stream(CODE_VA, DATA_VA, 70), &seq), 0);
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	auto *cpu = static_cast<uint32_t *>(a_->map(data, 4096));
	for (uint32_t lane = 0; lane < 32; lane++)
		EXPECT_EQ(cpu[lane], 70 + lane);
}

TEST_F(UapiTest, AssembledKernelWithoutWorkaroundIsRefused)
{
	auto bin = assemble_or_fail(R"(
.kernel eager
    global_store_b32 v1, s[0:1], v2
    s_endpgm
)");
	ASSERT_FALSE(bin.empty());
	EXPECT_EQ(a_->try_shader(bin), -EINVAL);
	EXPECT_EQ(rejects(DRM_MICA_REJECT_SH_WAVE_START_TLB), 1u);
	auto lp = assemble_or_fail(".profile lowpower\n.kernel k\n    s_nop 3\n    s_endpgm\n");
	EXPECT_EQ(a_->try_shader(lp), -ENOEXEC);
}

} // namespace
