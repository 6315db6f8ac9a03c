// SPDX-License-Identifier: MIT
// The MMU: the walk itself (PageTableMmu on a bare Vram), and its faults as seen through
// command-processor memory packets (address, access type), cross-context isolation.
#include <set>

#include "mmu.h"
#include "sim_test_util.h"
#include "vram.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

// Hand-built page tables on a bare Vram.
struct MmuFixture : ::testing::Test {
	Vram vram{8u << 20};
	PageTableMmu mmu{vram};
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
