// SPDX-License-Identifier: MIT
/*
 * Device-memory allocator: page-granular first fit over a bitmap. Every allocation is zeroed
 * before it is handed out, so no client ever sees another's (or the kernel's) old data.
 */
#include "mica_drv.h"

static bool page_used(const struct mica_mm *mm, u64 p)
{
	return (mm->bitmap[p / 8] >> (p % 8)) & 1;
}

static void mark(struct mica_mm *mm, u64 first, u64 n, bool used)
{
	u64 p;

	for (p = first; p < first + n; p++) {
		if (used)
			mm->bitmap[p / 8] |= (u8)(1u << (p % 8));
		else
			mm->bitmap[p / 8] &= (u8)~(1u << (p % 8));
	}
}

int mica_mm_init(struct mica_mm *mm, u64 vram_size)
{
	mutex_init(&mm->lock);
	mm->pages = vram_size / MICA_PAGE_SIZE;
	mm->used_pages = 0;
	mm->bitmap = kvzalloc(mm->pages / 8 + 1, GFP_KERNEL);
	if (!mm->bitmap)
		return -ENOMEM;
	/* Physical page 0 stays reserved: a zero address always means "none" (CTX_PTBASE). */
	mark(mm, 0, 1, true);
	mm->used_pages = 1;
	return 0;
}

void mica_mm_fini(struct mica_mm *mm)
{
	kvfree(mm->bitmap);
	mm->bitmap = NULL;
	mutex_destroy(&mm->lock);
}

int mica_mm_alloc(struct mica_device *mdev, u64 size, u64 *pa)
{
	struct mica_mm *mm = &mdev->mm;
	u64 n = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE) / MICA_PAGE_SIZE;
	u64 p, run = 0;

	if (!n || n > mm->pages)
		return -ENOMEM;
	mutex_lock(&mm->lock);
	for (p = 0; p < mm->pages; p++) {
		run = page_used(mm, p) ? 0 : run + 1;
		if (run == n) {
			u64 first = p + 1 - n;

			mark(mm, first, n, true);
			mm->used_pages += n;
			mutex_unlock(&mm->lock);
			*pa = first * MICA_PAGE_SIZE;
			mica_vram_memset(mdev->vram + *pa, 0, n * MICA_PAGE_SIZE);
			return 0;
		}
	}
	mutex_unlock(&mm->lock);
	return -ENOMEM;
}

void mica_mm_free(struct mica_device *mdev, u64 pa, u64 size)
{
	struct mica_mm *mm = &mdev->mm;
	u64 n = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE) / MICA_PAGE_SIZE;

	if (!n)
		return;
	mutex_lock(&mm->lock);
	WARN_ON(!page_used(mm, pa / MICA_PAGE_SIZE));
	mark(mm, pa / MICA_PAGE_SIZE, n, false);
	mm->used_pages -= n;
	mutex_unlock(&mm->lock);
}
