// SPDX-License-Identifier: MIT
/*
 * Device init/teardown, the interrupt handler, client files, the ioctl table, DEV_QUERY and
 * the power-profile knob (sysfs "power_profile" in the module).
 */
#include "mica_drv.h"

int mica_device_init(struct mica_device *mdev, struct mica_hw *hw, const struct mica_params *p)
{
	int ret;

	memset(mdev, 0, sizeof(*mdev));
	mdev->hw = hw;
	if (mica_hw_read(hw, MICA_REG_ID) != MICA_ID_VALUE)
		return -ENODEV;
	mdev->vram = mica_hw_vram(hw);
	mdev->vram_size = mica_hw_vram_size(hw);
	mdev->revision = mica_hw_read(hw, MICA_REG_REVISION);
	mdev->cu_count = mica_hw_read(hw, MICA_REG_CU_COUNT);
	mdev->system_dma = MICA_BITFIELD_GET(mica_hw_read(hw, MICA_REG_CAPS), CAPS, SYSTEM_DMA);
	mdev->power_profile = mica_hw_read(hw, MICA_REG_POWER_PROFILE);
	mdev->params.watchdog_cycles = p && p->watchdog_cycles ? p->watchdog_cycles :
				       MICA_DEFAULT_WATCHDOG_CYCLES;
	mdev->params.job_timeout_ns = p && p->job_timeout_ns ? p->job_timeout_ns :
				      MICA_DEFAULT_JOB_TIMEOUT_NS;
	mdev->params.job_max_ns = p && p->job_max_ns ? p->job_max_ns : MICA_DEFAULT_JOB_MAX_NS;
	/*
	 * The cap is never shorter than the no-progress timeout: raising job_timeout_ns (long
	 * kernels under sanitizers) keeps letting a job run that long, progress or not.
	 */
	mdev->params.job_max_ns = max_t(u64, mdev->params.job_max_ns, mdev->params.job_timeout_ns);
	{
		static const u64 fallback[MICA_RES_COUNT] = {
			[MICA_RES_CONTEXTS] = MICA_DEFAULT_CLIENT_CONTEXTS,
			[MICA_RES_JOBS] = MICA_DEFAULT_CLIENT_JOBS,
			[MICA_RES_SYNCS] = MICA_DEFAULT_CLIENT_SYNCS,
			[MICA_RES_CPU_MAPS] = MICA_DEFAULT_CLIENT_CPU_MAPS,
			[MICA_RES_MAPPINGS] = MICA_DEFAULT_CLIENT_MAPPINGS,
			[MICA_RES_PINNED] = MICA_DEFAULT_CLIENT_PINNED_BYTES,
		};
		u32 r;

		for (r = 0; r < MICA_RES_COUNT; r++)
			mdev->params.client_limit[r] = p && p->client_limit[r] ?
						       p->client_limit[r] : fallback[r];
		/*
		 * Byte limits default to fractions of VRAM: three quarters of it for one client,
		 * an eighth of it for its page tables.
		 */
		if (!(p && p->client_limit[MICA_RES_VRAM]))
			mdev->params.client_limit[MICA_RES_VRAM] = mdev->vram_size / 4 * 3;
		if (!(p && p->client_limit[MICA_RES_PT]))
			mdev->params.client_limit[MICA_RES_PT] = mdev->vram_size / 8;
		mdev->params.hang_ban_threshold = p && p->hang_ban_threshold ?
						  p->hang_ban_threshold :
						  MICA_DEFAULT_HANG_BAN_THRESHOLD;
	}
	/* WATCHDOG_CYCLES is a 32-bit register. */
	mdev->params.watchdog_cycles = min_t(u64, mdev->params.watchdog_cycles, 0xffffffffull);

	ret = mica_log_init(&mdev->log);
	if (ret)
		return ret;
	ret = mica_mm_init(&mdev->mm, mdev->vram_size);
	if (ret)
		goto err_log;
	mutex_init(&mdev->lock);
	atomic64_set(&mdev->next_bo_id, 0);
	init_waitqueue_head(&mdev->fence_wq);
	atomic_set(&mdev->irq_pending, 0);
	INIT_WORK(&mdev->irq_work, mica_sched_irq_work);
	INIT_DELAYED_WORK(&mdev->timeout_work, mica_sched_timeout_work);
	mdev->wq = alloc_ordered_workqueue("mica", 0);
	if (!mdev->wq) {
		ret = -ENOMEM;
		goto err_mm;
	}
	mutex_lock(&mdev->lock);
	ret = mica_sched_init(mdev);
	mutex_unlock(&mdev->lock);
	if (ret)
		goto err_wq;
	mica_log_printf(&mdev->log, "Mica revision %u, %u compute units, %llu MiB, power profile %u",
			mdev->revision, mdev->cu_count,
			(unsigned long long)(mdev->vram_size >> 20), mdev->power_profile);
	return 0;
err_wq:
	destroy_workqueue(mdev->wq);
err_mm:
	mica_mm_fini(&mdev->mm);
err_log:
	mica_log_fini(&mdev->log);
	return ret;
}

