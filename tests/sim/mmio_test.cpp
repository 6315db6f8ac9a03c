// SPDX-License-Identifier: MIT
// MMIO register file: reset values, access types, interrupts and W1C, configuration checks.
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

TEST(SimMmio, ResetValues)
{
	DeviceConfig cfg = RawRing::small_config();
	cfg.revision = MICA_REV_R1;
	cfg.cu_count = 3;
	cfg.power_profile = MICA_PROFILE_LOWPOWER;
	Device dev(cfg);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_ID), MICA_ID_VALUE);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_REVISION), MICA_REV_R1);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_CU_COUNT), 3u);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_VRAM_SIZE_LO), lo32(cfg.vram_bytes));
	EXPECT_EQ(dev.mmio_read32(MICA_REG_VRAM_SIZE_HI), hi32(cfg.vram_bytes));
	EXPECT_EQ(dev.vram_size(), cfg.vram_bytes);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_POWER_PROFILE), MICA_PROFILE_LOWPOWER);
	for (uint32_t off : {MICA_REG_RING_BASE_LO, MICA_REG_RING_BASE_HI, MICA_REG_RING_SIZE, MICA_REG_RING_HEAD,
	                     MICA_REG_RING_TAIL, MICA_REG_CP_STATUS, MICA_REG_CP_CTRL, MICA_REG_CP_ERROR,
	                     MICA_REG_INT_STATUS, MICA_REG_INT_ENABLE, MICA_REG_FENCE_LO, MICA_REG_FENCE_HI,
	                     MICA_REG_WATCHDOG_CYCLES, MICA_REG_HAZARD_MODE, MICA_REG_TIMESTAMP_LO,
	                     MICA_REG_TIMESTAMP_HI, MICA_REG_PERF_SELECT, MICA_REG_PERF_VALUE_LO,
	                     MICA_REG_PERF_VALUE_HI, MICA_REG_PERF_CTRL})
		EXPECT_EQ(dev.mmio_read32(off), 0u) << "offset 0x" << std::hex << off;
	for (uint32_t ctx = 0; ctx < MICA_MAX_CONTEXTS; ctx++)
		for (uint32_t off : {MICA_REG_CTX_PTBASE_LO(ctx), MICA_REG_CTX_PTBASE_HI(ctx), MICA_REG_CTX_STATUS(ctx),
		                     MICA_REG_CTX_FAULT_ADDR_LO(ctx), MICA_REG_CTX_FAULT_ADDR_HI(ctx),
		                     MICA_REG_CTX_FAULT_PC_LO(ctx), MICA_REG_CTX_FAULT_PC_HI(ctx),
		                     MICA_REG_CTX_FAULT_INFO(ctx)})
			EXPECT_EQ(dev.mmio_read32(off), 0u) << "ctx " << ctx;
	// VRAM starts zeroed and is writable.
	EXPECT_EQ(dev.vram()[0], 0);
	EXPECT_EQ(dev.vram()[cfg.vram_bytes - 1], 0);
	dev.vram()[cfg.vram_bytes - 1] = 7;
	EXPECT_EQ(dev.vram()[cfg.vram_bytes - 1], 7);
}

TEST(SimMmio, ReadOnlyRegistersIgnoreWrites)
{
	Device dev(RawRing::small_config());
	const uint32_t ro[] = {MICA_REG_ID, MICA_REG_REVISION, MICA_REG_CU_COUNT, MICA_REG_VRAM_SIZE_LO,
	                       MICA_REG_VRAM_SIZE_HI, MICA_REG_RING_HEAD, MICA_REG_CP_STATUS, MICA_REG_CP_ERROR,
	                       MICA_REG_FENCE_LO, MICA_REG_FENCE_HI, MICA_REG_TIMESTAMP_LO, MICA_REG_TIMESTAMP_HI,
	                       MICA_REG_PERF_VALUE_LO, MICA_REG_PERF_VALUE_HI, MICA_REG_CTX_FAULT_ADDR_LO(3),
	                       MICA_REG_CTX_FAULT_ADDR_HI(3), MICA_REG_CTX_FAULT_PC_LO(3), MICA_REG_CTX_FAULT_PC_HI(3),
	                       MICA_REG_CTX_FAULT_INFO(3)};
	for (uint32_t off : ro) {
		const uint32_t before = dev.mmio_read32(off);
		dev.mmio_write32(off, 0x5a5a5a5au);
		EXPECT_EQ(dev.mmio_read32(off), before) << "offset 0x" << std::hex << off;
	}
}

