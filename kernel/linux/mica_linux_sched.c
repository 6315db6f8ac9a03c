// SPDX-License-Identifier: MIT
/*
 * drm_sched and dma_fence under the shared core: the module's side of the OS scheduler hook
 * declared in mica_drv.h (the user-space build's side is kernel/userspace/mica_um_sched.c).
 *
 *  - one drm_gpu_scheduler per device (the kernel ring), one drm_sched_entity per context;
 *  - a SUBMIT's in-sync points that are not reached yet become dma_fence dependencies of the
 *    job (struct mica_wait_fence); the core wakes them when the point is reached, so the
 *    scheduler, not the core, holds the job back;
 *  - run_job hands the validated copy to the core (mica_sched_job_run), which keeps its rule of
 *    one job per context in the ring and its round robin; it returns the job's hardware fence,
 *    which the core signals when it retires the job (from the MSI-X interrupt work), with the
 *    job's error (-EIO faulted, -ECANCELED cancelled);
 *  - timedout_job runs the core's hang escalation (mica_sched_check_hang: kill the context, then
 *    reset the CP and resubmit innocent work). The core's clock decides; drm_sched's timeout
 *    (half the core's job_timeout_ns) only asks, and the core's own timeout work keeps asking
 *    too, so a hang is never missed by one timer's view of it. Since the core keeps every job
 *    it was given, recovery never re-runs a job: after the core acted, drm_sched gets the
 *    same hardware fences back (resubmit returns them).
 */
#include <linux/dma-fence.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <drm/gpu_scheduler.h>

#include "mica_linux.h"

struct mica_linux_job {
	struct drm_sched_job base;
	struct mica_drm *md;
	struct mica_job *core;		/* until run_job hands it to the core */
	struct dma_fence hw;		/* signalled by the core when the job leaves it; once
					 * initialised (push) its last reference frees this
					 */
	struct work_struct free_work;
};

/* A job's wait for a sync point that was not reached at SUBMIT. */
struct mica_wait_fence {
	struct dma_fence base;
	struct mica_drm *md;
	struct mica_sync_waiter w;
};

static inline struct mica_linux_job *to_ljob(struct drm_sched_job *sj)
{
	return container_of(sj, struct mica_linux_job, base);
}

static inline struct mica_drm *mdev_to_md(struct mica_device *mdev)
{
	return container_of(mdev, struct mica_drm, mdev);
}

static const char *mica_fence_driver_name(struct dma_fence *f)
{
	return "mica";
}

static const char *mica_hw_fence_timeline(struct dma_fence *f)
{
	return "mica-context";
}

static const char *mica_wait_fence_timeline(struct dma_fence *f)
{
	return "mica-sync-point";
}

static void mica_hw_fence_release(struct dma_fence *f)
{
	struct mica_linux_job *ljob = container_of(f, struct mica_linux_job, hw);

	atomic_dec(&ljob->md->live_sched_jobs);
	kfree_rcu(ljob, hw.rcu);
}

static void mica_wait_fence_release(struct dma_fence *f)
{
	struct mica_wait_fence *wf = container_of(f, struct mica_wait_fence, base);

	atomic_dec(&wf->md->live_wait_fences);
	kfree_rcu(wf, base.rcu);
}

static const struct dma_fence_ops mica_hw_fence_ops = {
	.get_driver_name = mica_fence_driver_name,
	.get_timeline_name = mica_hw_fence_timeline,
	.release = mica_hw_fence_release,
};

static const struct dma_fence_ops mica_wait_fence_ops = {
	.get_driver_name = mica_fence_driver_name,
	.get_timeline_name = mica_wait_fence_timeline,
	.release = mica_wait_fence_release,
};

/* ---- backend ops ---- */

static struct dma_fence *mica_run_job(struct drm_sched_job *sj)
{
	struct mica_linux_job *ljob = to_ljob(sj);
	struct mica_job *job = ljob->core;

	/* Called again for jobs the core already has when recovery resubmits: same fence. */
	atomic_inc(&ljob->md->stat_run);
	if (job) {
		ljob->core = NULL;
		mica_sched_job_run(&ljob->md->mdev, job);
	}
	return dma_fence_get(&ljob->hw);
}

static void mica_free_job_work(struct work_struct *work)
{
	struct mica_linux_job *ljob = container_of(work, struct mica_linux_job, free_work);
	struct mica_job *job = ljob->core;

	atomic_inc(&ljob->md->stat_freed);
	/* Never ran (its entity was killed): the core cancels it, which signals hw. */
	if (job) {
		atomic_inc(&ljob->md->stat_discarded);
		ljob->core = NULL;
		mica_sched_job_discard(&ljob->md->mdev, job);
	}
	drm_sched_job_cleanup(&ljob->base);
	dma_fence_put(&ljob->hw);
}

/*
 * Deferred to the core's ordered workqueue: free_job may come from the scheduler thread or from
 * an entity being killed, and the core's release of a job takes its mutexes.
 */
