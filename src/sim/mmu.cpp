// SPDX-License-Identifier: MIT
#include "mmu.h"

namespace mica::sim {

namespace {

constexpr uint64_t kPageMask = MICA_PAGE_SIZE - 1;
constexpr uint32_t kPageShift = 12;
static_assert((1u << kPageShift) == MICA_PAGE_SIZE);
constexpr uint64_t kIndexMask = (1u << MICA_PT_INDEX_BITS) - 1;

std::atomic<uint64_t> next_mmu_id{1};

// The translation cache. Each host thread running compute units keeps its own small
// direct-mapped TLB, tagged with the device, context, page and the context's invalidation
// generation; so lookups are lock-free and an invalidation is seen by every thread at its next
// lookup. Like hardware, a page-table change without an invalidation may or may not be seen.
struct TlbEntry {
	uint64_t mmu_id = 0;
	uint64_t generation = 0;
	uint64_t vpn = 0;
	uint64_t pte = 0;
	uint8_t *page = nullptr; // host address of the leaf's page
	uint32_t ctx = 0;
};
constexpr unsigned kTlbEntries = 256;
thread_local TlbEntry tlb[kTlbEntries];

unsigned tlb_slot(uint32_t ctx, uint64_t vpn)
{
	return static_cast<unsigned>((vpn ^ (vpn >> 8) ^ (uint64_t{ctx} * 0x9e37u)) % kTlbEntries);
}

uint64_t required_permission(mica_access access)
{
	switch (access) {
	case MICA_ACCESS_WRITE:
		return MICA_PTE_WRITE;
	case MICA_ACCESS_EXEC:
		return MICA_PTE_EXEC;
	default:
		return MICA_PTE_READ;
	}
}

} // namespace

PageTableMmu::PageTableMmu(Vram &vram, const HostBus *bus)
    : vram_(vram), bus_(bus), id_(next_mmu_id.fetch_add(1))
{
}

void PageTableMmu::set_ptbase(uint32_t ctx, uint64_t ptbase)
{
	if (ctx >= MICA_MAX_CONTEXTS)
		return;
	ptbase_[ctx].store(ptbase, std::memory_order_release);
	generation_[ctx].fetch_add(1, std::memory_order_acq_rel);
}

uint64_t PageTableMmu::ptbase(uint32_t ctx) const
{
	return ctx < MICA_MAX_CONTEXTS ? ptbase_[ctx].load(std::memory_order_acquire) : 0;
}

void PageTableMmu::invalidate(uint32_t ctx_mask)
{
	for (uint32_t ctx = 0; ctx < MICA_MAX_CONTEXTS; ctx++)
		if (ctx_mask & (1u << ctx))
			generation_[ctx].fetch_add(1, std::memory_order_acq_rel);
}

// Returns the leaf PTE (valid, its page inside VRAM or, for a SYSTEM leaf, inside one range the
// host bus has) or 0 with *fault set. Every table address is bounds-checked before it is read,
// and tables always live in VRAM, so a corrupt table can never reach other host memory.
uint64_t PageTableMmu::walk(uint32_t ctx, uint64_t vpn, uint8_t **page, uint32_t *fault) const
{
	uint64_t table = ptbase(ctx);
	if (table == 0) {
		*fault = MICA_FAULT_MMU_UNMAPPED;
		return 0;
	}
	uint64_t entry = 0;
	for (uint32_t level = 0; level < MICA_PT_LEVELS; level++) {
		const uint32_t shift = MICA_PT_INDEX_BITS * (MICA_PT_LEVELS - 1 - level);
		const uint64_t index = (vpn >> shift) & kIndexMask;
		if ((table & kPageMask) != 0 || !vram_.contains(table, MICA_PAGE_SIZE)) {
			*fault = MICA_FAULT_MMU_UNMAPPED;
			return 0;
		}
		entry = vram_.load64(table + index * 8);
		if (!(entry & MICA_PTE_VALID)) {
			*fault = MICA_FAULT_MMU_UNMAPPED;
			return 0;
		}
		table = entry & MICA_PTE_ADDR_MASK;
	}
	const uint64_t addr = entry & MICA_PTE_ADDR_MASK;
	if (entry & MICA_PTE_SYSTEM)
		*page = bus_ ? bus_->resolve(addr, MICA_PAGE_SIZE) : nullptr;
	else
		*page = vram_.contains(addr, MICA_PAGE_SIZE) ? vram_.data() + addr : nullptr;
	if (!*page) {
		*fault = MICA_FAULT_MMU_UNMAPPED;
		return 0;
	}
	return entry;
}

Translation PageTableMmu::translate_access(uint32_t ctx, uint64_t va, mica_access access)
{
	Translation t;
	if (ctx >= MICA_MAX_CONTEXTS) {
		t.fault = MICA_FAULT_MMU_UNMAPPED;
		return t;
	}
	if (ctx == 0) { // the kernel's context: physical addressing, no permissions
		if (va >= vram_.size())
			t.fault = MICA_FAULT_MMU_UNMAPPED;
		else
			t.host = vram_.data() + va;
		return t;
	}
	if (va >> MICA_VA_BITS) {
		t.fault = MICA_FAULT_MMU_UNMAPPED;
		return t;
	}
	const uint64_t vpn = va >> kPageShift;
	const uint64_t gen = generation_[ctx].load(std::memory_order_acquire);
	TlbEntry &slot = tlb[tlb_slot(ctx, vpn)];
	uint64_t pte;
	uint8_t *page;
	if (slot.mmu_id == id_ && slot.ctx == ctx && slot.vpn == vpn && slot.generation == gen) {
		pte = slot.pte;
		page = slot.page;
	} else {
		pte = walk(ctx, vpn, &page, &t.fault);
		if (!pte)
			return t;
		slot = TlbEntry{id_, gen, vpn, pte, page, ctx};
	}
	if (!(pte & required_permission(access))) {
		t.fault = MICA_FAULT_MMU_PERMISSION;
		return t;
	}
	t.host = page + (va & kPageMask);
	return t;
}

uint8_t *PageTableMmu::translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault)
{
	const Translation t = translate_access(ctx, va, access);
	if (t.fault != MICA_FAULT_NONE) {
		if (fault)
			*fault = t.fault;
		return nullptr;
	}
	return t.host;
}

} // namespace mica::sim