/* All files must be closed; the platform has already stopped delivering interrupts. */
void mica_device_fini(struct mica_device *mdev)
{
	mica_os_sched_fini(mdev);	/* the OS scheduler first: it may still free jobs */
	mutex_lock(&mdev->lock);
	mdev->dying = true;
	mutex_unlock(&mdev->lock);
	cancel_delayed_work_sync(&mdev->timeout_work);
	destroy_workqueue(mdev->wq);
	mutex_lock(&mdev->lock);
	mica_sched_fini(mdev);
	mica_vm_release_deferred(mdev);
	mutex_unlock(&mdev->lock);
	mica_mm_fini(&mdev->mm);
	mutex_destroy(&mdev->lock);
	mica_log_fini(&mdev->log);
}

/*
 * Top half: acknowledge, remember, defer to the ordered work. The line is edge-like (it fires
 * when INT_STATUS & INT_ENABLE becomes non-zero), so keep acknowledging until it reads zero:
 * a bit that arrives while we run would otherwise keep the line high and silence it.
 */
void mica_irq_handler(struct mica_device *mdev)
{
	u32 st, all = 0;

	while ((st = mica_hw_read(mdev->hw, MICA_REG_INT_STATUS)) != 0) {
		mica_hw_write(mdev->hw, MICA_REG_INT_STATUS, st);
		all |= st;
	}
	if (!all)
		return;
	atomic_or((int)all, &mdev->irq_pending);
	queue_work(mdev->wq, &mdev->irq_work);
}

int mica_open(struct mica_device *mdev, struct mica_file **out)
{
	struct mica_file *file = kzalloc(sizeof(*file), GFP_KERNEL);
	int ret;

	if (!file)
		return -ENOMEM;
	file->mdev = mdev;
	mutex_init(&file->lock);
	idr_init(&file->ctxs);
	mica_os_gem_file_init(file);
	mutex_lock(&mdev->lock);
	file->id = ++mdev->next_file_id;
	mutex_unlock(&mdev->lock);
	file->client = mica_client_create(mdev, file->id);
	if (!file->client) {
		kfree(file);
		return -ENOMEM;
	}
	ret = mica_vm_create(mdev, file->client, &file->vm);
	if (ret) {
		mica_client_put(file->client);
		kfree(file);
		return ret;
	}
	*out = file;
	return 0;
}

void mica_postclose(struct mica_file *file)
{
	/*
	 * As the DRM core does before postclose: the file's GEM handles (and in process its
	 * mappings, which a process exit would take) go first; GPU mappings and jobs keep
	 * their BOs.
	 */
	mica_os_gem_file_fini(file);
	mica_ctx_destroy_all(file);
	mutex_lock(&file->lock);
	mica_vm_destroy(file->vm);
	file->vm = NULL;
	mutex_unlock(&file->lock);
	mica_client_put(file->client);
	idr_destroy(&file->ctxs);
	mutex_destroy(&file->lock);
	kfree(file);
}

