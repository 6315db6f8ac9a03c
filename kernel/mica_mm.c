// SPDX-License-Identifier: MIT
/*
 * Device-memory allocator. The placement is the OS's (drm_mm over the VRAM BAR in the module,
 * a bitmap in process: mica_os_mm_*); what is shared is the rule that every allocation is zeroed
 * before it is handed out, so no client ever sees another's (or the kernel's) old data, and that
 * physical page 0 is never handed out.
 */
#include "mica_drv.h"

int mica_mm_init(struct mica_mm *mm, u64 vram_size)
{
	int ret;

	mutex_init(&mm->lock);
	mm->pages = vram_size / MICA_PAGE_SIZE;
	if (mm->pages < 2)
		return -ENOMEM;
	/* Physical page 0 stays reserved: a zero address always means "none" (CTX_PTBASE). */
	ret = mica_os_mm_init(&mm->os, 1, mm->pages - 1);
	if (ret)
		return ret;
	mm->used_pages = 1;
	return 0;
}

void mica_mm_fini(struct mica_mm *mm)
{
	WARN_ON(mm->used_pages != 1);	/* everything but page 0 came back */
	mica_os_mm_fini(&mm->os);
	mutex_destroy(&mm->lock);
}

int mica_mm_alloc(struct mica_device *mdev, u64 size, u64 *pa)
{
	struct mica_mm *mm = &mdev->mm;
	u64 n = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE) / MICA_PAGE_SIZE;
	u64 first;
	int ret;

	if (!n || n > mm->pages)
		return -ENOMEM;
	mutex_lock(&mm->lock);
	ret = mica_os_mm_insert(&mm->os, n, &first);
	if (!ret)
		mm->used_pages += n;
	mutex_unlock(&mm->lock);
	if (ret)
		return ret;
	*pa = first * MICA_PAGE_SIZE;
	mica_vram_memset(mdev->vram + *pa, 0, n * MICA_PAGE_SIZE);
	return 0;
}

void mica_mm_free(struct mica_device *mdev, u64 pa, u64 size)
{
	struct mica_mm *mm = &mdev->mm;
	u64 n = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE) / MICA_PAGE_SIZE;

	if (!n)
		return;
	mutex_lock(&mm->lock);
	if (!WARN_ON(mica_os_mm_remove(&mm->os, pa / MICA_PAGE_SIZE, n)))
		mm->used_pages -= n;
	mutex_unlock(&mm->lock);
}