static void mica_free_job(struct drm_sched_job *sj)
{
	struct mica_linux_job *ljob = to_ljob(sj);

	atomic_inc(&ljob->md->stat_free);
	queue_work(ljob->md->mdev.wq, &ljob->free_work);
}

static enum drm_gpu_sched_stat mica_timedout_job(struct drm_sched_job *sj)
{
	struct drm_gpu_scheduler *sched = sj->sched;
	struct mica_drm *md = to_ljob(sj)->md;
	bool acted;

	/* Park the scheduler; the core then decides whether anything hung and recovers it. */
	drm_sched_stop(sched, sj);
	acted = mica_sched_check_hang(&md->mdev);
	atomic_inc(&md->sched_timeouts);
	mica_log_printf(&md->mdev.log, "drm_sched job timeout: %s", acted ?
			"the core recovered (context killed or CP reset)" : "the core saw no hang");
#if MICA_HAVE_DRM_SCHED_RESUBMIT_JOBS
	/* Hands drm_sched the hardware fences again (stop dropped them); nothing re-runs. */
	drm_sched_resubmit_jobs(sched);
#endif
#if MICA_HAVE_DRM_SCHED_START_ERRNO
	drm_sched_start(sched, 0);
#else
	drm_sched_start(sched, true);
#endif
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops mica_sched_ops = {
	.run_job = mica_run_job,
	.timedout_job = mica_timedout_job,
	.free_job = mica_free_job,
};

/* ---- the hook ---- */

int mica_os_sched_init(struct mica_device *mdev)
{
	struct mica_drm *md = mdev_to_md(mdev);
	/* The core holds jobs back per context; this only bounds what drm_sched handed over. */
	u32 limit = 4 * MICA_DEFAULT_CLIENT_JOBS;
	/*
	 * drm_sched times a job from run_job, the core from when it became the oldest in the ring
	 * (it may first wait in its context's queue): asking twice per core period keeps the
	 * escalation within about one period of the core's clock.
	 */
	long timeout = max_t(long, 1, (long)nsecs_to_jiffies(mdev->params.job_timeout_ns / 2));
#if MICA_HAVE_DRM_SCHED_INIT_ARGS
	struct drm_sched_init_args args = {
		.ops = &mica_sched_ops,
		.credit_limit = limit,
		.timeout = timeout,
		.name = "mica",
		.dev = md->drm.dev,
	};
#endif

	spin_lock_init(&md->fence_lock);
#if MICA_HAVE_DRM_SCHED_INIT_ARGS
	return drm_sched_init(&md->sched, &args);
#else
	return drm_sched_init(&md->sched, &mica_sched_ops, limit, 0, timeout, NULL, NULL, "mica",
			      md->drm.dev);
#endif
}

void mica_os_sched_fini(struct mica_device *mdev)
{
	struct mica_drm *md = mdev_to_md(mdev);
	int i;

	/* Every file is closed: let the scheduler thread free the jobs it still lists (it does so
	 * lazily), or drm_sched_fini() would leave them behind. Bounded: 1 s.
	 */
	for (i = 0; i < 100; i++) {
		bool empty;

		spin_lock(&md->sched.job_list_lock);
		empty = list_empty(&md->sched.pending_list);
		spin_unlock(&md->sched.job_list_lock);
		if (empty)
			break;
		usleep_range(10000, 20000);
	}
	drm_sched_fini(&md->sched);
}

struct mica_entity {
	struct drm_sched_entity base;
	u64 fence_context;		/* the context's hardware fences: seqno = job seqno */
};

int mica_os_ctx_init(struct mica_ctx *ctx)
{
	struct mica_drm *md = mdev_to_md(ctx->mdev);
	struct drm_gpu_scheduler *list[] = { &md->sched };
	struct mica_entity *e = kzalloc(sizeof(*e), GFP_KERNEL);
	int ret;

	if (!e)
		return -ENOMEM;
	ret = drm_sched_entity_init(&e->base, DRM_SCHED_PRIORITY_NORMAL, list, 1, NULL);
	if (ret) {
		kfree(e);
		return ret;
	}
	e->fence_context = dma_fence_context_alloc(1);
	ctx->os = e;
	return 0;
}

/* Teardown: the entity's jobs reach run_job (the core cancels them) or are killed. */
void mica_os_ctx_fini(struct mica_ctx *ctx)
{
	struct mica_entity *e = ctx->os;

	if (e)
		drm_sched_entity_destroy(&e->base);
}

/* The memory outlives the entity: a SUBMIT that looked the context up may still call
 * drm_sched_job_init() on it, which refuses a destroyed entity (-ENOENT).
 */
void mica_os_ctx_free(struct mica_ctx *ctx)
{
	kfree(ctx->os);
	ctx->os = NULL;
}

int mica_os_job_init(struct mica_job *job)
{
	struct mica_entity *e = job->ctx->os;
	struct mica_linux_job *ljob = kzalloc(sizeof(*ljob), GFP_KERNEL);
	int ret;

	if (!ljob)
		return -ENOMEM;
	ljob->md = mdev_to_md(job->ctx->mdev);
#if MICA_HAVE_DRM_SCHED_JOB_INIT_CREDITS
	ret = drm_sched_job_init(&ljob->base, &e->base, 1, job->ctx);
#else
	ret = drm_sched_job_init(&ljob->base, &e->base, job->ctx);
#endif
	if (ret) {
		kfree(ljob);
		/* The entity is gone: the context is being destroyed. */
		return ret == -ENOENT ? -ECANCELED : ret;
	}
	atomic_inc(&ljob->md->live_sched_jobs);
	ljob->core = job;
	INIT_WORK(&ljob->free_work, mica_free_job_work);
	job->os = ljob;
	return 0;
}

void mica_os_job_abort(struct mica_job *job)
{
	struct mica_linux_job *ljob = job->os;

	job->os = NULL;
	drm_sched_job_cleanup(&ljob->base);
	atomic_dec(&ljob->md->live_sched_jobs);
	kfree(ljob);
}

int mica_os_job_add_wait(struct mica_device *mdev, struct mica_job *job,
			 struct mica_syncobj *sync, u64 point)
{
	struct mica_drm *md = mdev_to_md(mdev);
	struct mica_linux_job *ljob = job->os;
	struct mica_wait_fence *wf;
	int ret;

