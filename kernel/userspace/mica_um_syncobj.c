// SPDX-License-Identifier: MIT
/*
 * DRM sync objects for the in-process build: what the DRM core's drm_syncobj.c does for the
 * module, with the DRM core's errnos, so the winsys and the uapi tests speak DRM conventions in
 * both worlds.
 *
 * A sync object holds a fence or none. Its fence is a list of nodes in the order they were added:
 * empty (no fence), one node at point 0 (a binary sync object's fence), or timeline points (a
 * dma_fence_chain: the fence of point P is the first node at or above P together with every
 * node before it, since a chain node signals only after its predecessors). Point 0 of a timeline
 * is its whole chain. As in DRM, nothing can wait on a point nobody has submitted or signalled
 * yet (-EINVAL), except a host wait with DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, which waits for
 * the point to appear: wait-before-signal on the device is user space's business.
 *
 * Fences (mica_um_syncobj.h) are a job's completion (its context's seqno) or a host signal.
 * Waiters sleep on the device's fence_wq, which the core wakes whenever jobs complete and the
 * ioctls here wake whenever a point appears.
 *
 * Locks: sync_lock (leaf) guards every node list; file->gem.table_lock the handle table. A
 * fence release may drop a context reference, so no release happens under fence_wq's lock.
 */
#include "mica_um_syncobj.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;

struct um_node {
	struct list_head link;
	u64 point;			/* 0: a binary fence (only ever the first node) */
	struct mica_um_fence *fence;	/* one reference */
};

struct um_syncobj {
	struct kref ref;
	struct list_head nodes;		/* sync_lock */
};

/* DRM's DRM_SYNCOBJ_WAIT_FOR_SUBMIT_TIMEOUT: how long TRANSFER waits for a point to appear. */
#define WAIT_FOR_SUBMIT_NS (5ull * 1000 * 1000 * 1000)

/* ---- fences ---- */

static void fence_release(struct kref *ref)
{
	struct mica_um_fence *f = container_of(ref, struct mica_um_fence, ref);
	u32 i;

	mica_um_live_add(MICA_UM_LIVE_FENCES, -1);
	if (f->ctx)
		mica_ctx_put(f->ctx);
	for (i = 0; i < f->count; i++)
		mica_um_fence_put(f->leaves[i]);
	free(f->leaves);
	free(f);
}

void mica_um_fence_put(struct mica_um_fence *f)
{
	if (f)
		kref_put(&f->ref, fence_release);
}

static struct mica_um_fence *fence_get(struct mica_um_fence *f)
{
	kref_get(&f->ref);
	return f;
}

/* A fence signalled from the start (dma_fence_get_stub()). */
static struct mica_um_fence *fence_stub(void)
{
	struct mica_um_fence *f = calloc(1, sizeof(*f));

	if (f) {
		kref_init(&f->ref);
		mica_um_live_add(MICA_UM_LIVE_FENCES, 1);
	}
	return f;
}

struct mica_um_fence *mica_um_fence_job(struct mica_ctx *ctx, u64 seqno)
{
	struct mica_um_fence *f = fence_stub();

	if (!f)
		return NULL;
	kref_get(&ctx->ref);
	f->ctx = ctx;
	f->seqno = seqno;
	return f;
}

bool mica_um_fence_signaled(const struct mica_um_fence *f)
{
	u32 i;

	if (f->ctx && READ_ONCE(f->ctx->completed_seqno) < f->seqno)
		return false;
	for (i = 0; i < f->count; i++)
		if (!mica_um_fence_signaled(f->leaves[i]))
			return false;
	return true;
}

/* The unsignalled leaves of f, appended to (*leaves, *n); -ENOMEM. */
static int collect_leaves(struct mica_um_fence *f, struct mica_um_fence ***leaves, u32 *n,
			  u32 *cap)
{
	u32 i;

	if (mica_um_fence_signaled(f))
		return 0;
	if (f->count) {
		for (i = 0; i < f->count; i++) {
			int ret = collect_leaves(f->leaves[i], leaves, n, cap);

			if (ret)
				return ret;
		}
		return 0;
	}
	if (*n == *cap) {
		u32 c = *cap ? 2 * *cap : 4;
		struct mica_um_fence **grown = realloc(*leaves, c * sizeof(**leaves));

		if (!grown)
			return -ENOMEM;
		*leaves = grown;
		*cap = c;
	}
	(*leaves)[(*n)++] = fence_get(f);
	return 0;
}

