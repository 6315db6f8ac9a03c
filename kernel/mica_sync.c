// SPDX-License-Identifier: MIT
/*
 * Timeline sync objects. A sync object's value only grows. A submit attaches points to it
 * ("point P is signalled when context C reaches seqno S"); points are attached in increasing
 * order and retire in order, so the value is the highest point whose job is done. The host can
 * signal points too, which is how user space releases work waiting on it.
 */
#include "mica_drv.h"

static void sync_release(struct kref *ref)
{
	struct mica_syncobj *sync = container_of(ref, struct mica_syncobj, ref);
	struct mica_sync_waiter *w, *tmp;

	/* Pending points hold a reference, so nothing can be pending here. */
	WARN_ON(!list_empty(&sync->pending));
	/*
	 * Nor any waiter: a job holds a reference on what it waits for until it is freed, and it
	 * is freed only after its waiters were woken (run) or cancelled (context teardown). Should
	 * one remain, nobody can signal it any more: release it with an error.
	 */
	WARN_ON(!list_empty(&sync->waiters));
	list_for_each_entry_safe(w, tmp, &sync->waiters, link) {
		list_del_init(&w->link);
		list_del_init(&w->ctx_link);
		mica_os_sync_waiter_wake(w, -ENOENT);
	}
	kfree(sync);
}

void mica_sync_waiter_add(struct mica_device *mdev, struct mica_syncobj *sync,
			  struct mica_job *job, struct mica_sync_waiter *w, u64 point)
{
	lockdep_assert_held(&mdev->lock);

	w->point = point;
	w->job = job;
	list_add_tail(&w->link, &sync->waiters);
	list_add_tail(&w->ctx_link, &job->ctx->waiters);
}

/* Wakes the waiters whose point the value reached. */
static void sync_wake(struct mica_device *mdev, struct mica_syncobj *sync)
{
	struct mica_sync_waiter *w, *tmp;
	u64 value = sync->value;

	lockdep_assert_held(&mdev->lock);
	list_for_each_entry_safe(w, tmp, &sync->waiters, link) {
		if (w->point > value)
			continue;
		list_del_init(&w->link);
		list_del_init(&w->ctx_link);
		mica_os_sync_waiter_wake(w, 0);
	}
}

void mica_sync_cancel_waiters(struct mica_device *mdev, struct mica_ctx *ctx,
			      struct mica_job *job, int err)
{
	struct mica_sync_waiter *w, *tmp;

	lockdep_assert_held(&mdev->lock);
	list_for_each_entry_safe(w, tmp, &ctx->waiters, ctx_link) {
		if (job && w->job != job)
			continue;
		list_del_init(&w->link);
		list_del_init(&w->ctx_link);
		mica_os_sync_waiter_wake(w, err);
	}
}

void mica_sync_put(struct mica_syncobj *sync)
{
	if (sync)
		kref_put(&sync->ref, sync_release);
}

struct mica_syncobj *mica_sync_lookup(struct mica_file *file, u32 handle)
{
	struct mica_syncobj *sync;

	mutex_lock(&file->lock);
	sync = idr_find(&file->syncs, handle);
	if (sync)
		kref_get(&sync->ref);
	mutex_unlock(&file->lock);
	return sync;
}

void mica_sync_attach(struct mica_device *mdev, struct mica_syncobj *sync,
		      struct mica_sync_pending *p, u64 point, struct mica_ctx *ctx, u64 seqno)
{
	lockdep_assert_held(&mdev->lock);

	p->point = point;
	p->ctx = ctx;
	p->seqno = seqno;
	kref_get(&ctx->ref);
	if (list_empty(&sync->pending)) {
		kref_get(&sync->ref);
		list_add_tail(&sync->link, &mdev->syncs);
	}
	list_add_tail(&p->link, &sync->pending);
	sync->last_point = point;
}

void mica_sync_update_all(struct mica_device *mdev)
{
	struct mica_syncobj *sync, *tmp;

	lockdep_assert_held(&mdev->lock);

	list_for_each_entry_safe(sync, tmp, &mdev->syncs, link) {
		while (!list_empty(&sync->pending)) {
			struct mica_sync_pending *p =
				list_first_entry(&sync->pending, struct mica_sync_pending, link);

			int err;

			if (READ_ONCE(p->ctx->completed_seqno) < p->seqno)
				break;
			/* A point reached by a job that faulted or never ran says so. */
			err = mica_ctx_seqno_error(p->ctx, p->seqno);
			if (err && !sync->error)
				WRITE_ONCE(sync->error, err);
			if (p->point > sync->value)
				WRITE_ONCE(sync->value, p->point);
			list_del(&p->link);
			mica_ctx_put(p->ctx);
			kfree(p);
			sync_wake(mdev, sync);
		}
		if (list_empty(&sync->pending)) {
			list_del(&sync->link);
			mica_sync_put(sync);
		}
	}
}

