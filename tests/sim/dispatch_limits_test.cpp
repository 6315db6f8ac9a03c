// SPDX-License-Identifier: MIT
// Per-CU residency limits (mica.toml [device], docs/hw/device.md "Occupancy"): the shared
// arithmetic in mica_occupancy.c at every limit's boundary, and the command processor refusing a
// dispatch whose workgroup cannot be resident on one CU (fault DISPATCH_RESOURCES) while running
// one that exactly fits.
#include "mica_occupancy.h"
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

constexpr uint32_t kRW = MICA_PTE_READ | MICA_PTE_WRITE;
constexpr uint32_t kWave = MICA_WAVE_SIZE;

// The numbers the boundary cases below were worked out from.
static_assert(MICA_WAVE_SIZE == 32 && MICA_WAVE_SLOTS_PER_CU == 32 && MICA_VGPR_FILE_PER_CU == 4096 &&
              MICA_SGPR_FILE_PER_CU == 3200 && MICA_VGPR_ALLOC_GRANULE == 8 && MICA_SGPR_ALLOC_GRANULE == 16 &&
              MICA_SHARED_BYTES_PER_CU == 65536 && MICA_MAX_WORKGROUP_INVOCATIONS == 1024,
              "mica.toml [device] limits changed: rework the boundary cases");

TEST(CuResidency, WavesAndGranules)
{
	EXPECT_EQ(mica_waves_per_workgroup(0), 1u);
	EXPECT_EQ(mica_waves_per_workgroup(1), 1u);
	EXPECT_EQ(mica_waves_per_workgroup(32), 1u);
	EXPECT_EQ(mica_waves_per_workgroup(33), 2u);
	EXPECT_EQ(mica_waves_per_workgroup(1024), 32u);
	EXPECT_EQ(mica_waves_per_workgroup(UINT32_MAX), 134217728u); // no overflow
	EXPECT_EQ(mica_vgpr_alloc(0), 0u);
	EXPECT_EQ(mica_vgpr_alloc(1), 8u);
	EXPECT_EQ(mica_vgpr_alloc(128), 128u);
	EXPECT_EQ(mica_vgpr_alloc(129), 136u);
	EXPECT_EQ(mica_sgpr_alloc(96), 96u);
	EXPECT_EQ(mica_sgpr_alloc(97), 112u);
	EXPECT_EQ(mica_vgpr_alloc(UINT32_MAX), 4294967296ull); // 64-bit: a hostile count cannot wrap to 0
	EXPECT_EQ(mica_sgpr_alloc(UINT32_MAX), 4294967296ull);
}

TEST(CuResidency, WaveSlotBoundary)
{
	EXPECT_EQ(mica_workgroup_fits_cu(kWave * MICA_WAVE_SLOTS_PER_CU, 0, 0, 0), MICA_CU_LIMIT_NONE);
	EXPECT_EQ(mica_workgroup_fits_cu(kWave * MICA_WAVE_SLOTS_PER_CU + 1, 0, 0, 0), MICA_CU_LIMIT_WAVE_SLOTS);
}

TEST(CuResidency, SharedBoundary)
{
	EXPECT_EQ(mica_workgroup_fits_cu(1, 0, 0, MICA_SHARED_BYTES_PER_CU), MICA_CU_LIMIT_NONE);
	EXPECT_EQ(mica_workgroup_fits_cu(1, 0, 0, MICA_SHARED_BYTES_PER_CU + 1), MICA_CU_LIMIT_SHARED);
}

