// SPDX-License-Identifier: MIT
// Packets in user command buffers (indirect buffers): success paths, malformed forms,
// privileged packets, chaining, fault isolation between contexts, and WAIT_MEM's watchdog.
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

constexpr uint32_t kRW = MICA_PTE_READ | MICA_PTE_WRITE;

struct Fixture : ::testing::Test {
	Machine m = make_machine();
	uint32_t ctx = 1;
	uint64_t buf = m.alloc(ctx, 3 * MICA_PAGE_SIZE, kRW);

	uint32_t word(uint64_t va)
	{
		uint32_t v;
		m.read(ctx, va, &v, 4);
		return v;
	}
	uint64_t dword64(uint64_t va)
	{
		uint64_t v;
		m.read(ctx, va, &v, 8);
		return v;
	}
	std::vector<uint32_t> write_data(uint64_t va, std::initializer_list<uint32_t> data)
	{
		std::vector<uint32_t> v = {MICA_PKT_HEADER(MICA_PKT_WRITE_DATA, data.size() + 2), lo32(va), hi32(va)};
		v.insert(v.end(), data);
		return v;
	}
};

using SimIb = Fixture;

TEST_F(SimIb, DataPacketsSucceed)
{
	const uint64_t b = buf;
	const auto ib = cat({
		pkt(MICA_PKT_NOP, {1, 2, 3}),
		write_data(b, {0x11, 0x22, 0x33}),
		pkt(MICA_PKT_DMA_FILL, {lo32(b + 0x100), hi32(b + 0x100), 0xabababab, 0x1100}), // crosses a page
		pkt(MICA_PKT_DMA_COPY, {lo32(b), hi32(b), lo32(b + 0x2000), hi32(b + 0x2000), 12}),
		pkt(MICA_PKT_TIMESTAMP, {lo32(b + 0x40), hi32(b + 0x40)}),
		pkt(MICA_PKT_TIMESTAMP, {lo32(b + 0x48), hi32(b + 0x48)}),
		pkt(MICA_PKT_BARRIER, {MICA_BARRIER_FLUSH}),
		pkt(MICA_PKT_SIGNAL, {lo32(b + 0x50), hi32(b + 0x50), 0x89abcdef, 0x01234567, MICA_SIGNAL_IRQ}),
		pkt(MICA_PKT_WAIT_MEM, {lo32(b + 0x50), hi32(b + 0x50), 0x89abcdef, 0x01234567, MICA_WAIT_EQ}),
		pkt(MICA_PKT_WAIT_MEM, {lo32(b + 0x50), hi32(b + 0x50), 0, 0, MICA_WAIT_GE}),
		pkt(MICA_PKT_WAIT_MEM, {lo32(b + 0x50), hi32(b + 0x50), 0, 0, MICA_WAIT_NE}),
		// State packets alone are fine; a dispatch with no groups launches nothing.
		pkt(MICA_PKT_SET_PROGRAM, {0x100000, 0, 8, 8}),
		pkt(MICA_PKT_SET_USER_DATA, {14, 1, 2}),
		pkt(MICA_PKT_LOAD_USER_DATA, {0, 16, lo32(b), hi32(b)}),
		pkt(MICA_PKT_SET_SHARED_SIZE, {MICA_MAX_SHARED_BYTES}),
		pkt(MICA_PKT_SET_WORKGROUP_SIZE, {MICA_MAX_WORKGROUP_INVOCATIONS, 1, 1}),
		pkt(MICA_PKT_DISPATCH, {0, 5, 5}),
		write_data(b + 0x60, {0x600d}),
	});
	const auto r = m.run_commands(ctx, ib);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(b), 0x11u);
	EXPECT_EQ(word(b + 8), 0x33u);
	EXPECT_EQ(word(b + 0x100), 0xababababu);
	EXPECT_EQ(word(b + 0x100 + 0x10fc), 0xababababu);
	EXPECT_EQ(word(b + 0x100 + 0x1100), 0u);
	EXPECT_EQ(word(b + 0x2000), 0x11u);
	EXPECT_EQ(word(b + 0x2008), 0x33u);
	EXPECT_EQ(word(b + 0x200c), 0u); // beyond the copy
	EXPECT_GT(dword64(b + 0x48), dword64(b + 0x40));
	EXPECT_EQ(dword64(b + 0x50), 0x0123456789abcdefull);
	// (FENCE_LO/HI now hold the Machine's own kernel fence, which follows every IB.)
	EXPECT_EQ(word(b + 0x60), 0x600du);
}