int mica_ioctl_sync_create(struct mica_file *file, void *data)
{
	struct drm_mica_sync_create *args = data;
	struct mica_syncobj *sync;
	int id;

	int ret;

	if (args->flags)
		return -EINVAL;
	ret = mica_client_charge(file->client, MICA_RES_SYNCS, 1);
	if (ret)
		return ret;
	sync = kzalloc(sizeof(*sync), GFP_KERNEL);
	if (!sync) {
		mica_client_uncharge(file->client, MICA_RES_SYNCS, 1);
		return -ENOMEM;
	}
	kref_init(&sync->ref);
	sync->value = args->initial_value;
	sync->last_point = args->initial_value;
	INIT_LIST_HEAD(&sync->pending);
	INIT_LIST_HEAD(&sync->link);
	INIT_LIST_HEAD(&sync->waiters);
	mutex_lock(&file->lock);
	id = idr_alloc(&file->syncs, sync, 1, 0, GFP_KERNEL);
	mutex_unlock(&file->lock);
	if (id < 0) {
		mica_client_uncharge(file->client, MICA_RES_SYNCS, 1);
		kfree(sync);
		return id;
	}
	args->handle = (u32)id;
	return 0;
}

int mica_ioctl_sync_destroy(struct mica_file *file, void *data)
{
	struct drm_mica_sync_destroy *args = data;
	struct mica_syncobj *sync;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->lock);
	sync = idr_remove(&file->syncs, args->handle);
	mutex_unlock(&file->lock);
	if (!sync)
		return -ENOENT;
	/* Jobs that wait on or signal it hold their own references (bounded by the job limit). */
	mica_client_uncharge(file->client, MICA_RES_SYNCS, 1);
	mica_sync_put(sync);
	return 0;
}

void mica_sync_destroy_all(struct mica_file *file)
{
	struct mica_syncobj *sync;
	int id;

	idr_for_each_entry(&file->syncs, sync, id) {
		idr_remove(&file->syncs, id);
		mica_client_uncharge(file->client, MICA_RES_SYNCS, 1);
		mica_sync_put(sync);
	}
}

int mica_ioctl_sync_query(struct mica_file *file, void *data)
{
	struct drm_mica_sync_query *args = data;
	struct mica_syncobj *sync;

	sync = mica_sync_lookup(file, args->handle);
	if (!sync)
		return -ENOENT;
	/* error before value: a waiter that sees the point reached also sees its error. */
	args->error = READ_ONCE(sync->error);
	args->value = READ_ONCE(sync->value);
	mica_sync_put(sync);
	return 0;
}

int mica_ioctl_sync_signal(struct mica_file *file, void *data)
{
	struct drm_mica_sync_signal *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_syncobj *sync;

	if (args->pad || !args->point)
		return -EINVAL;
	sync = mica_sync_lookup(file, args->handle);
	if (!sync)
		return -ENOENT;
	mutex_lock(&mdev->lock);
	if (args->point > sync->value)
		WRITE_ONCE(sync->value, args->point);
	if (args->point > sync->last_point)
		sync->last_point = args->point;
	sync_wake(mdev, sync);
	mica_sched_run(mdev); /* jobs waiting on it may go now */
	mutex_unlock(&mdev->lock);
	wake_up_all(&mdev->fence_wq);
	mica_sync_put(sync);
	return 0;
}

static bool points_reached(struct mica_syncobj **syncs, const struct drm_mica_sync_point *pts,
			   u32 n, bool any, u32 *first)
{
	u32 i, reached = 0;

	for (i = 0; i < n; i++) {
		if (READ_ONCE(syncs[i]->value) >= pts[i].point) {
			if (!reached)
				*first = i;
			reached++;
		}
	}
	return any ? reached > 0 : reached == n;
}

int mica_ioctl_sync_wait(struct mica_file *file, void *data)
{
	struct drm_mica_sync_wait *args = data;
	struct mica_device *mdev = file->mdev;
	struct drm_mica_sync_point *pts = NULL;
	struct mica_syncobj **syncs = NULL;
	bool any = args->flags & DRM_MICA_SYNC_WAIT_ANY;
	u32 i, first = 0;
	int ret;

	if (args->flags & ~DRM_MICA_SYNC_WAIT_ANY || args->timeout_ns < 0 || !args->points.count)
		return -EINVAL;
	ret = mica_copy_array(&args->points, sizeof(*pts), sizeof(*pts), MICA_MAX_SYNCS,
			      (void **)&pts);
	if (ret)
		return ret;
	syncs = kcalloc(args->points.count, sizeof(*syncs), GFP_KERNEL);
	if (!syncs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < args->points.count; i++) {
		if (pts[i].pad || !pts[i].point) {
			ret = -EINVAL;
			goto out;
		}
		syncs[i] = mica_sync_lookup(file, pts[i].handle);
		if (!syncs[i]) {
			ret = -ENOENT;
			goto out;
		}
	}
	if (!mica_wait_event_timeout_ns(mdev->fence_wq,
					points_reached(syncs, pts, args->points.count, any, &first),
					(u64)args->timeout_ns))
		ret = -ETIME;
	else
		args->first_signaled = first;
out:
	for (i = 0; syncs && i < args->points.count; i++)
		mica_sync_put(syncs[i]);
	kfree(syncs);
	kvfree(pts);
	return ret;
}
