// SPDX-License-Identifier: MIT
// DISPATCH through the command processor into the compute engine: state packets reach the
// waves, faults land in the context's registers, the watchdog ends endless programs, perf
// counters count, and the power profile and revision registers reach the dispatch.
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

constexpr uint32_t kRW = MICA_PTE_READ | MICA_PTE_WRITE;

// buf[local_id.x] = local_id.x, with buf = s[0:1] (user data).
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

// buf[0] = hwreg(id), with buf = s[0:1].
Program store_hwreg(uint32_t hwreg)
{
	Program p;
	p.ctrl(MICA_OP_S_GETREG_B32, static_cast<int32_t>(hwreg), s(2))
	    .ctrl(MICA_OP_S_NOP, 4) // SALU -> VALU forwarding distance
	    .alu(MICA_OP_V_MOV_B32, v(2), s(2))
	    .alu(MICA_OP_V_MOV_B32, v(1), MICA_OPND_INT_CONST_FIRST)
	    .ctrl(MICA_OP_S_NOP, 4)
	    .mem(MICA_OP_GLOBAL_STORE_B32, MICA_OPND_NONE, v(1), s(0), v(2))
	    .ctrl(MICA_OP_S_ENDPGM);
	return p;
}

struct SimDispatch : ::testing::Test {
	Machine m = make_machine();
	static constexpr uint32_t ctx = 3;
	uint64_t buf = m.alloc(ctx, MICA_PAGE_SIZE, kRW);

	Machine::Launch launch(uint64_t program, uint32_t wg_x = 64)
	{
		Machine::Launch l;
		l.program_va = program;
		l.vgpr_count = 8;
		l.sgpr_count = 24;
		l.wg_size[0] = wg_x;
		l.user_data = {lo32(buf), hi32(buf)};
		return l;
	}
	uint64_t load(const Program &p, uint32_t c = ctx) { return m.load_code(c, p.bytes(), {}); }
	uint32_t word(uint64_t va, uint32_t c = ctx)
	{
		uint32_t v = 0;
		m.read(c, va, &v, 4);
		return v;
	}
	uint64_t perf(uint32_t counter)
	{
		m.device().mmio_write32(MICA_REG_PERF_SELECT, counter);
		const uint32_t lo = m.device().mmio_read32(MICA_REG_PERF_VALUE_LO);
		return lo | (uint64_t{m.device().mmio_read32(MICA_REG_PERF_VALUE_HI)} << 32);
	}
};

TEST_F(SimDispatch, RunsProgramWithUserData)
{
	const auto r = m.dispatch(ctx, launch(load(store_local_id())));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	for (uint32_t i = 0; i < 64; i++)
		EXPECT_EQ(word(buf + 4 * i), i);
	EXPECT_EQ(word(buf + 4 * 64), 0u);
	EXPECT_GT(r.cycles, 0u);
	EXPECT_GE(r.lane_instructions, 64u * 3); // two adds and a store per lane
	EXPECT_EQ(perf(MICA_PERF_DISPATCHES), 1u);
	EXPECT_EQ(perf(MICA_PERF_WAVES), 2u);
	EXPECT_GE(perf(MICA_PERF_INSTRUCTIONS), 8u);
	EXPECT_GE(perf(MICA_PERF_MEM_OPS), 2u);
	EXPECT_EQ(perf(MICA_PERF_CYCLES), r.cycles);
	EXPECT_EQ(perf(MICA_PERF_LANE_INSTRUCTIONS), r.lane_instructions);
}

