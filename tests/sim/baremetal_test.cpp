// SPDX-License-Identifier: MIT
// The bare-metal Machine: memory management, page tables as the device sees them, error
// handling and recovery.
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;
using baremetal::MachineError;

TEST(SimMachine, AllocMapsZeroedPagesAtDistinctVas)
{
	Machine m = make_machine();
	const uint64_t a = m.alloc(1, 10, MICA_PTE_READ | MICA_PTE_WRITE);
	const uint64_t b = m.alloc(1, 3 * MICA_PAGE_SIZE + 1, MICA_PTE_READ);
	EXPECT_NE(a, 0u);
	EXPECT_EQ(a % MICA_PAGE_SIZE, 0u);
	EXPECT_EQ(b % MICA_PAGE_SIZE, 0u);
	EXPECT_GE(b, a + 2 * MICA_PAGE_SIZE); // a guard page between allocations
	std::vector<uint8_t> zeros(4 * MICA_PAGE_SIZE, 0xff);
	m.read(1, b, zeros.data(), zeros.size());
	for (uint8_t z : zeros)
		ASSERT_EQ(z, 0);
	// Round trip across page boundaries.
	std::vector<uint8_t> data(3 * MICA_PAGE_SIZE);
	for (size_t i = 0; i < data.size(); i++)
		data[i] = static_cast<uint8_t>(i * 7);
	m.write(1, b + 100, data.data(), data.size());
	std::vector<uint8_t> back(data.size());
	m.read(1, b + 100, back.data(), back.size());
	EXPECT_EQ(back, data);
	// The device agrees: its page-table base is what the Machine built.
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CTX_PTBASE_LO(1)), lo32(m.page_table_base(1)));
	// The guard page is unmapped.
	uint8_t byte;
	EXPECT_THROW(m.read(1, a + MICA_PAGE_SIZE, &byte, 1), MachineError);
	// Contexts have separate address spaces: the same VA is a different page.
	const uint64_t c = m.alloc(2, 10, MICA_PTE_READ);
	EXPECT_NE(m.translate(2, c), m.translate(1, c));
}

TEST(SimMachine, RejectsBadUse)
{
	Machine m = make_machine();
	EXPECT_THROW(m.alloc(0, 10, MICA_PTE_READ), MachineError);
	EXPECT_THROW(m.alloc(MICA_MAX_CONTEXTS, 10, MICA_PTE_READ), MachineError);
	EXPECT_THROW(m.alloc(1, 10, 1u << 7), MachineError);
	EXPECT_THROW(m.alloc(1, 1ull << 40, MICA_PTE_READ), MachineError); // more than VRAM
	EXPECT_THROW(m.set_power_profile(MICA_PROFILE_COUNT), MachineError);
	Machine::Launch l;
	l.user_data.resize(MICA_USER_DATA_SGPRS + 1);
	EXPECT_THROW(m.dispatch(1, l), MachineError);
	EXPECT_THROW(m.load_code(1, {}, {}), MachineError);
}

TEST(SimMachine, LoadCodePlacesConstData)
{
	Machine m = make_machine();
	std::vector<uint8_t> code(8 * 5, 0x11), konst(12, 0x22);
	const uint64_t va = m.load_code(1, code, konst);
	EXPECT_EQ(va % MICA_CODE_ALIGNMENT, 0u);
	uint8_t b = 0;
	m.read(1, va + 39, &b, 1);
	EXPECT_EQ(b, 0x11);
	m.read(1, va + 256, &b, 1); // align_up(40, 256)
	EXPECT_EQ(b, 0x22);
	m.read(1, va + 256 + 12, &b, 1);
	EXPECT_EQ(b, 0);
	// Code is read+exec, not writable by the device.
	const auto r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(va), hi32(va), 1}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_NE(r.describe().find("MMU_PERMISSION"), std::string::npos);
	EXPECT_NE(r.describe().find("write"), std::string::npos);
}

TEST(SimMachine, SettingsReachRegisters)
{
	Machine m = make_machine();
	m.set_hazard_mode(true);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_HAZARD_MODE), 1u);
	m.set_hazard_mode(false);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_HAZARD_MODE), 0u);
	m.set_watchdog(1ull << 40);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_WATCHDOG_CYCLES), 0xffffffffu);
	m.set_power_profile(MICA_PROFILE_LOWPOWER);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_POWER_PROFILE), MICA_PROFILE_LOWPOWER);
}

TEST(SimMachine, CpErrorThrowsAndMachineRecovers)
{
	Machine m = make_machine();
	EXPECT_THROW(m.run_kernel_packets({MICA_PKT_HEADER(0x0f, 0)}), MachineError);
	const uint64_t buf = m.alloc(1, 64, MICA_PTE_READ | MICA_PTE_WRITE);
	const auto r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(buf), hi32(buf), 99}));
	EXPECT_EQ(r.fault, MICA_FAULT_NONE);
	uint32_t v = 0;
	m.read(1, buf, &v, 4);
	EXPECT_EQ(v, 99u);
}

TEST(SimMachine, ManySubmissionsWrapTheRing)
{
	Machine m = make_machine();
	const uint64_t buf = m.alloc(1, 64, MICA_PTE_READ | MICA_PTE_WRITE);
	// Each submission is 11 ring dwords (INDIRECT_BUFFER + SIGNAL): ~1490 per lap of the 64 KiB ring.
	for (uint32_t i = 1; i <= 2500; i++) {
		const auto r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(buf), hi32(buf), i}));
		ASSERT_EQ(r.fault, MICA_FAULT_NONE);
	}
	uint32_t v = 0;
	m.read(1, buf, &v, 4);
	EXPECT_EQ(v, 2500u);
}

} // namespace
} // namespace mica::sim::test
