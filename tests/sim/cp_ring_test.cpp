// SPDX-License-Identifier: MIT
// The kernel ring: execution, wrap-around, CP errors, reset, and the privileged packets.
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

constexpr uint64_t kDst = RawRing::kScratch;

TEST(SimRing, ExecutesPacketsAndAdvancesHead)
{
	RawRing r;
	const auto ring = cat({pkt(MICA_PKT_NOP, {}), pkt(MICA_PKT_WRITE_DATA, {lo32(kDst), hi32(kDst), 0xa, 0xb}),
	                       pkt(MICA_PKT_BARRIER, {MICA_BARRIER_FLUSH | MICA_BARRIER_INVALIDATE})});
	r.run(ring);
	EXPECT_EQ(r.phys32(kDst), 0xau);
	EXPECT_EQ(r.phys32(kDst + 4), 0xbu);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), ring.size() * 4);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), r.dev.mmio_read32(MICA_REG_RING_TAIL));
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_STATUS), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_NONE);
}

TEST(SimRing, DisabledCpDoesNotRunUntilEnabled)
{
	RawRing r;
	r.dev.mmio_write32(MICA_REG_CP_CTRL, 0);
	r.push(pkt(MICA_PKT_WRITE_DATA, {lo32(kDst), hi32(kDst), 42}));
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_EQ(r.phys32(kDst), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), 0u);
	r.dev.mmio_write32(MICA_REG_CP_CTRL, 1);
	ASSERT_TRUE(wait_until([&] { return r.idle(); }));
	EXPECT_EQ(r.phys32(kDst), 42u);
}

TEST(SimRing, WrapAround)
{
	RawRing r(4096);
	// 5-dword packets in a 1024-dword ring: packets straddle the end (header before the wrap,
	// payload after it, at every possible split) and head wraps many times.
	uint32_t expect = 0;
	uint32_t straddled = 0;
	for (int round = 0; round < 700; round++) {
		std::vector<uint32_t> batch;
		for (uint32_t i = 0; i < 3; i++) {
			const uint32_t at = (r.tail / 4 + 5 * i) % 1024;
			straddled += at + 5 > 1024;
			++expect;
			put(batch, MICA_PKT_WRITE_DATA, {lo32(kDst + 8 * i), hi32(kDst + 8 * i), expect, ~expect});
		}
		r.run(batch);
		ASSERT_FALSE(r.halted()) << "round " << round;
		EXPECT_EQ(r.phys32(kDst + 16), expect);
		EXPECT_EQ(r.phys32(kDst + 20), ~expect);
		EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), r.tail);
	}
	EXPECT_GE(straddled, 4u);
	EXPECT_LT(r.tail, 4096u);
}

struct BadRingCase {
	const char *name;
	std::vector<uint32_t> dwords;
	uint32_t error;
};

class SimRingMalformed : public ::testing::TestWithParam<BadRingCase> {};

TEST_P(SimRingMalformed, HaltsWithCpError)
{
	RawRing r;
	std::atomic<int> irqs{0};
	r.dev.set_irq_handler([&] { irqs++; });
	r.dev.mmio_write32(MICA_REG_INT_ENABLE, MICA_IRQ_CP_ERROR);
	r.run(pkt(MICA_PKT_WRITE_DATA, {lo32(kDst), hi32(kDst), 1}));
	const uint32_t bad_at = r.tail;
	// The bad packet, then a good one that must not run.
	r.run(cat({GetParam().dwords, pkt(MICA_PKT_WRITE_DATA, {lo32(kDst), hi32(kDst), 2})}));
	EXPECT_TRUE(r.halted());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), GetParam().error);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), bad_at);
	EXPECT_EQ(r.phys32(kDst), 1u);
	EXPECT_TRUE(r.dev.mmio_read32(MICA_REG_INT_STATUS) & MICA_IRQ_CP_ERROR);
	ASSERT_TRUE(wait_until([&] { return irqs.load() == 1; }));

	// Reset empties the ring and clears the error; the CP runs again.
	r.reset_cp();
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_STATUS), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_NONE);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_HEAD), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_RING_TAIL), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_CTRL), 1u);
	r.run(pkt(MICA_PKT_WRITE_DATA, {lo32(kDst), hi32(kDst), 3}));
	EXPECT_EQ(r.phys32(kDst), 3u);
}