// For every workgroup size in waves: the per-wave limit fits, one register more does not
// (unless the limit is already the whole per-wave register space).
TEST(CuResidency, RegisterBoundaryForEveryWaveCount)
{
	for (uint32_t waves = 1; waves <= MICA_WAVE_SLOTS_PER_CU; waves++) {
		for (uint32_t inv : {waves * kWave - (kWave - 1), waves * kWave}) {
			SCOPED_TRACE(inv);
			const uint32_t vl = mica_workgroup_vgpr_limit(inv), sl = mica_workgroup_sgpr_limit(inv);
			EXPECT_EQ(vl % MICA_VGPR_ALLOC_GRANULE, 0u);
			EXPECT_EQ(sl % MICA_SGPR_ALLOC_GRANULE, 0u);
			EXPECT_LE(vl, MICA_VGPRS_PER_WAVE);
			EXPECT_LE(sl, MICA_SGPRS_PER_WAVE);
			EXPECT_EQ(mica_workgroup_fits_cu(inv, vl, sl, MICA_SHARED_BYTES_PER_CU), MICA_CU_LIMIT_NONE);
			if (vl < MICA_VGPRS_PER_WAVE) {
				EXPECT_EQ(mica_workgroup_fits_cu(inv, vl + 1, 0, 0), MICA_CU_LIMIT_VGPRS);
			}
			if (sl < MICA_SGPRS_PER_WAVE) {
				EXPECT_EQ(mica_workgroup_fits_cu(inv, 0, sl + 1, 0), MICA_CU_LIMIT_SGPRS);
			}
		}
	}
	// The documented examples: 1024 invocations get 128 VGPRs and 96 SGPRs; up to 512 all 256
	// VGPRs; 17 waves 240.
	EXPECT_EQ(mica_workgroup_vgpr_limit(1024), 128u);
	EXPECT_EQ(mica_workgroup_sgpr_limit(1024), 96u);
	EXPECT_EQ(mica_workgroup_vgpr_limit(512), 256u);
	EXPECT_EQ(mica_workgroup_vgpr_limit(513), 240u);
	EXPECT_EQ(mica_workgroup_sgpr_limit(800), 128u);
	EXPECT_EQ(mica_workgroup_sgpr_limit(801), 112u);
}

TEST(CuResidency, FirstExceededLimitIsReported)
{
	EXPECT_EQ(mica_workgroup_fits_cu(1025, 256, 128, 65537), MICA_CU_LIMIT_WAVE_SLOTS);
	EXPECT_EQ(mica_workgroup_fits_cu(1024, 256, 128, 65537), MICA_CU_LIMIT_VGPRS);
	EXPECT_EQ(mica_workgroup_fits_cu(1024, 128, 128, 65537), MICA_CU_LIMIT_SGPRS);
	EXPECT_EQ(mica_workgroup_fits_cu(1024, 128, 96, 65537), MICA_CU_LIMIT_SHARED);
	// Hostile counts do not overflow into "fits".
	EXPECT_EQ(mica_workgroup_fits_cu(1024, UINT32_MAX, 0, 0), MICA_CU_LIMIT_VGPRS);
	EXPECT_EQ(mica_workgroup_fits_cu(1, 0, UINT32_MAX, 0), MICA_CU_LIMIT_SGPRS);
	EXPECT_STREQ(mica_cu_limit_name(MICA_CU_LIMIT_SGPRS), "SGPRs");
}

TEST(CuResidency, WorkgroupsPerCu)
{
	mica_cu_limit by = MICA_CU_LIMIT_NONE;
	// 2 waves of 8 VGPRs / 24 (-> 32) SGPRs: 16 groups by wave slots, 50 by SGPRs, 256 by VGPRs.
	EXPECT_EQ(mica_workgroups_per_cu(64, 8, 24, 0, &by), 16u);
	EXPECT_EQ(by, MICA_CU_LIMIT_WAVE_SLOTS);
	// 1 wave of 256 VGPRs: 16 by VGPRs.
	EXPECT_EQ(mica_workgroups_per_cu(32, 256, 16, 0, &by), 16u);
	EXPECT_EQ(by, MICA_CU_LIMIT_VGPRS);
	// 1 wave of 128 SGPRs: 25 by SGPRs.
	EXPECT_EQ(mica_workgroups_per_cu(32, 8, 128, 0, &by), 25u);
	EXPECT_EQ(by, MICA_CU_LIMIT_SGPRS);
	EXPECT_EQ(mica_workgroups_per_cu(32, 8, 16, 20000, &by), 3u);
	EXPECT_EQ(by, MICA_CU_LIMIT_SHARED);
	EXPECT_EQ(mica_workgroups_per_cu(1024, 129, 16, 0, &by), 0u);
	EXPECT_EQ(by, MICA_CU_LIMIT_VGPRS);
	EXPECT_EQ(mica_workgroups_per_cu(1024, 128, 96, 65536, &by), 1u);
	// Without registers or shared memory only the wave slots bind.
	EXPECT_EQ(mica_workgroups_per_cu(32, 0, 0, 0, nullptr), MICA_WAVE_SLOTS_PER_CU);
}

