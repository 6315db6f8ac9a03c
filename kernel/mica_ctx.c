// SPDX-License-Identifier: MIT
/*
 * Contexts (queues). Each owns one hardware context slot whose page-table base is the file's
 * VM, a FIFO of jobs, and a u64 timeline: job N's fence is "completed_seqno >= N". A fault or a
 * hang marks the context guilty; from then on its jobs complete with an error and its submits
 * are refused, which is what the Vulkan driver turns into VK_ERROR_DEVICE_LOST.
 */
#include "mica_drv.h"

static void ctx_release(struct kref *ref)
{
	struct mica_ctx *ctx = container_of(ref, struct mica_ctx, ref);

	mica_os_ctx_free(ctx);
	mica_client_put(ctx->client);
	kfree(ctx);
}

void mica_ctx_put(struct mica_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, ctx_release);
}

struct mica_ctx *mica_ctx_lookup(struct mica_file *file, u32 handle)
{
	struct mica_ctx *ctx;

	mutex_lock(&file->lock);
	ctx = idr_find(&file->ctxs, handle);
	if (ctx)
		kref_get(&ctx->ref);
	mutex_unlock(&file->lock);
	return ctx;
}

int mica_ioctl_ctx_create(struct mica_file *file, void *data)
{
	struct drm_mica_ctx_create *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_ctx *ctx;
	u32 slot;
	int id;

	int ret;

	if (args->flags || args->pad ||
	    (args->type != DRM_MICA_CTX_COMPUTE && args->type != DRM_MICA_CTX_COPY))
		return -EINVAL;
	/* A client whose contexts kept hanging gets no more of the device. */
	if (mica_client_banned(file->client))
		return -EIO;
	ret = mica_client_charge(file->client, MICA_RES_CONTEXTS, 1);
	if (ret)
		return ret;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		mica_client_uncharge(file->client, MICA_RES_CONTEXTS, 1);
		return -ENOMEM;
	}
	kref_init(&ctx->ref);
	ctx->client = mica_client_get(file->client);
	ctx->mdev = mdev;
	ctx->vm = file->vm;
	ctx->file_id = file->id;
	ctx->type = args->type;
	INIT_LIST_HEAD(&ctx->queue);
	ret = mica_os_ctx_init(ctx);
	if (ret) {
		mica_client_uncharge(file->client, MICA_RES_CONTEXTS, 1);
		mica_ctx_put(ctx);
		return ret;
	}

	mutex_lock(&file->lock);
	mutex_lock(&mdev->lock);
	/* Slot 0 is the kernel ring's own physically addressed context. */
	for (slot = 1; slot < MICA_MAX_CONTEXTS; slot++)
		if (!mdev->slots[slot])
			break;
	id = slot == MICA_MAX_CONTEXTS ? -ENOSPC : idr_alloc(&file->ctxs, ctx, 1, 0, GFP_KERNEL);
	if (id < 0) {
		mutex_unlock(&mdev->lock);
		mutex_unlock(&file->lock);
		mica_os_ctx_fini(ctx);
		mica_client_uncharge(file->client, MICA_RES_CONTEXTS, 1);
		mica_ctx_put(ctx);
		return id;
	}
	ctx->slot = slot;
	ctx->handle = (u32)id;
	mdev->slots[slot] = ctx;
	kref_get(&ctx->ref); /* the slot's reference */
	mica_hw_write(mdev->hw, MICA_REG_CTX_PTBASE_LO(slot), (u32)file->vm->pt_root);
	mica_hw_write(mdev->hw, MICA_REG_CTX_PTBASE_HI(slot), (u32)(file->vm->pt_root >> 32));
	mica_hw_write(mdev->hw, MICA_REG_CTX_STATUS(slot), MICA_FAULT_NONE);
	mica_hw_write(mdev->hw, MICA_REG_TLB_INVALIDATE, 1u << slot);
	file->vm->slot_mask |= 1u << slot;
	mutex_unlock(&mdev->lock);
	mutex_unlock(&file->lock);
	args->handle = (u32)id;
	return 0;
}

static bool ctx_idle(struct mica_ctx *ctx)
{
	return READ_ONCE(ctx->inflight) == 0;
}

/* Takes the context off the hardware: queued jobs are cancelled, jobs in the ring run to
 * completion (bounded by the watchdog, the kernel's no-progress timeout and its job_max_ns cap),
 * then the slot is freed.
 */