std::vector<BadRingCase> bad_ring_cases()
{
	const uint64_t far = 1ull << 40; // beyond VRAM
	std::vector<BadRingCase> v = {
		{"UnknownOpcode", {MICA_PKT_HEADER(0x0f, 0)}, MICA_CP_ERROR_BAD_PACKET},
		{"UnknownOpcodeHigh", {MICA_PKT_HEADER(0xff, 0)}, MICA_CP_ERROR_BAD_PACKET},
		{"ReservedHeaderBits", {MICA_PKT_HEADER(MICA_PKT_NOP, 0) | (1u << 24)}, MICA_CP_ERROR_BAD_PACKET},
		{"SignalTooShort", {MICA_PKT_HEADER(MICA_PKT_SIGNAL, 4), 0, 0, 0, 0}, MICA_CP_ERROR_BAD_PACKET},
		{"SignalTooLong", {MICA_PKT_HEADER(MICA_PKT_SIGNAL, 6), 0, 0, 0, 0, 0, 0}, MICA_CP_ERROR_BAD_PACKET},
		{"WriteDataNoData", {MICA_PKT_HEADER(MICA_PKT_WRITE_DATA, 2), 0, 0}, MICA_CP_ERROR_BAD_PACKET},
		{"PastTail", {MICA_PKT_HEADER(MICA_PKT_NOP, 200)}, MICA_CP_ERROR_BAD_PACKET},
		{"ChainInRing", pkt(MICA_PKT_CHAIN, {0x1000, 0, 4}), MICA_CP_ERROR_BAD_PACKET},
		{"IbContextZero", pkt(MICA_PKT_INDIRECT_BUFFER, {0x1000, 0, 4, 0}), MICA_CP_ERROR_BAD_PACKET},
		{"IbContextTooLarge", pkt(MICA_PKT_INDIRECT_BUFFER, {0x1000, 0, 4, MICA_MAX_CONTEXTS}),
		 MICA_CP_ERROR_BAD_PACKET},
		{"IbOutsideVram", pkt(MICA_PKT_INDIRECT_BUFFER, {lo32(far), hi32(far), 4, 1}), MICA_CP_ERROR_BAD_ADDRESS},
		{"IbMisaligned", pkt(MICA_PKT_INDIRECT_BUFFER, {0x1002, 0, 4, 1}), MICA_CP_ERROR_BAD_ADDRESS},
		{"WriteOutsideVram", pkt(MICA_PKT_WRITE_DATA, {lo32(far), hi32(far), 1}), MICA_CP_ERROR_BAD_ADDRESS},
		{"FillOutsideVram", pkt(MICA_PKT_DMA_FILL, {0, 0x100, 0, 64}), MICA_CP_ERROR_BAD_ADDRESS},
		{"CopyFromOutsideVram", pkt(MICA_PKT_DMA_COPY, {lo32(far), hi32(far), lo32(kDst), 0, 64}),
		 MICA_CP_ERROR_BAD_ADDRESS},
		{"SignalMisaligned", pkt(MICA_PKT_SIGNAL, {lo32(kDst) + 4, 0, 1, 0, 0}), MICA_CP_ERROR_BAD_PACKET},
		{"SignalBadFlags", pkt(MICA_PKT_SIGNAL, {lo32(kDst), 0, 1, 0, 2}), MICA_CP_ERROR_BAD_PACKET},
		{"SetPageTableCtx0", pkt(MICA_PKT_SET_PAGE_TABLE, {0, 0x1000, 0}), MICA_CP_ERROR_BAD_PACKET},
		{"SetPageTableMisaligned", pkt(MICA_PKT_SET_PAGE_TABLE, {1, 0x1001, 0}), MICA_CP_ERROR_BAD_PACKET},
		{"BadPowerProfile", pkt(MICA_PKT_SET_POWER_PROFILE, {MICA_PROFILE_COUNT}), MICA_CP_ERROR_BAD_PACKET},
		{"BadPerfControl", pkt(MICA_PKT_PERF_CONTROL, {4}), MICA_CP_ERROR_BAD_PACKET},
		{"DispatchWithoutProgram", pkt(MICA_PKT_DISPATCH, {1, 1, 1}), MICA_CP_ERROR_BAD_PACKET},
		{"LoadUserDataOutsideVram", pkt(MICA_PKT_LOAD_USER_DATA, {0, 2, lo32(far), hi32(far)}),
		 MICA_CP_ERROR_BAD_ADDRESS},
		{"LoadUserDataMisaligned", pkt(MICA_PKT_LOAD_USER_DATA, {0, 2, lo32(kDst) + 2, 0}), MICA_CP_ERROR_BAD_PACKET},
		{"LoadUserDataCountZero", pkt(MICA_PKT_LOAD_USER_DATA, {0, 0, lo32(kDst), 0}), MICA_CP_ERROR_BAD_PACKET},
		{"BadWorkgroupSize", pkt(MICA_PKT_SET_WORKGROUP_SIZE, {0, 1, 1}), MICA_CP_ERROR_BAD_PACKET},
	};
	// Every defined packet with one payload dword too few and one too many.
	for (unsigned op = 0; op < 256; op++) {
		const mica_packet_info &info = mica_packet_table[op];
		if (!info.valid)
			continue;
		if (info.len_min > 0) {
			std::vector<uint32_t> d(info.len_min, 0);
			d.insert(d.begin(), MICA_PKT_HEADER(op, info.len_min - 1u));
			v.push_back({info.name, d, MICA_CP_ERROR_BAD_PACKET});
		}
		if (info.len_max < MICA_PKT_NOP_LEN_MAX) {
			std::vector<uint32_t> d(info.len_max + 1u, 0);
			d.insert(d.begin(), MICA_PKT_HEADER(op, info.len_max + 1u));
			v.push_back({info.name, d, MICA_CP_ERROR_BAD_PACKET});
		}
	}
	return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, SimRingMalformed, ::testing::ValuesIn(bad_ring_cases()),
                         [](const auto &p) { return std::string(p.param.name) + "_" + std::to_string(p.index); });

