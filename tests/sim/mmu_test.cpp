// SPDX-License-Identifier: MIT
// The MMU: the walk itself (PageTableMmu on a bare Vram), and its faults as seen through
// command-processor memory packets (address, access type), cross-context isolation.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "jit/jit.h"
#include "mmu.h"
#include "sim_test_util.h"
#include "vram.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

// Hand-built page tables on a bare Vram.
struct MmuFixture : ::testing::Test {
	Vram vram{8u << 20};
	HostBus bus;
	PageTableMmu mmu{vram, &bus};
	uint64_t next = 0x1000;

	uint64_t page()
	{
		const uint64_t p = next;
		next += MICA_PAGE_SIZE;
		return p;
	}
	uint64_t &pte(uint64_t table, uint64_t va, unsigned level)
	{
		const unsigned shift = 12 + MICA_PT_INDEX_BITS * (MICA_PT_LEVELS - 1 - level);
		return reinterpret_cast<uint64_t *>(vram.data() + table)[(va >> shift) & ((1u << MICA_PT_INDEX_BITS) - 1)];
	}
	// Maps va -> phys with leaf bits; returns the leaf table (to corrupt entries in tests).
	uint64_t map(uint64_t root, uint64_t va, uint64_t leaf_value)
	{
		uint64_t table = root;
		for (unsigned level = 0; level + 1 < MICA_PT_LEVELS; level++) {
			uint64_t &e = pte(table, va, level);
			if (!(e & MICA_PTE_VALID))
				e = page() | MICA_PTE_VALID;
			table = e & MICA_PTE_ADDR_MASK;
		}
		pte(table, va, MICA_PT_LEVELS - 1) = leaf_value;
		return table;
	}
	uint32_t fault_of(uint32_t ctx, uint64_t va, mica_access a)
	{
		uint32_t f = MICA_FAULT_NONE;
		EXPECT_EQ(mmu.translate(ctx, va, a, &f), nullptr);
		return f;
	}
};

using SimMmu = MmuFixture;