TEST_F(SimDispatch, PerfCountersResetAndDisable)
{
	const uint64_t prog = load(store_local_id());
	ASSERT_EQ(m.dispatch(ctx, launch(prog)).fault, MICA_FAULT_NONE);
	m.device().mmio_write32(MICA_REG_PERF_CTRL, 2); // reset, counting off
	EXPECT_EQ(perf(MICA_PERF_DISPATCHES), 0u);
	EXPECT_EQ(perf(MICA_PERF_CYCLES), 0u);
	ASSERT_EQ(m.dispatch(ctx, launch(prog)).fault, MICA_FAULT_NONE);
	EXPECT_EQ(perf(MICA_PERF_DISPATCHES), 0u);
	m.device().mmio_write32(MICA_REG_PERF_CTRL, 1);
	ASSERT_EQ(m.dispatch(ctx, launch(prog)).fault, MICA_FAULT_NONE);
	ASSERT_EQ(m.dispatch(ctx, launch(prog)).fault, MICA_FAULT_NONE);
	EXPECT_EQ(perf(MICA_PERF_DISPATCHES), 2u);
	m.device().mmio_write32(MICA_REG_PERF_SELECT, MICA_PERF_COUNT); // no such counter
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_PERF_VALUE_LO), 0u);
}

TEST_F(SimDispatch, DispatchIndirectReadsGroupCounts)
{
	const uint64_t prog = load(store_local_id());
	const uint64_t args = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	const uint32_t none[3] = {0, 1, 1}, one[3] = {1, 1, 1};
	m.write(ctx, args, none, sizeof none);
	m.write(ctx, args + 16, one, sizeof one);
	const auto state = cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(prog), hi32(prog), 8, 24}),
	                        pkt(MICA_PKT_SET_USER_DATA, {0, lo32(buf), hi32(buf)}),
	                        pkt(MICA_PKT_SET_WORKGROUP_SIZE, {32, 1, 1})});
	auto r = m.run_commands(ctx, cat({state, pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(args), hi32(args)})}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(buf + 4), 0u); // zero groups: nothing ran
	r = m.run_commands(ctx, cat({state, pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(args + 16), hi32(args)})}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(buf + 4 * 31), 31u);
	// Unmapped argument buffer.
	const uint64_t hole = args + MICA_PAGE_SIZE;
	r = m.run_commands(ctx, cat({state, pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(hole), hi32(hole)})}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, hole);
}

// buf[k] = s[4 + k] for k < 4, with buf = s[0:1]: shows the user data a dispatch launched with.
Program store_user_data_4_to_7()
{
	Program p;
	for (unsigned k = 0; k < 4; k++) {
		p.alu(MICA_OP_V_MOV_B32, v(2), s(4 + k))
		    .alu(MICA_OP_V_MOV_B32, v(1), static_cast<uint16_t>(MICA_OPND_INT_CONST_FIRST + 4 * k))
		    .ctrl(MICA_OP_S_NOP, 4)
		    .mem(MICA_OP_GLOBAL_STORE_B32, MICA_OPND_NONE, v(1), s(0), v(2));
	}
	p.ctrl(MICA_OP_S_ENDPGM);
	return p;
}

TEST_F(SimDispatch, LoadUserDataReachesTheWavesInOrderWithEarlierWork)
{
	const uint64_t prog = load(store_user_data_4_to_7());
	const uint64_t args = m.alloc(ctx, MICA_PAGE_SIZE, kRW);
	const uint32_t groups[3] = {2, 3, 4};
	m.write(ctx, args + 0x100, groups, sizeof groups);
	// The counts are produced by an earlier packet of the same buffer (a DMA copy), then loaded
	// into s4..s6 and used by DISPATCH_INDIRECT: the load must see the copy.
	const auto ib = cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(prog), hi32(prog), 8, 24}),
	                     pkt(MICA_PKT_SET_USER_DATA, {0, lo32(buf), hi32(buf)}),
	                     pkt(MICA_PKT_SET_USER_DATA, {7, 0x77}),
	                     pkt(MICA_PKT_SET_WORKGROUP_SIZE, {1, 1, 1}),
	                     pkt(MICA_PKT_DMA_COPY, {lo32(args + 0x100), hi32(args), lo32(args), hi32(args), 12}),
	                     pkt(MICA_PKT_LOAD_USER_DATA, {4, 3, lo32(args), hi32(args)}),
	                     pkt(MICA_PKT_DISPATCH_INDIRECT, {lo32(args), hi32(args)})});
	const auto r = m.run_commands(ctx, ib);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(buf + 0), 2u);
	EXPECT_EQ(word(buf + 4), 3u);
	EXPECT_EQ(word(buf + 8), 4u);
	EXPECT_EQ(word(buf + 12), 0x77u); // s7 is outside the loaded range and keeps its value
}