int mica_power_profile_store(struct mica_device *mdev, u32 profile)
{
	int ret;

	mutex_lock(&mdev->lock);
	ret = mica_sched_set_profile(mdev, profile);
	mutex_unlock(&mdev->lock);
	return ret;
}

u32 mica_power_profile_show(struct mica_device *mdev)
{
	return READ_ONCE(mdev->power_profile);
}

#define MAX_STRIDE 4096u

int mica_copy_array(const struct drm_mica_obj_array *a, u32 min_stride, u32 elem_size,
		    u32 max_count, void **out)
{
	const u8 __user *src = u64_to_user_ptr(a->array);
	u8 *buf, tail[64];
	u32 i, n;

	*out = NULL;
	if (!a->count)
		return 0;
	if (a->count > max_count || a->stride < min_stride || a->stride > MAX_STRIDE)
		return -EINVAL;
	buf = kvcalloc(a->count, elem_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < a->count; i++) {
		const u8 __user *e = src + (u64)i * a->stride;
		u32 done = min_t(u32, a->stride, elem_size);

		if (copy_from_user(buf + (u64)i * elem_size, e, done))
			goto fault;
		/* A newer user-space struct: the fields this kernel does not know must be zero. */
		while (done < a->stride) {
			u32 k;

			n = min_t(u32, a->stride - done, sizeof(tail));
			if (copy_from_user(tail, e + done, n))
				goto fault;
			for (k = 0; k < n; k++) {
				if (tail[k]) {
					kvfree(buf);
					return -EINVAL;
				}
			}
			done += n;
		}
	}
	*out = buf;
	return 0;
fault:
	kvfree(buf);
	return -EFAULT;
}

static int copy_query(const struct drm_mica_dev_query *q, const void *src, u32 size)
{
	if (q->pointer && copy_to_user(u64_to_user_ptr(q->pointer), src, min_t(u32, q->size, size)))
		return -EFAULT;
	return 0;
}

static int mica_ioctl_dev_query(struct mica_file *file, void *data)
{
	struct drm_mica_dev_query *args = data;
	struct mica_device *mdev = file->mdev;
	int ret;

	switch (args->type) {
	case DRM_MICA_DEV_QUERY_INFO: {
		struct drm_mica_dev_info info;

		memset(&info, 0, sizeof(info));
		info.revision = mdev->revision;
		info.cu_count = mdev->cu_count;
		info.vram_size = mdev->vram_size;
		info.va_start = MICA_USER_VA_START;
		info.va_end = MICA_USER_VA_END;
		info.page_size = MICA_PAGE_SIZE;
		mutex_lock(&mdev->lock);
		info.power_profile = mdev->power_profile;
		info.power_generation = mdev->power_generation;
		mutex_unlock(&mdev->lock);
		info.max_contexts = MICA_MAX_CONTEXTS - 1;
		info.max_cmd_dwords = MICA_MAX_CMD_DWORDS;
		info.max_chain_depth = MICA_MAX_CHAIN_DEPTH;
		info.max_submit_bos = MICA_MAX_SUBMIT_BOS;
		info.max_syncs = MICA_MAX_SYNCS;
		info.max_bind_ops = MICA_MAX_BIND_OPS;
		info.max_bo_size = mdev->vram_size / 2;
		info.max_shader_size = MICA_MAX_SHADER_BYTES;
		info.watchdog_cycles = mdev->params.watchdog_cycles;
		info.job_timeout_ns = mdev->params.job_timeout_ns;
		info.job_max_ns = mdev->params.job_max_ns;
		info.caps = mdev->system_dma ? DRM_MICA_CAP_USERPTR : 0;
		ret = copy_query(args, &info, sizeof(info));
		args->size = sizeof(info);
		return ret;
	}
	case DRM_MICA_DEV_QUERY_REJECT_COUNTS: {
		u64 counts[DRM_MICA_REJECT_COUNT];
		u32 i;

		for (i = 0; i < DRM_MICA_REJECT_COUNT; i++)
			counts[i] = mica_log_reject_count(&mdev->log, i);
		ret = copy_query(args, counts, sizeof(counts));
		args->size = sizeof(counts);
		return ret;
	}
	case DRM_MICA_DEV_QUERY_CLIENT: {
		struct drm_mica_client_info ci;

		mica_client_info(file->client, &ci);
		ret = copy_query(args, &ci, sizeof(ci));
		args->size = sizeof(ci);
		return ret;
	}
	default:
		return -EINVAL;
	}
}