// buf[local_id.x] = local_id.x (v0), with buf = s[0:1] (user data).
Program store_local_id()
{
	Program p;
	p.alu(MICA_OP_V_ADD_U32, v(1), v(0), v(0))
	    .alu(MICA_OP_V_ADD_U32, v(1), v(1), v(1))
	    .ctrl(MICA_OP_S_NOP, 2) // first memory access >= 4 cycles after launch (SEC_WAVE_START_TLB)
	    .mem(MICA_OP_GLOBAL_STORE_B32, MICA_OPND_NONE, v(1), s(0), v(0))
	    .ctrl(MICA_OP_S_ENDPGM);
	return p;
}

struct SimDispatchLimits : ::testing::Test {
	Machine m = make_machine();
	static constexpr uint32_t ctx = 2;
	uint64_t buf = m.alloc(ctx, 2 * MICA_PAGE_SIZE, kRW);
	uint64_t prog = m.load_code(ctx, store_local_id().bytes(), {});

	Machine::Launch launch(uint32_t invocations, uint32_t vgprs, uint32_t sgprs, uint32_t shared = 0)
	{
		Machine::Launch l;
		l.program_va = prog;
		l.vgpr_count = vgprs;
		l.sgpr_count = sgprs;
		l.shared_bytes = shared;
		l.wg_size[0] = invocations;
		l.user_data = {lo32(buf), hi32(buf)};
		return l;
	}
	uint32_t word(uint64_t va)
	{
		uint32_t v = 0;
		m.read(ctx, va, &v, 4);
		return v;
	}
	// Runs the dispatch and checks it either ran every invocation or faulted before any did.
	void expect_dispatch(uint32_t invocations, uint32_t vgprs, uint32_t sgprs, uint32_t shared, bool fits)
	{
		SCOPED_TRACE(::testing::Message() << invocations << " invocations, " << vgprs << " VGPRs, " << sgprs
		                                  << " SGPRs, " << shared << " shared bytes");
		const std::vector<uint32_t> zero(invocations, 0);
		m.write(ctx, buf, zero.data(), zero.size() * 4);
		m.write(ctx, buf + 4 * (invocations - 1), &kMarker, 4);
		const auto r = m.dispatch(ctx, launch(invocations, vgprs, sgprs, shared));
		if (fits) {
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
			EXPECT_EQ(word(buf + 4), 1u);
			EXPECT_EQ(word(buf + 4 * (invocations - 1)), invocations - 1);
			return;
		}
		EXPECT_EQ(r.fault, MICA_FAULT_DISPATCH_RESOURCES) << r.describe();
		EXPECT_EQ(r.fault_info, MICA_PKT_HEADER(MICA_PKT_DISPATCH, 3));
		EXPECT_EQ(r.fault_addr, r.fault_pc) << "the fault names the DISPATCH packet";
		EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
		EXPECT_EQ(word(buf + 4 * (invocations - 1)), kMarker) << "no wave may have run";
		EXPECT_EQ(r.cycles, 0u);
	}
	static constexpr uint32_t kMarker = 0xdeadbeef;
};

TEST_F(SimDispatchLimits, VgprFileBoundary)
{
	expect_dispatch(1024, 128, 16, 0, true);  // 32 waves x 128 = 4096
	expect_dispatch(1024, 129, 16, 0, false); // 129 -> 136 per wave
	expect_dispatch(512, 256, 16, 0, true);   // 16 waves x 256
	expect_dispatch(513, 240, 16, 0, true);   // 17 waves x 240 = 4080
	expect_dispatch(513, 241, 16, 0, false);  // 17 x 248 = 4216
}

TEST_F(SimDispatchLimits, SgprFileBoundary)
{
	expect_dispatch(1024, 8, 96, 0, true);  // 32 waves x 96 = 3072
	expect_dispatch(1024, 8, 97, 0, false); // 97 -> 112: 3584 > 3200
	expect_dispatch(800, 8, 128, 0, true);  // 25 waves x 128 = 3200
	expect_dispatch(801, 8, 128, 0, false); // 26 waves
}

