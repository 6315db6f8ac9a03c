// SPDX-License-Identifier: MIT
/*
 * GPU page tables: four levels of 512 eight-byte entries per 4 KiB table, laid out as mica.toml
 * [pte] says (MICA_PTE_*). Intermediate entries only carry VALID and the next table's address;
 * the permission bits are checked at the leaf, so only leaves get READ/WRITE/EXEC.
 */
#include "mica_drv.h"

#define PT_ENTRIES (1u << MICA_PT_INDEX_BITS)

static u64 *pte_ptr(struct mica_device *mdev, u64 table, unsigned int idx)
{
	return (u64 *)(mdev->vram + table) + idx;
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	unsigned int shift = 12 + MICA_PT_INDEX_BITS * (MICA_PT_LEVELS - 1 - level);

	return (unsigned int)((va >> shift) & (PT_ENTRIES - 1));
}

int mica_pt_create(struct mica_device *mdev, u64 *root)
{
	return mica_mm_alloc(mdev, MICA_PAGE_SIZE, root);
}

static void pt_free_level(struct mica_device *mdev, u64 table, unsigned int level)
{
	unsigned int i;

	if (level + 1 < MICA_PT_LEVELS) {
		for (i = 0; i < PT_ENTRIES; i++) {
			u64 e = mica_vram_read64(pte_ptr(mdev, table, i));

			if (e & MICA_PTE_VALID)
				pt_free_level(mdev, e & MICA_PTE_ADDR_MASK, level + 1);
		}
	}
	mica_mm_free(mdev, table, MICA_PAGE_SIZE);
}

void mica_pt_destroy(struct mica_device *mdev, u64 root)
{
	if (root)
		pt_free_level(mdev, root, 0);
}

/* The leaf entry for va, allocating intermediate tables when alloc is set. */
static u64 *pt_walk(struct mica_device *mdev, u64 root, u64 va, bool alloc, int *err)
{
	u64 table = root;
	unsigned int level;

	for (level = 0; level + 1 < MICA_PT_LEVELS; level++) {
		u64 *e = pte_ptr(mdev, table, pt_index(va, level));
		u64 v = mica_vram_read64(e);

		if (!(v & MICA_PTE_VALID)) {
			u64 next;

			if (!alloc)
				return NULL;
			*err = mica_mm_alloc(mdev, MICA_PAGE_SIZE, &next);
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

int mica_pt_map(struct mica_device *mdev, u64 root, u64 va, u64 pa, u64 size, u32 perms)
{
	u64 off;
	int err = 0;

	for (off = 0; off < size; off += MICA_PAGE_SIZE) {
		u64 *leaf = pt_walk(mdev, root, va + off, true, &err);

		if (!leaf) {
			mica_pt_unmap(mdev, root, va, off);
			return err ? err : -ENOMEM;
		}
		mica_vram_write64(leaf, ((pa + off) & MICA_PTE_ADDR_MASK) | leaf_bits(perms));
	}
	wmb();
	return 0;
}

void mica_pt_unmap(struct mica_device *mdev, u64 root, u64 va, u64 size)
{
	u64 off;
	int err = 0;

	for (off = 0; off < size; off += MICA_PAGE_SIZE) {
		u64 *leaf = pt_walk(mdev, root, va + off, false, &err);

		if (leaf)
			mica_vram_write64(leaf, 0);
	}
	wmb();
}