/* Module parameters (/sys/module/mica/parameters/ in the module). */
static u64 *param_ptr(struct mica_device *mdev, const char *name)
{
	static const struct {
		const char *name;
		int res;	/* MICA_RES_* or -1 */
	} knobs[] = {
		{ "client_max_contexts", MICA_RES_CONTEXTS },
		{ "client_max_vram_bytes", MICA_RES_VRAM },
		{ "client_max_pt_bytes", MICA_RES_PT },
		{ "client_max_jobs", MICA_RES_JOBS },
		{ "client_max_syncs", MICA_RES_SYNCS },
		{ "client_max_cpu_maps", MICA_RES_CPU_MAPS },
		{ "client_max_mappings", MICA_RES_MAPPINGS },
		{ "client_max_pinned_bytes", MICA_RES_PINNED },
		{ "hang_ban_threshold", -1 },
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (strcmp(knobs[i].name, name))
			continue;
		return knobs[i].res < 0 ? &mdev->params.hang_ban_threshold :
		       &mdev->params.client_limit[knobs[i].res];
	}
	return NULL;
}

/* New limits apply to later requests; what clients already hold is never taken away. */
int mica_param_set(struct mica_device *mdev, const char *name, u64 value)
{
	u64 *p = param_ptr(mdev, name);

	if (!p)
		return -ENOENT;
	if (!value)
		return -EINVAL;
	mutex_lock(&mdev->lock);
	WRITE_ONCE(*p, value);
	mutex_unlock(&mdev->lock);
	mica_log_printf(&mdev->log, "parameter %s = %llu", name, (unsigned long long)value);
	return 0;
}

int mica_param_get(struct mica_device *mdev, const char *name, u64 *value)
{
	u64 *p = param_ptr(mdev, name);

	if (!p)
		return -ENOENT;
	*value = READ_ONCE(*p);
	return 0;
}

#define MICA_IOCTL(n, f) \
	[DRM_MICA_##n] = { DRM_IOCTL_MICA_##n, f, #n }

const struct mica_ioctl_desc mica_ioctls[DRM_MICA_IOCTL_COUNT] = {
	MICA_IOCTL(DEV_QUERY, mica_ioctl_dev_query),
	MICA_IOCTL(BO_CREATE, mica_ioctl_bo_create),
	MICA_IOCTL(BO_MMAP_OFFSET, mica_ioctl_bo_mmap_offset),
	/* RETIRED_BO_CLOSE, _EXPORT, _IMPORT: no handler (-ENOTTY); GEM_CLOSE and PRIME instead */
	MICA_IOCTL(SHADER_CREATE, mica_ioctl_shader_create),
	MICA_IOCTL(VM_BIND, mica_ioctl_vm_bind),
	MICA_IOCTL(CTX_CREATE, mica_ioctl_ctx_create),
	MICA_IOCTL(CTX_DESTROY, mica_ioctl_ctx_destroy),
	MICA_IOCTL(CTX_QUERY, mica_ioctl_ctx_query),
	MICA_IOCTL(SUBMIT, mica_ioctl_submit),
	MICA_IOCTL(CTX_WAIT, mica_ioctl_ctx_wait),
	/* RETIRED_SYNC_*: no handler (-ENOTTY); the DRM core's SYNCOBJ ioctls instead */
	MICA_IOCTL(BO_INFO, mica_ioctl_bo_info),
	MICA_IOCTL(BO_CREATE_USERPTR, mica_ioctl_bo_create_userptr),
};
