// SPDX-License-Identifier: MIT
/*
 * drm_sched and dma_fence under the shared core: the module's side of the OS scheduler hook
 * declared in mica_drv.h (the user-space build's side is kernel/userspace/mica_um_sched.c).
 *
 *  - one drm_gpu_scheduler per device (the kernel ring), one drm_sched_entity per context;
 *  - a SUBMIT's in-syncs are DRM sync objects: the fence of each point
 *    (drm_syncobj_find_fence()) becomes a dependency of the job, so the scheduler, not the core,
 *    holds the job back; a point nobody has submitted yet is -EINVAL (user space defers such
 *    submissions until the point exists, as Mesa's vk_queue does);
 *  - the job's finished fence becomes a point of each out-sync (drm_syncobj_add_point(), or
 *    drm_syncobj_replace_fence() for point 0) and goes into the reservation of every BO the job
 *    references (implicit sync: a dma-buf importer waiting on the buffer sees Mica's work);
 *  - run_job hands the validated copy to the core (mica_sched_job_run), which keeps its rule of
 *    one job per context in the ring and its round robin; it returns the job's hardware fence,
 *    which the core signals when it retires the job (from the MSI-X interrupt work), with the
 *    job's error (-EIO faulted, -ECANCELED cancelled);
 *  - timedout_job runs the core's hang escalation (mica_sched_check_hang: kill the context, then
 *    reset the CP and resubmit innocent work). The core's clocks decide (no workgroup retired
 *    for job_timeout_ns, or the oldest job for job_max_ns): like v3d's timedout_job when the
 *    hardware advanced, a timeout on a job that still retires workgroups changes nothing and
 *    drm_sched re-arms. drm_sched's timeout (half the core's job_timeout_ns) only asks, and the
 *    core's own timeout work keeps asking too, so a hang is never missed by one timer's view.
 *    Since the core keeps every job it was given, recovery never re-runs a job: after the core
 *    acted, drm_sched gets the same hardware fences back (resubmit returns them).
 */
#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>

#include "mica_linux.h"

/* An out-sync of a job: its finished fence goes there at push. */
struct mica_out_sync {
	struct drm_syncobj *obj;	/* one reference until push */
	struct dma_fence_chain *chain;	/* timeline point; NULL: point 0 replaces the fence */
	u64 point;
};