TEST_F(SimDispatch, LoadUserDataFaultsLeaveTheContextStopped)
{
	const uint64_t prog = load(store_user_data_4_to_7());
	const uint64_t args = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	const uint64_t noread = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_WRITE);
	const auto state = cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(prog), hi32(prog), 8, 24}),
	                        pkt(MICA_PKT_SET_USER_DATA, {0, lo32(buf), hi32(buf)})});
	const auto then_dispatch = pkt(MICA_PKT_DISPATCH, {1, 1, 1});

	// The last two dwords of the range are on the unmapped page after 'args'.
	const uint64_t straddle = args + MICA_PAGE_SIZE - 8;
	auto r = m.run_commands(ctx, cat({state, pkt(MICA_PKT_LOAD_USER_DATA, {4, 4, lo32(straddle), hi32(straddle)}),
	                                  then_dispatch}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_EQ(r.fault_addr, args + MICA_PAGE_SIZE);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
	EXPECT_EQ(r.fault_info, MICA_PKT_HEADER(MICA_PKT_LOAD_USER_DATA, 4));
	EXPECT_EQ(word(buf), 0u) << "the dispatch after the faulting load must not run";

	r = m.run_commands(ctx, cat({state, pkt(MICA_PKT_LOAD_USER_DATA, {4, 1, lo32(noread), hi32(noread)}),
	                             then_dispatch}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.describe();
	EXPECT_EQ(r.fault_addr, noread);
	EXPECT_EQ(word(buf), 0u);
}

TEST_F(SimDispatch, ProgramWithoutExecPermissionFaults)
{
	const auto code = store_local_id().bytes();
	const uint64_t va = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	m.write(ctx, va, code.data(), code.size());
	const auto r = m.dispatch(ctx, launch(va));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.describe();
	EXPECT_EQ(r.fault_addr, va);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_EXEC);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(ctx)), 0u); // the Machine cleared it
}

TEST_F(SimDispatch, StoreToReadOnlyBufferFaults)
{
	const uint64_t ro = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	auto l = launch(load(store_local_id()));
	l.user_data = {lo32(ro), hi32(ro)};
	const auto r = m.dispatch(ctx, l);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.describe();
	EXPECT_EQ(r.fault_access, MICA_ACCESS_WRITE);
	EXPECT_GE(r.fault_addr, ro);
	EXPECT_LT(r.fault_addr, ro + 256);
	EXPECT_EQ(word(ro), 0u);
}

TEST_F(SimDispatch, PrivilegedInstructionFaults)
{
	Program p;
	p.ctrl(MICA_OP_S_HALT);
	const uint64_t prog = load(p);
	const auto r = m.dispatch(ctx, launch(prog, 32));
	EXPECT_EQ(r.fault, MICA_FAULT_PRIV_INSTRUCTION) << r.describe();
	EXPECT_EQ(r.fault_pc, prog);
}

TEST_F(SimDispatch, KernelKillStopsRunningDispatchWithoutWatchdog)
{
	Program p;
	p.ctrl(MICA_OP_S_BRANCH, -8); // branches to itself
	const uint64_t prog = load(p);
	m.set_watchdog(0);
	// Kill the context once its dispatch is running: the only thing that can end it.
	std::thread killer([&] {
		Device &dev = m.device();
		while (!(dev.mmio_read32(MICA_REG_CP_STATUS) & 1u))
			std::this_thread::yield();
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
		dev.mmio_write32(MICA_REG_CTX_STATUS(ctx), MICA_FAULT_KILLED);
	});
	const auto r = m.dispatch(ctx, launch(prog, 32));
	killer.join();
	EXPECT_EQ(r.fault, MICA_FAULT_KILLED) << r.describe();
	// The context runs again once the kernel clears its status.
	EXPECT_EQ(m.dispatch(ctx, launch(load(store_local_id()))).fault, MICA_FAULT_NONE);
	EXPECT_EQ(word(buf + 4 * 5), 5u);
}