/* ---- node lists (sync_lock held) ---- */

static void node_free(struct um_node *n)
{
	list_del(&n->link);
	mica_um_fence_put(n->fence);
	free(n);
}

static void nodes_clear(struct um_syncobj *obj)
{
	struct um_node *n, *tmp;

	list_for_each_entry_safe(n, tmp, &obj->nodes, link)
		node_free(n);
}

/*
 * What dma_fence_chain's garbage collection does: a signalled node followed by another
 * signalled node adds nothing (the later one answers every question about it).
 */
static void nodes_gc(struct um_syncobj *obj)
{
	while (!list_empty(&obj->nodes) && !list_is_singular(&obj->nodes)) {
		struct um_node *first = list_first_entry(&obj->nodes, struct um_node, link);
		struct um_node *second = list_next_entry(first, link);

		if (!mica_um_fence_signaled(first->fence) || !mica_um_fence_signaled(second->fence))
			break;
		node_free(first);
	}
}

static struct um_node *last_node(struct um_syncobj *obj)
{
	return list_empty(&obj->nodes) ? NULL : list_last_entry(&obj->nodes, struct um_node, link);
}

/*
 * The last node the fence of @point covers (every node from the first up to it), or NULL when
 * there is none: no fence at all, a binary fence asked for a timeline point, or a point above
 * the last one (drm_syncobj_find_fence()'s -EINVAL).
 */
static struct um_node *point_end(struct um_syncobj *obj, u64 point)
{
	struct um_node *last = last_node(obj), *n;

	if (!last)
		return NULL;
	if (!point)
		return last;
	if (last->point < point)
		return NULL;
	list_for_each_entry(n, &obj->nodes, link)
		if (n->point >= point)
			return n;
	return NULL;
}

/* 1 reached (signalled, or with @available: present), 0 not yet, -EINVAL no such point. */
static int point_state(struct um_syncobj *obj, u64 point, bool available)
{
	struct um_node *end = point_end(obj, point), *n;

	if (!end)
		return -EINVAL;
	if (available)
		return 1;
	list_for_each_entry(n, &obj->nodes, link) {
		if (!mica_um_fence_signaled(n->fence))
			return 0;
		if (n == end)
			break;
	}
	return 1;
}

/* Appends (timeline point) or replaces everything (point 0) with @fence; takes a reference. */
static int nodes_attach(struct um_syncobj *obj, u64 point, struct mica_um_fence *fence)
{
	struct um_node *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->point = point;
	n->fence = fence_get(fence);
	if (!point)
		nodes_clear(obj);
	list_add_tail(&n->link, &obj->nodes);
	nodes_gc(obj);
	return 0;
}

/* ---- sync objects ---- */

static void syncobj_release(struct kref *ref)
{
	struct um_syncobj *obj = container_of(ref, struct um_syncobj, ref);

	pthread_mutex_lock(&sync_lock);
	nodes_clear(obj);
	pthread_mutex_unlock(&sync_lock);
	free(obj);
	mica_um_live_add(MICA_UM_LIVE_SYNCOBJS, -1);
}

void mica_um_syncobj_put(struct um_syncobj *obj)
{
	if (obj)
		kref_put(&obj->ref, syncobj_release);
}

struct um_syncobj *mica_um_syncobj_lookup(struct mica_file *file, u32 handle)
{
	struct um_syncobj *obj;

	mutex_lock(&file->gem.table_lock);
	obj = idr_find(&file->gem.syncobjs, handle);
	if (obj)
		kref_get(&obj->ref);
	mutex_unlock(&file->gem.table_lock);
	return obj;
}

