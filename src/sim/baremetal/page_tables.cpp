// SPDX-License-Identifier: MIT
#include "page_tables.h"

#include "mica/sim/baremetal.h"

namespace mica::sim::baremetal {

namespace {
constexpr uint64_t kIndexMask = (1u << MICA_PT_INDEX_BITS) - 1;
constexpr uint32_t kPageShift = 12;
} // namespace

PageTables::PageTables(Device &device, std::function<uint64_t()> alloc_page)
    : device_(device), alloc_page_(std::move(alloc_page))
{
}

uint64_t PageTables::create_root()
{
	return alloc_page_();
}

uint64_t *PageTables::entry(uint64_t table, uint64_t va, uint32_t level) const
{
	const uint32_t shift = kPageShift + MICA_PT_INDEX_BITS * (MICA_PT_LEVELS - 1 - level);
	const uint64_t index = (va >> shift) & kIndexMask;
	return reinterpret_cast<uint64_t *>(device_.vram() + table) + index;
}

void PageTables::map_page(uint64_t root, uint64_t va, uint64_t phys, uint64_t perms)
{
	if (va >> MICA_VA_BITS)
		throw MachineError("VA outside the 48-bit address space");
	uint64_t table = root;
	for (uint32_t level = 0; level + 1 < MICA_PT_LEVELS; level++) {
		uint64_t *e = entry(table, va, level);
		if (!(*e & MICA_PTE_VALID))
			*e = alloc_page_() | MICA_PTE_VALID; // permissions only matter at the leaf
		table = *e & MICA_PTE_ADDR_MASK;
	}
	*entry(table, va, MICA_PT_LEVELS - 1) = (phys & MICA_PTE_ADDR_MASK) | MICA_PTE_VALID | perms;
}

bool PageTables::lookup(uint64_t root, uint64_t va, uint64_t *phys) const
{
	if (va >> MICA_VA_BITS)
		return false;
	uint64_t table = root;
	uint64_t e = 0;
	for (uint32_t level = 0; level < MICA_PT_LEVELS; level++) {
		if (table + MICA_PAGE_SIZE > device_.vram_size())
			return false;
		e = *entry(table, va, level);
		if (!(e & MICA_PTE_VALID))
			return false;
		table = e & MICA_PTE_ADDR_MASK;
	}
	if (table + MICA_PAGE_SIZE > device_.vram_size())
		return false;
	*phys = table | (va & (MICA_PAGE_SIZE - 1));
	return true;
}

} // namespace mica::sim::baremetal