TEST_F(SimDispatch, WatchdogEndsEndlessProgram)
{
	Program p;
	p.ctrl(MICA_OP_S_BRANCH, -8); // branches to itself
	const uint64_t prog = load(p);
	m.set_watchdog(200000);
	const auto r = m.dispatch(ctx, launch(prog, 32));

	EXPECT_EQ(r.fault, MICA_FAULT_WATCHDOG) << r.describe();
	// The device is healthy afterwards.
	m.set_watchdog(0);
	EXPECT_EQ(m.dispatch(ctx, launch(load(store_local_id()))).fault, MICA_FAULT_NONE);
}

TEST_F(SimDispatch, FaultInOneContextDoesNotStopAnother)
{
	const uint32_t other = 4;
	const uint64_t buf2 = m.alloc(other, MICA_PAGE_SIZE, kRW);
	const uint64_t prog1 = load(store_local_id());
	const uint64_t prog2 = load(store_local_id(), other);
	// Context 3 stores to a hole; context 4 stores to its buffer. One kernel submission.
	const uint64_t hole = buf + MICA_PAGE_SIZE;
	auto ib_for = [](uint64_t prog, uint64_t dst) {
		return cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(prog), hi32(prog), 8, 24}),
		            pkt(MICA_PKT_SET_USER_DATA, {0, lo32(dst), hi32(dst)}),
		            pkt(MICA_PKT_SET_WORKGROUP_SIZE, {32, 1, 1}), pkt(MICA_PKT_DISPATCH, {1, 1, 1})});
	};
	const auto ib1 = ib_for(prog1, hole), ib2 = ib_for(prog2, buf2);
	const uint64_t p1 = m.alloc_phys(4096), p2 = m.alloc_phys(4096);
	std::memcpy(m.device().vram() + p1, ib1.data(), ib1.size() * 4);
	std::memcpy(m.device().vram() + p2, ib2.data(), ib2.size() * 4);
	m.run_kernel_packets(cat({pkt(MICA_PKT_INDIRECT_BUFFER, {lo32(p1), hi32(p1), uint32_t(ib1.size()), ctx}),
	                          pkt(MICA_PKT_INDIRECT_BUFFER, {lo32(p2), hi32(p2), uint32_t(ib2.size()), other})}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(ctx)), MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_FAULT_ADDR_HI(ctx)) >> 16, uint32_t{MICA_ACCESS_WRITE});
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(other)), MICA_FAULT_NONE);
	EXPECT_EQ(word(buf2 + 4 * 31, other), 31u);
	EXPECT_TRUE(m.device().mmio_read32(MICA_REG_INT_STATUS) == 0 ||
	            (m.device().mmio_read32(MICA_REG_INT_STATUS) & MICA_IRQ_CONTEXT_FAULT));
}