int mica_um_syncobj_find_fence(struct um_syncobj *obj, u64 point, struct mica_um_fence **out)
{
	struct mica_um_fence **leaves = NULL, *f;
	struct um_node *end, *n;
	u32 count = 0, cap = 0, i;
	int ret = 0;

	pthread_mutex_lock(&sync_lock);
	nodes_gc(obj);
	end = point_end(obj, point);
	if (!end)
		ret = -EINVAL;
	list_for_each_entry(n, &obj->nodes, link) {
		if (ret)
			break;
		ret = collect_leaves(n->fence, &leaves, &count, &cap);
		if (n == end)
			break;
	}
	pthread_mutex_unlock(&sync_lock);
	if (!ret && count == 1) {
		*out = leaves[0];
		free(leaves);
		return 0;
	}
	f = ret ? NULL : fence_stub();
	if (!f) {
		for (i = 0; i < count; i++)
			mica_um_fence_put(leaves[i]);
		free(leaves);
		return ret ? ret : -ENOMEM;
	}
	f->leaves = leaves;
	f->count = count;
	*out = f;
	return 0;
}

int mica_um_syncobj_check_point(struct um_syncobj *obj, u64 point)
{
	struct um_node *last;
	int ret = 0;

	pthread_mutex_lock(&sync_lock);
	last = last_node(obj);
	if (point && last && last->point >= point)
		ret = -EINVAL;
	pthread_mutex_unlock(&sync_lock);
	return ret;
}

void mica_um_syncobj_attach(struct um_syncobj *obj, u64 point, struct mica_um_fence *fence)
{
	pthread_mutex_lock(&sync_lock);
	/* Out of memory here loses the point (as an allocation failure after arming would). */
	WARN_ON(nodes_attach(obj, point, fence));
	pthread_mutex_unlock(&sync_lock);
}

void mica_um_syncobj_file_init(struct mica_file *file)
{
	idr_init(&file->gem.syncobjs);
}

void mica_um_syncobj_file_fini(struct mica_file *file)
{
	struct um_syncobj *obj;
	int id;

	idr_for_each_entry(&file->gem.syncobjs, obj, id) {
		idr_remove(&file->gem.syncobjs, id);
		mica_um_syncobj_put(obj);
	}
	idr_destroy(&file->gem.syncobjs);
}

/* ---- the ioctls ---- */

/*
 * The DRM core sizes its arrays with the caller's count (kmalloc_array()), which fails above
 * KMALLOC_MAX_SIZE (4 MiB on x86-64) with -ENOMEM before any user memory is read. In process a
 * count-sized calloc() would succeed (overcommit) and the copy then run far past the caller's
 * array: a hostile count crashed the process instead of failing the ioctl.
 */
#define UM_KMALLOC_MAX_SIZE (4ull << 20)

static void *um_kmalloc_array(u32 n, size_t size)
{
	if ((u64)n * size > UM_KMALLOC_MAX_SIZE)
		return NULL;
	return kcalloc(n, size, GFP_KERNEL);
}

/* drm_syncobj_array_find(): -EFAULT, -ENOENT, -ENOMEM. */
static int array_find(struct mica_file *file, u64 handles, u32 count, struct um_syncobj ***out)
{
	struct um_syncobj **objs;
	u32 *h;
	u32 i;
	int ret = 0;

	h = um_kmalloc_array(count, sizeof(*h));
	objs = um_kmalloc_array(count, sizeof(*objs));
	if (!h || !objs) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(h, u64_to_user_ptr(handles), (unsigned long)count * sizeof(*h))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < count; i++) {
		objs[i] = mica_um_syncobj_lookup(file, h[i]);
		if (!objs[i]) {
			ret = -ENOENT;
			break;
		}
	}
out:
	if (ret && objs) {
		for (i = 0; i < count; i++)
			mica_um_syncobj_put(objs[i]);
		kfree(objs);
		objs = NULL;
	}
	kfree(h);
	*out = objs;
	return ret;
}

static void array_put(struct um_syncobj **objs, u32 count)
{
	u32 i;

	for (i = 0; objs && i < count; i++)
		mica_um_syncobj_put(objs[i]);
	kfree(objs);
}