TEST_F(SimIb, ChainContinuesInAnotherBuffer)
{
	const uint64_t second = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	const auto tail = cat({write_data(buf + 4, {2}), pkt(MICA_PKT_NOP, {})});
	m.write(ctx, second, tail.data(), tail.size() * 4);
	const auto ib = cat({write_data(buf, {1}), pkt(MICA_PKT_CHAIN, {lo32(second), hi32(second), uint32_t(tail.size())}),
	                     write_data(buf + 8, {3})}); // not executed: CHAIN does not return
	const auto r = m.run_commands(ctx, ib);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(word(buf), 1u);
	EXPECT_EQ(word(buf + 4), 2u);
	EXPECT_EQ(word(buf + 8), 0u);
}

TEST_F(SimIb, ChainLoopIsBounded)
{
	const uint64_t loop = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_READ);
	const auto body = pkt(MICA_PKT_CHAIN, {lo32(loop), hi32(loop), 4});
	m.write(ctx, loop, body.data(), body.size() * 4);
	const auto r = m.run_commands(ctx, body);

	EXPECT_EQ(r.fault, MICA_FAULT_ILLEGAL_PACKET) << r.describe();
	EXPECT_EQ(r.fault_info, body[0]);
	EXPECT_EQ(r.fault_addr, loop);
}