TEST(SimMmio, ReadWriteRegisters)
{
	Device dev(RawRing::small_config());
	struct Case {
		uint32_t off, write, expect;
	};
	const Case cases[] = {
		{MICA_REG_RING_BASE_LO, 0x12345000u, 0x12345000u},
		{MICA_REG_RING_BASE_HI, 0x7u, 0x7u},
		{MICA_REG_RING_SIZE, 0x2000u, 0x2000u},
		{MICA_REG_RING_TAIL, 0x40u, 0x40u}, // CP disabled: nothing runs
		{MICA_REG_INT_ENABLE, 0xffffffffu, MICA_IRQ_FENCE | MICA_IRQ_CONTEXT_FAULT | MICA_IRQ_CP_ERROR},
		{MICA_REG_POWER_PROFILE, MICA_PROFILE_LOWPOWER, MICA_PROFILE_LOWPOWER},
		{MICA_REG_WATCHDOG_CYCLES, 123456u, 123456u},
		{MICA_REG_HAZARD_MODE, 0xffu, 1u},
		{MICA_REG_PERF_SELECT, MICA_PERF_WAVES, MICA_PERF_WAVES},
		{MICA_REG_PERF_CTRL, 3u, 1u}, // reset bit self-clears
		{MICA_REG_CTX_PTBASE_LO(5), 0xabcde000u, 0xabcde000u},
		{MICA_REG_CTX_PTBASE_HI(5), 0x1u, 0x1u},
		{MICA_REG_CTX_STATUS(7), 0x1ffu, 0xffu},
	};
	for (const Case &c : cases) {
		dev.mmio_write32(c.off, c.write);
		EXPECT_EQ(dev.mmio_read32(c.off), c.expect) << "offset 0x" << std::hex << c.off;
	}
	// Neighbouring contexts are untouched.
	EXPECT_EQ(dev.mmio_read32(MICA_REG_CTX_PTBASE_LO(4)), 0u);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_CTX_PTBASE_LO(6)), 0u);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_CTX_STATUS(6)), 0u);
	// An unknown power profile is ignored.
	dev.mmio_write32(MICA_REG_POWER_PROFILE, MICA_PROFILE_COUNT);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_POWER_PROFILE), MICA_PROFILE_LOWPOWER);
}

TEST(SimMmio, WriteOnlyAndUndefinedOffsets)
{
	Device dev(RawRing::small_config());
	dev.mmio_write32(MICA_REG_TLB_INVALIDATE, 0xffffu);
	EXPECT_EQ(dev.mmio_read32(MICA_REG_TLB_INVALIDATE), 0u);
	for (uint32_t off : {0x018u, 0x100u, 0x1fcu, 0x400u, MICA_MMIO_SIZE - 4, MICA_MMIO_SIZE, 0x001u, 0xffffffffu}) {
		dev.mmio_write32(off, 0xdeadbeefu);
		EXPECT_EQ(dev.mmio_read32(off), 0u) << "offset 0x" << std::hex << off;
	}
	EXPECT_EQ(dev.mmio_read32(MICA_REG_ID), MICA_ID_VALUE);
}

TEST(SimMmio, RejectsBadConfig)
{
	DeviceConfig c = RawRing::small_config();
	c.revision = 3;
	EXPECT_THROW(Device{c}, std::invalid_argument);
	c = RawRing::small_config();
	c.cu_count = 0;
	EXPECT_THROW(Device{c}, std::invalid_argument);
	c = RawRing::small_config();
	c.vram_bytes = (1u << 20) + 100;
	EXPECT_THROW(Device{c}, std::invalid_argument);
	c = RawRing::small_config();
	c.power_profile = MICA_PROFILE_COUNT;
	EXPECT_THROW(Device{c}, std::invalid_argument);
}

// Counts irq calls and records the thread they ran on.
struct IrqProbe {
	std::mutex mu;
	std::condition_variable cv;
	int calls = 0;
	std::thread::id thread;
	uint32_t status_seen = 0;

	void attach(Device &dev, bool ack)
	{
		dev.set_irq_handler([this, &dev, ack] {
			const uint32_t st = dev.mmio_read32(MICA_REG_INT_STATUS);
			if (ack)
				dev.mmio_write32(MICA_REG_INT_STATUS, st);
			std::lock_guard lk(mu);
			calls++;
			status_seen |= st;
			thread = std::this_thread::get_id();
			cv.notify_all();
		});
	}
	bool wait_calls(int n)
	{
		std::unique_lock lk(mu);
		return cv.wait_for(lk, std::chrono::seconds(10), [&] { return calls >= n; });
	}
	int count()
	{
		std::lock_guard lk(mu);
		return calls;
	}
};