static int copy_points(u64 ptr, u32 count, u64 **out)
{
	*out = um_kmalloc_array(count, sizeof(u64));
	if (!*out)
		return -ENOMEM;
	if (ptr && copy_from_user(*out, u64_to_user_ptr(ptr), (unsigned long)count * sizeof(u64)))
		return -EFAULT;
	return 0;
}

static int syncobj_create(struct mica_file *file, void *data)
{
	struct drm_syncobj_create *args = data;
	struct um_syncobj *obj;
	int id;

	if (args->flags & ~DRM_SYNCOBJ_CREATE_SIGNALED)
		return -EINVAL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return -ENOMEM;
	kref_init(&obj->ref);
	INIT_LIST_HEAD(&obj->nodes);
	mica_um_live_add(MICA_UM_LIVE_SYNCOBJS, 1);
	if (args->flags & DRM_SYNCOBJ_CREATE_SIGNALED) {
		struct mica_um_fence *stub = fence_stub();
		int ret = stub ? nodes_attach(obj, 0, stub) : -ENOMEM;

		mica_um_fence_put(stub);
		if (ret) {
			mica_um_syncobj_put(obj);
			return ret;
		}
	}
	mutex_lock(&file->gem.table_lock);
	id = idr_alloc(&file->gem.syncobjs, obj, 1, 0, GFP_KERNEL);
	mutex_unlock(&file->gem.table_lock);
	if (id < 0) {
		mica_um_syncobj_put(obj);
		return id;
	}
	args->handle = (u32)id;
	return 0;
}

static int syncobj_destroy(struct mica_file *file, void *data)
{
	struct drm_syncobj_destroy *args = data;
	struct um_syncobj *obj;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->gem.table_lock);
	obj = idr_remove(&file->gem.syncobjs, args->handle);
	mutex_unlock(&file->gem.table_lock);
	if (!obj)
		return -EINVAL;	/* drm_syncobj_destroy() */
	mica_um_syncobj_put(obj);
	return 0;
}

/* 0 done, -EAGAIN not yet, -EINVAL a point without a fence and no WAIT_FOR_SUBMIT. */
static int wait_check(struct um_syncobj **objs, const u64 *points, u32 count, u32 flags,
		      u32 *first)
{
	bool all = flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	u32 i, reached = 0;
	int ret = -EAGAIN;

	pthread_mutex_lock(&sync_lock);
	for (i = 0; i < count; i++) {
		int st = point_state(objs[i], points[i],
				     flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);

		if (st < 0 && !(flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT)) {
			ret = -EINVAL;
			goto out;
		}
		if (st > 0) {
			if (!reached)
				*first = i;
			reached++;
		}
	}
	if (all ? reached == count : reached > 0)
		ret = 0;
out:
	pthread_mutex_unlock(&sync_lock);
	return ret;
}

/* drm_syncobj_array_wait_timeout(): @timeout_nsec is absolute CLOCK_MONOTONIC, <= now polls. */
static int array_wait(struct mica_file *file, struct um_syncobj **objs, const u64 *points,
		      u32 count, u32 flags, s64 timeout_nsec, u32 *first)
{
	wait_queue_head_t *wq = &file->mdev->fence_wq;
	u64 deadline = timeout_nsec > 0 ? (u64)timeout_nsec : 0;
	int ret;

	pthread_mutex_lock(&wq->m);
	for (;;) {
		ret = wait_check(objs, points, count, flags, first);
		if (ret != -EAGAIN)
			break;
		if (mica_um_wait_until(wq, deadline)) {
			ret = wait_check(objs, points, count, flags, first);
			if (ret == -EAGAIN)
				ret = -ETIME;
			break;
		}
	}
	pthread_mutex_unlock(&wq->m);
	return ret;
}

#define WAIT_FLAGS (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | \
		    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE)