TEST_F(SimIb, ChainToUnmappedOrUnreadableFaults)
{
	const uint64_t unmapped = buf + 16 * MICA_PAGE_SIZE;
	auto r = m.run_commands(ctx, pkt(MICA_PKT_CHAIN, {lo32(unmapped), hi32(unmapped), 8}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_EQ(r.fault_addr, unmapped);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
	const uint64_t noread = m.alloc(ctx, MICA_PAGE_SIZE, MICA_PTE_WRITE);
	r = m.run_commands(ctx, pkt(MICA_PKT_CHAIN, {lo32(noread), hi32(noread), 8}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.describe();
	EXPECT_EQ(r.fault_addr, noread);
}

struct IbFaultCase {
	const char *name;
	std::vector<uint32_t> packet;
	uint32_t fault;
};

class SimIbMalformed : public ::testing::TestWithParam<IbFaultCase> {};

TEST_P(SimIbMalformed, FaultsContextAndSkipsRest)
{
	Machine m = make_machine();
	const uint32_t ctx = 2;
	const uint64_t buf = m.alloc(ctx, MICA_PAGE_SIZE, kRW);
	const auto after = cat({pkt(MICA_PKT_WRITE_DATA, {lo32(buf), hi32(buf), 0x5ca1ab1e})});
	const auto ib = cat({GetParam().packet, after});
	auto r = m.run_commands(ctx, ib);
	EXPECT_EQ(r.fault, GetParam().fault) << r.describe();
	EXPECT_EQ(r.fault_info, GetParam().packet[0]);
	uint32_t v;
	m.read(ctx, buf, &v, 4);
	EXPECT_EQ(v, 0u) << "the rest of the IB must be skipped";
	// The Machine cleared the fault: the context runs again.
	r = m.run_commands(ctx, after);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	m.read(ctx, buf, &v, 4);
	EXPECT_EQ(v, 0x5ca1ab1eu);
}

std::vector<IbFaultCase> ib_fault_cases()
{
	const uint32_t I = MICA_FAULT_ILLEGAL_PACKET, P = MICA_FAULT_PRIV_PACKET;
	// A mapped VA of context 2 exists at 1 MiB + 4 KiB (after the Machine's fence page), used
	// only for alignment checks that fail before any access.
	const uint32_t va = (1u << 20) + 2 * MICA_PAGE_SIZE;
	std::vector<IbFaultCase> v = {
		{"UnknownOpcode", {MICA_PKT_HEADER(0x0f, 0)}, I},
		{"UnknownOpcode16", {MICA_PKT_HEADER(0x16, 1), 0}, I},
		{"ReservedHeaderBits", {MICA_PKT_HEADER(MICA_PKT_NOP, 0) | (0x80u << 24)}, I},
		{"TruncatedByIbEnd", {MICA_PKT_HEADER(MICA_PKT_NOP, 1000)}, I},
		{"ProgramMisaligned", pkt(MICA_PKT_SET_PROGRAM, {va + 8, 0, 4, 4}), I},
		{"ProgramTooManyVgprs", pkt(MICA_PKT_SET_PROGRAM, {va, 0, MICA_VGPRS_PER_WAVE + 1, 4}), I},
		{"ProgramTooManySgprs", pkt(MICA_PKT_SET_PROGRAM, {va, 0, 4, MICA_SGPRS_PER_WAVE + 1}), I},
		{"UserDataOverflow", pkt(MICA_PKT_SET_USER_DATA, {15, 1, 2}), I},
		{"UserDataFirstTooLarge", pkt(MICA_PKT_SET_USER_DATA, {16, 1}), I},
		{"LoadUserDataCountZero", pkt(MICA_PKT_LOAD_USER_DATA, {4, 0, va, 0}), I},
		{"LoadUserDataOverflow", pkt(MICA_PKT_LOAD_USER_DATA, {14, 3, va, 0}), I},
		{"LoadUserDataFirstTooLarge", pkt(MICA_PKT_LOAD_USER_DATA, {16, 1, va, 0}), I},
		{"LoadUserDataHugeCount", pkt(MICA_PKT_LOAD_USER_DATA, {1, 0xffffffffu, va, 0}), I},
		{"LoadUserDataMisaligned", pkt(MICA_PKT_LOAD_USER_DATA, {4, 3, va + 2, 0}), I},
		{"SharedTooLarge", pkt(MICA_PKT_SET_SHARED_SIZE, {MICA_MAX_SHARED_BYTES + 1}), I},
		{"WorkgroupZero", pkt(MICA_PKT_SET_WORKGROUP_SIZE, {1, 0, 1}), I},
		{"WorkgroupDimTooLarge", pkt(MICA_PKT_SET_WORKGROUP_SIZE, {1, 1, MICA_MAX_WORKGROUP_DIM_Z + 1}), I},
		{"WorkgroupTooManyInvocations", pkt(MICA_PKT_SET_WORKGROUP_SIZE, {64, 32, 1}), I},
		{"DispatchWithoutProgram", pkt(MICA_PKT_DISPATCH, {1, 1, 1}), I},
		{"BarrierBadFlags", pkt(MICA_PKT_BARRIER, {4}), I},
		{"FillMisaligned", pkt(MICA_PKT_DMA_FILL, {va + 2, 0, 0, 4}), I},
		{"FillOddSize", pkt(MICA_PKT_DMA_FILL, {va, 0, 0, 6}), I},
		{"CopyOverlap", pkt(MICA_PKT_DMA_COPY, {va, 0, va + 8, 0, 16}), I},
		{"WriteMisaligned", pkt(MICA_PKT_WRITE_DATA, {va + 1, 0, 0}), I},
		{"TimestampMisaligned", pkt(MICA_PKT_TIMESTAMP, {va + 4, 0}), I},
		{"SignalMisaligned", pkt(MICA_PKT_SIGNAL, {va + 4, 0, 0, 0, 0}), I},
		{"SignalBadFlags", pkt(MICA_PKT_SIGNAL, {va, 0, 0, 0, 0x10}), I},
		{"WaitMisaligned", pkt(MICA_PKT_WAIT_MEM, {va + 4, 0, 0, 0, 0}), I},
		{"WaitBadFunc", pkt(MICA_PKT_WAIT_MEM, {va, 0, 0, 0, 3}), I},
		{"ChainMisaligned", pkt(MICA_PKT_CHAIN, {va + 2, 0, 4}), I},
		{"IndirectBuffer", pkt(MICA_PKT_INDIRECT_BUFFER, {0x1000, 0, 4, 2}), P},
		{"SetPageTable", pkt(MICA_PKT_SET_PAGE_TABLE, {2, 0, 0}), P},
		{"SetPowerProfile", pkt(MICA_PKT_SET_POWER_PROFILE, {0}), P},
		{"PerfControl", pkt(MICA_PKT_PERF_CONTROL, {1}), P},
	};
	for (unsigned op = 0; op < 256; op++) {
		const mica_packet_info &info = mica_packet_table[op];
		if (!info.valid)
			continue;
		if (info.len_min > 0) {
			std::vector<uint32_t> d(info.len_min - 1u, 0);
			d.insert(d.begin(), MICA_PKT_HEADER(op, info.len_min - 1u));
			v.push_back({info.name, d, I});
		}
		if (info.len_max < MICA_PKT_NOP_LEN_MAX) {
			std::vector<uint32_t> d(info.len_max + 1u, 0);
			d.insert(d.begin(), MICA_PKT_HEADER(op, info.len_max + 1u));
			v.push_back({info.name, d, I});
		}
	}
	return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, SimIbMalformed, ::testing::ValuesIn(ib_fault_cases()),
                         [](const auto &p) { return std::string(p.param.name) + "_" + std::to_string(p.index); });

TEST_F(SimIb, PacketFaultReportsPacketAddress)
{
	const auto ib = cat({pkt(MICA_PKT_NOP, {}), pkt(MICA_PKT_SET_POWER_PROFILE, {0})});
	const auto r = m.run_commands(ctx, ib);
	ASSERT_EQ(r.fault, MICA_FAULT_PRIV_PACKET);
	// The IB is the kernel's physical copy: the packet address is physical, 4 bytes in.
	EXPECT_EQ(r.fault_addr % MICA_PAGE_SIZE, 4u);
	EXPECT_EQ(r.fault_pc, r.fault_addr);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
}

TEST_F(SimIb, FaultedContextSkipsLaterIbsUntilCleared)
{
	// Two IBs of context 1 and one of context 2 in a single kernel submission. The first
	// faults; the second (same context) is skipped; context 2 still runs.
	const uint32_t ctx2 = 2;
	const uint64_t buf2 = m.alloc(ctx2, MICA_PAGE_SIZE, kRW);
	const auto ib_fault = pkt(MICA_PKT_SET_POWER_PROFILE, {0});
	const auto ib_write = write_data(buf, {7});
	const auto ib_write2 = write_data(buf2, {9});
	const uint64_t p1 = m.alloc_phys(MICA_PAGE_SIZE), p2 = m.alloc_phys(MICA_PAGE_SIZE),
		       p3 = m.alloc_phys(MICA_PAGE_SIZE);
	std::memcpy(m.device().vram() + p1, ib_fault.data(), ib_fault.size() * 4);
	std::memcpy(m.device().vram() + p2, ib_write.data(), ib_write.size() * 4);
	std::memcpy(m.device().vram() + p3, ib_write2.data(), ib_write2.size() * 4);
	auto ib = [](uint64_t p, size_t n, uint32_t c) {
		return pkt(MICA_PKT_INDIRECT_BUFFER, {lo32(p), hi32(p), uint32_t(n), c});
	};
	m.run_kernel_packets(cat({ib(p1, ib_fault.size(), ctx), ib(p2, ib_write.size(), ctx),
	                          ib(p3, ib_write2.size(), ctx2)}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(ctx)), MICA_FAULT_PRIV_PACKET);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(ctx2)), MICA_FAULT_NONE);
	EXPECT_EQ(word(buf), 0u);
	uint32_t v2;
	m.read(ctx2, buf2, &v2, 4);
	EXPECT_EQ(v2, 9u);

	// Still faulted: a new IB of the context is skipped.
	m.run_kernel_packets(ib(p2, ib_write.size(), ctx));
	EXPECT_EQ(word(buf), 0u);
	// The kernel clears the fault; now it runs.
	m.device().mmio_write32(MICA_REG_CTX_STATUS(ctx), 0);
	m.run_kernel_packets(ib(p2, ib_write.size(), ctx));
	EXPECT_EQ(word(buf), 7u);
}

TEST_F(SimIb, SetPageTableSwitchesAddressSpaceInRingOrder)
{
	// Context 6 gets context 1's tables through the ring: its IB then writes context 1's page.
	// A second SET_PAGE_TABLE (0 = no address space), ordered before the next IB, faults it.
	const uint32_t ctx6 = 6;
	const uint64_t root1 = m.page_table_base(ctx);
	m.page_table_base(ctx6);
	const auto ib = write_data(buf, {0xfeed});
	const uint64_t p = m.alloc_phys(MICA_PAGE_SIZE);
	std::memcpy(m.device().vram() + p, ib.data(), ib.size() * 4);
	const auto run_ib = pkt(MICA_PKT_INDIRECT_BUFFER, {lo32(p), hi32(p), uint32_t(ib.size()), ctx6});
	m.run_kernel_packets(cat({pkt(MICA_PKT_SET_PAGE_TABLE, {ctx6, lo32(root1), hi32(root1)}), run_ib,
	                          pkt(MICA_PKT_SET_PAGE_TABLE, {ctx6, 0, 0}), run_ib}));
	EXPECT_EQ(word(buf), 0xfeedu);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_PTBASE_LO(ctx6)), 0u);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_STATUS(ctx6)), MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_FAULT_ADDR_LO(ctx6)), lo32(buf));
}