TEST_F(SimMmu, ContextZeroIsPhysical)
{
	uint32_t f = 0;
	EXPECT_EQ(mmu.translate(0, 0x1234, MICA_ACCESS_WRITE, &f), vram.data() + 0x1234);
	EXPECT_EQ(mmu.translate(0, vram.size() - 1, MICA_ACCESS_EXEC, &f), vram.data() + vram.size() - 1);
	EXPECT_EQ(fault_of(0, vram.size(), MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(fault_of(0, ~0ull, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(fault_of(MICA_MAX_CONTEXTS, 0, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, NoAddressSpaceFaults)
{
	EXPECT_EQ(fault_of(1, 0x1000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, WalkAndPermissions)
{
	const uint64_t root = page();
	mmu.set_ptbase(1, root);
	const uint64_t data = page();
	const uint64_t va_r = 0x7f12'3456'7000ull, va_rw = 0x1000'0000ull, va_x = 0x2000ull, va_none = 0x3000ull;
	map(root, va_r, data | MICA_PTE_VALID | MICA_PTE_READ);
	map(root, va_rw, data | MICA_PTE_VALID | MICA_PTE_READ | MICA_PTE_WRITE);
	map(root, va_x, data | MICA_PTE_VALID | MICA_PTE_EXEC);
	map(root, va_none, data | MICA_PTE_VALID);
	uint32_t f = 0;
	EXPECT_EQ(mmu.translate(1, va_r + 0x123, MICA_ACCESS_READ, &f), vram.data() + data + 0x123);
	EXPECT_EQ(fault_of(1, va_r, MICA_ACCESS_WRITE), MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(fault_of(1, va_r, MICA_ACCESS_EXEC), MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(mmu.translate(1, va_rw + 8, MICA_ACCESS_WRITE, &f), vram.data() + data + 8);
	EXPECT_EQ(fault_of(1, va_rw, MICA_ACCESS_EXEC), MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(mmu.translate(1, va_x, MICA_ACCESS_EXEC, &f), vram.data() + data);
	EXPECT_EQ(fault_of(1, va_x, MICA_ACCESS_READ), MICA_FAULT_MMU_PERMISSION);
	for (mica_access a : {MICA_ACCESS_READ, MICA_ACCESS_WRITE, MICA_ACCESS_EXEC})
		EXPECT_EQ(fault_of(1, va_none, a), MICA_FAULT_MMU_PERMISSION);
	// Neighbours and non-canonical addresses are unmapped.
	EXPECT_EQ(fault_of(1, va_r + MICA_PAGE_SIZE, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(fault_of(1, va_r | (1ull << 48), MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// The same tables do nothing for another context.
	EXPECT_EQ(fault_of(2, va_r, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, EntriesPointingOutsideVramFault)
{
	const uint64_t root = page();
	mmu.set_ptbase(1, root);
	const uint64_t beyond = vram.size();
	// A leaf naming a page outside VRAM.
	map(root, 0x10000, beyond | MICA_PTE_VALID | MICA_PTE_READ);
	EXPECT_EQ(fault_of(1, 0x10000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// A leaf naming the last 4 KiB page is fine.
	map(root, 0x11000, (vram.size() - MICA_PAGE_SIZE) | MICA_PTE_VALID | MICA_PTE_READ);
	uint32_t f = 0;
	EXPECT_EQ(mmu.translate(1, 0x11fff, MICA_ACCESS_READ, &f), vram.data() + vram.size() - 1);
	// An intermediate entry naming a table outside VRAM (highest physical address bits set).
	pte(root, 0x40'0000'0000ull, 0) = MICA_PTE_ADDR_MASK | MICA_PTE_VALID;
	EXPECT_EQ(fault_of(1, 0x40'0000'0000ull, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// A page-table base outside VRAM.
	mmu.set_ptbase(3, 1ull << 40);
	EXPECT_EQ(fault_of(3, 0x10000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// A misaligned base is not followed either.
	mmu.set_ptbase(4, root + 8);
	EXPECT_EQ(fault_of(4, 0x10000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, TlbKeepsTranslationUntilInvalidated)
{
	const uint64_t root = page(), a = page(), b = page();
	mmu.set_ptbase(1, root);
	const uint64_t leaf_table = map(root, 0x5000, a | MICA_PTE_VALID | MICA_PTE_READ);
	uint32_t f = 0;
	EXPECT_EQ(mmu.translate(1, 0x5000, MICA_ACCESS_READ, &f), vram.data() + a);
	pte(leaf_table, 0x5000, MICA_PT_LEVELS - 1) = b | MICA_PTE_VALID | MICA_PTE_READ;
	// This thread's cached translation is still used: the page-table change is not seen...
	EXPECT_EQ(mmu.translate(1, 0x5000, MICA_ACCESS_READ, &f), vram.data() + a);
	// ...until the context's translations are invalidated. Other contexts' bits do not.
	mmu.invalidate(1u << 2);
	EXPECT_EQ(mmu.translate(1, 0x5000, MICA_ACCESS_READ, &f), vram.data() + a);
	mmu.invalidate(1u << 1);
	EXPECT_EQ(mmu.translate(1, 0x5000, MICA_ACCESS_READ, &f), vram.data() + b);
	// Unmapping plus invalidation faults.
	pte(leaf_table, 0x5000, MICA_PT_LEVELS - 1) = 0;
	mmu.invalidate(1u << 1);
	EXPECT_EQ(fault_of(1, 0x5000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// A new page-table base drops cached translations by itself.
	pte(leaf_table, 0x5000, MICA_PT_LEVELS - 1) = a | MICA_PTE_VALID | MICA_PTE_READ;
	EXPECT_EQ(mmu.translate(1, 0x5000, MICA_ACCESS_READ, &f), vram.data() + a);
	mmu.set_ptbase(1, 0);
	EXPECT_EQ(fault_of(1, 0x5000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, ConcurrentTranslation)
{
	const uint64_t root = page();
	mmu.set_ptbase(1, root);
	std::vector<uint64_t> phys;
	for (unsigned i = 0; i < 64; i++) {
		phys.push_back(page());
		map(root, 0x100000 + uint64_t{i} * MICA_PAGE_SIZE, phys.back() | MICA_PTE_VALID | MICA_PTE_READ);
	}
	std::atomic<int> wrong{0};
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; t++)
		threads.emplace_back([&] {
			for (int rep = 0; rep < 2000; rep++)
				for (unsigned i = 0; i < 64; i++) {
					uint32_t f = 0;
					const uint64_t va = 0x100000 + uint64_t{i} * MICA_PAGE_SIZE + 4 * (rep % 1024);
					if (mmu.translate(1, va, MICA_ACCESS_READ, &f) != vram.data() + phys[i] + 4 * (rep % 1024))
						wrong++;
				}
		});
	for (int rep = 0; rep < 200; rep++)
		mmu.invalidate(1u << 1);
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(wrong.load(), 0);
}

// ---- system memory (MICA_PTE_SYSTEM leaves through the host bus) ----

// Page-aligned host memory standing in for the pages a platform hands the device.
struct HostPages {
	explicit HostPages(size_t pages)
	    : bytes(pages * MICA_PAGE_SIZE),
	      mem(static_cast<uint8_t *>(std::aligned_alloc(MICA_PAGE_SIZE, bytes)), &std::free)
	{
		std::memset(mem.get(), 0, bytes);
	}
	uint8_t *data() const { return mem.get(); }
	size_t bytes;
	std::unique_ptr<uint8_t, decltype(&std::free)> mem;
};

TEST(SimHostBus, RefusesBadRanges)
{
	HostBus bus;
	HostPages host(4);
	const uint64_t b = 0x40'0000'0000ull;
	EXPECT_FALSE(bus.map(b + 8, MICA_PAGE_SIZE, host.data()));     // unaligned address
	EXPECT_FALSE(bus.map(b, MICA_PAGE_SIZE + 8, host.data()));     // unaligned size
	EXPECT_FALSE(bus.map(b, 0, host.data()));                      // empty
	EXPECT_FALSE(bus.map(b, MICA_PAGE_SIZE, nullptr));             // no memory
	EXPECT_FALSE(bus.map(~uint64_t{0xfff}, MICA_PAGE_SIZE, host.data())); // wraps
	EXPECT_FALSE(bus.map(1ull << 48, MICA_PAGE_SIZE, host.data())); // beyond the PTE's 48 bits
	EXPECT_FALSE(bus.map((1ull << 48) - MICA_PAGE_SIZE, 2 * MICA_PAGE_SIZE, host.data()));
	ASSERT_TRUE(bus.map(b, 2 * MICA_PAGE_SIZE, host.data()));
	EXPECT_FALSE(bus.map(b + MICA_PAGE_SIZE, 2 * MICA_PAGE_SIZE, host.data())); // overlaps the end
	EXPECT_FALSE(bus.map(b - MICA_PAGE_SIZE, 2 * MICA_PAGE_SIZE, host.data())); // overlaps the start
	EXPECT_TRUE(bus.map(b + 2 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, host.data() + 2 * MICA_PAGE_SIZE));
	// resolve: only inside one range; a span crossing into the next range is not one range.
	EXPECT_EQ(bus.resolve(b + 5, 4), host.data() + 5);
	EXPECT_EQ(bus.resolve(b + 2 * MICA_PAGE_SIZE - 4, 8), nullptr);
	EXPECT_EQ(bus.resolve(b - 1, 1), nullptr);
	EXPECT_EQ(bus.resolve(b + 3 * MICA_PAGE_SIZE, 1), nullptr);
	EXPECT_FALSE(bus.unmap(b, MICA_PAGE_SIZE)); // not the registered size
	EXPECT_TRUE(bus.unmap(b, 2 * MICA_PAGE_SIZE));
	EXPECT_EQ(bus.resolve(b, 1), nullptr);
}

TEST_F(SimMmu, SystemLeavesReachOnlyRegisteredHostMemory)
{
	const uint64_t root = page();
	mmu.set_ptbase(1, root);
	// Two host allocations whose bus ranges are adjacent although the memory is not: the VAs
	// 0x20000 and 0x21000 must each reach their own.
	HostPages a(1), b(1);
	const uint64_t bus_a = 0x10'0000'0000ull, bus_b = bus_a + MICA_PAGE_SIZE;
	ASSERT_TRUE(bus.map(bus_a, MICA_PAGE_SIZE, a.data()));
	ASSERT_TRUE(bus.map(bus_b, MICA_PAGE_SIZE, b.data()));
	const uint64_t rw = MICA_PTE_VALID | MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_SYSTEM;
	map(root, 0x20000, bus_b | rw);
	map(root, 0x21000, bus_a | rw);
	uint32_t f = 0;
	EXPECT_EQ(mmu.translate(1, 0x20010, MICA_ACCESS_WRITE, &f), b.data() + 0x10);
	EXPECT_EQ(mmu.translate(1, 0x21ff8, MICA_ACCESS_READ, &f), a.data() + 0xff8);
	// Permissions apply to system pages like to VRAM pages.
	EXPECT_EQ(fault_of(1, 0x20000, MICA_ACCESS_EXEC), MICA_FAULT_MMU_PERMISSION);
	// A SYSTEM leaf naming a bus address nobody registered faults; so does one whose number is
	// a VRAM address: the bit, not the number, says which memory it is.
	map(root, 0x22000, (bus_b + MICA_PAGE_SIZE) | rw);
	EXPECT_EQ(fault_of(1, 0x22000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	const uint64_t vram_page = page();
	map(root, 0x23000, vram_page | rw);
	EXPECT_EQ(fault_of(1, 0x23000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// A leaf without the bit naming the bus address is a VRAM address outside VRAM.
	map(root, 0x24000, bus_a | MICA_PTE_VALID | MICA_PTE_READ);
	EXPECT_EQ(fault_of(1, 0x24000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// The bit in an intermediate entry does not move a table out of VRAM: tables are VRAM.
	pte(root, 0x80'0000'0000ull, 0) = bus_a | MICA_PTE_VALID | MICA_PTE_SYSTEM;
	EXPECT_EQ(fault_of(1, 0x80'0000'0000ull, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
	// Unregistered (after the kernel cleared the leaf and invalidated): gone.
	map(root, 0x21000, 0);
	mmu.invalidate(1u << 1);
	EXPECT_TRUE(bus.unmap(bus_a, MICA_PAGE_SIZE));
	map(root, 0x21000, bus_a | rw);
	mmu.invalidate(1u << 1);
	EXPECT_EQ(fault_of(1, 0x21000, MICA_ACCESS_READ), MICA_FAULT_MMU_UNMAPPED);
}

TEST_F(SimMmu, NoHostBusNoSystemMemory)
{
	PageTableMmu no_dma{vram, nullptr};
	const uint64_t root = page();
	no_dma.set_ptbase(1, root);
	HostPages a(1);
	ASSERT_TRUE(bus.map(0x10'0000'0000ull, MICA_PAGE_SIZE, a.data()));
	map(root, 0x20000, 0x10'0000'0000ull | MICA_PTE_VALID | MICA_PTE_READ | MICA_PTE_SYSTEM);
	uint32_t f = MICA_FAULT_NONE;
	EXPECT_EQ(no_dma.translate(1, 0x20000, MICA_ACCESS_READ, &f), nullptr);
	EXPECT_EQ(f, MICA_FAULT_MMU_UNMAPPED);
}

// ---- faults seen through packets ----

struct SimMmuPackets : ::testing::Test {
	Machine m = make_machine();
};

TEST_F(SimMmuPackets, UnmappedReadAndWriteFaults)
{
	const uint64_t buf = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_READ | MICA_PTE_WRITE);
	const uint64_t hole = buf + MICA_PAGE_SIZE; // the guard page
	auto r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(hole), hi32(hole), lo32(buf), hi32(buf), 16}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, hole);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
	// A copy that runs off the end of the buffer faults at the first unmapped byte.
	r = m.run_commands(1, pkt(MICA_PKT_DMA_FILL, {lo32(buf + 0xff0), hi32(buf), 1, 32}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, hole);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_WRITE);
	// Nothing was written by the faulting fill.
	uint32_t v = 1;
	m.read(1, buf + 0xff0, &v, 4);
	EXPECT_EQ(v, 0u);
	// High addresses, with access bits in CTX_FAULT_ADDR_HI.
	const uint64_t high = 0x7fff'ffff'f000ull;
	r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(high), hi32(high), 5}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, high);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_WRITE);
}

TEST_F(SimMmuPackets, PermissionFaults)
{
	const uint64_t ro = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_READ);
	const uint64_t wo = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_WRITE);
	const uint64_t x = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_EXEC);
	const uint32_t seven = 7;
	m.write(1, ro, &seven, 4);
	auto r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(ro + 4), hi32(ro), 1}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_addr, ro + 4);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_WRITE);
	r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(wo), hi32(wo), lo32(ro), hi32(ro), 4}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_addr, wo);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
	r = m.run_commands(1, pkt(MICA_PKT_WAIT_MEM, {lo32(x), hi32(x), 0, 0, MICA_WAIT_GE}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_access, MICA_ACCESS_READ);
	// Read-only to write-only works.
	r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(ro), hi32(ro), lo32(wo), hi32(wo), 4}));
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	uint32_t v = 0;
	m.read(1, wo, &v, 4);
	EXPECT_EQ(v, 7u);
	v = 0;
	m.read(1, ro + 4, &v, 4);
	EXPECT_EQ(v, 0u);
}

TEST_F(SimMmuPackets, ContextsAreIsolated)
{
	// Context 2 owns many pages; context 1 has a few. No VA in context 1 reaches a page of
	// context 2, and context 2's VAs in context 1 fault or hit context 1's own pages.
	std::vector<uint64_t> va2;
	for (int i = 0; i < 8; i++)
		va2.push_back(m.alloc(2, 3 * MICA_PAGE_SIZE, MICA_PTE_READ | MICA_PTE_WRITE));
	const uint64_t va1 = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_READ | MICA_PTE_WRITE);
	const uint64_t dst = va1 + 64; // never overlaps a source address
	std::set<uint64_t> pages2;
	for (uint64_t va : va2)
		for (int p = 0; p < 3; p++)
			pages2.insert(m.translate(2, va + p * MICA_PAGE_SIZE));
	const uint32_t secret = 0x5ec12e7;
	for (uint64_t va : va2)
		m.write(2, va, &secret, 4);
	for (uint64_t va : va2) {
		for (int p = 0; p < 3; p++) {
			const uint64_t a = va + p * MICA_PAGE_SIZE;
			auto r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(a), hi32(a), lo32(dst), hi32(dst), 4}));
			if (r.fault == MICA_FAULT_NONE) {
				// Mapped in context 1 too: then it is one of context 1's own pages.
				EXPECT_EQ(pages2.count(m.translate(1, a)), 0u);
			} else {
				EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
			}
			uint32_t v = 0;
			m.read(1, dst, &v, 4);
			EXPECT_NE(v, secret);
		}
	}
	// Physical addresses of context 2's pages used as VAs in context 1 do not reach them.
	for (uint64_t phys : pages2) {
		auto r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(phys), hi32(phys), lo32(dst), hi32(dst), 4}));
		if (r.fault == MICA_FAULT_NONE) {
			EXPECT_EQ(pages2.count(m.translate(1, phys)), 0u);
		}
	}
	uint32_t v = 0;
	m.read(1, dst, &v, 4);
	EXPECT_NE(v, secret);
}

} // namespace
} // namespace mica::sim::test

namespace mica::sim::test {
namespace {

// The command processor's DMA and memory packets reach system pages like VRAM pages.
TEST(SimSystemMemory, PacketsReachHostPages)
{
	Machine m = make_machine();
	EXPECT_EQ(MICA_BITFIELD_GET(m.device().mmio_read32(MICA_REG_CAPS), CAPS, SYSTEM_DMA), 1u);
	HostPages lo(1), hi(1);
	const uint64_t bus = 0x7'0000'0000ull;
	// Registered out of order: the VA's second page is the first bus page.
	ASSERT_TRUE(m.device().host_bus_map(bus, MICA_PAGE_SIZE, hi.data()));
	ASSERT_TRUE(m.device().host_bus_map(bus + 2 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, lo.data()));
	const uint64_t va = 0x30'0000'0000ull;
	const uint32_t rws = MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_SYSTEM;
	m.map(1, va, bus + 2 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, rws);
	m.map(1, va + MICA_PAGE_SIZE, bus, MICA_PAGE_SIZE, rws);
	const uint64_t src = m.alloc(1, MICA_PAGE_SIZE, MICA_PTE_READ | MICA_PTE_WRITE);
	std::vector<uint32_t> pattern(64);
	for (uint32_t i = 0; i < pattern.size(); i++)
		pattern[i] = 0x9e3779b9u * (i + 1);
	m.write(1, src, pattern.data(), pattern.size() * 4);
	// A copy straddling the two host pages, then WRITE_DATA into the second.
	const uint64_t dst = va + MICA_PAGE_SIZE - 128;
	auto r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(src), hi32(src), lo32(dst), hi32(dst), 256}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	EXPECT_EQ(std::memcmp(lo.data() + MICA_PAGE_SIZE - 128, pattern.data(), 128), 0);
	EXPECT_EQ(std::memcmp(hi.data(), pattern.data() + 32, 128), 0);
	r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(va + MICA_PAGE_SIZE + 512), hi32(va), 0xc0ffee}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	uint32_t v = 0;
	std::memcpy(&v, hi.data() + 512, 4);
	EXPECT_EQ(v, 0xc0ffeeu);
	// The host writes, the device reads back (WAIT_MEM sees the value; a copy out of host memory).
	const uint64_t flag = 0x1234'5678'9abcull;
	std::memcpy(lo.data() + 64, &flag, 8);
	r = m.run_commands(1, pkt(MICA_PKT_WAIT_MEM, {lo32(va + 64), hi32(va), lo32(flag), hi32(flag), MICA_WAIT_EQ}));
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(va + 64), hi32(va), lo32(src), hi32(src), 8}));
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	uint64_t back = 0;
	m.read(1, src, &back, 8);
	EXPECT_EQ(back, flag);
	// Once the platform takes the range away (after the kernel's unmap and invalidation), the
	// device faults instead of touching the memory.
	ASSERT_TRUE(m.device().host_bus_unmap(bus, MICA_PAGE_SIZE));
	m.device().mmio_write32(MICA_REG_TLB_INVALIDATE, 1u << 1);
	r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {lo32(va + MICA_PAGE_SIZE), hi32(va), 1}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, va + MICA_PAGE_SIZE);
	std::memcpy(&v, hi.data(), 4);
	EXPECT_EQ(v, pattern[32]);
}

// Waves store into system pages, on every compute engine: a whole wave's contiguous store crosses
// from one host page into another whose host memory lies before it (the VA's pages are bus
// ranges registered in reverse order), so no path may treat the two pages as adjacent.
TEST(SimSystemMemory, WavesStoreAcrossUnrelatedHostPages)
{
	for (uint32_t engine : {1u, 2u, 3u}) { // interpreter, JIT, both compared
		SCOPED_TRACE("cu_engine " + std::to_string(engine));
		DeviceConfig cfg = RawRing::small_config();
		cfg.cu_engine = engine;
		Machine m(cfg);
		HostPages pages(2); // pages[0] backs the VA's second page, pages[1] its first
		const uint64_t bus = 0x9'0000'0000ull, va = 0x40'0000'0000ull;
		ASSERT_TRUE(m.device().host_bus_map(bus, MICA_PAGE_SIZE, pages.data()));
		ASSERT_TRUE(m.device().host_bus_map(bus + 4 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, pages.data() + MICA_PAGE_SIZE));
		const uint32_t rws = MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_SYSTEM;
		m.map(1, va, bus + 4 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, rws);
		m.map(1, va + MICA_PAGE_SIZE, bus, MICA_PAGE_SIZE, rws);
		// buf[id] = id for 64 lanes (two waves), buf 64 bytes before the page boundary: the first
		// wave's lanes 0-15 store into one page, 16-31 into the other.
		Program p;
		p.alu(MICA_OP_V_ADD_U32, v(1), v(0), v(0))
		    .alu(MICA_OP_V_ADD_U32, v(1), v(1), v(1))
		    .ctrl(MICA_OP_S_NOP, 2) // SEC_WAVE_START_TLB distance
		    .mem(MICA_OP_GLOBAL_STORE_B32, MICA_OPND_NONE, v(1), s(0), v(0))
		    .ctrl(MICA_OP_S_ENDPGM);
		const uint64_t buf = va + MICA_PAGE_SIZE - 64;
		Machine::Launch l;
		l.program_va = m.load_code(1, p.bytes(), {});
		l.vgpr_count = 8;
		l.sgpr_count = 24;
		l.wg_size[0] = 64;
		l.groups[0] = 16; // 1024 invocations (smaller dispatches are always interpreted)
		l.user_data = {lo32(buf), hi32(buf)};
		// The JIT translates a program once it is hot (65536 invocations by default): dispatch
		// it until its translated code ran (every group stores the same values).
		const auto jit_runs = [] { return cu::jit::counters().translations + cu::jit::counters().cache_hits; };
		const uint64_t before = jit_runs();
		for (int rep = 0; rep < (engine == 2 ? 80 : 1); rep++) {
			const auto r = m.dispatch(1, l);
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
		}
		if (engine == 2 && cu::jit::available()) {
			EXPECT_GT(jit_runs(), before) << "the JIT's code stored into the system pages";
		}
		const auto *first = reinterpret_cast<const uint32_t *>(pages.data() + 2 * MICA_PAGE_SIZE - 64);
		const auto *second = reinterpret_cast<const uint32_t *>(pages.data());
		for (uint32_t i = 0; i < 16; i++)
			EXPECT_EQ(first[i], i);
		for (uint32_t i = 0; i < 48; i++)
			EXPECT_EQ(second[i], 16 + i);
		EXPECT_EQ(second[48], 0u);
		EXPECT_EQ(first[-1], 0u);
	}
}

// The platform takes system pages away (and the TLB is invalidated) while DMA copies into them
// run: every copy completes or faults MMU_UNMAPPED, also when the page goes between the copy's
// range check and its access, and nothing crashes.
TEST(SimSystemMemory, PagesTakenAwayDuringCopiesFaultOrComplete)
{
	Machine m = make_machine();
	constexpr uint64_t kPages = 16, kBytes = kPages * MICA_PAGE_SIZE;
	HostPages pages(kPages);
	const uint64_t bus = 0xa'0000'0000ull, va = 0x50'0000'0000ull;
	ASSERT_TRUE(m.device().host_bus_map(bus, kBytes, pages.data()));
	m.map(1, va, bus, kBytes, MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_SYSTEM);
	const uint64_t src = m.alloc(1, kBytes, MICA_PTE_READ | MICA_PTE_WRITE);
	std::atomic<bool> stop{false};
	std::thread flipper([&] {
		while (!stop.load()) {
			m.device().host_bus_unmap(bus, kBytes);
			m.device().mmio_write32(MICA_REG_TLB_INVALIDATE, 1u << 1);
			std::this_thread::yield();
			m.device().host_bus_map(bus, kBytes, pages.data());
			m.device().mmio_write32(MICA_REG_TLB_INVALIDATE, 1u << 1);
			std::this_thread::yield();
		}
	});
	int completed = 0, faulted = 0;
	for (int i = 0; i < 300; i++) {
		const auto r = m.run_commands(1, pkt(MICA_PKT_DMA_COPY, {lo32(src), hi32(src), lo32(va), hi32(va), uint32_t{kBytes}}));
		if (r.fault == MICA_FAULT_NONE) {
			completed++;
		} else {
			faulted++;
			EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
			EXPECT_GE(r.fault_addr, va);
			EXPECT_LT(r.fault_addr, va + kBytes);
		}
	}
	stop = true;
	flipper.join();
	EXPECT_EQ(completed + faulted, 300);
	std::printf("[ info ] %d copies completed, %d faulted\n", completed, faulted);
}

TEST(SimSystemMemory, DeviceWithoutSystemDma)
{
	DeviceConfig cfg = RawRing::small_config();
	cfg.system_dma = false;
	Machine m(cfg);
	EXPECT_EQ(m.device().mmio_read32(MICA_REG_CAPS), 0u);
	HostPages page(1);
	EXPECT_FALSE(m.device().host_bus_map(0x7'0000'0000ull, MICA_PAGE_SIZE, page.data()));
	m.map(1, 0x30'0000'0000ull, 0x7'0000'0000ull, MICA_PAGE_SIZE, MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_SYSTEM);
	auto r = m.run_commands(1, pkt(MICA_PKT_WRITE_DATA, {0, 0x30, 1}));
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
}

} // namespace
} // namespace mica::sim::test