static void ctx_teardown(struct mica_ctx *ctx)
{
	struct mica_device *mdev = ctx->mdev;
	u32 slot = ctx->slot;

	mutex_lock(&mdev->lock);
	ctx->destroyed = true;
	/* Jobs still queued never run: their fences (and sync points) carry -ECANCELED. */
	if (!list_empty(&ctx->queue))
		ctx->cancel_seqno = list_first_entry(&ctx->queue, struct mica_job, link)->seqno;
	mica_sched_run(mdev); /* cancels what is still queued */
	mutex_unlock(&mdev->lock);
	/* Whatever the OS scheduler still holds reaches the core (and is cancelled there). */
	mica_os_ctx_fini(ctx);

	while (!mica_wait_event_timeout_ns(mdev->fence_wq, ctx_idle(ctx),
					   mdev->params.job_timeout_ns))
		mica_log_printf(&mdev->log, "ctx slot %u: still waiting for its jobs to leave the ring",
				slot);

	mutex_lock(&mdev->lock);
	mica_hw_write(mdev->hw, MICA_REG_CTX_STATUS(slot), MICA_FAULT_NONE);
	mica_hw_write(mdev->hw, MICA_REG_CTX_PTBASE_LO(slot), 0);
	mica_hw_write(mdev->hw, MICA_REG_CTX_PTBASE_HI(slot), 0);
	mica_hw_write(mdev->hw, MICA_REG_TLB_INVALIDATE, 1u << slot);
	ctx->vm->slot_mask &= ~(1u << slot);
	mdev->slots[slot] = NULL;
	mutex_unlock(&mdev->lock);
	mica_client_uncharge(ctx->client, MICA_RES_CONTEXTS, 1);
	mica_ctx_put(ctx); /* the slot's reference */
}

int mica_ioctl_ctx_destroy(struct mica_file *file, void *data)
{
	struct drm_mica_ctx_destroy *args = data;
	struct mica_ctx *ctx;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->lock);
	ctx = idr_remove(&file->ctxs, args->handle);
	mutex_unlock(&file->lock);
	if (!ctx)
		return -ENOENT;
	ctx_teardown(ctx);
	mica_ctx_put(ctx);
	return 0;
}

void mica_ctx_destroy_all(struct mica_file *file)
{
	struct mica_ctx *ctx;
	int id;

	idr_for_each_entry(&file->ctxs, ctx, id) {
		idr_remove(&file->ctxs, id);
		ctx_teardown(ctx);
		mica_ctx_put(ctx);
	}
}

int mica_ctx_seqno_error(struct mica_ctx *ctx, u64 seqno)
{
	lockdep_assert_held(&ctx->mdev->lock);

	if (ctx->guilty && seqno >= ctx->fault_seqno)
		return seqno == ctx->fault_seqno ? -EIO : -ECANCELED;
	if (ctx->cancel_seqno && seqno >= ctx->cancel_seqno)
		return -ECANCELED;
	return 0;
}

int mica_ioctl_ctx_query(struct mica_file *file, void *data)
{
	struct drm_mica_ctx_query *args = data;
	struct mica_ctx *ctx;

	if (args->fault_flags)
		return -EINVAL;
	ctx = mica_ctx_lookup(file, args->handle);
	if (!ctx)
		return -ENOENT;
	mutex_lock(&ctx->mdev->lock);
	args->fault_flags = ctx->fault_flags;
	args->status = ctx->status;
	args->reset_count = ctx->reset_count;
	args->fault = ctx->fault;
	args->fault_addr = ctx->fault_addr;
	args->fault_pc = ctx->fault_pc;
	args->fault_access = ctx->fault_access;
	args->submitted_seqno = ctx->seqno;
	args->completed_seqno = ctx->completed_seqno;
	mutex_unlock(&ctx->mdev->lock);
	mica_ctx_put(ctx);
	return 0;
}

int mica_ioctl_ctx_wait(struct mica_file *file, void *data)
{
	struct drm_mica_ctx_wait *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_ctx *ctx;
	int ret = 0;

	if (args->flags || args->pad || args->timeout_ns < 0 || !args->seqno)
		return -EINVAL;
	ctx = mica_ctx_lookup(file, args->ctx);
	if (!ctx)
		return -ENOENT;
	mutex_lock(&mdev->lock);
	if (args->seqno > ctx->seqno)
		ret = -EINVAL;
	mutex_unlock(&mdev->lock);
	if (!ret && !mica_wait_event_timeout_ns(mdev->fence_wq,
						READ_ONCE(ctx->completed_seqno) >= args->seqno,
						(u64)args->timeout_ns))
		ret = -ETIME;
	if (!ret) {
		mutex_lock(&mdev->lock);
		args->error = mica_ctx_seqno_error(ctx, args->seqno);
		mutex_unlock(&mdev->lock);
	}
	mica_ctx_put(ctx);
	return ret;
}