TEST(SimRing, BadRingGeometry)
{
	RawRing r;
	r.dev.mmio_write32(MICA_REG_RING_SIZE, 3000); // not a power of two
	r.push(pkt(MICA_PKT_NOP, {}));
	ASSERT_TRUE(wait_until([&] { return r.halted(); }));
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_BAD_RING);
	EXPECT_TRUE(r.dev.mmio_read32(MICA_REG_INT_STATUS) & MICA_IRQ_CP_ERROR);

	RawRing r2;
	r2.dev.mmio_write32(MICA_REG_RING_TAIL, 8192); // past the end of the ring
	ASSERT_TRUE(wait_until([&] { return r2.halted(); }));
	EXPECT_EQ(r2.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_BAD_RING);

	RawRing r3;
	r3.dev.mmio_write32(MICA_REG_RING_BASE_HI, 1); // outside VRAM
	r3.push(pkt(MICA_PKT_NOP, {}));
	ASSERT_TRUE(wait_until([&] { return r3.halted(); }));
	EXPECT_EQ(r3.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_BAD_RING);
}

TEST(SimRing, KernelDmaAndTimestamp)
{
	RawRing r;
	r.run(cat({pkt(MICA_PKT_DMA_FILL, {lo32(kDst), 0, 0xcafef00du, 8192}),
	           pkt(MICA_PKT_DMA_COPY, {lo32(kDst), 0, lo32(kDst + 0x10000), 0, 6000}),
	           pkt(MICA_PKT_TIMESTAMP, {lo32(kDst + 0x20000), 0})}));
	EXPECT_FALSE(r.halted());
	EXPECT_EQ(r.phys32(kDst + 8188), 0xcafef00du);
	EXPECT_EQ(r.phys32(kDst + 8192), 0u);
	EXPECT_EQ(r.phys32(kDst + 0x10000 + 5996), 0xcafef00du);
	EXPECT_EQ(r.phys32(kDst + 0x10000 + 6000), 0u);
	EXPECT_GT(r.phys64(kDst + 0x20000), 0u);
}

