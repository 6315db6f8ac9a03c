// SPDX-License-Identifier: MIT
/*
 * Device memory in the module: a drm_mm over the VRAM BAR, in pages. The core frees by physical
 * address (page tables, command copies and BOs all come from here), so each node is also kept in
 * an xarray under its first page. The core's mica_mm.lock serialises every call.
 */
#include <linux/slab.h>
#include <linux/xarray.h>
#include <drm/drm_mm.h>

#include "mica_linux.h"

int mica_os_mm_init(struct mica_os_mm *mm, u64 first, u64 pages)
{
	drm_mm_init(&mm->mm, first, pages);
	xa_init(&mm->nodes);
	return 0;
}

void mica_os_mm_fini(struct mica_os_mm *mm)
{
	struct drm_mm_node *node;
	unsigned long first;

	/*
	 * Nothing should be left; if something is, give it back so drm_mm_takedown() stays quiet
	 * (the core already warned about the leak).
	 */
	xa_for_each(&mm->nodes, first, node) {
		drm_mm_remove_node(node);
		kfree(node);
	}
	xa_destroy(&mm->nodes);
	drm_mm_takedown(&mm->mm);
}

int mica_os_mm_insert(struct mica_os_mm *mm, u64 pages, u64 *first)
{
	struct drm_mm_node *node = kzalloc(sizeof(*node), GFP_KERNEL);
	int ret;

	if (!node)
		return -ENOMEM;
	ret = drm_mm_insert_node(&mm->mm, node, pages);
	if (ret) {
		kfree(node);
		return ret == -ENOSPC ? -ENOMEM : ret;
	}
	ret = xa_err(xa_store(&mm->nodes, node->start, node, GFP_KERNEL));
	if (ret) {
		drm_mm_remove_node(node);
		kfree(node);
		return ret;
	}
	*first = node->start;
	return 0;
}

int mica_os_mm_remove(struct mica_os_mm *mm, u64 first, u64 pages)
{
	struct drm_mm_node *node = xa_load(&mm->nodes, first);

	if (!node || node->size != pages)
		return -EINVAL;
	xa_erase(&mm->nodes, first);
	drm_mm_remove_node(node);
	kfree(node);
	return 0;
}
