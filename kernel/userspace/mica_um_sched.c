// SPDX-License-Identifier: MIT
/*
 * The OS scheduler hook (mica_drv.h) in user space: there is no drm_sched, so the core queues by
 * itself. A job goes straight to its context's queue, where mica_sched_run() starts it once
 * every fence it depends on (its in-syncs, taken from the sync objects at SUBMIT) signalled;
 * completion is the context's completed_seqno, which the job's out-sync fences read, and waiters
 * sleep on fence_wq. The module's implementation is kernel/linux/mica_linux_sched.c.
 */
#include "mica_um_syncobj.h"

#include <stdlib.h>

/* What the OS side of a job holds until the job leaves the core. */
struct um_job {
	struct mica_um_fence **in;	/* dependencies (one reference each) */
	u32 nin, in_cap;
	struct um_out {
		struct um_syncobj *obj;	/* one reference until push */
		u64 point;
	} *out;
	u32 nout, out_cap;
};

int mica_os_sched_init(struct mica_device *mdev)
{
	(void)mdev;
	return 0;
}

void mica_os_sched_fini(struct mica_device *mdev)
{
	(void)mdev;
}

int mica_os_ctx_init(struct mica_ctx *ctx)
{
	(void)ctx;
	mica_um_live_add(MICA_UM_LIVE_CONTEXTS, 1);
	return 0;
}

void mica_os_ctx_fini(struct mica_ctx *ctx)
{
	(void)ctx;
}

void mica_os_ctx_free(struct mica_ctx *ctx)
{
	(void)ctx;
	mica_um_live_add(MICA_UM_LIVE_CONTEXTS, -1);
}

int mica_os_job_init(struct mica_job *job)
{
	job->os = calloc(1, sizeof(struct um_job));
	if (!job->os)
		return -ENOMEM;
	mica_um_live_add(MICA_UM_LIVE_JOBS, 1);
	return 0;
}

static void um_job_free(struct mica_job *job)
{
	struct um_job *uj = job->os;
	u32 i;

	job->os = NULL;
	if (!uj)
		return;
	for (i = 0; i < uj->nin; i++)
		mica_um_fence_put(uj->in[i]);
	for (i = 0; i < uj->nout; i++)
		mica_um_syncobj_put(uj->out[i].obj);
	free(uj->in);
	free(uj->out);
	free(uj);
	mica_um_live_add(MICA_UM_LIVE_JOBS, -1);
}

/* Grows *arr (of *cap elements of @size) to hold one more than @n. */
static int grow(void **arr, u32 n, u32 *cap, size_t size)
{
	void *bigger;
	u32 c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 4;
	bigger = realloc(*arr, c * size);
	if (!bigger)
		return -ENOMEM;
	*arr = bigger;
	*cap = c;
	return 0;
}

int mica_os_job_add_in_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point)
{
	struct um_job *uj = job->os;
	struct um_syncobj *obj = mica_um_syncobj_lookup(file, handle);
	struct mica_um_fence *f;
	int ret;

	if (!obj)
		return -ENOENT;
	ret = grow((void **)&uj->in, uj->nin, &uj->in_cap, sizeof(*uj->in));
	if (!ret)
		ret = mica_um_syncobj_find_fence(obj, point, &f);
	mica_um_syncobj_put(obj);
	if (ret)
		return ret;
	uj->in[uj->nin++] = f;
	return 0;
}

int mica_os_job_add_out_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point)
{
	struct um_job *uj = job->os;
	struct um_syncobj *obj = mica_um_syncobj_lookup(file, handle);
	u32 i;
	int ret;

	if (!obj)
		return -ENOENT;
	ret = mica_um_syncobj_check_point(obj, point);
	/* Twice in one submit: the second point must be above the first too. */
	for (i = 0; !ret && i < uj->nout; i++)
		if (uj->out[i].obj == obj && point && uj->out[i].point >= point)
			ret = -EINVAL;
	if (!ret)
		ret = grow((void **)&uj->out, uj->nout, &uj->out_cap, sizeof(*uj->out));
	if (ret) {
		mica_um_syncobj_put(obj);
		return ret;
	}
	uj->out[uj->nout].obj = obj;
	uj->out[uj->nout].point = point;
	uj->nout++;
	return 0;
}

void mica_os_job_push(struct mica_device *mdev, struct mica_job *job)
{
	struct um_job *uj = job->os;
	struct mica_um_fence *done = NULL;
	u32 i;

	lockdep_assert_held(&mdev->lock);
	list_add_tail(&job->link, &job->ctx->queue);
	if (uj->nout)
		done = mica_um_fence_job(job->ctx, job->seqno);
	/* Out of memory here loses the points (as a failed chain allocation after arming would). */
	for (i = 0; done && i < uj->nout; i++)
		mica_um_syncobj_attach(uj->out[i].obj, uj->out[i].point, done);
	mica_um_fence_put(done);
	for (i = 0; i < uj->nout; i++)
		mica_um_syncobj_put(uj->out[i].obj);
	uj->nout = 0;
}

/* In process BOs have no reservation objects: no other driver shares them. */
int mica_os_job_reserve(struct mica_job *job)
{
	(void)job;
	return 0;
}

bool mica_os_job_ready(struct mica_job *job)
{
	struct um_job *uj = job->os;
	u32 i;

	for (i = 0; uj && i < uj->nin; i++)
		if (!mica_um_fence_signaled(uj->in[i]))
			return false;
	return true;
}

void mica_os_job_done(struct mica_device *mdev, struct mica_job *job, int err)
{
	lockdep_assert_held(&mdev->lock);
	(void)err;
	um_job_free(job);
}

void mica_os_job_abort(struct mica_job *job)
{
	um_job_free(job);
}
