// SPDX-License-Identifier: MIT
/*
 * The OS scheduler hook (mica_drv.h) in user space: there is no drm_sched, so the core queues by
 * itself. A job goes straight to its context's queue, where mica_sched_run() starts it once its
 * in-sync points are reached; completion is the context's completed_seqno and the sync objects'
 * values, which waiters poll under fence_wq. The module's implementation is
 * kernel/linux/mica_linux_sched.c.
 */
#include "../mica_drv.h"

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
	return 0;
}

void mica_os_ctx_fini(struct mica_ctx *ctx)
{
	(void)ctx;
}

void mica_os_ctx_free(struct mica_ctx *ctx)
{
	(void)ctx;
}

int mica_os_job_init(struct mica_job *job)
{
	(void)job;
	return 0;
}

/* Never called with a waiter to wake: mica_sched_run() reads the sync values itself. */
int mica_os_job_add_wait(struct mica_device *mdev, struct mica_job *job,
			 struct mica_syncobj *sync, u64 point)
{
	(void)mdev;
	(void)job;
	(void)sync;
	(void)point;
	return 0;
}

void mica_os_job_push(struct mica_device *mdev, struct mica_job *job)
{
	lockdep_assert_held(&mdev->lock);
	list_add_tail(&job->link, &job->ctx->queue);
}

void mica_os_job_done(struct mica_device *mdev, struct mica_job *job, int err)
{
	lockdep_assert_held(&mdev->lock);
	(void)job;
	(void)err;
}

void mica_os_job_abort(struct mica_job *job)
{
	job->os = NULL;
}

void mica_os_sync_waiter_wake(struct mica_sync_waiter *w, int err)
{
	(void)err;
	WARN_ON(w);	/* user space never registers one */
}