TEST(SimRing, PrivilegedPacketsInKernelRing)
{
	RawRing r;
	r.run(cat({pkt(MICA_PKT_SET_PAGE_TABLE, {3, 0x345000, 0x2}), pkt(MICA_PKT_SET_POWER_PROFILE, {MICA_PROFILE_LOWPOWER}),
	           pkt(MICA_PKT_PERF_CONTROL, {1})}));
	EXPECT_FALSE(r.halted());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CTX_PTBASE_LO(3)), 0x345000u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CTX_PTBASE_HI(3)), 2u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_POWER_PROFILE), MICA_PROFILE_LOWPOWER);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_PERF_CTRL), 1u);
	r.run(cat({pkt(MICA_PKT_PERF_CONTROL, {2}), pkt(MICA_PKT_SET_POWER_PROFILE, {MICA_PROFILE_PERF})}));
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_PERF_CTRL), 0u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_POWER_PROFILE), MICA_PROFILE_PERF);
}

TEST(SimRing, KernelWaitMemSatisfiedByHost)
{
	RawRing r;
	r.push(cat({pkt(MICA_PKT_WAIT_MEM, {lo32(kDst), 0, 5, 0, MICA_WAIT_GE}),
	            pkt(MICA_PKT_WRITE_DATA, {lo32(kDst + 64), 0, 77})}));
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_FALSE(r.idle());
	EXPECT_EQ(r.phys32(kDst + 64), 0u);
	__atomic_store_n(reinterpret_cast<uint64_t *>(r.dev.vram() + kDst), 6, __ATOMIC_RELEASE);
	ASSERT_TRUE(wait_until([&] { return r.idle(); }));
	EXPECT_FALSE(r.halted());
	EXPECT_EQ(r.phys32(kDst + 64), 77u);

	// EQ and NE on values already there complete at once.
	r.run(cat({pkt(MICA_PKT_WAIT_MEM, {lo32(kDst), 0, 6, 0, MICA_WAIT_EQ}),
	           pkt(MICA_PKT_WAIT_MEM, {lo32(kDst), 0, 7, 0, MICA_WAIT_NE})}));
	EXPECT_FALSE(r.halted());
}

TEST(SimRing, KernelWaitMemTimeoutIsCpError)
{
	RawRing r;
	r.dev.mmio_write32(MICA_REG_WATCHDOG_CYCLES, 20000);
	r.run(pkt(MICA_PKT_WAIT_MEM, {lo32(kDst), 0, 1, 0, MICA_WAIT_EQ}));

	EXPECT_TRUE(r.halted());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_CP_ERROR), MICA_CP_ERROR_WAIT_TIMEOUT);
}

TEST(SimRing, ResetAbortsEndlessWait)
{
	RawRing r;
	r.push(pkt(MICA_PKT_WAIT_MEM, {lo32(kDst), 0, 1, 0, MICA_WAIT_EQ}));
	std::this_thread::sleep_for(std::chrono::milliseconds(10));
	EXPECT_FALSE(r.idle());
	r.reset_cp();
	ASSERT_TRUE(wait_until([&] { return r.idle(); }));
	r.run(pkt(MICA_PKT_WRITE_DATA, {lo32(kDst + 8), 0, 5}));
	EXPECT_EQ(r.phys32(kDst + 8), 5u);
}

} // namespace
} // namespace mica::sim::test