	lockdep_assert_held(&mdev->lock);
	wf = kzalloc(sizeof(*wf), GFP_KERNEL);
	if (!wf)
		return -ENOMEM;
	wf->md = md;
	atomic_inc(&md->live_wait_fences);
	/* One context per wait: these signal in any order. */
	dma_fence_init(&wf->base, &mica_wait_fence_ops, &md->fence_lock,
		       dma_fence_context_alloc(1), 1);
	dma_fence_get(&wf->base);	/* the sync object's list holds one */
	ret = drm_sched_job_add_dependency(&ljob->base, &wf->base);	/* takes the other */
	if (ret) {
		dma_fence_put(&wf->base);
		return ret;
	}
	mica_sync_waiter_add(mdev, sync, job, &wf->w, point);
	return 0;
}

void mica_os_sync_waiter_wake(struct mica_sync_waiter *w, int err)
{
	struct mica_wait_fence *wf = container_of(w, struct mica_wait_fence, w);

	if (err)
		dma_fence_set_error(&wf->base, err);
	dma_fence_signal(&wf->base);
	dma_fence_put(&wf->base);
}

void mica_os_job_push(struct mica_device *mdev, struct mica_job *job)
{
	struct mica_drm *md = mdev_to_md(mdev);
	struct mica_linux_job *ljob = job->os;
	struct mica_entity *e = job->ctx->os;

	lockdep_assert_held(&mdev->lock);
	/* Under mdev->lock: seqnos, hardware fences and pushes are in the same order. */
	dma_fence_init(&ljob->hw, &mica_hw_fence_ops, &md->fence_lock, e->fence_context,
		       job->seqno);
	drm_sched_job_arm(&ljob->base);
	drm_sched_entity_push_job(&ljob->base);
}

void mica_os_job_done(struct mica_device *mdev, struct mica_job *job, int err)
{
	struct mica_linux_job *ljob = job->os;

	lockdep_assert_held(&mdev->lock);
	if (!ljob)
		return;
	/* The last use: once hw is signalled drm_sched may free ljob. */
	job->os = NULL;
	if (err)
		dma_fence_set_error(&ljob->hw, err);
	dma_fence_signal(&ljob->hw);
}

/* ---- debugfs mica_sched: what the scheduler side holds (a leak shows here) ---- */
static int mica_sched_debugfs_show(struct seq_file *m, void *unused)
{
	struct mica_drm *md = m->private;
	unsigned int pending = 0;
	struct drm_sched_job *sj;

	spin_lock(&md->sched.job_list_lock);
	list_for_each_entry(sj, &md->sched.pending_list, list)
		pending++;
	spin_unlock(&md->sched.job_list_lock);
	seq_printf(m, "jobs %d\nwait_fences %d\npending %u\nhw_rq_count %d\ntimeouts %d\n",
		   atomic_read(&md->live_sched_jobs), atomic_read(&md->live_wait_fences), pending,
		   atomic_read(&md->sched.hw_rq_count), atomic_read(&md->sched_timeouts));
	seq_printf(m, "run_job %d\nfree_job %d\nfreed %d\ndiscarded %d\n",
		   atomic_read(&md->stat_run), atomic_read(&md->stat_free),
		   atomic_read(&md->stat_freed), atomic_read(&md->stat_discarded));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mica_sched_debugfs);

void mica_sched_debugfs_init(struct mica_drm *md, struct dentry *root)
{
	debugfs_create_file("mica_sched", 0400, root, md, &mica_sched_debugfs_fops);
}