TEST_F(SimIb, KernelKillStopsContext)
{
	m.device().mmio_write32(MICA_REG_CTX_STATUS(ctx), MICA_FAULT_KILLED);
	const auto r = m.run_commands(ctx, write_data(buf, {1}));
	EXPECT_EQ(r.fault, MICA_FAULT_KILLED);
	EXPECT_EQ(word(buf), 0u);
}

TEST_F(SimIb, KillEndsWaitMem)
{
	// No watchdog: the wait would never end, but the kernel kills the context.
	Machine::RunResult r;
	std::thread submitter([&] {
		r = m.run_commands(ctx, cat({pkt(MICA_PKT_WAIT_MEM, {lo32(buf), hi32(buf), 1, 0, MICA_WAIT_EQ}),
		                             write_data(buf + 8, {1})}));
	});
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	m.device().mmio_write32(MICA_REG_CTX_STATUS(ctx), MICA_FAULT_KILLED);
	submitter.join();
	EXPECT_EQ(r.fault, MICA_FAULT_KILLED);
	EXPECT_EQ(word(buf + 8), 0u);
}

TEST_F(SimIb, WaitMemWatchdog)
{
	m.set_watchdog(50000);
	const auto ib = cat({pkt(MICA_PKT_WAIT_MEM, {lo32(buf), hi32(buf), 1, 0, MICA_WAIT_EQ}), write_data(buf + 8, {1})});
	const auto r = m.run_commands(ctx, ib);
	EXPECT_EQ(r.fault, MICA_FAULT_WATCHDOG) << r.describe();
	EXPECT_EQ(r.fault_addr, buf);
	EXPECT_EQ(r.fault_info, ib[0]);
	EXPECT_EQ(word(buf + 8), 0u);
}

TEST_F(SimIb, PerfControlFromKernelRing)
{
	// PERF_CONTROL is ordered with the ring; reset zeroes counters (here: DISPATCHES stays 0
	// without dispatches, and the control value is visible through PERF_CTRL).
	m.run_kernel_packets(pkt(MICA_PKT_PERF_CONTROL, {0}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_PERF_CTRL), 0u);
	m.run_kernel_packets(pkt(MICA_PKT_PERF_CONTROL, {3}));
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_PERF_CTRL), 1u);
	m.device().mmio_write32(MICA_REG_PERF_SELECT, MICA_PERF_DISPATCHES);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_PERF_VALUE_LO), 0u);
}

} // namespace
} // namespace mica::sim::test
