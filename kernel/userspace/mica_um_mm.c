// SPDX-License-Identifier: MIT
/*
 * Device memory in process: page-granular first fit over a bitmap (the module uses drm_mm,
 * kernel/linux/mica_linux_mm.c). The core's mica_mm.lock serialises every call. Each allocation's
 * first page is remembered so a free must name exactly one allocation, as a drm_mm node would.
 */
#include "../mica_drv.h"

#include <stdlib.h>

/* Two bits per page: in use, and first page of an allocation. */
static bool test_bit_at(const u8 *map, u64 bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static void set_bit_at(u8 *map, u64 bit, bool v)
{
	if (v)
		map[bit / 8] |= (u8)(1u << (bit % 8));
	else
		map[bit / 8] &= (u8)~(1u << (bit % 8));
}

#define USED(p) (2 * (p))
#define HEAD(p) (2 * (p) + 1)

int mica_os_mm_init(struct mica_os_mm *mm, u64 first, u64 pages)
{
	u64 p;

	mm->pages = first + pages;
	mm->bitmap = calloc(mm->pages / 4 + 1, 1);
	if (!mm->bitmap)
		return -ENOMEM;
	for (p = 0; p < first; p++)
		set_bit_at(mm->bitmap, USED(p), true);
	return 0;
}

void mica_os_mm_fini(struct mica_os_mm *mm)
{
	free(mm->bitmap);
	mm->bitmap = NULL;
}

int mica_os_mm_insert(struct mica_os_mm *mm, u64 pages, u64 *first)
{
	u64 p, run = 0, q;

	for (p = 0; p < mm->pages; p++) {
		run = test_bit_at(mm->bitmap, USED(p)) ? 0 : run + 1;
		if (run == pages) {
			*first = p + 1 - pages;
			for (q = *first; q <= p; q++)
				set_bit_at(mm->bitmap, USED(q), true);
			set_bit_at(mm->bitmap, HEAD(*first), true);
			return 0;
		}
	}
	return -ENOMEM;
}

int mica_os_mm_remove(struct mica_os_mm *mm, u64 first, u64 pages)
{
	u64 p;

	if (first + pages > mm->pages || first + pages < first ||
	    !test_bit_at(mm->bitmap, HEAD(first)))
		return -EINVAL;
	/* Exactly one allocation: every page in use, no other allocation starts inside, and the
	 * next page is free or starts another one. */
	for (p = first; p < first + pages; p++)
		if (!test_bit_at(mm->bitmap, USED(p)) || (p != first && test_bit_at(mm->bitmap, HEAD(p))))
			return -EINVAL;
	if (p < mm->pages && test_bit_at(mm->bitmap, USED(p)) && !test_bit_at(mm->bitmap, HEAD(p)))
		return -EINVAL;
	for (p = first; p < first + pages; p++)
		set_bit_at(mm->bitmap, USED(p), false);
	set_bit_at(mm->bitmap, HEAD(first), false);
	return 0;
}