TEST_F(SimDispatch, PowerProfileAndRevisionReachTheWaves)
{
	const uint64_t prog = load(store_hwreg(MICA_HWREG_POWER_PROFILE));
	ASSERT_EQ(m.dispatch(ctx, launch(prog, 1)).fault, MICA_FAULT_NONE);
	EXPECT_EQ(word(buf), MICA_PROFILE_PERF);
	m.set_power_profile(MICA_PROFILE_LOWPOWER);
	ASSERT_EQ(m.dispatch(ctx, launch(prog, 1)).fault, MICA_FAULT_NONE);
	EXPECT_EQ(word(buf), MICA_PROFILE_LOWPOWER);
	// Through the ring, ordered with the dispatches.
	m.run_kernel_packets(pkt(MICA_PKT_SET_POWER_PROFILE, {MICA_PROFILE_PERF}));
	ASSERT_EQ(m.dispatch(ctx, launch(prog, 1)).fault, MICA_FAULT_NONE);
	EXPECT_EQ(word(buf), MICA_PROFILE_PERF);

	DeviceConfig cfg = RawRing::small_config();
	cfg.revision = MICA_REV_R1;
	Machine r1(cfg);
	const uint64_t b = r1.alloc(1, MICA_PAGE_SIZE, kRW);
	Machine::Launch l;
	l.program_va = r1.load_code(1, store_hwreg(MICA_HWREG_REVISION).bytes(), {});
	l.vgpr_count = 8;
	l.sgpr_count = 24;
	l.user_data = {lo32(b), hi32(b)};
	ASSERT_EQ(r1.dispatch(1, l).fault, MICA_FAULT_NONE);
	uint32_t rev = 0;
	r1.read(1, b, &rev, 4);
	EXPECT_EQ(rev, MICA_REV_R1);
}

// s_timestamp_b64 through the CP: the value a wave reads lies between the TIMESTAMP before its
// dispatch and the one after it (the CP adds the dispatch's duration), and a later dispatch
// reads a later value: the device clock is monotonic across dispatches.
TEST_F(SimDispatch, DeviceClockLiesBetweenTheTimestampsAroundItsDispatch)
{
	Program p;
	p.ctrl(MICA_OP_S_TIMESTAMP_B64, 0, s(2))
	    .ctrl(MICA_OP_S_NOP, 4) // SALU -> VALU forwarding distance
	    .alu(MICA_OP_V_MOV_B32, v(2), s(2))
	    .alu(MICA_OP_V_MOV_B32, v(3), s(3))
	    .alu(MICA_OP_V_MOV_B32, v(1), MICA_OPND_INT_CONST_FIRST)
	    .ctrl(MICA_OP_S_NOP, 4)
	    .mem(MICA_OP_GLOBAL_STORE_B64, MICA_OPND_NONE, v(1), s(0), v(2))
	    .ctrl(MICA_OP_S_ENDPGM);
	const uint64_t prog = load(p);
	auto timestamp = [&] {
		const uint32_t lo = m.device().mmio_read32(MICA_REG_TIMESTAMP_LO); // latches the high half
		return lo | (uint64_t{m.device().mmio_read32(MICA_REG_TIMESTAMP_HI)} << 32);
	};
	auto clock = [&] { return word(buf) | (uint64_t{word(buf + 4)} << 32); };
	uint64_t before = timestamp(), last = 0;
	for (int k = 0; k < 3; k++) {
		const auto r = m.dispatch(ctx, launch(prog, 1));
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
		const uint64_t read = clock(), after = timestamp();
		EXPECT_GE(read, before) << "dispatch " << k;
		EXPECT_LE(read, after) << "dispatch " << k;
		EXPECT_GE(after - before, r.cycles) << "dispatch " << k;
		EXPECT_GT(read, last) << "dispatch " << k;
		last = read;
		before = after;
	}
}

TEST_F(SimDispatch, KernelRingDispatchIsPrivileged)
{
	// The kernel may dispatch from its own ring (physical addresses, privileged): s_halt is
	// legal there and ends the program.
	const uint64_t phys = load_halt_program_phys(m);
	m.run_kernel_packets(cat({pkt(MICA_PKT_SET_PROGRAM, {lo32(phys), hi32(phys), 4, 4}),
	                          pkt(MICA_PKT_SET_WORKGROUP_SIZE, {32, 1, 1}), pkt(MICA_PKT_DISPATCH, {1, 1, 1})}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(0)), MICA_FAULT_NONE);
}

} // namespace
} // namespace mica::sim::test
