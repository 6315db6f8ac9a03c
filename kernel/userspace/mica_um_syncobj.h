/* SPDX-License-Identifier: MIT */
/*
 * The DRM core's sync objects, emulated for the in-process build (mica_um_syncobj.c), and the
 * fences they hold: what struct drm_syncobj, dma_fence and dma_fence_chain are in the module.
 */
#ifndef MICA_UM_SYNCOBJ_H
#define MICA_UM_SYNCOBJ_H

#include "../mica_drv.h"
#include "mica_um_gem.h"

/*
 * A fence. A leaf is a job's completion: signalled once its context's completed_seqno reached
 * the job's seqno (the context's fence timeline). A host signal is a leaf without a context
 * (signalled from the start). A composite (what a timeline point or a whole timeline waits for)
 * is signalled when every one of its leaves is; its leaves are never composites.
 */
struct mica_um_fence {
	struct kref ref;
	struct mica_ctx *ctx;		/* leaf: one reference; NULL: signalled */
	u64 seqno;
	u32 count;			/* composite: the leaves */
	struct mica_um_fence **leaves;
};

void mica_um_fence_put(struct mica_um_fence *f);
bool mica_um_fence_signaled(const struct mica_um_fence *f);
/* A job's completion fence (a reference on ctx). NULL when out of memory. */
struct mica_um_fence *mica_um_fence_job(struct mica_ctx *ctx, u64 seqno);

struct um_syncobj;
/*
 * For mica_um_sched.c's SUBMIT hooks. lookup: +ref or NULL. find_fence: drm_syncobj_find_fence()
 * without WAIT_FOR_SUBMIT (-EINVAL: no fence at that point). check_point: -EINVAL when @point is
 * not above the timeline's last point. attach: drm_syncobj_add_point() / replace_fence(); the
 * syncobj takes its own reference on @fence.
 */
struct um_syncobj *mica_um_syncobj_lookup(struct mica_file *file, u32 handle);
void mica_um_syncobj_put(struct um_syncobj *obj);
int mica_um_syncobj_find_fence(struct um_syncobj *obj, u64 point, struct mica_um_fence **out);
int mica_um_syncobj_check_point(struct um_syncobj *obj, u64 point);
void mica_um_syncobj_attach(struct um_syncobj *obj, u64 point, struct mica_um_fence *fence);

void mica_um_syncobj_file_init(struct mica_file *file);
void mica_um_syncobj_file_fini(struct mica_file *file);
/* DRM_IOCTL_SYNCOBJ_* the in-process build answers, or NULL. */
const struct mica_um_core_ioctl *mica_um_syncobj_ioctl_find(unsigned int cmd);

#endif /* MICA_UM_SYNCOBJ_H */