static int syncobj_wait(struct mica_file *file, void *data)
{
	struct drm_syncobj_wait *args = data;
	struct um_syncobj **objs;
	u64 *points = NULL;
	u32 first = ~0u;
	int ret;

	/* The binary wait knows no WAIT_AVAILABLE (drm_syncobj_wait_ioctl()). */
	if (args->flags & ~(DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
		return -EINVAL;
	if (!args->count_handles)
		return -EINVAL;
	ret = array_find(file, args->handles, args->count_handles, &objs);
	if (ret)
		return ret;
	ret = copy_points(0, args->count_handles, &points);
	if (!ret)
		ret = array_wait(file, objs, points, args->count_handles, args->flags,
				 args->timeout_nsec, &first);
	if (!ret)
		args->first_signaled = first;
	kfree(points);
	array_put(objs, args->count_handles);
	return ret;
}

static int syncobj_timeline_wait(struct mica_file *file, void *data)
{
	struct drm_syncobj_timeline_wait *args = data;
	struct um_syncobj **objs;
	u64 *points = NULL;
	u32 first = ~0u;
	int ret;

	if (args->flags & ~WAIT_FLAGS)
		return -EINVAL;
	if (!args->count_handles)
		return -EINVAL;
	ret = array_find(file, args->handles, args->count_handles, &objs);
	if (ret)
		return ret;
	ret = copy_points(args->points, args->count_handles, &points);
	if (!ret)
		ret = array_wait(file, objs, points, args->count_handles, args->flags,
				 args->timeout_nsec, &first);
	if (!ret)
		args->first_signaled = first;
	kfree(points);
	array_put(objs, args->count_handles);
	return ret;
}

/* RESET (@signal false: no fence) and SIGNAL (a signalled fence), binary style. */
static int array_reset_or_signal(struct mica_file *file, void *data, bool signal)
{
	struct drm_syncobj_array *args = data;
	struct mica_um_fence *stub = NULL;
	struct um_syncobj **objs;
	u32 i;
	int ret;

	if (args->pad || !args->count_handles)
		return -EINVAL;
	ret = array_find(file, args->handles, args->count_handles, &objs);
	if (ret)
		return ret;
	if (signal) {
		stub = fence_stub();
		if (!stub)
			ret = -ENOMEM;
	}
	pthread_mutex_lock(&sync_lock);
	for (i = 0; !ret && i < args->count_handles; i++) {
		if (signal)
			ret = nodes_attach(objs[i], 0, stub);
		else
			nodes_clear(objs[i]);
	}
	pthread_mutex_unlock(&sync_lock);
	mica_um_fence_put(stub);
	array_put(objs, args->count_handles);
	wake_up_all(&file->mdev->fence_wq);
	return ret;
}

static int syncobj_reset(struct mica_file *file, void *data)
{
	return array_reset_or_signal(file, data, false);
}

static int syncobj_signal(struct mica_file *file, void *data)
{
	return array_reset_or_signal(file, data, true);
}

static int syncobj_timeline_signal(struct mica_file *file, void *data)
{
	struct drm_syncobj_timeline_array *args = data;
	struct mica_um_fence *stub;
	struct um_syncobj **objs;
	u64 *points = NULL;
	u32 i;
	int ret;

	if (args->flags || !args->count_handles)
		return -EINVAL;
	ret = array_find(file, args->handles, args->count_handles, &objs);
	if (ret)
		return ret;
	ret = copy_points(args->points, args->count_handles, &points);
	stub = ret ? NULL : fence_stub();
	if (!ret && !stub)
		ret = -ENOMEM;
	pthread_mutex_lock(&sync_lock);
	for (i = 0; !ret && i < args->count_handles; i++)
		ret = nodes_attach(objs[i], points[i], stub);
	pthread_mutex_unlock(&sync_lock);
	mica_um_fence_put(stub);
	kfree(points);
	array_put(objs, args->count_handles);
	wake_up_all(&file->mdev->fence_wq);
	return ret;
}

/* DRM_IOCTL_SYNCOBJ_QUERY: the highest point up to which everything signalled (or submitted). */
static u64 query_point(struct um_syncobj *obj, bool last_submitted)
{
	struct um_node *last = last_node(obj), *n;
	u64 value = 0;

	if (!last || !last->point)
		return 0;	/* no fence, or a binary one: not a timeline */
	if (last_submitted)
		return last->point;
	list_for_each_entry(n, &obj->nodes, link) {
		if (!mica_um_fence_signaled(n->fence))
			break;
		value = n->point;
	}
	return value;
}

static int syncobj_query(struct mica_file *file, void *data)
{
	struct drm_syncobj_timeline_array *args = data;
	struct um_syncobj **objs;
	u64 *points = NULL;
	u32 i;
	int ret;

	if (args->flags & ~DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED || !args->count_handles)
		return -EINVAL;
	ret = array_find(file, args->handles, args->count_handles, &objs);
	if (ret)
		return ret;
	ret = copy_points(0, args->count_handles, &points);
	pthread_mutex_lock(&sync_lock);
	for (i = 0; !ret && i < args->count_handles; i++) {
		nodes_gc(objs[i]);
		points[i] = query_point(objs[i],
					args->flags & DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED);
	}
	pthread_mutex_unlock(&sync_lock);
	if (!ret && copy_to_user(u64_to_user_ptr(args->points), points,
				 (unsigned long)args->count_handles * sizeof(u64)))
		ret = -EFAULT;
	kfree(points);
	array_put(objs, args->count_handles);
	return ret;
}

static int syncobj_transfer(struct mica_file *file, void *data)
{
	struct drm_syncobj_transfer *args = data;
	struct um_syncobj *src, *dst;
	struct mica_um_fence *fence = NULL;
	int ret;

	if (args->pad)
		return -EINVAL;
	src = mica_um_syncobj_lookup(file, args->src_handle);
	if (!src)
		return -ENOENT;
	dst = mica_um_syncobj_lookup(file, args->dst_handle);
	if (!dst) {
		mica_um_syncobj_put(src);
		return -ENOENT;
	}
	ret = mica_um_syncobj_find_fence(src, args->src_point, &fence);
	if (ret == -EINVAL && args->flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) {
		u64 point = args->src_point;
		u32 first;

		ret = array_wait(file, &src, &point, 1, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
				 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE,
				 (s64)(ktime_get_ns() + WAIT_FOR_SUBMIT_NS), &first);
		if (!ret)
			ret = mica_um_syncobj_find_fence(src, args->src_point, &fence);
	}
	if (!ret) {
		pthread_mutex_lock(&sync_lock);
		ret = nodes_attach(dst, args->dst_point, fence);
		pthread_mutex_unlock(&sync_lock);
	}
	mica_um_fence_put(fence);
	mica_um_syncobj_put(src);
	mica_um_syncobj_put(dst);
	wake_up_all(&file->mdev->fence_wq);
	return ret;
}

static const struct mica_um_core_ioctl syncobj_ioctls[] = {
	{ DRM_IOCTL_SYNCOBJ_CREATE, syncobj_create, "SYNCOBJ_CREATE" },
	{ DRM_IOCTL_SYNCOBJ_DESTROY, syncobj_destroy, "SYNCOBJ_DESTROY" },
	{ DRM_IOCTL_SYNCOBJ_WAIT, syncobj_wait, "SYNCOBJ_WAIT" },
	{ DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, syncobj_timeline_wait, "SYNCOBJ_TIMELINE_WAIT" },
	{ DRM_IOCTL_SYNCOBJ_RESET, syncobj_reset, "SYNCOBJ_RESET" },
	{ DRM_IOCTL_SYNCOBJ_SIGNAL, syncobj_signal, "SYNCOBJ_SIGNAL" },
	{ DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, syncobj_timeline_signal, "SYNCOBJ_TIMELINE_SIGNAL" },
	{ DRM_IOCTL_SYNCOBJ_QUERY, syncobj_query, "SYNCOBJ_QUERY" },
	{ DRM_IOCTL_SYNCOBJ_TRANSFER, syncobj_transfer, "SYNCOBJ_TRANSFER" },
};

const struct mica_um_core_ioctl *mica_um_syncobj_ioctl_find(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(syncobj_ioctls); i++)
		if (syncobj_ioctls[i].cmd == cmd)
			return &syncobj_ioctls[i];
	return NULL;
}
