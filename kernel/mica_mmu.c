// SPDX-License-Identifier: MIT
/*
 * GPU page tables: four levels of 512 eight-byte entries per 4 KiB table, laid out as mica.toml
 * [pte] says (MICA_PTE_*). Intermediate entries only carry VALID and the next table's address;
 * the permission bits are checked at the leaf, so only leaves get READ/WRITE/EXEC.
 *
 * Tables are charged to the VM's client. An unmap that leaves a table empty unlinks it and hands
 * it to the caller, which frees it once the ring has retired every job that might still walk it
 * (like the unmapped memory itself), so map/unmap cycles cost nothing in the end.
 */
#include "mica_drv.h"

#define PT_ENTRIES (1u << MICA_PT_INDEX_BITS)

static u64 *pte_ptr(struct mica_device *mdev, u64 table, unsigned int idx)
{
	return (u64 *)(mdev->vram + table) + idx;
}

static unsigned int level_shift(unsigned int level)
{
	return 12 + MICA_PT_INDEX_BITS * (MICA_PT_LEVELS - 1 - level);
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (unsigned int)((va >> level_shift(level)) & (PT_ENTRIES - 1));
}

static int table_alloc(struct mica_vm *vm, u64 *pa)
{
	return mica_mm_alloc_charged(vm->mdev, vm->client, MICA_RES_PT, MICA_PAGE_SIZE, pa);
}

static void table_free(struct mica_device *mdev, struct mica_client *c, u64 pa)
{
	mica_mm_free_charged(mdev, c, MICA_RES_PT, pa, MICA_PAGE_SIZE);
}

int mica_pt_create(struct mica_vm *vm)
{
	return table_alloc(vm, &vm->pt_root);
}

static void pt_free_level(struct mica_vm *vm, u64 table, unsigned int level)
{
	unsigned int i;

	if (level + 1 < MICA_PT_LEVELS) {
		for (i = 0; i < PT_ENTRIES; i++) {
			u64 e = mica_vram_read64(pte_ptr(vm->mdev, table, i));

			if (e & MICA_PTE_VALID)
				pt_free_level(vm, e & MICA_PTE_ADDR_MASK, level + 1);
		}
	}
	table_free(vm->mdev, vm->client, table);
}

void mica_pt_destroy(struct mica_vm *vm)
{
	if (vm->pt_root)
		pt_free_level(vm, vm->pt_root, 0);
	vm->pt_root = 0;
}

/* The leaf entry for va, allocating intermediate tables when alloc is set. */
static u64 *pt_walk(struct mica_vm *vm, u64 va, bool alloc, int *err)
{
	struct mica_device *mdev = vm->mdev;
	u64 table = vm->pt_root;
	unsigned int level;

	for (level = 0; level + 1 < MICA_PT_LEVELS; level++) {
		u64 *e = pte_ptr(mdev, table, pt_index(va, level));
		u64 v = mica_vram_read64(e);

		if (!(v & MICA_PTE_VALID)) {
			u64 next;

			if (!alloc)
				return NULL;
			*err = table_alloc(vm, &next);
			if (*err)
				return NULL;
			v = (next & MICA_PTE_ADDR_MASK) | MICA_PTE_VALID;
			mica_vram_write64(e, v);
		}
		table = v & MICA_PTE_ADDR_MASK;
	}
	return pte_ptr(mdev, table, pt_index(va, MICA_PT_LEVELS - 1));
}

static u64 leaf_bits(u32 perms)
{
	u64 bits = MICA_PTE_VALID;

	if (perms & DRM_MICA_BIND_READ)
		bits |= MICA_PTE_READ;
	if (perms & DRM_MICA_BIND_WRITE)
		bits |= MICA_PTE_WRITE;
	if (perms & DRM_MICA_BIND_EXEC)
		bits |= MICA_PTE_EXEC;
	return bits;
}

static bool table_empty(struct mica_device *mdev, u64 table)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (mica_vram_read64(pte_ptr(mdev, table, i)))
			return false;
	return true;
}

/* Clears [va, end) below table (at level); unlinks child tables that end up empty. */
static void pt_unmap_level(struct mica_vm *vm, u64 table, unsigned int level, u64 va, u64 end,
			   struct list_head *freed)
{
	struct mica_device *mdev = vm->mdev;
	u64 span = 1ull << level_shift(level);

	while (va < end) {
		u64 next = min_t(u64, (va & ~(span - 1)) + span, end);
		u64 *e = pte_ptr(mdev, table, pt_index(va, level));
		u64 v = mica_vram_read64(e);

		if (level + 1 == MICA_PT_LEVELS) {
			mica_vram_write64(e, 0);
		} else if (v & MICA_PTE_VALID) {
			u64 child = v & MICA_PTE_ADDR_MASK;
			struct mica_pt_page *pg;

			pt_unmap_level(vm, child, level + 1, va, next, freed);
			/* Without a node to remember it the table stays linked (still valid, only
			 * not reclaimed); correctness never depends on the allocation.
			 */
			pg = table_empty(mdev, child) ? kzalloc(sizeof(*pg), GFP_KERNEL) : NULL;
			if (pg) {
				mica_vram_write64(e, 0);
				pg->pa = child;
				list_add_tail(&pg->link, freed);
			}
		}
		va = next;
	}
}

int mica_pt_map(struct mica_vm *vm, u64 va, const struct mica_bo *bo, u64 bo_offset, u64 size,
		u32 perms, struct list_head *freed)
{
	u64 off;
	int err = 0;

	for (off = 0; off < size; off += MICA_PAGE_SIZE) {
		u64 *leaf = pt_walk(vm, va + off, true, &err);
		u64 page;

		if (!leaf) {
			/* Undo, including the tables the failed walk allocated for va + off. */
			mica_pt_unmap(vm, va, off + MICA_PAGE_SIZE, freed);
			return err ? err : -ENOMEM;
		}
		page = mica_bo_page_address(bo, bo_offset + off);
		mica_vram_write64(leaf, page | leaf_bits(perms));
	}
	/* The entries are in device memory before anything can make the device walk them. */
	wmb();
	return 0;
}

void mica_pt_unmap(struct mica_vm *vm, u64 va, u64 size, struct list_head *freed)
{
	pt_unmap_level(vm, vm->pt_root, 0, va, va + size, freed);
	/* The cleared entries are in device memory before the TLB invalidation that follows. */
	wmb();
}

void mica_pt_free_pages(struct mica_device *mdev, struct mica_client *c, struct list_head *pages)
{
	struct mica_pt_page *pg, *tmp;

	list_for_each_entry_safe(pg, tmp, pages, link) {
		list_del(&pg->link);
		table_free(mdev, c, pg->pa);
		kfree(pg);
	}
}