// The largest workgroup with the largest shared size and the register limits runs: the wave-slot
// and shared-memory limits equal what SET_WORKGROUP_SIZE and SET_SHARED_SIZE allow at all, so only
// the register files can be exceeded through the packets.
TEST_F(SimDispatchLimits, LargestLegalWorkgroupRuns)
{
	static_assert(MICA_MAX_SHARED_BYTES <= MICA_SHARED_BYTES_PER_CU);
	static_assert(MICA_MAX_WORKGROUP_INVOCATIONS <= MICA_WAVE_SLOTS_PER_CU * MICA_WAVE_SIZE);
	expect_dispatch(1024, 128, 96, MICA_MAX_SHARED_BYTES, true);
}

TEST_F(SimDispatchLimits, ZeroGroupsAndIndirectDispatchAreCheckedToo)
{
	const uint64_t args = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	const uint32_t one[3] = {1, 1, 1};
	m.write(ctx, args, one, sizeof one);
	auto state = [&](uint32_t vgprs) {
		return cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(prog), hi32(prog), vgprs, 16}),
		            pkt(MICA_PKT_SET_USER_DATA, {0, lo32(buf), hi32(buf)}),
		            pkt(MICA_PKT_SET_WORKGROUP_SIZE, {1024, 1, 1})});
	};
	auto r = m.run_commands(ctx, cat({state(256), pkt(MICA_PKT_DISPATCH, {0, 1, 1})}));
	EXPECT_EQ(r.fault, MICA_FAULT_DISPATCH_RESOURCES) << r.describe();

	const uint64_t marker = buf + 4 * 1023;
	m.write(ctx, marker, &kMarker, 4);
	r = m.run_commands(ctx, cat({state(136), pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(args), hi32(args)})}));
	EXPECT_EQ(r.fault, MICA_FAULT_DISPATCH_RESOURCES) << r.describe();
	EXPECT_EQ(r.fault_info, MICA_PKT_HEADER(MICA_PKT_DISPATCH_INDIRECT, 2));
	EXPECT_EQ(word(marker), kMarker);
	// The state is checked before the group counts are read: an unreadable argument address
	// does not hide the resource fault.
	const uint64_t hole = args + MICA_PAGE_SIZE;
	r = m.run_commands(ctx, cat({state(136), pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(hole), hi32(hole)})}));
	EXPECT_EQ(r.fault, MICA_FAULT_DISPATCH_RESOURCES) << r.describe();

	// The fault skips the rest of the buffer.
	const uint64_t after = buf + 4 * 1024;
	r = m.run_commands(ctx, cat({state(256), pkt(MICA_PKT_DISPATCH, {1, 1, 1}),
	                             pkt(MICA_PKT_WRITE_DATA, {lo32(after), hi32(after), 0x600d})}));
	EXPECT_EQ(r.fault, MICA_FAULT_DISPATCH_RESOURCES) << r.describe();
	EXPECT_EQ(word(after), 0u);

	r = m.run_commands(ctx, cat({state(128), pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(args), hi32(args)}),
	                             pkt(MICA_PKT_WRITE_DATA, {lo32(after), hi32(after), 0x600d})}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(marker), 1023u);
	EXPECT_EQ(word(after), 0x600du);
}

TEST_F(SimDispatchLimits, KernelRingDispatchFaultsContextZeroAndTheRingContinues)
{
	const uint64_t phys = load_halt_program_phys(m);
	// run_kernel_packets waits for its fence after these packets: it throws if the CP halted.
	m.run_kernel_packets(cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(phys), hi32(phys), 4, 112}),
	                          pkt(MICA_PKT_SET_WORKGROUP_SIZE, {1024, 1, 1}), pkt(MICA_PKT_DISPATCH, {1, 1, 1})}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(0)), MICA_FAULT_DISPATCH_RESOURCES);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_FAULT_INFO(0)), MICA_PKT_HEADER(MICA_PKT_DISPATCH, 3));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_NONE);
}

} // namespace
} // namespace mica::sim::test