struct mica_linux_job {
	struct drm_sched_job base;
	struct mica_drm *md;
	struct mica_job *core;		/* until run_job hands it to the core */
	struct dma_fence hw;		/* signalled by the core when the job leaves it; once
					 * initialised (push) its last reference frees this
					 */
	struct work_struct free_work;
	struct mica_out_sync *outs;	/* until push */
	u32 nouts, outs_cap;
	/* The job's BOs' reservations, locked from mica_os_job_reserve() to push or abort. */
	struct drm_gem_object **resv_objs;
	u32 nresv;
	struct ww_acquire_ctx ww;
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

static void mica_hw_fence_release(struct dma_fence *f)
{
	struct mica_linux_job *ljob = container_of(f, struct mica_linux_job, hw);

	atomic_dec(&ljob->md->live_sched_jobs);
	kfree_rcu(ljob, hw.rcu);
}

static const struct dma_fence_ops mica_hw_fence_ops = {
	.get_driver_name = mica_fence_driver_name,
	.get_timeline_name = mica_hw_fence_timeline,
	.release = mica_hw_fence_release,
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
	/*
	 * Logged only when the core acted: a long job that keeps retiring workgroups meets this
	 * timeout every job_timeout_ns / 2 for as long as it runs (up to job_max_ns), and a line
	 * each time would bury the log. The quiet ones are counted (debugfs mica_sched).
	 */
	if (acted) {
		atomic_inc(&md->sched_timeouts_acted);
		mica_log_printf(&md->mdev.log,
				"drm_sched job timeout: the core recovered (context killed or CP reset)");
	}
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

	/*
	 * No timeout handler may run from here on. drm_sched_fini() stops the scheduler thread
	 * before it cancels the timeout work, and a handler in between parks a thread that is
	 * exiting (timedout_job -> drm_sched_stop -> kthread_park): a WARNING when the thread has
	 * already exited, a wait that never ends while it is exiting. The timer fires even with
	 * nothing left to recover: it is armed when a job starts and only lazily cancelled once
	 * the job is freed, and it takes the oldest listed job, finished or not. (Every file is
	 * closed, so every context has left the ring: recovery is not needed any more.) A timeout
	 * of MAX_SCHEDULE_TIMEOUT is never armed again (drm_sched_start_timeout(), which runs
	 * under job_list_lock).
	 */
	spin_lock(&md->sched.job_list_lock);
	md->sched.timeout = MAX_SCHEDULE_TIMEOUT;
	spin_unlock(&md->sched.job_list_lock);
	cancel_delayed_work_sync(&md->sched.work_tdr);

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

/*
 * Teardown: the entity's jobs reach run_job (the core cancels them) or are killed, and this
 * returns only once they did. drm_sched_entity_destroy() alone does not promise that: its flush
 * ends when the entity's queue is empty, which it is as soon as the scheduler thread popped
 * the last job, before run_job handed it to the core. A job popped in that window (its
 * dependency had just signalled) reached the core after the context had left its slot, was
 * never run nor cancelled, and its fence never signalled (a SUBMIT's out-sync stuck, drm_sched
 * timing out on it forever, its BOs and device memory held: the WARN_ON in mica_mm_fini at
 * unload). The thread completes entity_idle right after run_job. The completion counts (one
 * waiter consumes it) and drm_sched_entity_fini() waits for it too when jobs are left, so it
 * is given back for fini.
 */
void mica_os_ctx_fini(struct mica_ctx *ctx)
{
	struct mica_entity *e = ctx->os;

	if (!e)
		return;
	drm_sched_entity_flush(&e->base, MAX_WAIT_SCHED_ENTITY_Q_EMPTY);
	wait_for_completion(&e->base.entity_idle);
	complete(&e->base.entity_idle);
	drm_sched_entity_fini(&e->base);
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

static void mica_job_release_outs(struct mica_linux_job *ljob)
{
	u32 i;

	for (i = 0; i < ljob->nouts; i++) {
		drm_syncobj_put(ljob->outs[i].obj);
		dma_fence_chain_free(ljob->outs[i].chain);
	}
	kfree(ljob->outs);
	ljob->outs = NULL;
	ljob->nouts = 0;
}

static void mica_job_unlock_resv(struct mica_linux_job *ljob)
{
	if (!ljob->resv_objs)
		return;
	drm_gem_unlock_reservations(ljob->resv_objs, ljob->nresv, &ljob->ww);
	kvfree(ljob->resv_objs);
	ljob->resv_objs = NULL;
}

void mica_os_job_abort(struct mica_job *job)
{
	struct mica_linux_job *ljob = job->os;

	job->os = NULL;
	mica_job_unlock_resv(ljob);
	mica_job_release_outs(ljob);
	drm_sched_job_cleanup(&ljob->base);
	atomic_dec(&ljob->md->live_sched_jobs);
	kfree(ljob);
}

int mica_os_job_add_in_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point)
{
	struct mica_linux_job *ljob = job->os;
	struct dma_fence *fence;
	int ret;

	/* No WAIT_FOR_SUBMIT: SUBMIT never sleeps for user space (-EINVAL, no fence there yet). */
	ret = drm_syncobj_find_fence(file->gem.drm, handle, point, 0, &fence);
	if (ret)
		return ret;
	return drm_sched_job_add_dependency(&ljob->base, fence);	/* takes the reference */
}

int mica_os_job_add_out_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point)
{
	struct mica_linux_job *ljob = job->os;
	struct mica_out_sync *o;
	struct drm_syncobj *obj;
	u32 i;
	int ret = 0;

	obj = drm_syncobj_find(file->gem.drm, handle);
	if (!obj)
		return -ENOENT;
	if (point) {
		/* Timeline points are added above the last one (also within one submit). */
		struct dma_fence *cur = drm_syncobj_fence_get(obj);

		if (cur && to_dma_fence_chain(cur) && cur->seqno >= point)
			ret = -EINVAL;
		dma_fence_put(cur);
		for (i = 0; !ret && i < ljob->nouts; i++)
			if (ljob->outs[i].obj == obj && ljob->outs[i].point >= point)
				ret = -EINVAL;
	}
	if (!ret && ljob->nouts == ljob->outs_cap) {
		u32 cap = ljob->outs_cap ? 2 * ljob->outs_cap : 4;
		struct mica_out_sync *n = krealloc_array(ljob->outs, cap, sizeof(*n), GFP_KERNEL);

		if (n) {
			ljob->outs = n;
			ljob->outs_cap = cap;
		} else {
			ret = -ENOMEM;
		}
	}
	if (ret) {
		drm_syncobj_put(obj);
		return ret;
	}
	o = &ljob->outs[ljob->nouts];
	o->obj = obj;
	o->point = point;
	o->chain = NULL;
	if (point) {
		o->chain = dma_fence_chain_alloc();
		if (!o->chain) {
			drm_syncobj_put(obj);
			return -ENOMEM;
		}
	}
	ljob->nouts++;
	return 0;
}

int mica_os_job_reserve(struct mica_job *job)
{
	struct mica_linux_job *ljob = job->os;
	u32 i;
	int ret;

	if (!job->nbos)
		return 0;
	ljob->resv_objs = kvmalloc_array(job->nbos, sizeof(*ljob->resv_objs), GFP_KERNEL);
	if (!ljob->resv_objs)
		return -ENOMEM;
	/* Each object once: a BO named twice would be locked twice (-EALREADY). */
	ljob->nresv = 0;
	for (i = 0; i < job->nbos; i++) {
		struct drm_gem_object *obj = &job->bos[i]->gem.obj;
		u32 j;

		for (j = 0; j < ljob->nresv && ljob->resv_objs[j] != obj; j++)
			;
		if (j == ljob->nresv)
			ljob->resv_objs[ljob->nresv++] = obj;
	}
	ret = drm_gem_lock_reservations(ljob->resv_objs, ljob->nresv, &ljob->ww);
	if (ret) {
		kvfree(ljob->resv_objs);
		ljob->resv_objs = NULL;
		return ret;
	}
	for (i = 0; i < ljob->nresv; i++) {
		ret = dma_resv_reserve_fences(ljob->resv_objs[i]->resv, 1);
		if (ret) {
			mica_job_unlock_resv(ljob);
			return ret;
		}
	}
	return 0;
}

bool mica_os_job_ready(struct mica_job *job)
{
	return true;	/* drm_sched ran the job only after its dependencies signalled */
}

void mica_os_job_push(struct mica_device *mdev, struct mica_job *job)
{
	struct mica_drm *md = mdev_to_md(mdev);
	struct mica_linux_job *ljob = job->os;
	struct mica_entity *e = job->ctx->os;

	struct dma_fence *finished;
	u32 i;

	lockdep_assert_held(&mdev->lock);
	/* Under mdev->lock: seqnos, hardware fences and pushes are in the same order. */
	dma_fence_init(&ljob->hw, &mica_hw_fence_ops, &md->fence_lock, e->fence_context,
		       job->seqno);
	drm_sched_job_arm(&ljob->base);
	finished = &ljob->base.s_fence->finished;
	/*
	 * A job that depends on this one must wait until it finished, not only until it was
	 * handed to the core (drm_sched's pipelining for one in-order ring): the core interleaves
	 * its contexts' jobs, so being scheduled says nothing about the order they complete in.
	 */
	set_bit(DRM_SCHED_FENCE_DONT_PIPELINE, &finished->flags);
	for (i = 0; i < ljob->nouts; i++) {
		struct mica_out_sync *o = &ljob->outs[i];

		if (o->chain)
			drm_syncobj_add_point(o->obj, o->chain, finished, o->point);
		else
			drm_syncobj_replace_fence(o->obj, finished);
		o->chain = NULL;	/* the sync object's now */
	}
	mica_job_release_outs(ljob);
	/* Implicit sync: readers and writers of these BOs elsewhere wait for the job. */
	for (i = 0; ljob->resv_objs && i < ljob->nresv; i++)
		dma_resv_add_fence(ljob->resv_objs[i]->resv, finished, DMA_RESV_USAGE_WRITE);
	mica_job_unlock_resv(ljob);
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
	seq_printf(m, "jobs %d\npending %u\nhw_rq_count %d\ntimeouts %d\ntimeouts_recovered %d\n",
		   atomic_read(&md->live_sched_jobs), pending,
		   atomic_read(&md->sched.hw_rq_count), atomic_read(&md->sched_timeouts),
		   atomic_read(&md->sched_timeouts_acted));
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