TEST(SimMmio, FenceInterruptAndW1C)
{
	RawRing r;
	IrqProbe probe;
	probe.attach(r.dev, /*ack=*/false);
	r.dev.mmio_write32(MICA_REG_INT_ENABLE, MICA_IRQ_FENCE);
	const uint64_t dst = RawRing::kScratch;
	r.run(pkt(MICA_PKT_SIGNAL, {lo32(dst), hi32(dst), 0x11223344u, 0x55667788u, MICA_SIGNAL_IRQ}));
	ASSERT_TRUE(probe.wait_calls(1));
	EXPECT_NE(probe.thread, std::this_thread::get_id()); // the device's own thread
	EXPECT_EQ(r.phys64(dst), 0x5566778811223344ull);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_FENCE_LO), 0x11223344u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_FENCE_HI), 0x55667788u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), MICA_IRQ_FENCE);

	// Still pending (not acknowledged): another fence does not make a new edge.
	r.run(pkt(MICA_PKT_SIGNAL, {lo32(dst), hi32(dst), 2, 0, MICA_SIGNAL_IRQ}));
	EXPECT_EQ(probe.count(), 1);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_FENCE_LO), 2u);

	// Writing 0 clears nothing; writing the bit clears it.
	r.dev.mmio_write32(MICA_REG_INT_STATUS, 0);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), MICA_IRQ_FENCE);
	r.dev.mmio_write32(MICA_REG_INT_STATUS, MICA_IRQ_FENCE);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), 0u);

	// After acknowledging, the next fence interrupts again.
	r.run(pkt(MICA_PKT_SIGNAL, {lo32(dst), hi32(dst), 3, 0, MICA_SIGNAL_IRQ}));
	ASSERT_TRUE(probe.wait_calls(2));

	// A SIGNAL without the flag neither latches nor interrupts.
	r.dev.mmio_write32(MICA_REG_INT_STATUS, MICA_IRQ_FENCE);
	r.run(pkt(MICA_PKT_SIGNAL, {lo32(dst), hi32(dst), 9, 0, 0}));
	EXPECT_EQ(r.phys64(dst), 9u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_FENCE_LO), 3u);
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), 0u);
	EXPECT_EQ(probe.count(), 2);
}

TEST(SimMmio, MaskedInterruptStaysPendingUntilEnabled)
{
	RawRing r;
	IrqProbe probe;
	probe.attach(r.dev, /*ack=*/true);
	const uint64_t dst = RawRing::kScratch;
	r.run(pkt(MICA_PKT_SIGNAL, {lo32(dst), hi32(dst), 1, 0, MICA_SIGNAL_IRQ}));
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), MICA_IRQ_FENCE);
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_EQ(probe.count(), 0);
	// Enabling it raises the line: the handler runs (on the device thread) and acknowledges.
	r.dev.mmio_write32(MICA_REG_INT_ENABLE, MICA_IRQ_FENCE);
	ASSERT_TRUE(probe.wait_calls(1));
	EXPECT_NE(probe.thread, std::this_thread::get_id());
	EXPECT_EQ(r.dev.mmio_read32(MICA_REG_INT_STATUS), 0u);
}

TEST(SimMmio, TimestampIsMonotonicAndLatched)
{
	RawRing r;
	const uint64_t dst = RawRing::kScratch;
	std::vector<uint32_t> ring;
	for (int i = 0; i < 8; i++)
		put(ring, MICA_PKT_TIMESTAMP, {lo32(dst + 8 * i), hi32(dst + 8 * i)});
	r.run(ring);
	for (int i = 1; i < 8; i++)
		EXPECT_GT(r.phys64(dst + 8 * i), r.phys64(dst + 8 * (i - 1)));
	const uint32_t lo = r.dev.mmio_read32(MICA_REG_TIMESTAMP_LO);
	const uint64_t t = lo | (uint64_t{r.dev.mmio_read32(MICA_REG_TIMESTAMP_HI)} << 32);
	EXPECT_GE(t, r.phys64(dst + 8 * 7));
	r.run(pkt(MICA_PKT_NOP, {0, 0, 0}));
	const uint64_t t2 = r.dev.mmio_read32(MICA_REG_TIMESTAMP_LO);
	EXPECT_GT(t2, t);
}

} // namespace
} // namespace mica::sim::test
